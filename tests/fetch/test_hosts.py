"""The order pages are fetched in: every stretch of the list spans as many hosts as there are."""

from __future__ import annotations

import asyncio
import itertools

from foreigndesk.fetch import Fetcher
from foreigndesk.fetch.hosts import HostGate, interleave_hosts
from tests.fakes.web import FixtureWeb
from tests.fetch.conftest import run_with


def test_pages_are_taken_one_host_at_a_time_each_host_in_its_own_order() -> None:
    pages = ["a/1", "a/2", "a/3", "b/1", "b/2", "c/1"]
    order = interleave_hosts(pages, lambda page: page.split("/")[0])
    assert order == ["a/1", "b/1", "c/1", "a/2", "b/2", "a/3"]


def test_nothing_is_lost_or_repeated() -> None:
    pages = [f"h{n % 7}/{n}" for n in range(100)]
    order = interleave_hosts(pages, lambda page: page.split("/")[0])
    assert sorted(order) == sorted(pages)
    assert len({page.split("/")[0] for page in order[:7]}) == 7


def test_a_crawl_delay_paces_its_own_host_only() -> None:
    gate = HostGate(delay=0.5)

    gate.crawl_delay("slow.test", 2.0)
    gate.crawl_delay("eager.test", 0.1)  # never below the desk's own delay
    gate.crawl_delay("greedy.test", 3600.0)  # capped: a minute at most

    assert gate.delay_of("slow.test") == 2.0
    assert gate.delay_of("eager.test") == 0.5
    assert gate.delay_of("greedy.test") == 60.0
    assert gate.delay_of("other.test") == 0.5


def test_requests_to_a_host_with_a_crawl_delay_start_that_far_apart(web: FixtureWeb) -> None:
    web.page("slow.test", "/robots.txt", "User-agent: *\nCrawl-delay: 1\n", "text/plain")
    web.page("site.test", "/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
    for host in ("slow.test", "site.test"):
        for n in range(3):
            web.page(host, f"/{n}", "<p>page</p>")

    async def fetch_all(fetcher: Fetcher) -> None:
        await asyncio.gather(
            *(
                fetcher.get(web.url(host, f"/{n}"))
                for host in ("slow.test", "site.test")
                for n in range(3)
            )
        )

    run_with(fetch_all, per_host=3)

    slow = sorted(hit.at for hit in web.hits_to("slow.test") if hit.path != "/robots.txt")
    # Booked a second apart; arrival at the server may shift each by a little.
    assert all(later - earlier >= 0.8 for earlier, later in itertools.pairwise(slow))
    assert len(web.hits_to("site.test")) == 4
