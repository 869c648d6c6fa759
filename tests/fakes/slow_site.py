"""The bundled sample site on loopback, slow on purpose and with a gate: a test that must
catch a run in a passing state (fetching, discovering) holds the answer the run waits on,
so the state lasts until the test has looked, however busy the machine."""

from __future__ import annotations

import contextlib
import functools
import sys
import threading
from collections.abc import Iterator
from typing import Any

from foreigndesk.sample.server import SAMPLE_SITE, SiteHandler, SiteServer, running


class Gate:
    """Holds back the site's answers to the paths that start with ``prefix`` once
    ``let_through`` of them have been asked for, until released.

    A run waiting on a held answer stays in the state the test wants to see for as long as
    the test takes to look, however slow the machine: no state can pass unseen.
    """

    def __init__(self, prefix: str, let_through: int = 0) -> None:
        self.prefix = prefix
        self.let_through = let_through
        #: Set when the first request held back has arrived.
        self.requested = threading.Event()
        self._released = threading.Event()
        self._asked = 0
        self._lock = threading.Lock()

    def wait_turn(self, path: str) -> None:
        """Return at once, or, for a request to hold back, once the gate is released."""
        if not path.startswith(self.prefix):
            return
        with self._lock:
            self._asked += 1
            held = self._asked > self.let_through
        if held:
            self.requested.set()
            self._released.wait()

    def release(self) -> None:
        self._released.set()


class SlowSite(SiteServer):
    """The sample site on loopback, every answer ``delay`` seconds late, with a gate a test
    may set to hold some answers back (:meth:`holding`)."""

    def __init__(self, delay: float) -> None:
        handler = type("Handler", (_GatedHandler,), {"delay": delay})
        super().__init__(("127.0.0.1", 0), functools.partial(handler, directory=str(SAMPLE_SITE)))
        self.gate: Gate | None = None
        self.url = f"http://127.0.0.1:{self.server_address[1]}/"

    @contextlib.contextmanager
    def holding(self, prefix: str, let_through: int = 0) -> Iterator[Gate]:
        """A gate on this site for the duration of the block; released at its end, so the
        answers it held go out (to nobody, when their client was killed) and their threads
        end."""
        gate = Gate(prefix, let_through)
        self.gate = gate
        try:
            yield gate
        finally:
            self.gate = None
            gate.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A held answer whose client was killed meanwhile has nobody to go to.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _GatedHandler(SiteHandler):
    """The sample server's answers, after the delay and then the site's gate, if set."""

    def wait_to_answer(self) -> None:
        super().wait_to_answer()
        site = self.server
        assert isinstance(site, SlowSite)
        if site.gate is not None:
            site.gate.wait_turn(self.path)


@contextlib.contextmanager
def serve_slow_site(delay: float) -> Iterator[SlowSite]:
    site = SlowSite(delay)
    with running(site):
        yield site
