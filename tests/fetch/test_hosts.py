"""The order pages are fetched in: every stretch of the list spans as many hosts as there are."""

from __future__ import annotations

from foreigndesk.fetch.hosts import HostGate, interleave_hosts
from tests.fetch.test_fetcher import gate_entries


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


def test_a_host_with_a_crawl_delay_is_paced_and_the_others_are_not() -> None:
    gate = HostGate(per_host=3, delay=0.0)
    gate.crawl_delay("slow.test", 0.3)

    entries = gate_entries(gate, {"slow.test": 3, "site.test": 3})

    slow = entries["slow.test"]
    assert all(at >= n * 0.3 - 1e-3 for n, at in enumerate(slow))
    # The other host's requests never waited: they all went before the slow host's
    # second one, which had to sleep for its delay.
    assert max(entries["site.test"]) <= slow[1]


def test_a_crawl_delay_is_its_sites_own_not_every_port_of_the_host() -> None:
    gate = HostGate(per_host=4, delay=0.0)
    gate.crawl_delay("http://site.test:8080", 5.0)
    assert gate.delay_of("http://site.test:8080") == 5.0
    assert gate.delay_of("http://site.test:8081") == 0.0
