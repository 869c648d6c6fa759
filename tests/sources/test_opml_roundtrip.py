"""OPML both ways (#20): what the desk writes reads back with nothing lost — licence,
language, category, title, kind, engine — and another reader's file reads as its folders
say, with every outline left out named, with the reason and the fix, in one line."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from foreigndesk.errors import DeskError
from foreigndesk.sources.opml import (
    KINDS,
    NAMESPACE,
    OpmlImport,
    Skipped,
    Subscription,
    import_opml,
    read_opml,
    write_opml,
)

DIARIO = Subscription(
    "https://diario.test/rss",
    title="El Diario",
    lang="es",
    license="CC BY 4.0",
    category="Spain",
    kind="feed",
    engine="deepl",
    html_url="https://diario.test/",
)
BLOG = Subscription(
    "https://blog.test/atom.xml",
    title='Blog "quoted" & <angled>',
    lang="pt-BR",
    license="permission",
    kind="feed",
)
ZEITUNG = Subscription(
    "https://zeitung.test/sitemap.xml",
    title="Die Zeitung — Politik",
    lang="de",
    license="CC BY-SA 4.0",
    category="Europe / Germany",
    kind="sitemap",
    engine="argos",
)
PAIS = Subscription(
    "https://pais.test/feed?lang=es&format=rss",
    title="País",
    lang="es",
    license="CC BY 4.0",
    category="Spain",
    kind="auto",
)
ARTICLE = Subscription("https://shimbun.test/2024/tides", lang="ja", kind="url")

#: Categories interleaved: a folder collects its sources where its first one comes.
SOURCES = [DIARIO, BLOG, ZEITUNG, PAIS, ARTICLE]
IN_FOLDERS = [DIARIO, PAIS, BLOG, ZEITUNG, ARTICLE]


def test_every_field_of_every_source_reads_back() -> None:
    assert import_opml(write_opml(SOURCES, "desk")) == OpmlImport(IN_FOLDERS, [])


def test_sources_already_in_folder_order_read_back_in_the_same_order() -> None:
    assert read_opml(write_opml(IN_FOLDERS, "desk")) == IN_FOLDERS


def test_a_feed_reader_sees_rss_outlines_in_folders_and_our_attributes_in_our_namespace() -> None:
    root = etree.fromstring(write_opml(SOURCES, "desk"))
    assert root.nsmap == {"fd": NAMESPACE}
    body = root.find("body")
    assert body is not None
    top = [dict(outline.attrib) for outline in body]
    assert top[0] == {"text": "Spain", "title": "Spain"}
    assert top[1] == {
        "type": "rss",
        "text": 'Blog "quoted" & <angled>',
        "title": 'Blog "quoted" & <angled>',
        "xmlUrl": "https://blog.test/atom.xml",
        "language": "pt-BR",
        f"{{{NAMESPACE}}}kind": "feed",
        f"{{{NAMESPACE}}}license": "permission",
    }
    # A source without a title still has the text every outline needs.
    assert top[3] == {
        "type": "rss",
        "text": "https://shimbun.test/2024/tides",
        "xmlUrl": "https://shimbun.test/2024/tides",
        "language": "ja",
        f"{{{NAMESPACE}}}kind": "url",
    }
    spain = [dict(outline.attrib) for outline in body[0]]
    assert spain[0] == {
        "type": "rss",
        "text": "El Diario",
        "title": "El Diario",
        "xmlUrl": "https://diario.test/rss",
        "htmlUrl": "https://diario.test/",
        "language": "es",
        f"{{{NAMESPACE}}}kind": "feed",
        f"{{{NAMESPACE}}}license": "CC BY 4.0",
        f"{{{NAMESPACE}}}engine": "deepl",
    }
    assert b'fd:license="CC BY 4.0"' in write_opml(SOURCES, "desk")


def test_our_attributes_are_known_by_their_namespace_not_their_prefix() -> None:
    renamed = write_opml(SOURCES, "desk").replace(b"fd:", b"desk:").replace(b":fd=", b":desk=")
    assert b"desk:license" in renamed
    assert read_opml(renamed) == IN_FOLDERS

    elsewhere = b"""<opml version="2.0" xmlns:fd="https://another.test/ns"><body>
