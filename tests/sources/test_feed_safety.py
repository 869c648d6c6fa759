"""Hostile and broken feeds: the desk takes what is safe from them and says what is not.

feedparser passes ``javascript:``, ``data:`` and ``file:`` links through, and an XML
parser left to its defaults expands entities; neither may reach the desk.
"""

from __future__ import annotations

import pytest

from foreigndesk.errors import DeskError
from foreigndesk.sources import parse_feed


def rss(items: str, channel_extra: str = "") -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Fixture</title><link>https://news.test/</link>
{channel_extra}{items}</channel></rss>""".encode()


def item(link: str, guid: str = "") -> str:
    guid_tag = f"<guid>{guid}</guid>" if guid else ""
    return f"<item><title>t</title><link>{link}</link>{guid_tag}</item>"


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "file:///etc/passwd",
        "ftp://news.test/a",
        "mailto:editor@news.test",
    ],
)
def test_links_that_are_not_http_are_dropped(link: str) -> None:
    feed = parse_feed(rss(item(link) + item("https://news.test/kept")), "https://news.test/rss")
    assert [e.url for e in feed.entries] == ["https://news.test/kept"]


def test_relative_links_are_made_absolute_against_the_feed_url() -> None:
    feed = parse_feed(
        rss(item("/a") + item("b.html") + item("//cdn.test/c")), "https://news.test/x/rss"
    )
    assert [e.url for e in feed.entries] == [
        "https://news.test/a",
        "https://news.test/x/b.html",
        "https://cdn.test/c",
    ]


def test_an_item_repeating_a_guid_or_a_link_is_taken_once() -> None:
    items = (
        item("https://news.test/1", "g1")
        + item("https://news.test/1-updated", "g1")
        + item("https://news.test/2", "g2")
        + item("https://news.test/2", "g3")
    )
    feed = parse_feed(rss(items), "https://news.test/rss")
    assert [e.url for e in feed.entries] == ["https://news.test/1", "https://news.test/2"]


def test_an_empty_feed_is_a_feed_with_no_entries() -> None:
    feed = parse_feed(rss(""), "https://news.test/rss")
    assert feed.title == "Fixture"
    assert feed.entries == ()


def test_malformed_xml_yields_what_can_be_read() -> None:
    broken = rss(item("https://news.test/1") + "<item><title>cut off &amp <link>")
    feed = parse_feed(broken, "https://news.test/rss")
    assert [e.url for e in feed.entries][:1] == ["https://news.test/1"]


def test_garbage_is_not_a_feed_and_says_what_to_do() -> None:
    with pytest.raises(DeskError, match=r"https://news\.test/rss: not a feed .* feed URL"):
        parse_feed(b"\x00\x01 not xml at all", "https://news.test/rss")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><link>https://news.test/1</link></item></channel></rss>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/hostname">]>
<rss version="2.0"><channel><title>&secret;</title>
<item><link>https://news.test/1</link></item></channel></rss>"""


@pytest.mark.parametrize(
    ("document", "title"),
    [(BILLION_LAUGHS, "&lol9;"), (XXE, "&secret;")],
    ids=["billion-laughs", "xxe"],
)
def test_entity_declarations_are_not_expanded_and_the_items_are_read(
    document: bytes, title: str
) -> None:
    # Issue #12: the DOCTYPE is taken out, not the whole feed refused; the reference to
    # what it declared is left as it was written.
    feed = parse_feed(document, "https://news.test/rss")

    assert [e.url for e in feed.entries] == ["https://news.test/1"]
    assert feed.title == title


def test_the_feed_asks_for_its_own_polling_interval() -> None:
    assert parse_feed(rss("", "<ttl>90</ttl>"), "https://news.test/rss").interval == 5400
    syndication = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
  xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">
<channel rdf:about="https://news.test/"><title>RDF</title><link>https://news.test/</link>
<sy:updatePeriod>daily</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency></channel>
<item rdf:about="https://news.test/1"><title>One</title><link>https://news.test/1</link></item>
</rdf:RDF>"""
    feed = parse_feed(syndication, "https://news.test/rdf")
    assert feed.interval == 43200
    assert [e.url for e in feed.entries] == ["https://news.test/1"]


JAPANESE = "潮の満ち引きと町の暮らし"


def legacy_feed(encoding: str, title: str = JAPANESE, doctype: str = "") -> bytes:
    text = f"""<?xml version="1.0" encoding="{encoding}"?>{doctype}
<rss version="2.0"><channel><title>{title}</title><link>https://news.test/</link>
<item><title>{title}</title><link>https://news.test/tides</link></item>
</channel></rss>"""
    return text.encode(encoding)


@pytest.mark.parametrize(
    ("encoding", "title"),
    [
        ("shift_jis", JAPANESE),
        ("euc-jp", JAPANESE),
        ("gb18030", "潮汐与城市生活"),
        ("big5", "潮汐與城市生活"),
        ("utf-7", JAPANESE),
    ],
)
def test_a_feed_in_a_legacy_multibyte_encoding_is_read(encoding: str, title: str) -> None:
    # The screening parser reads none of these; the feed is screened as UTF-8 instead.
    feed = parse_feed(legacy_feed(encoding, title), "https://news.test/rss")

    assert [(e.url, e.title) for e in feed.entries] == [("https://news.test/tides", title)]


def test_a_legacy_encoded_feed_declaring_entities_is_read_without_them() -> None:
    doctype = '<!DOCTYPE rss [<!ENTITY boom "boom">]>'
    feed = parse_feed(legacy_feed("shift_jis", doctype=doctype), "https://news.test/rss")

    assert [(e.url, e.title) for e in feed.entries] == [("https://news.test/tides", JAPANESE)]


def test_a_feed_declaring_an_unknown_encoding_is_one_line_naming_it() -> None:
    content = b'<?xml version="1.0" encoding="x-no-such-charset"?><rss version="2.0"></rss>'
    with pytest.raises(DeskError) as raised:
        parse_feed(content, "https://news.test/rss")

    assert str(raised.value) == (
        "https://news.test/rss: declares the character encoding 'x-no-such-charset', which"
        " is not one known — ask the site to fix its XML declaration, or subscribe to"
        " another feed"
    )
