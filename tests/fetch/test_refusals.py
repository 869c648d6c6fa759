"""A site's refusals: its request to wait is kept per origin, a site that keeps refusing
is left alone for the rest of the run, and one deadline covers every hop of a fetch."""

from __future__ import annotations

import asyncio
import time

import pytest

from foreigndesk.errors import Deferred, FetchError
from foreigndesk.fetch import Fetcher
from foreigndesk.fetch.hosts import STORM, HostCoolingDown, HostGate
from tests.fakes.web import Exchange, FixtureWeb, Handler
from tests.fetch.conftest import get, run_with


def test_a_request_to_wait_holds_for_its_origin_not_for_other_ports_of_the_host() -> None:
    gate = HostGate(max_wait=30)
    gate.cool_down("http://site.test:8080", 3600)

    async def enter(origin: str) -> None:
        async with gate.slot("site.test", origin):
            pass

    asyncio.run(enter("http://site.test:8081"))  # another site on the same machine
    with pytest.raises(HostCoolingDown, match=r"http://site.test:8080 asked the desk to wait"):
        asyncio.run(enter("http://site.test:8080"))


def test_a_site_that_keeps_refusing_is_left_alone_for_the_run(web: FixtureWeb) -> None:
    def refuse(x: Exchange) -> None:
        x.reply(429, b"slow down", headers={"Retry-After": "0"})

    for n in range(8):
        web.route("site.test", f"/{n}.html", refuse)
    web.page("other.test", "/fine.html", "<html><body>fine</body></html>")

    async def many(fetcher: Fetcher) -> tuple[list[str], bytes]:
        outcomes: list[str] = []
        for n in range(8):
            try:
                await fetcher.get(web.url("site.test", f"/{n}.html"), check_robots=False)
            except Deferred as exc:
                outcomes.append(str(exc))
        other = await fetcher.get(web.url("other.test", "/fine.html"), check_robots=False)
        return outcomes, other.content

    started = time.monotonic()
    outcomes, other = run_with(many, obey_robots=False)
    assert len(web.hits_to("site.test")) == STORM  # then it was asked nothing more
    assert all("HTTP 429" in line for line in outcomes[:STORM])
    assert all(
        f"refused {STORM} requests in a row — left alone for this run" in line
        for line in outcomes[STORM:]
    )
    assert b"fine" in other  # other hosts go on as before
    assert time.monotonic() - started < 30  # seconds, not minutes (a generous bound)


def test_an_answer_between_refusals_starts_the_count_again(web: FixtureWeb) -> None:
    answers = iter([429, 429, 200, 429, 429, 200])

    def sometimes(x: Exchange) -> None:
        status = next(answers)
        x.reply(status, b"ok" if status == 200 else b"no", headers={"Retry-After": "0"})

    web.route("site.test", "/a.html", sometimes)

    async def six(fetcher: Fetcher) -> int:
        taken = 0
        for _ in range(6):
            try:
                await fetcher.get(web.url("site.test", "/a.html"), check_robots=False)
                taken += 1
            except Deferred:
                pass
        return taken

    assert run_with(six, obey_robots=False) == 2
    assert len(web.hits_to("site.test")) == 6


def test_one_deadline_covers_every_hop_of_a_redirect_chain(web: FixtureWeb) -> None:
    def slow_hop(target: str) -> Handler:
        def handler(x: Exchange) -> None:
            time.sleep(0.45)
            x.reply(302, b"", headers={"Location": target})

        return handler

    web.route("site.test", "/a", slow_hop(web.url("site.test", "/b")))
    web.route("site.test", "/b", slow_hop(web.url("site.test", "/c")))
    web.route("site.test", "/c", slow_hop(web.url("site.test", "/d")))
    web.page("site.test", "/d", "<html><body>arrived</body></html>")

    # Each hop is well within the deadline; the chain is not.
    with pytest.raises(FetchError, match="not fetched within 1 s"):
        get(web.url("site.test", "/a"), timeout=1.0, obey_robots=False)
