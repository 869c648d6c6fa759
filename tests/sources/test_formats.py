"""JSON Feed, sitemaps, OPML and autodiscovery: each format read to the same rules as RSS —
absolute http(s) URLs, each once, nothing a stranger's document declares executed."""

from __future__ import annotations

import gzip
import json

import pytest

from foreigndesk.errors import DeskError
from foreigndesk.sources.discovery import discover_feeds
from foreigndesk.sources.jsonfeed import parse_json_feed
from foreigndesk.sources.opml import Subscription, import_opml, read_opml, write_opml
from foreigndesk.sources.read import read_source
from foreigndesk.sources.sitemap import parse_sitemap


def json_feed(items: list[object]) -> bytes:
    return json.dumps(
        {"version": "https://jsonfeed.org/version/1.1", "title": "JSON Fixture", "items": items}
    ).encode()


def test_a_json_feed_gives_its_items_urls_by_the_rss_rules() -> None:
    content = json_feed(
        [
            {"id": "1", "url": "https://news.test/1", "title": "One"},
            {"id": "2", "url": "/2"},
            {"id": "3", "external_url": "https://elsewhere.test/3"},
            {"id": "4", "url": "javascript:alert(1)"},
            {"id": "5", "url": "https://news.test/1"},
            "not an item",
        ]
    )
    feed = parse_json_feed(content, "https://news.test/feed.json")
    assert feed.title == "JSON Fixture"
    assert [e.url for e in feed.entries] == [
        "https://news.test/1",
        "https://news.test/2",
        "https://elsewhere.test/3",
    ]
    assert (
        read_source(content, "application/feed+json", "https://news.test/feed.json").kind == "feed"
    )


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"{not json", "not a JSON Feed"),
        (b'{"version": "1", "items": []}', "no jsonfeed.org version"),
        (b'{"version": "https://jsonfeed.org/version/1.1"}', "without an items list"),
    ],
)
def test_a_broken_json_feed_names_the_problem(content: bytes, reason: str) -> None:
    with pytest.raises(DeskError, match=reason):
        parse_json_feed(content, "https://news.test/feed.json")


URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>https://news.test/a</loc></url>
  <url><loc> https://news.test/b </loc><news:news><news:title>B</news:title></news:news></url>
  <url><loc>javascript:alert(1)</loc></url>
  <url><loc>https://news.test/a</loc></url>
</urlset>"""


def test_a_sitemap_and_a_news_sitemap_give_their_locations_once() -> None:
    sitemap = parse_sitemap(URLSET, "https://news.test/sitemap.xml")
    assert sitemap.urls == ("https://news.test/a", "https://news.test/b")
    assert sitemap.children == ()


def test_a_gzipped_sitemap_is_read_and_a_gzip_bomb_is_not() -> None:
    assert parse_sitemap(gzip.compress(URLSET), "https://news.test/s.xml.gz").urls[0] == (
        "https://news.test/a"
    )
    bomb = gzip.compress(b"<urlset>" + b" " * (2 << 20) + b"</urlset>")
    with pytest.raises(DeskError, match="expands past"):
        parse_sitemap(bomb, "https://news.test/bomb.xml.gz", cap=1 << 20)


def test_a_sitemap_index_lists_children_to_follow() -> None:
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://news.test/s1.xml</loc></sitemap>
      <sitemap><loc>/s2.xml</loc></sitemap></sitemapindex>"""
    sitemap = parse_sitemap(index, "https://news.test/index.xml")
    assert sitemap.children == ("https://news.test/s1.xml", "https://news.test/s2.xml")
    assert sitemap.urls == ()


def test_a_sitemap_declaring_entities_is_read_without_expanding_them() -> None:
    evil = b"""<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<urlset><url><loc>&x;</loc></url><url><loc>https://news.test/a</loc></url></urlset>"""
    assert parse_sitemap(evil, "https://news.test/sitemap.xml").urls == ("https://news.test/a",)


OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>Subscriptions</title></head><body>
  <outline text="Spanish press">
    <outline type="rss" text="Diario" title="El Diario" xmlUrl="https://diario.test/rss"
             htmlUrl="https://diario.test/" language="es"/>
    <outline type="rss" text="Evil" xmlUrl="javascript:alert(1)"/>
  </outline>
  <outline type="rss" text="Zeitung" xmlUrl="https://zeitung.test/feed"/>
  <outline type="rss" text="Again" xmlUrl="https://diario.test/rss"/>
</body></opml>"""


def test_opml_import_takes_every_feed_in_every_folder_once() -> None:
    assert read_opml(OPML) == [
        Subscription(
            "https://diario.test/rss",
            title="El Diario",
            lang="es",
            category="Spanish press",
            html_url="https://diario.test/",
        ),
        Subscription("https://zeitung.test/feed", title="Zeitung"),
    ]
    assert [str(s) for s in import_opml(OPML).skipped] == [
        "outline 3 'Evil' (line 6): xmlUrl 'javascript:alert(1)' is not http(s)"
        " — give the feed's http(s) address",
        "outline 5 'Again' (line 9): duplicate of outline 2 (same xmlUrl)"
        " — only the first is added",
    ]


def test_opml_export_reads_back_to_the_same_subscriptions() -> None:
    subscriptions = read_opml(OPML)
    assert read_opml(write_opml(subscriptions, "foreigndesk")) == subscriptions


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"<html/>", "not an OPML file"), (b"", "not well-formed|not an OPML file")],
)
def test_a_file_that_is_not_opml_says_so(content: bytes, reason: str) -> None:
    with pytest.raises(DeskError, match=reason):
        read_opml(content)


HOMEPAGE = b"""<!doctype html><html><head>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/feed+json" href="/feed.json">
<link rel="alternate" type="application/atom+xml" href="/atom.xml">
<link rel="alternate" type="application/rss+xml; charset=utf-8" href="https://news.test/rss">
<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
</head><body>Home</body></html>"""


def test_a_homepage_announces_its_feeds_rss_and_atom_first() -> None:
    assert discover_feeds(HOMEPAGE, "https://news.test/") == [
        "https://news.test/rss",
        "https://news.test/atom.xml",
        "https://news.test/feed.json",
    ]
    read = read_source(HOMEPAGE, "text/html", "https://news.test/")
    assert (read.kind, read.follow) == ("homepage", ("https://news.test/rss",))


def test_a_page_announcing_no_feed_is_a_single_article() -> None:
    read = read_source(b"<!doctype html><p>Text</p>", "text/html", "https://news.test/a")
    assert (read.kind, read.urls) == ("url", ("https://news.test/a",))
