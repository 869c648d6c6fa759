"""Waiting politely: Retry-After, exponential backoff with jitter.

Shared by everything that talks to other people's servers (sources, engines, publish
targets), so every one of them backs off the same, documented way.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

#: The longest any server may make us wait with Retry-After.
MAX_RETRY_AFTER = 24 * 3600.0


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date.

    Garbage is ignored (None), a date in the past means now (0), and no server may make
    us wait more than a day.
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def backoff(attempt: int, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Full-jitter exponential backoff: a random wait up to ``base * 2**attempt``, capped.

    Jitter spreads the retries of many clients (or many articles) so they do not return
    to a struggling server all at once.
    """
    ceiling = min(cap, base * (2**attempt))
    return (rng or random).uniform(0, ceiling)
