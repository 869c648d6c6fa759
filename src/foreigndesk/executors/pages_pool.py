"""The process pool that reads pages, started in the background before it is needed.

Starting it takes about half a second on two cores: its server imports the program's
main module (the `foreigndesk` command, which imports next to nothing: cli.py) and the
extractor, and loads the language model once (pool_server.py, ../language_model.py); each
process is forked from it with all of them. Reading a page and storing what it holds
costs about five and a half milliseconds in the desk's own process, so the pool pays
from a couple of hundred pages on. The fetch stage knows how many pages are coming and
starts the pool then, while it waits on the network; the extract stage hands the pool
every page at once, and its processes take them as they come up.

The pool is a helper, never a point of failure: if it cannot start, or one of its
processes dies (killed for memory, say), the pages it had not read are read in the
desk's own process, the caller says so in one line, and the next batch of work starts a
new pool. Its processes ignore SIGINT: a Ctrl-C reaches the whole process group, and a
stop is the desk's to decide (it finishes the article in hand). SIGTERM they obey, as
the pool itself uses it to end a process left running when another died.

forkserver, not fork: the desk's process has threads (the heartbeat, progress bars,
the language model loading), and a process forked from it could inherit a lock one of
them held.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor

from foreigndesk.extract.job import Extraction, PageJob, extract_page_job

logger = logging.getLogger(__name__)

#: From this many pages on, the pool is started in the background and reads them
#: (measured on two cores: at 100 pages starting it cost more than it saved, at 150 it
#: broke even, at 200 the pages were read a fifth sooner).
START_EARLY = 200


#: How many rounds of warm-up tasks are sent before the pool is taken as up anyway.
_WARM_ROUNDS = 50


class PoolFailed(Exception):
    """The pool could not read the pages it was given: it did not start, or one of its
    processes died. The pool is reset; the pages are to be read another way."""


def _prepare_process() -> None:
    """Each pool process leaves SIGINT to the desk (see the module's note), and ends when
    the desk that made it is gone: killed (``kill -9``), the desk cannot stop it, and a
    pool process waiting for work would otherwise wait for ever (the pool's server, its
    parent, lives as long as any of them)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    desk = multiprocessing.parent_process()
    if desk is None:
        return

    def exit_with_the_desk() -> None:
        desk.join()  # returns when the desk's end of the pipe between them closes
        os._exit(0)

    threading.Thread(target=exit_with_the_desk, name="desk-watch", daemon=True).start()


def _started() -> int:
    """A task that says which process ran it, once that process is up; it lasts long
    enough (20 ms) that tasks sent together mostly go to different processes (when not,
    ``_warm`` sends another round), and short enough that the pages queued behind it
    hardly wait."""
    time.sleep(0.02)
    return os.getpid()


class PagesPool:
    """A pool of ``processes`` page readers, started once and kept until ``close``
    (``watch`` reuses it from cycle to cycle)."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._ready = threading.Event()
        #: Pages handed to the pool since it was made: how much of the reading it did.
        self.pages_read = 0

    @property
    def started(self) -> bool:
        """Whether the pool has been started (and not closed or reset since): pages
        handed to it now are read as soon as its processes are up."""
        with self._lock:
            return self._executor is not None

    @property
    def ready(self) -> bool:
        """Whether every process is up, so that reading on the pool waits for nothing."""
        return self._ready.is_set()

    @property
    def process_ids(self) -> list[int]:
        """The ids of the pool's processes started so far (none before ``start``)."""
        with self._lock:
            executor = self._executor
        return sorted(executor._processes or {}) if executor is not None else []

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the pool to be ready; whether it is."""
        return self._ready.wait(timeout)

    def _new_executor(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["__main__", "foreigndesk.executors.pool_server"])
        return ProcessPoolExecutor(
            max_workers=self.processes, mp_context=context, initializer=_prepare_process
        )

    def start(self) -> None:
        """Start the processes in a background thread (once); returns at once."""
        with self._lock:
            if self._executor is not None:
                return
            executor = self._executor = self._new_executor()
        threading.Thread(
            target=self._warm, args=(executor,), name="pages-pool-start", daemon=True
        ).start()

    def _warm(self, executor: ProcessPoolExecutor) -> None:
        """Start every process of ``executor``; the pool is ready when all are up."""
        seen: set[int] = set()
        try:
            # Until every process has answered: one may take two tasks while the other
            # is still starting.
            for _ in range(_WARM_ROUNDS):
                started = [executor.submit(_started) for _ in range(self.processes)]
                seen.update(f.result() for f in started)
                if len(seen) >= self.processes:
                    break
        except Exception:  # closed meanwhile, or no process could be made
            logger.warning("the pool that reads pages did not start", exc_info=True)
            self._reset(executor)  # a later start tries again
            return
        with self._lock:
            if self._executor is executor:
                self._ready.set()

    def read(self, jobs: Sequence[PageJob]) -> Iterator[Extraction | str]:
        """What each page holds, in the order of ``jobs``; PoolFailed, after resetting the
        pool, when it cannot read them (see the module's note)."""
        with self._lock:
            executor = self._executor = self._executor or self._new_executor()
        self.pages_read += len(jobs)
        try:
            yield from executor.map(extract_page_job, jobs, chunksize=16)
        except Exception as exc:  # BrokenProcessPool, or a process that could not start
            self._reset(executor)
            raise PoolFailed(f"{type(exc).__name__}: {exc}" if str(exc) else repr(exc)) from exc

    def _reset(self, executor: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is executor:
                self._executor = None
                self._ready.clear()
        executor.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop the pool's processes, if any were started; a later ``start`` makes new
        ones."""
        with self._lock:
            executor, self._executor = self._executor, None
            self._ready.clear()
        if executor is not None:
            executor.shutdown(cancel_futures=True)
