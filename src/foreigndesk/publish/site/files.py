"""Writing into an output folder: every path checked to stay inside, only changed bytes written.

A relative path is accepted only when each of its parts is a plain name — no ``..``, no
``.``, no empty part, no NUL or backslash, not absolute — so no slug, tag or author can
name a file outside the folder, whatever a source wrote. The check is lexical (fast enough
for tens of thousands of files) and the folder is made by the desk itself.

A file is replaced atomically (a temporary file renamed over it), so a web server never
serves half a page, and only when its bytes differ, so a rebuild leaves untouched files
alone and a sync to a web host moves only what changed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from foreigndesk.errors import DeskError


def check_relative(relative: str) -> str:
    """``relative`` when it names a file inside the folder; otherwise a DeskError."""
    parts = relative.split("/")
    if (
        not relative
        or relative.startswith("/")
        or "\\" in relative
        or "\x00" in relative
        or "" in parts
        or "." in parts
        or ".." in parts
    ):
        raise DeskError(
            f"refusing to write {relative!r}: it would not be a file inside the output folder"
            " — check the post's slug"
        )
    return relative


def _create(path: str, data: bytes) -> None:
    """A new file: nobody can be reading it yet, so it is written in place, with the bare
    system calls (file creation is most of a full build's time). Its folder is made when
    the file cannot be created for want of it, so a folder costs one ``mkdir``."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, 0o644)
    except FileNotFoundError:
        parent = os.path.dirname(path)
        try:
            os.mkdir(parent)
        except FileNotFoundError:
            os.makedirs(parent, exist_ok=True)
        except FileExistsError:  # made meanwhile by another writer
            pass
        fd = os.open(path, flags, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


#: New files handed to a writer thread at once.
_BATCH = 32


def _create_all(files: list[tuple[str, bytes]]) -> None:
    for path, data in files:
        _create(path, data)


class OutputFolder:
    """A folder the desk writes into, counting what it wrote and what it left alone.

    ``writers``: how many threads create the new files of a build into an empty folder
    (0: the thread that writes them); file creation is system calls that release the GIL,
    so on threads it overlaps the rendering of the next pages.
    """

    def __init__(self, root: Path, *, writers: int = 4) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.root = root.resolve()
        self._prefix = f"{self.root}{os.sep}"
        self.writers = writers
        self.written = 0
        self.unchanged = 0
        #: Every path written or confirmed in this run, relative to the root.
        self.paths: set[str] = set()
        self._pool: ThreadPoolExecutor | None = None
        self._pending: list[Future[None]] = []
        self._batch: list[tuple[str, bytes]] = []
        #: Nothing was there when the run began: a file not yet written is new, and is
        #: written without first being read (half the system calls of a full build).
        self.empty_at_start = not any(os.scandir(self.root))

    def path(self, relative: str) -> Path:
        return self.root / check_relative(relative)

    def keep(self, relative: str) -> None:
        """The file is known to be current (it was checked when it was written)."""
        self.paths.add(relative)
        self.unchanged += 1

    def keep_all(self, relatives: Iterable[str]) -> None:
        kept = list(relatives)
        self.paths.update(kept)
        self.unchanged += len(kept)

    def exists(self, relative: str) -> bool:
        return os.path.exists(self.path(relative))

    def write(self, relative: str, content: str | bytes) -> bool:
        """Write when the bytes differ from what is there; True when something was written."""
        data = content.encode("utf-8") if isinstance(content, str) else content
        path = self._prefix + check_relative(relative)
        if self.empty_at_start and relative not in self.paths:
            self.paths.add(relative)
            self.written += 1
            self._create(path, data)
            return True
        existed = False
        try:
            with open(path, "rb") as handle:
                if handle.read() == data:
                    self.paths.add(relative)
                    self.unchanged += 1
                    return False
            existed = True
        except FileNotFoundError:
            pass
        self.paths.add(relative)
        self.written += 1
        if existed:
            folder, _, name = path.rpartition(os.sep)
            temporary = f"{folder}{os.sep}.{name}.tmp"
            with open(temporary, "wb") as handle:
                handle.write(data)
            os.replace(temporary, path)
        else:
            _create(path, data)
        return True

    def _create(self, path: str, data: bytes) -> None:
        if self.writers <= 0:
            _create(path, data)
            return
        self._batch.append((path, data))
        if len(self._batch) >= _BATCH:
            self._submit()

    def _submit(self) -> None:
        if not self._batch:
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.writers, thread_name_prefix="site-write")
        self._pending.append(self._pool.submit(_create_all, self._batch))
        self._batch = []
        if len(self._pending) > 32:  # a bound on the pages held in memory
            self._settle(16)

    def _settle(self, keep: int = 0) -> None:
        while len(self._pending) > keep:
            self._pending.pop(0).result()

    def flush(self) -> None:
        """Wait until every file handed to the writer threads is on disk (raises their error)."""
        self._submit()
        self._settle()
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def remove(self, paths: Iterable[str]) -> int:
        """Delete files this folder no longer has (and folders left empty by it)."""
        removed = 0
        for relative in sorted(paths):
            try:
                path = self.path(relative)
            except DeskError:
                continue
            try:
                path.unlink()
            except FileNotFoundError:
                continue
            removed += 1
            parent = path.parent
            while parent != self.root:
                try:
                    parent.rmdir()
                except OSError:
                    break
                parent = parent.parent
        return removed

    def remove_stale(self, *, prefix: str, suffix: str) -> int:
        """Delete ``prefix…suffix`` files on disk that this run did not write."""
        folder = self.root / prefix.rstrip("/")
        if not folder.is_dir():
            return 0
        stale = [
            f"{prefix}{entry.name}"
            for entry in os.scandir(folder)
            if entry.is_file() and entry.name.endswith(suffix)
            and f"{prefix}{entry.name}" not in self.paths
        ]  # fmt: skip
        return self.remove(stale)
