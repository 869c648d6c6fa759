"""Feeds and sitemaps that declare XML entities: read without expanding them (issue #12).

A document type declaration is where the billion-laughs bomb and XXE are set up. It is
taken out before the document is parsed: nothing it declares is expanded, nothing it
names is fetched or read, and the document's ordinary items are taken all the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from foreigndesk.errors import DeskError
from foreigndesk.sources import parse_feed
from foreigndesk.sources.poll import Poll, poll_source
from foreigndesk.sources.sitemap import parse_sitemap
from foreigndesk.sources.xmlsafety import defuse
from tests.fakes.web import FixtureWeb
from tests.fetch.conftest import run_with

FEED_URL = "https://news.test/rss"

LAUGHS = """
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
"""


def feed(doctype: str, *items: tuple[str, str], title: str = "Fixture") -> bytes:
    """RSS 2.0 after ``doctype``, with an item for each (title, link)."""
    body = "".join(f"<item><title>{t}</title><link>{link}</link></item>" for t, link in items)
    return f"""<?xml version="1.0" encoding="utf-8"?>
{doctype}
<rss version="2.0"><channel><title>{title}</title><link>https://news.test/</link>
{body}</channel></rss>""".encode()


ORDINARY = (("One", "https://news.test/1"), ("Two", "https://news.test/2"))


def urls(document: bytes) -> list[str]:
    return [e.url for e in parse_feed(document, FEED_URL).entries]


def everything_read(document: bytes) -> str:
    """Every title the feed gave, the channel's included, as one string."""
    parsed = parse_feed(document, FEED_URL)
    return " ".join([parsed.title or "", *(e.title or "" for e in parsed.entries)])


def test_a_feed_declaring_an_entity_it_uses_gives_its_items() -> None:
    document = feed(
        '<!DOCTYPE rss [<!ENTITY nbsp "&#160;">]>',
        ("Tides&nbsp;and towns", "https://news.test/1"),
        ORDINARY[1],
    )

    parsed = parse_feed(document, FEED_URL)

    assert [e.url for e in parsed.entries] == ["https://news.test/1", "https://news.test/2"]
    # Not expanded from the declaration: the parser knows &nbsp; as HTML does, or not at all.
    assert parsed.entries[0].title in {"Tides\xa0and towns", "Tides&nbsp;and towns"}


def test_a_bomb_declared_and_never_used_costs_the_feed_nothing() -> None:
    assert urls(feed(f"<!DOCTYPE rss [{LAUGHS}]>", *ORDINARY)) == [
        "https://news.test/1",
        "https://news.test/2",
    ]


def test_a_bomb_set_off_in_the_title_and_one_item_does_not_go_off() -> None:
    document = feed(
        f"<!DOCTYPE rss [{LAUGHS}]>",
        ("&lol9;", "https://news.test/bomb"),
        *ORDINARY,
        title="&lol9;",
    )

    assert urls(document) == [
        "https://news.test/bomb",
        "https://news.test/1",
        "https://news.test/2",
    ]
    read = everything_read(document)
    assert "lollol" not in read
    assert len(read) < 100


def test_a_quadratic_blowup_stays_the_size_it_came() -> None:
    big = "x" * 50_000
    document = feed(
        f'<!DOCTYPE rss [<!ENTITY big "{big}">]>',
        ("&big;" * 20_000, "https://news.test/1"),
    )

    assert urls(document) == ["https://news.test/1"]
    assert "xxxx" not in everything_read(document)


def test_xxe_reads_no_file_and_the_items_are_taken(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-7f3a", encoding="utf-8")
    document = feed(
        f'<!DOCTYPE rss [<!ENTITY secret SYSTEM "{secret.as_uri()}">]>',
        ("&secret;", "https://news.test/1"),
        ORDINARY[1],
        title="&secret;",
    )

    assert urls(document) == ["https://news.test/1", "https://news.test/2"]
    assert "TOP-SECRET" not in everything_read(document)


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE rss SYSTEM "{dtd}">',
        '<!DOCTYPE rss PUBLIC "-//Evil//DTD RSS//EN" "{dtd}">',
        '<!DOCTYPE rss [<!ENTITY % remote SYSTEM "{dtd}"> %remote;]>',
        '<!DOCTYPE rss [<!ENTITY remote SYSTEM "{dtd}">]>',
    ],
    ids=["external-dtd", "public-dtd", "parameter-entity", "external-entity"],
)
def test_nothing_a_feed_names_in_its_doctype_is_fetched(web: FixtureWeb, doctype: str) -> None:
    web.page("site.test", "/evil.dtd", '<!ENTITY remote "FETCHED">', "application/xml-dtd")
    document = feed(
        doctype.format(dtd=web.url("site.test", "/evil.dtd")),
        ("&remote;", "https://news.test/1"),
    )

    assert urls(document) == ["https://news.test/1"]
    assert "FETCHED" not in everything_read(document)
    assert web.hits == []


def test_a_doctype_hiding_markup_in_its_quotes_comments_and_pis_is_taken_out_whole() -> None:
    fake = "<rss><channel><item><link>https://evil.test/</link></item></channel></rss>"
    doctype = f"""<!DOCTYPE rss [
  <!-- a comment with ]> in it -->
  <?pi with ]> in it?>
  <!ENTITY a "]>{fake}">
  <!ENTITY b '"]>'>
  <!ATTLIST item kind CDATA "]>">
]>"""

    assert urls(feed(doctype, *ORDINARY)) == ["https://news.test/1", "https://news.test/2"]


