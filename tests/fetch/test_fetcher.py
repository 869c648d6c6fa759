"""The fetcher against the fixture web: every fault a source can throw, named."""

from __future__ import annotations

import asyncio
import gzip
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from foreigndesk.errors import Deferred, FetchError, Unreachable
from foreigndesk.fetch import Fetcher
from foreigndesk.fetch.hosts import HostGate
from tests.fakes.web import (
    FixtureWeb,
    chain,
    drip,
    encoded,
    endless,
    gzip_bomb,
    stall,
)
from tests.fetch.conftest import get, run_with

PAGE = "<html><body><p>Hello</p></body></html>"


def test_a_page_comes_back_with_its_type_validators_and_our_user_agent(web: FixtureWeb) -> None:
    web.page("site.test", "/a.html", PAGE, headers={"ETag": '"v1"'})
    result = get(web.url("site.test", "/a.html"))
    assert result.content == PAGE.encode()
    assert result.is_html
    assert result.etag == '"v1"'
    [hit] = web.hits_to("site.test", "/a.html")
    assert hit.headers["User-Agent"] == "foreigndesk-test (+https://desk.test/contact)"


def test_conditional_get_sends_the_validators_and_takes_304(web: FixtureWeb) -> None:
    def answer(x):  # type: ignore[no-untyped-def]
        if x.headers.get("If-None-Match") == '"v1"':
            x.reply(304)
        else:
            x.reply(200, PAGE.encode(), headers={"ETag": '"v1"'})

    web.route("site.test", "/a.html", answer)
    result = run_with(lambda f: f.get(web.url("site.test", "/a.html"), etag='"v1"'))
    assert result.not_modified
    assert result.content == b""


def test_no_answer_within_the_deadline_is_a_timeout(web: FixtureWeb) -> None:
    web.route("slow.test", "/a.html", stall(5))
    started = time.monotonic()
    with pytest.raises(FetchError, match="not fetched within 1 s"):
        get(web.url("slow.test", "/a.html"), timeout=1.0)
    assert time.monotonic() - started < 5  # stopped at the deadline, not when the page ended


def test_a_slow_drip_hits_the_same_deadline(web: FixtureWeb) -> None:
    # Each byte comes in well within a read timeout; the whole never does.
    web.route("slow.test", "/a.html", drip(chunks=100, every=0.05))
    started = time.monotonic()
    with pytest.raises(FetchError, match="not fetched within 1 s"):
        get(web.url("slow.test", "/a.html"), timeout=1.0)
    assert time.monotonic() - started < 5  # stopped at the deadline, not when the page ended


@pytest.mark.parametrize("status", [500, 404])
def test_an_error_status_names_itself(web: FixtureWeb, status: int) -> None:
    web.page("site.test", "/a.html", "oops", status=status)
    with pytest.raises(FetchError, match=f"HTTP {status}"):
        get(web.url("site.test", "/a.html"))


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_in_seconds_defers_the_fetch(web: FixtureWeb, status: int) -> None:
    web.page("site.test", "/a.html", "busy", status=status, headers={"Retry-After": "120"})
    with pytest.raises(Deferred) as caught:
        get(web.url("site.test", "/a.html"))
    assert caught.value.retry_after == 120


def test_retry_after_as_an_http_date_defers_until_then(web: FixtureWeb) -> None:
    when = datetime.now(UTC) + timedelta(minutes=10)
    web.page(
        "site.test",
        "/a.html",
        "busy",
        status=429,
        headers={"Retry-After": format_datetime(when, usegmt=True)},
    )
    with pytest.raises(Deferred) as caught:
        get(web.url("site.test", "/a.html"))
    assert 580 <= caught.value.retry_after <= 600


@pytest.mark.parametrize(("value", "expected"), [("soon", 60.0), ("99999999", 86400.0)])
def test_garbage_retry_after_is_ignored_and_long_ones_capped(
    web: FixtureWeb, value: str, expected: float
) -> None:
    web.page("site.test", "/a.html", "busy", status=503, headers={"Retry-After": value})
    with pytest.raises(Deferred) as caught:
        get(web.url("site.test", "/a.html"))
    assert caught.value.retry_after == expected


def test_a_host_that_asked_to_wait_is_not_asked_again_meanwhile(web: FixtureWeb) -> None:
    web.page("site.test", "/a.html", "busy", status=429, headers={"Retry-After": "300"})
    web.page("site.test", "/b.html", PAGE)

    async def both(fetcher: Fetcher) -> str:
        with pytest.raises(Deferred):
            await fetcher.get(web.url("site.test", "/a.html"))
        with pytest.raises(Deferred, match="asked the desk to wait"):
            await fetcher.get(web.url("site.test", "/b.html"))
        return "ok"

    run_with(both)
    assert web.hits_to("site.test", "/b.html") == []


