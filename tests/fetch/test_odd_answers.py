"""Answers the hostile web (tests/hostile) found the fetcher unready for, one by one: a
Location no HTTP client can parse, a redirect to a port past 65535, a robots.txt longer
than 500 KiB, gzip of thousands of members. Each is a line, never a traceback."""

from __future__ import annotations

import gzip

import pytest

from foreigndesk.errors import FetchError, RedirectUnreachable
from tests.fakes.web import FixtureWeb
from tests.fetch.conftest import get


@pytest.mark.parametrize(
    ("location", "says"),
    [
        ("javascript:alert(1)", r"javascript:alert\(1\): only http and https URLs"),
        (
            "http://0177.0.0.1/",
            r"redirected to http://0177.0.0.1/, which cannot be had \(.*not a valid URL",
        ),
        ("http://site.test:99999/", r"redirected to \S+, which cannot be had \(.*not a valid URL"),
        ("http://[::1/", r"redirected to 'http://\[::1/', which cannot be had \(not a valid URL"),
    ],
)
def test_a_location_that_cannot_be_followed_is_one_line(
    web: FixtureWeb, location: str, says: str
) -> None:
    web.redirect("site.test", "/go", location)
    with pytest.raises(FetchError, match=says):
        get(web.url("site.test", "/go"), obey_robots=False)


def test_a_redirect_to_nowhere_is_a_redirect_that_cannot_be_had(web: FixtureWeb) -> None:
    # robots.txt redirecting there is unavailable (RFC 9309), as for a refused address.
    web.redirect("site.test", "/go", "http://0177.0.0.1/")
    with pytest.raises(RedirectUnreachable):
        get(web.url("site.test", "/go"), obey_robots=False)


def test_a_robots_txt_past_500_kib_is_read_to_500_kib(web: FixtureWeb) -> None:
    rules = b"User-agent: *\nDisallow: /private/\n" + b"# padding\n" * 60_000
    web.page("site.test", "/robots.txt", rules, "text/plain")
    web.page("site.test", "/private/a.html", "<html><body>private</body></html>")
    web.page("site.test", "/public.html", "<html><body>public</body></html>")

    assert get(web.url("site.test", "/public.html")).content == b"<html><body>public</body></html>"
    with pytest.raises(FetchError, match=r"robots\.txt disallows it"):
        get(web.url("site.test", "/private/a.html"))


def test_gzip_of_thousands_of_members_is_read_whole(web: FixtureWeb) -> None:
    page = b"<html><body><p>after the empty members</p></body></html>"
    data = gzip.compress(b"", mtime=0) * 5000 + gzip.compress(page, mtime=0)
    web.route(
        "site.test",
        "/many.html",
        lambda x: x.reply(200, data, "text/html", {"Content-Encoding": "gzip"}),
    )
    assert get(web.url("site.test", "/many.html"), obey_robots=False).content == page
