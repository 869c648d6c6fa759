"""A fetcher wired to the fixture web: ``*.test`` names resolve to loopback and are
allowed; every other private or local address stays forbidden."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import TypeVar

import pytest

from foreigndesk.fetch import Fetcher, FetchPolicy
from tests.fakes.web import FixtureWeb, test_resolver

T = TypeVar("T")
SITES = ["site.test", "other.test", "robots.test", "slow.test"]


@pytest.fixture
def web() -> Iterator[FixtureWeb]:
    with FixtureWeb() as fixture:
        yield fixture


def policy(**changes: object) -> FetchPolicy:
    values: dict[str, object] = {
        "user_agent": "foreigndesk-test (+https://desk.test/contact)",
        "timeout": 2.0,
        "max_bytes": 1 << 20,
        "host_delay": 0.0,
        "allow_hosts": frozenset(SITES),
    }
    values.update(changes)
    return FetchPolicy(**values)  # type: ignore[arg-type]


def run_with(work: Callable[[Fetcher], Awaitable[T]], **changes: object) -> T:
    """Run ``work`` with a fresh fetcher, on one event loop, and close it."""

    async def go() -> T:
        async with Fetcher(policy(**changes), resolver=test_resolver) as fetcher:
            return await work(fetcher)

    return asyncio.run(go())


def get(url: str, **changes: object):  # type: ignore[no-untyped-def]
    return run_with(lambda fetcher: fetcher.get(url), **changes)
