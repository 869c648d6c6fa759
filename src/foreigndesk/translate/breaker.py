"""A circuit breaker per engine: an engine that keeps failing is left alone for a while.

Without it, a run over hundreds of articles would spend every article's retries on a
service that is down, and never reach the fallback engine.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class CircuitBreaker:
    threshold: int = 5
    cooldown: float = 60.0
    clock: Callable[[], float] = time.monotonic
    failures: int = 0
    opened_at: float | None = field(default=None)

    def allows(self) -> bool:
        """Closed, or open long enough that one trial call may go through."""
        if self.opened_at is None:
            return True
        return self.clock() - self.opened_at >= self.cooldown

    def succeeded(self) -> None:
        self.failures = 0
        self.opened_at = None

    def failed(self) -> None:
        self.failures += 1
        if self.failures >= self.threshold:
            self.opened_at = self.clock()
