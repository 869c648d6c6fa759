"""Checking a source over the (fixture) web: what it is, its URLs, when to look again."""

from __future__ import annotations

from foreigndesk.extract import extract_article
from foreigndesk.sources.poll import Poll, next_interval, poll_source
from tests.fakes.web import FixtureWeb
from tests.fetch.conftest import get, run_with

RSS = "application/rss+xml"


def poll(url: str, **options: object) -> Poll:
    return run_with(lambda fetcher: poll_source(fetcher, url, **options))  # type: ignore[arg-type]


def rss(*links: str) -> str:
    items = "".join(f"<item><link>{link}</link></item>" for link in links)
    return f'<rss version="2.0"><channel><title>Site</title>{items}</channel></rss>'


def test_a_sitemap_index_that_lists_itself_ends(web: FixtureWeb) -> None:
    index = web.url("site.test", "/index.xml")
    web.page(
        "site.test",
        "/index.xml",
        f"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <sitemap><loc>{index}</loc></sitemap>
        <sitemap><loc>{web.url("site.test", "/posts.xml")}</loc></sitemap></sitemapindex>""",
        "application/xml",
    )
    web.page(
        "site.test",
        "/posts.xml",
        f"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <url><loc>{web.url("site.test", "/a")}</loc></url></urlset>""",
        "application/xml",
    )
    result = poll(index)
    assert result.kind == "sitemap"
    assert result.urls == (web.url("site.test", "/a"),)
    assert len(web.hits_to("site.test", "/index.xml")) == 1


def test_sitemap_indexes_are_followed_no_deeper_than_the_cap(web: FixtureWeb) -> None:
    for level in range(5):
        web.page(
            "site.test",
            f"/level{level}.xml",
            f"""<sitemapindex><sitemap><loc>{web.url("site.test", f"/level{level + 1}.xml")}</loc>
            </sitemap></sitemapindex>""",
            "application/xml",
        )
    poll(web.url("site.test", "/level0.xml"), sitemap_depth=2)
    assert web.hits_to("site.test", "/level2.xml")
    assert not web.hits_to("site.test", "/level3.xml")


def test_a_homepage_is_followed_to_the_feed_it_announces(web: FixtureWeb) -> None:
    web.page(
        "site.test",
        "/",
        '<!doctype html><html><head><link rel="alternate" type="application/rss+xml" '
        'href="/rss"></head><body>Home</body></html>',
    )
    web.page("site.test", "/rss", rss("/a", "/b"), RSS)
    result = poll(web.url("site.test", "/"))
    assert result.kind == "feed"
    assert result.moved_to == web.url("site.test", "/rss")
    assert result.urls == (web.url("site.test", "/a"), web.url("site.test", "/b"))


def test_an_unchanged_feed_is_not_read_again(web: FixtureWeb) -> None:
    def conditional(x):  # type: ignore[no-untyped-def]
        if x.headers.get("If-None-Match") == '"v1"':
            x.reply(304)
        else:
            x.reply(200, rss("/a").encode(), RSS, {"ETag": '"v1"', "Cache-Control": "max-age=7200"})

    web.route("site.test", "/rss", conditional)
    first = poll(web.url("site.test", "/rss"))
    assert (first.etag, first.interval_hint, first.not_modified) == ('"v1"', 7200, False)
    second = poll(web.url("site.test", "/rss"), etag=first.etag)
    assert second.not_modified
    assert second.urls == ()


def test_quiet_sources_are_checked_less_often_and_busy_ones_at_the_base() -> None:
    base, most = 3600, 86400
    assert next_interval(None, None, 0, base, most) == base
    assert next_interval(3600, None, 0, base, most) == 5400
    assert next_interval(80000, None, 0, base, most) == most
    assert next_interval(80000, None, 3, base, most) == base
    assert next_interval(3600, 7200, 3, base, most) == 7200  # the feed asked for longer


JAPANESE = (
    "<html><head><title>港の朝市</title></head>"
    "<body><article><h1>港の朝市</h1>{}</article></body></html>"
)
PARAGRAPH = "<p>毎週土曜日の朝、港の広場に市場が開かれ、漁師と農家が新鮮な品物を並べる。</p>" * 6


def test_japanese_pages_with_a_wrong_or_missing_charset_read_right(web: FixtureWeb) -> None:
    page = JAPANESE.format(PARAGRAPH)
    web.page("site.test", "/sjis-wrong", page.encode("shift_jis"), "text/html; charset=iso-8859-1")
    web.page("site.test", "/sjis-none", page.encode("shift_jis"), "text/html")
    web.page("site.test", "/euc-wrong", page.encode("euc_jp"), "text/html; charset=utf-8")
    for path in ("/sjis-wrong", "/sjis-none", "/euc-wrong"):
        fetched = get(web.url("site.test", path))
        article = extract_article(fetched.content, fetched.final_url, encoding=fetched.encoding)
        assert article.title == "港の朝市", path
        assert "港の広場に市場が開かれ" in article.blocks[0].text, path
