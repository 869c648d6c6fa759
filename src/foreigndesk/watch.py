"""`foreigndesk watch`: the desk left running, checking each source when it is due.

Each source has its own next check time in the store (set from the configured interval,
what the feed asked for, and how often it has had something new), so the scheduler only
asks the store which sources are due, runs the stages for them, and sleeps until the next
one is — waking at least every ``tick`` seconds to pick up articles whose retry time has
come. A stop request (SIGTERM or Ctrl-C) is honoured between articles: the article in
hand is finished and written, nothing is left half-done, and the next start carries on.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from types import FrameType

from foreigndesk.pipeline import Desk, RunReport
from foreigndesk.store.tables import utcnow

logger = logging.getLogger(__name__)

#: Longest sleep between two looks at the store: retries of failed articles fall due
#: without any source being due.
DEFAULT_TICK = 60.0


def seconds_until(next_check: datetime | None, now: datetime, tick: float) -> float:
    """How long to sleep: until the next source is due, but never longer than ``tick``."""
    if next_check is None:
        return tick
    return max(0.0, min(tick, (next_check - now).total_seconds()))


@dataclass
class Watcher:
    """Runs the desk's stages for due sources until asked to stop."""

    desk: Desk
    tick: float = DEFAULT_TICK
    #: Called after every cycle that had something to do (the CLI prints a summary line).
    on_cycle: Callable[[RunReport], None] | None = None

    def __post_init__(self) -> None:
        self._wake = threading.Event()

    @property
    def stopping(self) -> bool:
        return self.desk.stopping.is_set()

    def stop(self) -> None:
        """Finish the article in hand, then return from :meth:`run`."""
        self.desk.stopping.set()
        self._wake.set()

    def cycle(self) -> RunReport:
        """One pass: check the due sources, then take every stage as far as it goes."""
        due = self.desk.store.sources.due()
        report = self.desk.run(sources=due)
        if self.on_cycle is not None and _did_something(report):
            self.on_cycle(report)
        return report

    def run(self, cycles: int | None = None) -> int:
        """Cycle until stopped (or ``cycles`` times); returns the number of cycles run."""
        done = 0
        while not self.stopping and (cycles is None or done < cycles):
            self.cycle()
            done += 1
            if self.stopping or (cycles is not None and done >= cycles):
                break
            delay = seconds_until(self.desk.store.sources.next_check(), utcnow(), self.tick)
            logger.debug("watch: next look in %.0f s", delay)
            self._wake.wait(delay)
            self._wake.clear()
        return done

    @contextmanager
    def stop_on_signals(self) -> Iterator[None]:
        """SIGTERM and SIGINT ask the watcher to stop instead of killing it mid-write."""
        previous = {
            number: signal.signal(number, self._on_signal)
            for number in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            yield
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)

    def _on_signal(self, number: int, frame: FrameType | None) -> None:
        logger.info("watch: %s received, stopping after the article in hand", number)
        self.stop()


def _did_something(report: RunReport) -> bool:
    return any(
        (
            report.new_articles,
            report.fetched,
            report.extracted,
            report.translated,
            report.published,
            report.failed,
        )
    )