def test_the_netscape_rss_091_doctype_still_reads() -> None:
    document = b"""<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
  "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Caf\xe9</title><link>https://news.test/</link>
<item><title>Cr\xe8me</title><link>https://news.test/1</link></item></channel></rss>"""

    parsed = parse_feed(document, FEED_URL)

    assert parsed.title == "Café"
    assert [(e.url, e.title) for e in parsed.entries] == [("https://news.test/1", "Crème")]


def test_a_feed_that_is_only_a_bomb_has_no_items() -> None:
    document = feed(f"<!DOCTYPE rss [{LAUGHS}]>", title="&lol9;")

    assert parse_feed(document, FEED_URL).entries == ()


def test_the_classic_bomb_is_not_a_feed_in_one_line() -> None:
    document = f"""<?xml version="1.0"?>
<!DOCTYPE lolz [{LAUGHS}]>
<lolz>&lol9;</lolz>""".encode()

    with pytest.raises(DeskError) as raised:
        parse_feed(document, FEED_URL)

    line = str(raised.value)
    assert line.startswith(f"{FEED_URL}: not a feed")
    assert "\n" not in line
    assert "lollol" not in line


def test_an_unterminated_doctype_takes_the_rest_with_it_in_one_line() -> None:
    document = b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "never closed'
    document += b'<rss version="2.0"><channel><item><link>https://news.test/1</link>'

    with pytest.raises(DeskError, match=r"^https://news\.test/rss: not a feed [^\n]*$"):
        parse_feed(document, FEED_URL)


JAPANESE = "潮の満ち引きと町の暮らし"


@pytest.mark.parametrize("encoding", ["shift_jis", "euc-jp", "utf-7", "utf-16", "iso-8859-1"])
def test_a_feed_declaring_entities_in_any_encoding_gives_its_items(encoding: str) -> None:
    title = "Marée haute" if encoding == "iso-8859-1" else JAPANESE
    text = f"""<?xml version="1.0" encoding="{encoding}"?>
<!DOCTYPE rss [<!ENTITY boom "{title}">{LAUGHS}]>
<rss version="2.0"><channel><title>&lol9;</title><link>https://news.test/</link>
<item><title>{title}</title><link>https://news.test/tides</link></item>
</channel></rss>"""

    parsed = parse_feed(text.encode(encoding), FEED_URL)

    assert [(e.url, e.title) for e in parsed.entries] == [("https://news.test/tides", title)]


def test_a_feed_with_a_doctype_and_an_unknown_encoding_is_one_line_naming_it() -> None:
    document = b"""<?xml version="1.0" encoding="x-no-such-charset"?>
<!DOCTYPE rss [<!ENTITY a "b">]><rss version="2.0"></rss>"""

    with pytest.raises(DeskError) as raised:
        parse_feed(document, FEED_URL)

    assert str(raised.value).startswith(
        f"{FEED_URL}: declares the character encoding 'x-no-such-charset', which is not one known"
    )


def test_an_encoding_that_is_not_for_text_is_one_line_too() -> None:
    document = b'<?xml version="1.0" encoding="base64"?><rss version="2.0"></rss>'

    with pytest.raises(DeskError, match=r"declares the character encoding 'base64'"):
        parse_feed(document, FEED_URL)


def test_a_document_without_a_doctype_passes_through_untouched() -> None:
    document = "<?xml version='1.0' encoding='shift_jis'?><rss/>".encode("shift_jis")

    assert defuse(document, FEED_URL) is document


def test_what_is_left_of_a_doctype_declares_nothing_and_says_it_is_utf8() -> None:
    document = """<?xml version="1.0" encoding="shift_jis"?>
<!-- before --><!DOCTYPE rss [<!ENTITY a "b">]><?after?>
<rss version="2.0"><channel><title>潮</title></channel></rss>""".encode("shift_jis")

    assert defuse(document, FEED_URL).decode("utf-8") == (
        """<?xml version="1.0" encoding="utf-8"?>
<!-- before --><?after?>
<rss version="2.0"><channel><title>潮</title></channel></rss>"""
    )


SITEMAP_URL = "https://news.test/sitemap.xml"


def test_a_sitemap_declaring_entities_gives_its_ordinary_locations(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-7f3a", encoding="utf-8")
    document = f"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY x SYSTEM "{secret.as_uri()}">{LAUGHS}]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://news.test/a</loc></url>
  <url><loc>&x;</loc></url>
  <url><loc>https://news.test/&lol9;</loc></url>
  <url><loc>https://news.test/b</loc></url>
</urlset>""".encode()

    sitemap = parse_sitemap(document, SITEMAP_URL)

    assert sitemap.urls == ("https://news.test/a", "https://news.test/b")


def test_a_sitemap_that_is_only_a_bomb_lists_nothing() -> None:
    document = f"""<?xml version="1.0"?><!DOCTYPE urlset [{LAUGHS}]>
<urlset><url><loc>&lol9;</loc></url></urlset>""".encode()

    assert parse_sitemap(document, SITEMAP_URL).urls == ()


def test_a_polled_feed_declaring_entities_has_its_items_taken(web: FixtureWeb) -> None:
    web.page(
        "site.test",
        "/rss",
        feed(f"<!DOCTYPE rss [{LAUGHS}]>", ("&lol9;", "/bomb"), ("One", "/1"), title="&lol9;"),
        "application/rss+xml",
    )

    result: Poll = run_with(lambda fetcher: poll_source(fetcher, web.url("site.test", "/rss")))

    assert result.kind == "feed"
    assert result.urls == (web.url("site.test", "/bomb"), web.url("site.test", "/1"))
    assert "lollol" not in (result.title or "")