<outline type="rss" text="X" xmlUrl="https://x.test/feed" fd:license="CC0" fd:kind="podcast"/>
</body></opml>"""
    assert read_opml(elsewhere) == [Subscription("https://x.test/feed", title="X")]


#: In the manner of Inoreader or Feedly: folders, a folder in a folder, and the things a
#: hand-edited or long-lived subscription list accumulates.
READER = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head><title>Subscriptions in Reader</title></head>
  <body>
    <outline text="Europe" title="Europe">
      <outline text="Spain" title="Spain">
        <outline type="rss" text="Diario" title="El Diario" xmlUrl="https://diario.test/rss"
                 htmlUrl="https://diario.test/" language="es"/>
        <outline type="link" text="Tides essay" url="https://shimbun.test/2024/tides"/>
      </outline>
      <outline type="rss" text="Zeitung" xmlUrl="https://zeitung.test/feed"/>
      <outline type="rss" text="Archive" xmlUrl="ftp://archive.test/feed.xml"/>
    </outline>
    <outline text="Tech">
      <outline type="rss" text="Blog" xmlUrl="https://blog.test/atom.xml" htmlUrl="/"/>
      <outline type="rss" text="El Diario again" xmlUrl=" https://diario.test/rss "/>
    </outline>
    <outline text="Empty folder"/>
    <outline type="rss" text="Typo" xmlUrl="diario dot test"/>
    <outline type="rss" xmlUrl="http://[broken/feed"/>
    <outline type="include" text="Friends" url="https://friends.test/list.opml"/>
    <outline type="rss" text="Podcast" xmlUrl="https://cast.test/rss"
             xmlns:fd="https://foreigndesk.invalid/opml" fd:kind="podcast"/>
    <outline type="rss" text="Top" xmlUrl="https://top.test/rss.xml"/>
  </body>
</opml>"""


def test_another_readers_folders_become_categories_and_every_skip_says_why() -> None:
    imported = import_opml(READER)
    assert imported.subscriptions == [
        Subscription(
            "https://diario.test/rss",
            title="El Diario",
            lang="es",
            category="Europe / Spain",
            html_url="https://diario.test/",
        ),
        Subscription("https://zeitung.test/feed", title="Zeitung", category="Europe"),
        Subscription("https://blog.test/atom.xml", title="Blog", category="Tech"),
        Subscription("https://top.test/rss.xml", title="Top"),
    ]
    assert [str(skipped) for skipped in imported.skipped] == [
        "outline 4 'Tides essay' (line 9): no xmlUrl — not a feed; add it with"
        " `foreigndesk source add https://shimbun.test/2024/tides`",
        "outline 6 'Archive' (line 12): xmlUrl 'ftp://archive.test/feed.xml' is not http(s)"
        " — give the feed's http(s) address",
        "outline 9 'El Diario again' (line 16): duplicate of outline 3 (same xmlUrl)"
        " — only the first is added",
        "outline 10 'Empty folder' (line 18): no xmlUrl — not a feed; add it with"
        " `foreigndesk source add URL`",
        "outline 11 'Typo' (line 19): xmlUrl 'diario dot test' is not a URL"
        " — give the feed's full address, https://…",
        "outline 12 (line 20): xmlUrl 'http://[broken/feed' is not a URL"
        " — give the feed's full address, https://…",
        "outline 13 'Friends' (line 21): includes another OPML file"
        " ('https://friends.test/list.opml'), which is not followed — import that file on its own",
        # A tag over two lines: libxml2 gives the line where it ends.
        "outline 14 'Podcast' (line 23): fd:kind 'podcast' is not one of feed, sitemap, url,"
        " auto — correct it, or remove it and the desk finds out",
    ]
    assert imported.skipped[0] == Skipped(
        "outline 4 'Tides essay' (line 9)",
        "no xmlUrl — not a feed; add it with `foreigndesk source add https://shimbun.test/2024/tides`",
    )


