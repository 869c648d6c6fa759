"""robots.txt, by RFC 9309's rules, cached per host.

- 2xx: the rules apply (the first 500 KiB are read; the rest is ignored).
- 4xx: there are no rules; everything may be fetched.
- 5xx, a timeout or a network failure: nothing may be fetched, until the file is tried
  again a little later — a site in trouble is not a site to crawl.
A fetched file is cached for up to 24 hours, in memory and in the store, so a desk run
every ten minutes asks each host for robots.txt once a day, not a hundred times.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from protego import Protego

from foreigndesk.errors import FetchError, Unreachable

logger = logging.getLogger(__name__)

MAX_ROBOTS_BYTES = 500 * 1024
ROBOTS_TTL = 24 * 3600.0
UNREACHABLE_TTL = 3600.0


@dataclass(frozen=True)
class RobotsFile:
    """What the host answered: a status (0 for no answer) and the body."""

    status: int
    body: str
    fetched_at: float

    def fresh(self, now: float) -> bool:
        ttl = UNREACHABLE_TTL if self.status == 0 or self.status >= 500 else ROBOTS_TTL
        return now - self.fetched_at < ttl


class RobotsStore(Protocol):
    def load_robots(self, host: str) -> RobotsFile | None: ...

    def save_robots(self, host: str, robots: RobotsFile) -> None: ...


Download = Callable[[str], Awaitable[tuple[int, bytes]]]


class Robots:
    """Answers whether a URL may be fetched, asking each host once per day."""

    def __init__(
        self,
        agent: str,
        download: Download,
        store: RobotsStore | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.agent = agent
        self.download = download
        self.store = store
        self.clock = clock
        self._files: dict[str, RobotsFile] = {}
        self._parsed: dict[str, Protego] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def _file(self, origin: str) -> RobotsFile:
        # Many pages of one host are fetched at once; only the first asks for robots.txt.
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:
            return await self._load(origin)

    async def _load(self, origin: str) -> RobotsFile:
        now = self.clock()
        cached = self._files.get(origin)
        if cached is None and self.store is not None:
            cached = self.store.load_robots(origin)
        if cached is not None and cached.fresh(now):
            self._files[origin] = cached
            return cached
        try:
            status, body = await self.download(f"{origin}/robots.txt")
        except Unreachable:
            raise  # the page cannot be had either, and this says why
        except FetchError as exc:  # a timeout or a broken answer: RFC 9309 "unreachable"
            logger.info("robots.txt of %s unreachable: %s", origin, exc)
            status, body = 0, b""
        robots = RobotsFile(status, body[:MAX_ROBOTS_BYTES].decode("utf-8", "replace"), now)
        self._files[origin] = robots
        self._parsed.pop(origin, None)
        if self.store is not None:
            self.store.save_robots(origin, robots)
        return robots

    async def verdict(self, url: str) -> str | None:
        """None when ``url`` may be fetched; otherwise why not."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        robots = await self._file(origin)
        if 400 <= robots.status < 500:
            return None
        if robots.status == 0 or robots.status >= 500:
            return (
                f"{origin}/robots.txt could not be read (status {robots.status or 'none'});"
                " the site is left alone until it can"
            )
        if origin not in self._parsed:
            self._parsed[origin] = Protego.parse(robots.body)
        if self._parsed[origin].can_fetch(url, self.agent):
            return None
        return f"{origin}/robots.txt disallows it for {self.agent}"

    def crawl_delay(self, url: str) -> float | None:
        parts = urlsplit(url)
        parsed = self._parsed.get(f"{parts.scheme}://{parts.netloc}")
        delay = parsed.crawl_delay(self.agent) if parsed else None
        return float(delay) if delay is not None else None
