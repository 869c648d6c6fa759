"""A page that announces a feed which cannot be had is taken as a single article (issue #12).

The page is followed to the feed it announces; when that feed is refused by the address
guard, missing, too slow, kept out by robots.txt or not a feed at all, the page itself is
the source's one article, and a warning names the page, the feed and why (the poll's
note, which `run` prints as a warning line about the source).
"""

from __future__ import annotations

import pytest

from foreigndesk.errors import Deferred
from foreigndesk.sources.poll import Poll, poll_source
from foreigndesk.sources.probe import Probe, probe_source
from tests.fakes.web import FixtureWeb, stall
from tests.fetch.conftest import run_with

RSS = "application/rss+xml"

PARAGRAPHS = "".join(
    f"<p>Paragraph {n}: the harbour board met on a grey morning to talk about the tides,"
    " the ferries and the fish market, and agreed on nothing at all.</p>"
    for n in range(6)
)


def page_announcing(feed_href: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><title>Harbour news</title>'
        f'<link rel="alternate" type="application/rss+xml" href="{feed_href}"></head>'
        f"<body><h1>Harbour news</h1>{PARAGRAPHS}</body></html>"
    )


def rss(*links: str) -> str:
    items = "".join(f"<item><link>{link}</link></item>" for link in links)
    return f'<rss version="2.0"><channel><title>Site</title>{items}</channel></rss>'


def poll(url: str, **policy: object) -> Poll:
    return run_with(lambda fetcher: poll_source(fetcher, url), **policy)


def assert_page_taken_alone(result: Poll, page: str) -> None:
    assert result.kind == "url"
    assert result.urls == (page,)
    assert result.moved_to is None


def test_a_missing_feed_leaves_the_page_as_one_article(
    web: FixtureWeb,
) -> None:
    web.page("site.test", "/", page_announcing("/rss"))  # /rss answers 404
    page, feed = web.url("site.test", "/"), web.url("site.test", "/rss")

    result = poll(page)

    assert_page_taken_alone(result, page)
    line = result.note or ""
    assert line.startswith(f"{page}: the feed it announces, {feed}, cannot be had (")
    assert "HTTP 404" in line
    assert "the page itself is taken as a single article" in line
    assert "\n" not in line


def test_a_feed_at_a_forbidden_address_is_not_fetched_and_the_page_is_taken(
    web: FixtureWeb,
) -> None:
    # 127.0.0.1 is the fixture web itself, but not a host the policy allows.
    feed = f"http://127.0.0.1:{web.port}/rss"
    web.page("site.test", "/", page_announcing(feed))
    web.page("*", "/rss", rss("/a"), RSS)
    page = web.url("site.test", "/")

    result = poll(page)

    assert_page_taken_alone(result, page)
    assert [h.path for h in web.hits if h.host == "127.0.0.1"] == []
    line = result.note or ""
    assert line.startswith(f"{page}: the feed it announces, {feed}, cannot be had (")
    assert "a loopback address" in line


def test_a_feed_that_does_not_answer_in_time_leaves_the_page(
    web: FixtureWeb,
) -> None:
    web.page("site.test", "/", page_announcing("/rss"))
    web.route("site.test", "/rss", stall(3.0))
    page = web.url("site.test", "/")

    result = poll(page, timeout=1.0)

    assert_page_taken_alone(result, page)
    line = result.note or ""
    assert "not fetched within 1 s" in line


@pytest.mark.parametrize(
    ("answer", "content_type", "why"),
    [
        ("<html><body>No feed here</body></html>", "text/html", "announced as a feed but"),
        ("\x00\x01 not xml at all", RSS, "not a feed"),
    ],
    ids=["a-page", "garbage"],
)
def test_a_feed_that_is_not_a_feed_leaves_the_page(
    web: FixtureWeb, answer: str, content_type: str, why: str
) -> None:
    web.page("site.test", "/", page_announcing("/rss"))
    web.page("site.test", "/rss", answer, content_type)
    page = web.url("site.test", "/")

    result = poll(page)

    assert_page_taken_alone(result, page)
    line = result.note or ""
    assert why in line


def test_a_feed_robots_txt_keeps_out_leaves_the_page(
    web: FixtureWeb,
) -> None:
    web.page("robots.test", "/robots.txt", "User-agent: *\nDisallow: /feeds/\n", "text/plain")
    web.page("robots.test", "/", page_announcing("/feeds/rss"))
    web.page("robots.test", "/feeds/rss", rss("/a"), RSS)
    page = web.url("robots.test", "/")

    result = poll(page)

    assert_page_taken_alone(result, page)
    assert web.hits_to("robots.test", "/feeds/rss") == []
    line = result.note or ""
    assert "robots.txt disallows it" in line


def test_the_page_redirected_to_is_the_article(web: FixtureWeb) -> None:
    web.redirect("site.test", "/old", web.url("site.test", "/story"))
    web.page("site.test", "/story", page_announcing("/rss"))

    result = poll(web.url("site.test", "/old"))

    assert_page_taken_alone(result, web.url("site.test", "/story"))


def test_the_feed_is_tried_again_at_the_next_check_and_followed_once_it_answers(
    web: FixtureWeb,
) -> None:
    web.route(
        "site.test",
        "/",
        lambda x: x.reply(200, page_announcing("/rss").encode(), headers={"ETag": '"p1"'}),
    )
    page, feed = web.url("site.test", "/"), web.url("site.test", "/rss")

    first = poll(page)
    web.page("site.test", "/rss", rss("/a", "/b"), RSS)
    second = poll(page)  # with the validators the first check gave: none

    assert_page_taken_alone(first, page)
    assert first.etag is None  # kept, the page's 304 would keep the feed from being tried
    assert second.kind == "feed"
    assert second.moved_to == feed
    assert second.urls == (web.url("site.test", "/a"), web.url("site.test", "/b"))


def test_a_feed_asking_to_be_asked_later_defers_the_source(web: FixtureWeb) -> None:
    web.page("site.test", "/", page_announcing("/rss"))
    web.page("site.test", "/rss", "busy", "text/plain", status=503, headers={"Retry-After": "120"})

    with pytest.raises(Deferred) as raised:
        poll(web.url("site.test", "/"))

    assert raised.value.retry_after == 120


def test_a_page_added_as_a_source_whose_feed_is_missing_is_a_single_article(
    web: FixtureWeb,
) -> None:
    web.page("site.test", "/", page_announcing("/rss"))
    page = web.url("site.test", "/")

    probe: Probe = run_with(lambda fetcher: probe_source(fetcher, page))

    assert (probe.url, probe.kind, probe.listed, probe.announced_by) == (page, "url", 1, None)
    assert probe.lang == "en"