def test_another_readers_file_read_written_and_read_again_is_the_same() -> None:
    first = read_opml(READER)
    assert read_opml(write_opml(first, "desk")) == first


def test_a_long_or_multiline_value_is_shown_cut_short_on_one_line() -> None:
    document = (
        b'<opml version="2.0"><body><outline type="rss" text="Two&#10;lines" xmlUrl="gopher://'
        + b"x" * 200
        + b'"/></body></opml>'
    )
    (skipped,) = import_opml(document).skipped
    assert str(skipped) == (
        "outline 1 'Two\\nlines' (line 1): xmlUrl 'gopher://"
        + "x" * 50
        + "…' is not http(s) — give the feed's http(s) address"
    )


def test_a_damaged_file_is_refused_with_the_line_to_fix() -> None:
    damaged = b"""<?xml version="1.0"?>
<opml version="2.0"><body>
<outline type="rss" text="A" xmlUrl="https://a.test/feed?x=1&y=2"/>
</body></opml>"""
    with pytest.raises(
        DeskError, match=r"not well-formed XML \(line 3: EntityRef: expecting ';'\) — fix it"
    ):
        import_opml(damaged)
    truncated = write_opml(SOURCES, "desk")[:-40]
    with pytest.raises(DeskError, match="not well-formed XML"):
        import_opml(truncated)


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE opml [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>',
        '<!DOCTYPE opml [<!ENTITY secret SYSTEM "file:///etc/hostname">]>',
    ],
    ids=["entity-expansion", "xxe"],
)
def test_entity_declarations_are_refused_as_before(doctype: str) -> None:
    document = f"""<?xml version="1.0"?>{doctype}
<opml version="2.0"><body><outline type="rss" text="&lol2;" xmlUrl="https://a.test/"/>
</body></opml>""".encode()
    with pytest.raises(DeskError, match="OPML file: refused, it declares XML entities"):
        import_opml(document)


def test_a_character_xml_cannot_hold_is_left_out_not_the_whole_export() -> None:
    odd = Subscription(
        "https://odd.test/feed.json", title="Bell\x07 and\ud800 on", category="\x00C"
    )
    assert read_opml(write_opml([odd], "desk")) == [
        Subscription("https://odd.test/feed.json", title="Bell and on", category="C")
    ]


# Values as the desk keeps them: no edge whitespace (reading strips it), and only what
# XML can carry (writing drops the rest, above).
_VALUE = (
    st.text(st.characters(blacklist_categories=("Cc", "Cs", "Cn")), min_size=1, max_size=30)
    .map(str.strip)
    .filter(bool)
)
_URL = st.builds(
    "https://{}.test/{}".format,
    st.from_regex(r"[a-z0-9]{1,12}", fullmatch=True),
    st.from_regex(r"[a-zA-Z0-9/._~%?=&;-]{0,30}", fullmatch=True),
)
_SUBSCRIPTION = st.builds(
    Subscription,
    _URL,
    title=st.none() | _VALUE,
    lang=st.none() | _VALUE,
    license=st.none() | _VALUE,
    category=st.none() | _VALUE,
    kind=st.sampled_from(KINDS),
    engine=st.none() | _VALUE,
    html_url=st.none() | _URL,
)


def _in_folders(subscriptions: Sequence[Subscription]) -> list[Subscription]:
    """The order write_opml puts them in: each category's sources where its first one is."""
    groups: dict[str | None, list[Subscription]] = {}
    order: list[list[Subscription]] = []
    for subscription in subscriptions:
        if subscription.category is None:
            order.append([subscription])
        elif subscription.category not in groups:
            groups[subscription.category] = [subscription]
            order.append(groups[subscription.category])
        else:
            groups[subscription.category].append(subscription)
    return [subscription for group in order for subscription in group]


@given(st.lists(_SUBSCRIPTION, max_size=8, unique_by=lambda s: s.url))
def test_any_sources_read_back_with_nothing_lost(subscriptions: list[Subscription]) -> None:
    assert import_opml(write_opml(subscriptions, "desk")) == OpmlImport(
        _in_folders(subscriptions), []
    )
