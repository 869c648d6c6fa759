"""The order pages are fetched in: every stretch of the list spans as many hosts as there are."""

from __future__ import annotations

from foreigndesk.fetch.hosts import interleave_hosts


def test_pages_are_taken_one_host_at_a_time_each_host_in_its_own_order() -> None:
    pages = ["a/1", "a/2", "a/3", "b/1", "b/2", "c/1"]
    order = interleave_hosts(pages, lambda page: page.split("/")[0])
    assert order == ["a/1", "b/1", "c/1", "a/2", "b/2", "a/3"]


def test_nothing_is_lost_or_repeated() -> None:
    pages = [f"h{n % 7}/{n}" for n in range(100)]
    order = interleave_hosts(pages, lambda page: page.split("/")[0])
    assert sorted(order) == sorted(pages)
    assert len({page.split("/")[0] for page in order[:7]}) == 7