def test_a_redirect_loop_ends_with_a_clear_error(web: FixtureWeb) -> None:
    web.redirect("site.test", "/a", web.url("site.test", "/b"))
    web.redirect("site.test", "/b", web.url("site.test", "/a"))
    with pytest.raises(FetchError, match="more than 10 redirects"):
        get(web.url("site.test", "/a"))
    assert len(web.hits) == 12  # robots.txt, then the first request and ten hops


def test_ten_redirects_are_followed_and_thirty_are_not(web: FixtureWeb) -> None:
    assert get(chain(web, "site.test", 10)).content.endswith(b"arrived</body></html>")
    with pytest.raises(FetchError, match="more than 10 redirects"):
        get(chain(web, "other.test", 30))


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:{port}/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:{port}/x",
        "http://10.0.0.1/x",
        "http://0x7f.1:{port}/x",
        "http://2130706433:{port}/x",
        "http://[::ffff:127.0.0.1]:{port}/x",
    ],
)
def test_a_redirect_to_a_private_or_local_address_is_refused(web: FixtureWeb, target: str) -> None:
    web.redirect("site.test", "/go", target.format(port=web.port))
    with pytest.raises(Unreachable, match="the desk only fetches public addresses"):
        get(web.url("site.test", "/go"), obey_robots=False)
    assert [h.path for h in web.hits] == ["/go"]  # nothing else was ever dialled


def test_credentials_do_not_follow_a_redirect_to_another_host(web: FixtureWeb) -> None:
    web.redirect("site.test", "/private", web.url("other.test", "/landing"))
    web.page("other.test", "/landing", PAGE)
    url = web.url("site.test", "/private").replace("http://", "http://user:secret@")
    get(url, obey_robots=False)
    [first] = web.hits_to("site.test", "/private")
    [landing] = web.hits_to("other.test", "/landing")
    assert first.headers.get("Authorization", "").startswith("Basic ")
    assert "Authorization" not in landing.headers


@pytest.mark.parametrize("scheme", ["ftp://site.test/x", "file:///etc/passwd", "javascript:x"])
def test_only_http_and_https_are_fetched(scheme: str) -> None:
    with pytest.raises(FetchError, match="only http and https"):
        get(scheme)


def test_a_gigabyte_stream_stops_at_the_size_cap(web: FixtureWeb) -> None:
    web.route("site.test", "/big", endless(total=1 << 30))
    started = time.monotonic()
    with pytest.raises(FetchError, match="larger than 1048576 bytes"):
        get(web.url("site.test", "/big"))
    assert time.monotonic() - started < 5


def test_a_gzip_bomb_is_stopped_on_decoded_bytes(web: FixtureWeb) -> None:
    bomb = gzip_bomb(200 << 20)  # 200 MiB of zeros in about 200 KiB
    assert len(bomb) < 1 << 20
    web.route(
        "site.test",
        "/bomb",
        lambda x: x.reply(200, bomb, "text/html", {"Content-Encoding": "gzip"}),
    )
    with pytest.raises(FetchError, match="larger than 1048576 bytes"):
        get(web.url("site.test", "/bomb"))


def test_stacked_encodings_are_all_undone(web: FixtureWeb) -> None:
    web.route("site.test", "/g3", encoded(PAGE.encode(), layers=3))
    assert get(web.url("site.test", "/g3")).content == PAGE.encode()


def test_a_stacked_bomb_is_stopped_too(web: FixtureWeb) -> None:
    inner = gzip_bomb(64 << 20)
    web.route(
        "site.test",
        "/g2",
        lambda x: x.reply(
            200, gzip.compress(inner, mtime=0), "text/html", {"Content-Encoding": "gzip, gzip"}
        ),
    )
    with pytest.raises(FetchError, match="larger than"):
        get(web.url("site.test", "/g2"))


def test_a_declared_length_over_the_cap_is_refused_before_reading(web: FixtureWeb) -> None:
    web.page("site.test", "/large", b"x" * (2 << 20))
    with pytest.raises(FetchError, match="larger than"):
        get(web.url("site.test", "/large"))


# -- robots.txt -----------------------------------------------------------------------------


def test_robots_txt_disallowing_a_path_keeps_the_desk_out(web: FixtureWeb) -> None:
    web.page(
        "robots.test",
        "/robots.txt",
        "User-agent: foreigndesk\nDisallow: /private/\n",
        content_type="text/plain",
    )
    web.page("robots.test", "/private/a.html", PAGE)
    web.page("robots.test", "/public/a.html", PAGE)
    with pytest.raises(FetchError, match=r"robots\.txt disallows it for foreigndesk"):
        get(web.url("robots.test", "/private/a.html"))
    assert web.hits_to("robots.test", "/private/a.html") == []
    assert get(web.url("robots.test", "/public/a.html")).content == PAGE.encode()


