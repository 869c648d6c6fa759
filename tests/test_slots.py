"""Limits on requests in flight hold across processes when they live in Redis: however
many workers fetch from one host or call one engine, no more than the limit at once."""

from __future__ import annotations

import asyncio
import itertools
import multiprocessing
import time
from collections.abc import Iterator

import pytest
import redis

from foreigndesk.slots import LocalSlots, RedisSlots, Slots
from tests.redis_server import temporary_redis


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with temporary_redis() as url:
        yield url


def hold_many(url: str, key: str, limit: int, times: int) -> None:
    """One worker process: take a slot ``times`` times, counting who else holds one."""
    counter = redis.Redis.from_url(url)

    async def work() -> None:
        slots = RedisSlots(url)

        async def one() -> None:
            async with slots.hold(key, limit):
                now = counter.incr("in-flight")
                current = int(counter.get("peak") or 0)
                if now > current:
                    counter.set("peak", now)
                await asyncio.sleep(0.01)
                counter.decr("in-flight")
                counter.incr("done")

        await asyncio.gather(*(one() for _ in range(times)))
        await slots.aclose()

    asyncio.run(work())


def test_four_processes_never_hold_more_than_the_limit(redis_url: str) -> None:
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=hold_many, args=(redis_url, "engine:fake", 2, 10)) for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0

    counter = redis.Redis.from_url(redis_url)
    assert int(counter.get("done") or 0) == 40
    assert 1 <= int(counter.get("peak") or 0) <= 2


def test_a_slot_whose_holder_vanished_is_free_after_its_lease(redis_url: str) -> None:
    async def scenario() -> None:
        dead = RedisSlots(redis_url, lease=0.5)
        holding = dead.hold("host:gone.example", 1)
        await holding.__aenter__()  # taken and never given back, as by a killed process
        alive = RedisSlots(redis_url, lease=0.5)
        async with asyncio.timeout(10), alive.hold("host:gone.example", 1):
            pass
        await alive.aclose()
        await dead.aclose()

    asyncio.run(scenario())


def assert_paced(calls: list[tuple[float, float, float]], delay: float) -> None:
    """Each booked start is ``delay`` after the one before: two consecutive waits differ
    by ``delay`` less the time that passed between the two bookings, which lies within
    the span from the start of the first call to the end of the second."""
    for (begun, _, wait_before), (_, ended, wait) in itertools.pairwise(calls):
        assert delay - (ended - begun) - 1e-3 <= wait - wait_before <= delay + 1e-3


async def book(slots: Slots, key: str, delay: float) -> tuple[float, float, float]:
    begun = time.monotonic()
    wait = await slots.start_after(key, delay)
    return begun, time.monotonic(), wait


def test_starts_to_one_host_are_paced_across_clients(redis_url: str) -> None:
    async def scenario() -> list[tuple[float, float, float]]:
        clients = [RedisSlots(redis_url) for _ in range(3)]
        calls = [await book(client, "host:paced.example", 0.5) for client in clients]
        for client in clients:
            await client.aclose()
        return calls

    calls = asyncio.run(scenario())
    assert calls[0][2] == 0.0
    assert_paced(calls, 0.5)


def test_local_slots_hold_the_limit_within_one_process() -> None:
    async def scenario() -> int:
        slots, inside, peak = LocalSlots(), 0, 0

        async def one() -> None:
            nonlocal inside, peak
            async with slots.hold("engine:apertium", 3):
                inside += 1
                peak = max(peak, inside)
                await asyncio.sleep(0)
                inside -= 1

        await asyncio.gather(*(one() for _ in range(20)))
        return peak

    assert asyncio.run(scenario()) == 3


def test_local_pacing_books_starts_one_delay_apart() -> None:
    async def scenario() -> list[tuple[float, float, float]]:
        slots = LocalSlots()
        return [await book(slots, "host:a", 1.0) for _ in range(3)]

    calls = asyncio.run(scenario())
    assert calls[0][2] == 0.0
    assert_paced(calls, 1.0)
