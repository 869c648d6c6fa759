"""Politeness per host: a few requests at a time, a pause between them, and a site's own
request to wait (Retry-After) honoured for every later request to it.

Requests in flight and the pause between them are counted per host name (one machine);
a request to wait is kept per origin (scheme, host and port: one site), since two ports of
a host may be two sites. An origin that keeps refusing (429, 503) is left alone for the
rest of the session after ``STORM`` refusals in a row, so one bad site costs seconds.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Hashable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TypeVar, cast

from foreigndesk.errors import Deferred
from foreigndesk.slots import Slots

T = TypeVar("T")


def interleave_hosts(items: Iterable[T], host_of: Callable[[T], Hashable]) -> list[T]:
    """``items`` taken one host at a time, round-robin, each host's in their own order.

    Pages come out of discovery a feed at a time, so a host's pages sit together: fetched
    in that order, the requests in flight belong to a handful of hosts, each held to its
    few slots, while the global limit goes unused. Interleaved, every window of the list
    spans as many hosts as there are.
    """
    queues: dict[Hashable, list[T]] = defaultdict(list)
    for item in items:
        queues[host_of(item)].append(item)
    gap = object()
    rounds = itertools.zip_longest(*queues.values(), fillvalue=gap)
    return [cast(T, item) for row in rounds for item in row if item is not gap]


class HostCoolingDown(Deferred):
    """The host asked the desk to wait; the request is deferred, not failed for good."""


#: Refusals in a row (429, 503) after which an origin is left alone for the session.
STORM = 3


@dataclass
class _Origin:
    cooldown_until: float = 0.0
    refusals: int = 0
    #: The site's robots.txt Crawl-delay, when it asks for more than the default.
    delay: float | None = None


@dataclass
class _Host:
    slots: asyncio.Semaphore
    next_start: float = 0.0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class HostGate:
    """Per-host concurrency and delay, under one global limit."""

    def __init__(
        self,
        per_host: int = 2,
        delay: float = 0.0,
        total: int = 64,
        clock: Callable[[], float] = time.monotonic,
        max_wait: float = 60.0,
        shared: Slots | None = None,
    ) -> None:
        #: Where the per-host limit and pacing are kept when other processes fetch too.
        self.shared = shared
        self.per_host = per_host
        self.delay = delay
        self.clock = clock
        self.max_wait = max_wait
        self._total = asyncio.Semaphore(total)
        self._hosts: dict[str, _Host] = {}
        self._origins: dict[str, _Origin] = {}

    def _host(self, host: str) -> _Host:
        if host not in self._hosts:
            self._hosts[host] = _Host(asyncio.Semaphore(self.per_host))
        return self._hosts[host]

    def crawl_delay(self, origin: str, seconds: float) -> None:
        """The site's robots.txt asks for ``seconds`` between requests: honoured for that
        site alone (its origin, as robots.txt is; capped at a minute), never lowering the
        desk's own delay."""
        self._origin(origin).delay = min(max(seconds, self.delay), 60.0)

    def delay_of(self, origin: str) -> float:
        site = self._origins.get(origin)
        return self.delay if site is None or site.delay is None else site.delay

    def _origin(self, origin: str) -> _Origin:
        return self._origins.setdefault(origin, _Origin())

    def cool_down(self, origin: str, seconds: float) -> None:
        """The site at ``origin`` refused (429, 503) and asked for ``seconds``."""
        state = self._origin(origin)
        state.cooldown_until = max(state.cooldown_until, self.clock() + seconds)
        state.refusals += 1

    def answered(self, origin: str) -> None:
        """The site answered: its refusals in a row start again from none."""
        if origin in self._origins:
            self._origins[origin].refusals = 0

    @asynccontextmanager
    async def slot(self, host: str, origin: str | None = None) -> AsyncIterator[None]:
        """Hold one of the host's slots, starting no sooner than the delay allows and
        the site's own request to wait (for ``origin``, its scheme://host:port)."""
        state = self._host(host)
        site = self._origins.get(origin or host)
        if site is not None and site.refusals >= STORM:
            raise HostCoolingDown(
                f"{origin or host} refused {site.refusals} requests in a row — left alone"
                " for this run; its pages are tried again on a later one",
                max(site.cooldown_until - self.clock(), 0.0),
            )
        cooldown_until = site.cooldown_until if site is not None else 0.0
        async with state.slots, self._total:
            wait = cooldown_until - self.clock()
            if wait > self.max_wait:
                raise HostCoolingDown(
                    f"{origin or host} asked the desk to wait {wait:.0f} s more — the page is"
                    " tried again on a later run",
                    wait,
                )
            if self.shared is not None:
                key = f"host:{host}"
                async with self.shared.hold(key, self.per_host):
                    delay = self.delay_of(origin or host)
                    pause = max(await self.shared.start_after(key, delay), wait)
                    if pause > 0:
                        await asyncio.sleep(pause)
                    yield
                return
            async with state.lock:
                start = max(self.clock(), state.next_start, cooldown_until)
                state.next_start = start + self.delay_of(origin or host)
            pause = start - self.clock()
            if pause > 0:
                await asyncio.sleep(pause)
            yield
