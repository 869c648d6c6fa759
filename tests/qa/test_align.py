"""Aligning a translator's paragraphs with the source's: a paragraph pasted twice, dropped,
added, merged or split is a finding with both positions, and every other check runs on
the pairs the alignment found. Block numbers count from 0, as ``qa check`` shows them."""

from __future__ import annotations

import pytest

from foreigndesk.config import QASettings
from foreigndesk.models import Finding, Severity
from foreigndesk.qa import BlockPair, check_pairs, check_texts
from foreigndesk.qa.align import Bead, Fault, Problem, align, anchors
from tests.qa.helpers import context

EN = [
    "The old harbour of Maple Bay reopened on Saturday after two years of repairs. About "
    "3,000 people came to watch the first boats come in.",
    "The work cost 12 million euros, most of it paid by the regional government. The mayor, "
    "Ana Ruiz, thanked the divers who rebuilt the sea wall stone by stone.",
    "Fishing boats will use the eastern quay from Monday. The western quay is kept for "
    "ferries, which leave every 40 minutes in summer.",
    "A small museum beside the lighthouse tells the story of the harbour since 1850. Entry "
    "is free for children under 12.",
    "Next year the town plans to plant 500 trees along the promenade. Residents can suggest "
    "places on the council's website.",
    "The harbour master expects the first cruise ship in June. It will stay for one night "
    "and leave for the islands in the morning.",
]
ES = [
    "El antiguo puerto de Maple Bay reabrió el sábado tras dos años de obras. Unas 3.000 "
    "personas acudieron a ver llegar los primeros barcos.",
    "Las obras costaron 12 millones de euros, pagados en su mayor parte por el gobierno "
    "regional. La alcaldesa, Ana Ruiz, dio las gracias a los buzos que reconstruyeron el "
    "malecón piedra a piedra.",
    "Los barcos de pesca usarán el muelle oriental a partir del lunes. El muelle occidental "
    "queda para los transbordadores, que salen cada 40 minutos en verano.",
    "Un pequeño museo junto al faro cuenta la historia del puerto desde 1850. La entrada es "
    "gratuita para los menores de 12 años.",
    "El año que viene el pueblo plantará 500 árboles a lo largo del paseo. Los vecinos "
    "pueden proponer lugares en la web del ayuntamiento.",
    "El capitán del puerto espera el primer crucero en junio. Pasará una noche y saldrá "
    "hacia las islas por la mañana.",
]
JA = [
    "メープルベイの古い港が、2年間の改修を終えて土曜日に再開した。"
    "最初の船が入ってくるのを見ようと、約3000人が集まった。",
    "工事費は1200万ユーロで、大半を地方政府が負担した。"
    "アナ・ルイス町長は、防波堤を石を一つずつ積み直した潜水士たちに感謝した。",
    "漁船は月曜日から東側の岸壁を使う。西側の岸壁はフェリー用で、夏は40分ごとに出航する。",
    "灯台の隣にある小さな博物館では、1850年以降の港の歴史を紹介している。"
    "12歳未満の子どもは入場無料だ。",
    "町は来年、遊歩道沿いに500本の木を植える予定だ。住民は町のウェブサイトで植える場所を提案できる。",
    "港長は、6月に最初のクルーズ船が来ると見込んでいる。船は一晩停泊し、翌朝に島々へ向けて出航する。",
]
TRANSLATIONS = {"es": ES, "ja": JA}


def alignment_findings(source: list[str], target: list[str], lang: str) -> list[Finding]:
    return [f for f in check_texts(source, target, context(lang)) if f.check == "alignment"]


def faults(source: list[str], target: list[str]) -> list[tuple[Fault, tuple[int, ...]]]:
    return [(p.fault, p.source or p.target) for p in align(source, target).problems]


@pytest.mark.parametrize("lang", ["es", "ja"])
def test_the_same_count_paired_one_to_one_gives_exactly_what_check_pairs_gives(
    lang: str,
) -> None:
    target = list(TRANSLATIONS[lang])
    target[2] = target[2].replace("40", "45")  # one real fault, found as before
    pairs = [BlockPair(i, s, t) for i, (s, t) in enumerate(zip(EN, target, strict=True))]
    found = check_texts(EN, target, context(lang))
    assert found == check_pairs(pairs, context(lang))
    assert found and {(f.position, f.check) for f in found} == {(2, "numbers")}
    assert align(EN, target).beads == tuple(Bead((i,), (i,)) for i in range(6))


