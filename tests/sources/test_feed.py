"""Feeds → candidate URLs: RSS and Atom alike, relative links made absolute, each URL once,
and nothing but http(s)."""

from __future__ import annotations

import pytest

from foreigndesk.errors import DeskError
from foreigndesk.sample import SAMPLE_SITE
from foreigndesk.sources import parse_feed

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom Fixture</title>
  <id>urn:fixture</id>
  <updated>2024-11-16T00:00:00Z</updated>
  <entry><title>One</title><id>urn:1</id><updated>2024-11-16T00:00:00Z</updated>
    <link rel="alternate" href="https://news.test/one"/></entry>
  <entry><title>Two</title><id>urn:2</id><updated>2024-11-15T00:00:00Z</updated>
    <link rel="alternate" href="/two"/></entry>
  <entry><title>Evil</title><id>urn:3</id><updated>2024-11-14T00:00:00Z</updated>
    <link rel="alternate" href="javascript:alert(1)"/></entry>
  <entry><title>One again</title><id>urn:4</id><updated>2024-11-13T00:00:00Z</updated>
    <link rel="alternate" href="https://news.test/one"/></entry>
</feed>"""


def test_rss_items_become_absolute_urls_in_feed_order() -> None:
    feed = parse_feed((SAMPLE_SITE / "feed.xml").read_bytes(), "http://mag.test/feed.xml")
    assert feed.title == "The Harbour Review"
    assert len(feed.entries) == 10
    assert all(e.url.startswith("http://mag.test/articles/") for e in feed.entries)
    assert feed.entries[0].url == "http://mag.test/articles/old-bicycles.html"


def test_atom_entries_are_read_and_only_http_links_kept_once() -> None:
    feed = parse_feed(ATOM, "https://news.test/atom.xml")
    assert feed.title == "Atom Fixture"
    assert [e.url for e in feed.entries] == ["https://news.test/one", "https://news.test/two"]


def test_a_page_that_is_not_a_feed_says_so() -> None:
    with pytest.raises(DeskError, match=r"https://news\.test/: not a feed .* RSS or Atom feed URL"):
        parse_feed(b"<html><body>Hello</body></html>", "https://news.test/")