def test_robots_txt_missing_means_everything_is_allowed(web: FixtureWeb) -> None:
    web.page("robots.test", "/a.html", PAGE)  # /robots.txt answers 404
    assert get(web.url("robots.test", "/a.html")).content == PAGE.encode()


@pytest.mark.parametrize(
    "target",
    ["http://127.0.0.1:9/robots.txt", "http://nowhere.invalid/robots.txt"],
    ids=["forbidden-address", "unresolvable-host"],
)
def test_robots_txt_redirecting_where_nothing_can_be_had_is_unavailable(
    web: FixtureWeb, target: str
) -> None:
    # RFC 9309: a robots.txt that cannot be had although the host answers is unavailable,
    # like a 404, and the site may be fetched; it is not a site in trouble.
    web.redirect("robots.test", "/robots.txt", target)
    web.page("robots.test", "/a.html", PAGE)

    assert get(web.url("robots.test", "/a.html")).content == PAGE.encode()


def test_a_page_redirecting_to_a_forbidden_address_is_one_line_naming_both(
    web: FixtureWeb,
) -> None:
    web.redirect("site.test", "/moved.html", "http://127.0.0.1:9/secret")
    page = web.url("site.test", "/moved.html")

    with pytest.raises(FetchError) as refused:
        get(page)

    message = str(refused.value)
    assert message.startswith(f"{page}: redirected to http://127.0.0.1:9/secret, which")


def test_robots_txt_failing_with_5xx_keeps_the_desk_out(web: FixtureWeb) -> None:
    web.page("robots.test", "/robots.txt", "down", status=500)
    web.page("robots.test", "/a.html", PAGE)
    with pytest.raises(FetchError, match=r"robots\.txt could not be read"):
        get(web.url("robots.test", "/a.html"))
    assert web.hits_to("robots.test", "/a.html") == []


def test_robots_txt_timing_out_keeps_the_desk_out(web: FixtureWeb) -> None:
    web.route("robots.test", "/robots.txt", stall(3))
    web.page("robots.test", "/a.html", PAGE)
    with pytest.raises(FetchError, match=r"robots\.txt could not be read"):
        get(web.url("robots.test", "/a.html"), timeout=0.5)
    assert web.hits_to("robots.test", "/a.html") == []


def test_robots_txt_is_read_once_per_host(web: FixtureWeb) -> None:
    for n in range(5):
        web.page("robots.test", f"/{n}.html", PAGE)

    async def five(fetcher: Fetcher) -> None:
        await asyncio.gather(*(fetcher.get(web.url("robots.test", f"/{n}.html")) for n in range(5)))

    run_with(five)
    assert len(web.hits_to("robots.test", "/robots.txt")) == 1


# -- politeness -----------------------------------------------------------------------------


def test_at_most_two_requests_to_one_host_at_a_time(web: FixtureWeb) -> None:
    for n in range(8):
        web.route("slow.test", f"/{n}.html", stall(0.2))
        web.route("other.test", f"/{n}.html", stall(0.2))

    async def many(fetcher: Fetcher) -> None:
        await asyncio.gather(
            *(
                fetcher.get(web.url(host, f"/{n}.html"))
                for n in range(8)
                for host in ("slow.test", "other.test")
            )
        )

    run_with(many, obey_robots=False)
    assert web.peak == {"slow.test": 2, "other.test": 2}


def test_the_delay_between_requests_to_one_host_is_kept() -> None:
    # Measured where the gate lets each request go, on the loop's own clock: what the
    # server sees arrive may be bunched by a busy machine, and is no test of the gate.
    # The n-th request may go no sooner than n delays after they were all made; a busy
    # machine can only make it later, so the bound holds however loaded the machine is.
    entries = gate_entries(HostGate(per_host=4, delay=0.2), {"site.test": 4})
    assert all(at >= n * 0.2 - 1e-3 for n, at in enumerate(entries["site.test"]))


def gate_entries(gate: HostGate, requests: dict[str, int]) -> dict[str, list[float]]:
    """When each of ``requests`` (per host, all made at once) was let through by ``gate``,
    in seconds since they were made, earliest first."""
    entries: dict[str, list[float]] = {host: [] for host in requests}

    async def everyone() -> None:
        clock = asyncio.get_running_loop().time
        made = clock()

        async def one(host: str) -> None:
            async with gate.slot(host):
                entries[host].append(clock() - made)

        await asyncio.gather(*(one(h) for h, count in requests.items() for _ in range(count)))

    asyncio.run(everyone())
    return {host: sorted(times) for host, times in entries.items()}
