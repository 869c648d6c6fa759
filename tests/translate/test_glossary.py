"""The glossary: one spelling per name, kept through engines that know nothing of it."""

from __future__ import annotations

import pytest

from foreigndesk.errors import DeskError
from foreigndesk.translate.glossary import (
    NO_GLOSSARY,
    Glossary,
    GlossaryEntry,
    parse_csv,
    parse_tbx,
    restore,
)

GLOSSARY = Glossary(
    "en",
    "ja",
    (
        GlossaryEntry("Jane Roe", "ジェーン・ロウ"),
        GlossaryEntry("Roe", "ロウ"),
        GlossaryEntry("Portsville", "ポーツヴィル"),
    ),
)


def test_longer_terms_win_and_only_whole_words_match() -> None:
    text = "Jane Roe met Mr Roe in Portsville, not in Roebuck."
    assert [e.source for e in GLOSSARY.matches(text)] == ["Portsville", "Jane Roe", "Roe"]
    protected, tokens = GLOSSARY.protect(text)
    assert "Roebuck" in protected
    assert "Jane" not in protected
    assert restore(protected, tokens) == (
        "ジェーン・ロウ met Mr ロウ in ポーツヴィル, not in Roebuck.",
        [],
    )


def test_terms_inside_tags_are_left_alone() -> None:
    protected, _ = GLOSSARY.protect('<a href="https://x.test/Portsville">Portsville</a>')
    assert protected.startswith('<a href="https://x.test/Portsville">')
    assert "Portsville</a>" not in protected


def test_a_token_the_engine_lost_is_reported() -> None:
    _, tokens = GLOSSARY.protect("Jane Roe spoke.")
    text, lost = restore("She spoke.", tokens)
    assert text == "She spoke."
    assert lost == list(tokens)


def test_the_version_changes_only_for_text_that_uses_a_changed_term() -> None:
    other = Glossary("en", "ja", (*GLOSSARY.entries, GlossaryEntry("harbour", "港")))
    assert GLOSSARY.version_for("A quiet street.") == NO_GLOSSARY
    assert other.version_for("A quiet street.") == NO_GLOSSARY
    assert GLOSSARY.version_for("Jane Roe spoke.") == other.version_for("Jane Roe spoke.")
    respelled = Glossary("en", "ja", (GlossaryEntry("Jane Roe", "ジェーン・ロー"),))
    assert respelled.version_for("Jane Roe spoke.") != GLOSSARY.version_for("Jane Roe spoke.")


def test_a_term_left_in_the_sources_letters_is_respelled_in_text_only() -> None:
    source = '<a href="/jane-roe">Jane Roe</a> met Roe.'
    answer = '<a href="/Jane Roe">Jane Roe</a>はRoeに会った。'
    assert GLOSSARY.enforce(source, answer) == (
        '<a href="/Jane Roe">ジェーン・ロウ</a>はロウに会った。',
        [],
    )


def test_a_term_spelled_with_other_marks_between_its_parts_is_kept() -> None:
    assert GLOSSARY.enforce("Jane Roe spoke.", "ジェーン＝ロウが話した。") == (
        "ジェーン＝ロウが話した。",
        [],
    )


def test_a_target_that_holds_its_source_is_not_written_twice() -> None:
    nato = Glossary("en", "ja", (GlossaryEntry("NATO", "NATO（北大西洋条約機構）"),))
    assert nato.enforce("NATO met.", "NATO（北大西洋条約機構）が会合した。")[0] == (
        "NATO（北大西洋条約機構）が会合した。"
    )
    assert (
        nato.enforce("NATO met.", "NATOが会合した。")[0] == "NATO（北大西洋条約機構）が会合した。"
    )


def test_a_term_dropped_or_spelled_another_way_is_named() -> None:
    dropped = GLOSSARY.enforce("Jane Roe spoke.", "彼女が話した。")
    respelled = GLOSSARY.enforce("Jane Roe spoke.", "ジェーン・ローが話した。")
    assert [e.source for e in dropped[1]] == ["Jane Roe", "Roe"]
    assert [e.source for e in respelled[1]] == ["Jane Roe", "Roe"]


def test_an_answer_lacks_a_term_it_holds_only_in_a_tag_not_one_with_other_marks() -> None:
    # One check for every engine's answer: sent the glossary (DeepL's) or its tokens.
    assert GLOSSARY.lacking("Jane Roe spoke.", "ジェーン＝ロウが話した。") == []
    lacking = GLOSSARY.lacking("Jane Roe spoke.", '<a title="ジェーン・ロウ">彼女</a>が話した。')
    assert [e.source for e in lacking] == ["Jane Roe", "Roe"]


def test_names_in_bylines_are_renamed_exactly() -> None:
    assert GLOSSARY.rename("Jane Roe") == "ジェーン・ロウ"
    assert GLOSSARY.rename("Jane Doe") == "Jane Doe"


def test_csv_with_or_without_a_header() -> None:
    assert parse_csv("source,target\nJane Roe,ジェーン・ロウ\n\n") == [
        GlossaryEntry("Jane Roe", "ジェーン・ロウ")
    ]
    assert parse_csv('"Roe, Jane",ロウ') == [GlossaryEntry("Roe, Jane", "ロウ")]
    with pytest.raises(DeskError, match="row 2: needs a source and a target"):
        parse_csv("a,b\nonly one\n")


TBX = """<?xml version="1.0" encoding="UTF-8"?>
<tbx type="TBX-Basic" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
  <text><body>
    <conceptEntry id="c1">
      <langSec xml:lang="en"><termSec><term>Jane Roe</term></termSec></langSec>
      <langSec xml:lang="ja"><termSec><term>ジェーン・ロウ</term></termSec></langSec>
    </conceptEntry>
    <conceptEntry id="c2">
      <langSec xml:lang="en"><termSec><term>harbour</term></termSec></langSec>
      <langSec xml:lang="fr"><termSec><term>port</term></termSec></langSec>
    </conceptEntry>
  </body></text>
</tbx>""".encode()

TBX_V2 = """<?xml version="1.0"?>
<martif type="TBX"><text><body>
  <termEntry><langSet xml:lang="en-GB"><tig><term>Portsville</term></tig></langSet>
  <langSet xml:lang="ja-JP"><tig><term>ポーツヴィル</term></tig></langSet></termEntry>
</body></text></martif>""".encode()


def test_tbx_v3_and_v2_entries_for_the_pair() -> None:
    assert parse_tbx(TBX, "en", "ja") == [GlossaryEntry("Jane Roe", "ジェーン・ロウ")]
    assert parse_tbx(TBX_V2, "en", "ja") == [GlossaryEntry("Portsville", "ポーツヴィル")]


def test_tbx_never_expands_entities() -> None:
    evil = b"""<?xml version="1.0"?>
<!DOCTYPE tbx [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<tbx><text><body><conceptEntry>
<langSec xml:lang="en"><termSec><term>&xxe;</term></termSec></langSec>
<langSec xml:lang="ja"><termSec><term>x</term></termSec></langSec>
</conceptEntry></body></text></tbx>"""
    entries = parse_tbx(evil, "en", "ja")
    assert all("root:" not in e.source for e in entries)
