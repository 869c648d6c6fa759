"""Limits that hold however many processes do the work: requests in flight to one host
or one engine, and the pause between two requests to a host.

In one process (``foreigndesk run``, ``watch``) the limits are asyncio semaphores. When
the stages run on Celery workers, each worker process would hold its own, and N
processes would send N times the limit to a host; there the limits live in Redis
(``RedisSlots``): a slot is a member of a sorted set scored by when it was taken, so the
slot of a process that died is free again after its lease.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Protocol


class Slots(Protocol):
    """Counting semaphores by name, and a pause between starts by name."""

    def hold(self, key: str, limit: int) -> AbstractAsyncContextManager[None]:
        """One of ``limit`` slots of ``key`` for as long as the block runs."""

    async def start_after(self, key: str, delay: float) -> float:
        """Book the next start of ``key``, ``delay`` seconds after the one before;
        returns how many seconds to wait for it."""


class LocalSlots:
    """The limits of one process (and one event loop)."""

    def __init__(self) -> None:
        self._semaphores: dict[str, asyncio.Semaphore] = {}
        self._next: dict[str, float] = {}

    @asynccontextmanager
    async def hold(self, key: str, limit: int) -> AsyncIterator[None]:
        semaphore = self._semaphores.setdefault(key, asyncio.Semaphore(max(limit, 1)))
        async with semaphore:
            yield

    async def start_after(self, key: str, delay: float) -> float:
        now = asyncio.get_running_loop().time()
        start = max(now, self._next.get(key, 0.0))
        self._next[key] = start + delay
        return start - now


# A slot: drop the expired members, then join if there is room. Redis's own clock, so
# that the workers' clocks need not agree.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]))
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[1])))
  return 1
end
return 0
"""
# The next start: no sooner than the one booked before plus the delay.
_START_AFTER = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local booked = tonumber(redis.call('GET', KEYS[1]) or '0')
local start = math.max(now, booked)
redis.call('SET', KEYS[1], tostring(start + tonumber(ARGV[1])), 'EX', 3600)
return tostring(start - now)
"""


class RedisSlots:
    """The limits of every process that shares one Redis.

    ``lease`` is how long a slot stays taken when its holder never gives it back (a
    killed process): longer than any one request may take.
    """

    #: How long a waiting process sleeps between two tries for a slot.
    POLL = 0.02

    def __init__(
        self, url: str, *, prefix: str = "foreigndesk:slots:", lease: float = 600.0
    ) -> None:
        from redis.asyncio import Redis

        self._redis: Any = Redis.from_url(url)
        self._prefix = prefix
        self._lease = lease
        self._acquire = self._redis.register_script(_ACQUIRE)
        self._start_after = self._redis.register_script(_START_AFTER)

    @asynccontextmanager
    async def hold(self, key: str, limit: int) -> AsyncIterator[None]:
        name = self._prefix + key
        token = secrets.token_hex(8)
        while not await self._acquire(keys=[name], args=[self._lease, max(limit, 1), token]):
            await asyncio.sleep(self.POLL)
        try:
            yield
        finally:
            # Shielded: a cancelled holder still gives its slot back.
            await asyncio.shield(self._redis.zrem(name, token))

    async def start_after(self, key: str, delay: float) -> float:
        wait = await self._start_after(keys=[self._prefix + "next:" + key], args=[delay])
        return float(wait)

    async def aclose(self) -> None:
        await self._redis.aclose()


__all__ = ["LocalSlots", "RedisSlots", "Slots"]