@pytest.mark.parametrize("lang", ["es", "ja"])
@pytest.mark.parametrize("pasted_at", [2, 4])
def test_a_paragraph_pasted_twice_is_an_error_naming_both_positions(
    lang: str, pasted_at: int
) -> None:
    translation = TRANSLATIONS[lang][:5]
    target = [*translation[:pasted_at], translation[1], *translation[pasted_at:]]
    found = check_texts(EN[:5], target, context(lang))
    assert [f for f in found if f.check in {"alignment", "repeats"}] == [
        Finding(
            "repeats",
            Severity.ERROR,
            f"block {pasted_at} repeats block 1 and has no source block of its own",
            pasted_at,
            (0, len(translation[1])),
        )
    ]
    assert not [f for f in found if f.check == "numbers"]  # the later pairs are not shifted


@pytest.mark.parametrize("lang", ["es", "ja"])
@pytest.mark.parametrize(
    ("dropped", "message", "position"),
    [
        (0, "source block 0 has no translation (before block 0)", 0),
        (2, "source block 2 has no translation (between blocks 1 and 2)", 1),
        (5, "source block 5 has no translation (after block 4)", 4),
    ],
)
def test_a_dropped_paragraph_is_an_error_naming_the_source_paragraph(
    lang: str, dropped: int, message: str, position: int
) -> None:
    target = [t for i, t in enumerate(TRANSLATIONS[lang]) if i != dropped]
    assert [(f.severity, f.message, f.position) for f in alignment_findings(EN, target, lang)] == [
        (Severity.ERROR, message, position)
    ]


@pytest.mark.parametrize("lang", ["es", "ja"])
def test_a_paragraph_added_without_a_source_is_an_error(lang: str) -> None:
    added = {
        "es": "Las entradas para el concierto del domingo ya están a la venta en la oficina.",
        "ja": "日曜日のコンサートのチケットは、観光案内所ですでに販売されている。",
    }[lang]
    target = [*TRANSLATIONS[lang][:3], added, *TRANSLATIONS[lang][3:5]]
    assert [
        (f.severity, f.message, f.position) for f in alignment_findings(EN[:5], target, lang)
    ] == [
        (
            Severity.ERROR,
            "block 3 translates nothing in the source (between source blocks 2 and 3)",
            3,
        )
    ]


@pytest.mark.parametrize("lang", ["es", "ja"])
def test_two_paragraphs_merged_are_a_warning_and_are_checked_as_one(lang: str) -> None:
    translation = TRANSLATIONS[lang]
    gap = " " if lang == "es" else ""
    target = [*translation[:2], translation[2] + gap + translation[3], *translation[4:]]
    assert alignment_findings(EN, target, lang) == [
        Finding(
            "alignment",
            Severity.WARNING,
            "source blocks 2 and 3 are translated together in block 2",
            2,
        )
    ]
    assert not [f for f in check_texts(EN, target, context(lang)) if f.check == "numbers"]
    merged = [*target[:2], target[2].replace("1850", "1805"), *target[3:]]
    numbers = [f for f in check_texts(EN, merged, context(lang)) if f.check == "numbers"]
    assert {f.position for f in numbers} == {2}


def test_a_paragraph_split_in_two_is_a_warning_and_findings_point_into_the_half_they_are_in() -> (
    None
):
    first, second = ES[0].split(". ", 1)
    target = [first + ".", second.replace("3.000", "4.000"), *ES[1:5]]
    found = check_texts(EN[:5], target, context("es"))
    assert [f for f in found if f.check == "alignment"] == [
        Finding(
            "alignment",
            Severity.WARNING,
            "source block 0 is translated in two, blocks 0 and 1",
            0,
        )
    ]
    numbers = [f for f in found if f.check == "numbers"]
    assert numbers and {f.position for f in numbers} == {1}
    assert {target[1][f.span[0] : f.span[1]] for f in numbers if f.span} == {"4.000"}


