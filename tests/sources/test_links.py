"""A feed's links made absolute: what is not an http(s) URL is no link at all."""

from __future__ import annotations

import pytest

from foreigndesk.sources.feed import http_url


@pytest.mark.parametrize(
    "link", ["http://[::1:8080/x", "http://[not-ipv6]/", "javascript:alert(1)", "ftp://a/b", " "]
)
def test_what_is_not_a_web_address_is_no_link(link: str) -> None:
    assert http_url("http://news.test/feed.xml", link) is None


def test_a_relative_link_is_made_absolute() -> None:
    assert http_url("http://news.test/feed.xml", "/a.html") == "http://news.test/a.html"
