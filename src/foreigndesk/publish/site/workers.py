"""Rendering and writing a build's pages: in this process, or on forked ones when asked.

A command-line build has two cores and nothing else to do, so it renders on two forked
processes; everything else (the review desk, any library caller) renders in its own
process unless it asks. Forking copies a process as it is, with every lock that another
thread holds at that moment, and the copy waits forever on a lock no thread will release:
so a build forks only when it is asked to — ``processes`` given to ``build_site``, or
``forked_rendering()`` around the call — and in the second case only while its process
runs no other Python thread, and renders on one process otherwise.

The forked processes take pages in chunks as they become free (a core busy with other
work gets fewer), render them, and create the files themselves; the pages are the same
functions either way, so the bytes are the same. They are forked before any thread of
the executor that feeds them starts.
"""

from __future__ import annotations

import _thread
import gc
import logging
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar

from foreigndesk.publish.site.files import OutputFolder

logger = logging.getLogger(__name__)

#: A page to write: its path in the output folder and what renders it.
Page = tuple[str, Callable[[], str | bytes]]

#: Below this many pages to write, a build asked by ``forked_rendering()`` does not fork
#: (starting the processes costs about what rendering a few hundred pages does).
FORK_FROM = 1000
#: Pages a forked process takes at a time.
CHUNK = 200

_PROCESSES: ContextVar[int] = ContextVar("site_processes", default=1)


@contextmanager
def forked_rendering(processes: int | None = None) -> Iterator[None]:
    """Site builds that this thread starts inside the block render on ``processes``
    forked processes (default: two, when the machine has two cores or more).

    For a command line that runs one build and no threads; a build that finds another
    thread running in its process renders on one process all the same.
    """
    chosen = processes if processes is not None else min(2, os.cpu_count() or 1)
    token = _PROCESSES.set(chosen)
    try:
        yield
    finally:
        _PROCESSES.reset(token)


def single_threaded() -> bool:
    """No thread started by Python runs beside this one. (Those are the ones that may hold
    a lock the forked processes need, such as the one on ``sys.stderr``; the idle worker
    threads that numerical libraries such as OpenBLAS start on import in C prepare
    themselves for a fork, and are not counted.)"""
    return _thread._count() == 0


def processes_for(requested: int | None, pages: int) -> int:
    """How many processes render ``pages`` pages: ``requested`` when given, otherwise what
    ``forked_rendering()`` asked for, if the build is big and the process single-threaded."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if requested is not None:
        return max(1, requested)
    wanted = _PROCESSES.get()
    if wanted <= 1 or pages < FORK_FROM or not single_threaded():
        return 1
    return wanted


def write_pages(folder: OutputFolder, pages: Sequence[Page], processes: int) -> None:
    """Render and write every page, on ``processes`` forked processes when more than one."""
    if processes <= 1:
        for relative, render in pages:
            folder.write(relative, render())
        return
    _write_forked(folder, pages, processes)
    logger.debug("%d pages rendered on %d processes", len(pages), processes)


_SHARED: tuple[OutputFolder, Sequence[Page]] | None = None


def _write_chunk(start: int) -> tuple[int, int]:
    """In a forked process: the pages from ``start``; the files written and left alone."""
    assert _SHARED is not None
    folder, pages = _SHARED
    written, unchanged = folder.written, folder.unchanged
    for relative, render in pages[start : start + CHUNK]:
        folder.write(relative, render())
    folder.flush()
    return folder.written - written, folder.unchanged - unchanged


def _write_forked(folder: OutputFolder, pages: Sequence[Page], processes: int) -> None:
    global _SHARED
    folder.flush()  # no writer thread may be running across a fork
    writers, folder.writers = folder.writers, 0  # each process creates its files itself
    _SHARED = (folder, pages)
    # The forked processes share this one's memory until they write to it; the collector
    # would write to every object it looks at, so it leaves the ones made before the fork
    # (``build_site`` hands them back to it when the build ends).
    gc.freeze()
    context = multiprocessing.get_context("fork")
    try:
        # (Not multiprocessing's Pool: a forked process that dies leaves it waiting for
        # ever, where this executor raises.)
        with ProcessPoolExecutor(processes, mp_context=context) as pool:
            try:
                for written, unchanged in pool.map(_write_chunk, range(0, len(pages), CHUNK)):
                    folder.written += written
                    folder.unchanged += unchanged
            except BaseException:
                pool.shutdown(cancel_futures=True)
                raise
    finally:
        _SHARED = None
        folder.writers = writers
    folder.paths.update(relative for relative, _ in pages)
