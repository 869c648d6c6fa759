"""The process pool that reads pages, started in the background before it is needed.

Starting it costs about two seconds of one core: its server imports the desk's main
module and the extractor and loads the language model once (pool_server.py), and each
process is forked from it with all of them. Reading a page in the desk's own process
costs about six milliseconds, so the pool pays only for a few hundred pages or more, and
only if its start is not waited for. The fetch stage knows how many pages are coming and
starts the pool then, while it waits on the network; the extract stage reads pages
itself until the pool is ready, and hands it the rest then (or at once, when there are so
many pages that waiting for it pays).

forkserver, not fork: the desk's process has threads (the heartbeat, progress bars,
the language model loading), and a process forked from it could inherit a lock one of
them held.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, wait

from foreigndesk.extract.job import Extraction, PageJob, extract_page_job

logger = logging.getLogger(__name__)

#: This many pages or more are read on the pool even when it has not finished starting:
#: waiting for it is repaid (measured on two cores, the benchmark's pages, content hash
#: and MinHash signature included: 190-210 pages a second in the desk's own process,
#: 340-380 on a pool of two).
WAIT_FOR_POOL = 1000
#: From this many pages on, the pool is started in the background: fewer are read in the
#: desk's own process in about the time (two seconds) the pool takes to start.
START_EARLY = 300


def _started() -> None:
    """A task that returns once its process is up."""


class PagesPool:
    """A pool of ``processes`` page readers, started once and kept until ``close``
    (``watch`` reuses it from cycle to cycle)."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._starting = False
        self._ready = threading.Event()
        #: Pages handed to the pool since it was made: how much of the reading it did.
        self.pages_read = 0

    @property
    def ready(self) -> bool:
        """Whether every process is up, so that reading on the pool waits for nothing."""
        return self._ready.is_set()

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the pool to be ready; whether it is."""
        return self._ready.wait(timeout)

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(["__main__", "foreigndesk.executors.pool_server"])
                self._executor = ProcessPoolExecutor(max_workers=self.processes, mp_context=context)
            return self._executor

    def start(self) -> None:
        """Start the processes in a background thread (once); returns at once."""
        with self._lock:
            if self._starting or self._executor is not None:
                return
            self._starting = True
        threading.Thread(target=self._start, name="pages-pool-start", daemon=True).start()

    def _start(self) -> None:
        try:
            pool = self._pool()
            wait([pool.submit(_started) for _ in range(self.processes)])
        except Exception:  # the extract stage starts it again, and says what went wrong
            logger.warning("the pool that reads pages did not start", exc_info=True)
            return
        finally:
            with self._lock:
                self._starting = False
        self._ready.set()

    def read(self, jobs: Sequence[PageJob]) -> Iterator[Extraction | str]:
        """What each page holds, in the order of ``jobs``."""
        self.pages_read += len(jobs)
        return self._pool().map(extract_page_job, jobs, chunksize=16)

    def close(self) -> None:
        with self._lock:
            if self._executor is not None:
                self._executor.shutdown()
                self._executor = None
                self._ready.clear()