def test_english_to_japanese_is_aligned_by_length_at_the_texts_own_ratio() -> None:
    """No numbers or names to lean on: only lengths, at about 0.4 characters per character."""
    source = [
        "The rain stopped before dawn.",
        "By the time the market opened, the square was dry again and the stall holders were "
        "laying out fruit, bread, cheese and flowers under their striped awnings, as they "
        "have done every week for as long as anyone in the village can remember.",
        "Children ran between the stalls.",
        "Later in the afternoon the wind turned, the clouds came back over the hills, and the "
        "stall holders packed everything away into their vans in a hurry before the first "
        "heavy drops began to fall on the empty square.",
    ]
    target = [
        "雨は夜明け前にやんだ。",
        "市場が開くころには広場はすっかり乾き、露店の人々は縞模様の日よけの下に果物やパン、"
        "チーズ、花を並べていた。村の誰もが覚えている限り、毎週そうしてきたのだ。",
        "子どもたちが露店の間を走り回った。",
        "午後になると風向きが変わり、雲が丘の上に戻ってきた。露店の人々は、最初の大粒の雨が"
        "誰もいない広場に落ち始める前に、急いで荷物をバンに片付けた。",
    ]
    assert align(source, target).problems == ()
    assert faults(source, [target[0], *target[2:]]) == [(Fault.DROPPED, (1,))]
    assert faults(source, [*target[:3]]) == [(Fault.DROPPED, (3,))]
    assert faults(source, [target[0] + target[1], *target[2:]]) == [(Fault.MERGED, (0, 1))]


HTML_SOURCE = [
    'Read <a href="https://example.org/tides">the tide tables</a> before you sail out.',
    'Book a mooring on <a href="https://example.org/moorings">the harbour page</a> today.',
    'Report any damage to <a href="https://example.org/repairs">the repair desk</a> at once.',
]
HTML_TARGET = [
    '出航する前に<a href="https://example.org/tides">潮汐表</a>を読むこと。',
    '今日のうちに<a href="https://example.org/moorings">港のページ</a>で係留場所を予約しよう。',
    '損傷は<a href="https://example.org/repairs">修理窓口</a>にすぐ報告すること。',
]


@pytest.mark.parametrize("dropped", [0, 1, 2])
def test_links_tell_which_of_paragraphs_of_one_length_was_dropped(dropped: int) -> None:
    target = [t for i, t in enumerate(HTML_TARGET) if i != dropped]
    (problem,) = align(HTML_SOURCE, target).problems
    assert (problem.fault, problem.source) == (Fault.DROPPED, (dropped,))
    assert align(HTML_SOURCE, HTML_TARGET).problems == ()


def test_anchors_are_numbers_names_links_and_tags_whatever_their_width() -> None:
    assert anchors('Read <a href="https://example.org/tides/">the table</a>: 1,200 boats.') == {
        "Read",
        "https://example.org/tides",
        "<a>",
        "1200",
    }
    assert anchors("<em>１，２００</em>隻、アナ・ルイスとNATO。") == {"<em>", "1200", "NATO"}
    assert anchors("Unas 3.000 personas y 1.5 km") == {"Unas", "3000", "1", "5"}


def test_an_empty_translation_drops_every_paragraph_and_raises_nothing() -> None:
    found = check_texts(EN[:3], [], context("es"))
    assert [(f.severity, f.message, f.position) for f in found] == [
        (Severity.ERROR, f"source block {i} has no translation (the translation is empty)", None)
        for i in range(3)
    ]
    assert align([], []).problems == ()


def test_the_alignment_and_repeats_checks_can_be_switched_off_and_the_pairs_stay_aligned() -> None:
    quiet = context("ja", settings=QASettings(disabled=["alignment", "repeats"]))
    target = [*JA[:4], JA[1], JA[4]]
    assert check_texts(EN[:5], target, quiet) == []


def test_a_paragraph_the_source_says_twice_may_be_translated_twice() -> None:
    source = [EN[0], EN[1], EN[0]]
    target = [JA[0], JA[1], JA[0]]
    assert align(source, target).problems == ()
    found = check_texts(source, [JA[0], JA[1], JA[0], JA[0]], context("ja"))
    assert [f for f in found if f.check in {"alignment", "repeats"}] == [
        Finding(
            "repeats",
            Severity.ERROR,
            "block 3 repeats block 0 and has no source block of its own",
            3,
            (0, len(JA[0])),
        )
    ]


def test_a_problem_says_where_its_gap_is_on_the_other_side() -> None:
    assert align(EN[:3], [ES[0], ES[2]]).problems == (Problem(Fault.DROPPED, (1,), (), (0, 1)),)
