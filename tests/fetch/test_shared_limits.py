"""Politeness across processes: fetchers that share their limits in Redis, as Celery
workers do, send no more requests to one host at once than ``fetch.per_host``, however
many of them there are."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest

from foreigndesk.fetch import Fetcher
from foreigndesk.slots import RedisSlots
from tests.fakes import web as fake_web
from tests.fakes.web import Exchange, FixtureWeb
from tests.fetch.conftest import policy
from tests.redis_server import temporary_redis


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with temporary_redis() as url:
        yield url


def slow_page(x: Exchange) -> None:
    time.sleep(0.05)
    x.reply(200, b"<html><body><p>A page.</p></body></html>", "text/html")


def fetch_all(web: FixtureWeb, fetchers: int, pages: int, shared_url: str | None) -> None:
    """``fetchers`` separate fetchers (each as a worker process would have it), fetching
    ``pages`` pages of one host each, all at once."""

    async def one(number: int) -> None:
        shared = RedisSlots(shared_url) if shared_url else None
        try:
            async with Fetcher(
                policy(per_host=2), resolver=fake_web.test_resolver, shared=shared
            ) as f:
                results = await asyncio.gather(
                    *(f.get(web.url("site.test", f"/{number}/{page}")) for page in range(pages))
                )
            assert all(result.status_code == 200 for result in results)
        finally:
            if shared is not None:
                await shared.aclose()

    async def everyone() -> None:
        await asyncio.gather(*(one(number) for number in range(fetchers)))

    for number in range(fetchers):
        for page in range(pages):
            web.route("site.test", f"/{number}/{page}", slow_page)
    web.page("site.test", "/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
    asyncio.run(everyone())


def test_four_fetchers_sharing_their_limits_keep_to_per_host(
    web: FixtureWeb, redis_url: str
) -> None:
    fetch_all(web, fetchers=4, pages=6, shared_url=redis_url)

    assert len([hit for hit in web.hits_to("site.test") if hit.path != "/robots.txt"]) == 24
    assert web.peak["site.test"] <= 2
