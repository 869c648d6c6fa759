"""A throwaway PostgreSQL server for tests: Debian's own binaries, a cluster in a temporary
folder, gone when the test session ends.

It listens on a Unix socket in that folder and on no TCP port at all, so clusters started at
once (pytest-xdist workers, a benchmark beside the tests) cannot take each other's port: a
port picked free and bound only after ``initdb`` may be taken by someone else meanwhile.
Every client (SQLAlchemy, psycopg, the CLI, Celery workers, alembic) reaches it through the
``host`` query parameter of the URL.

PostgreSQL refuses to run as root, so as root the cluster belongs to the ``postgres``
user that Debian's package creates.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

#: Names the socket file, ``.s.PGSQL.5432``; the folder is the cluster's own, so any port will do.
_PORT = 5432
#: The longest path a Unix socket can have on Linux (``sun_path`` holds 108 bytes with its NUL).
_MAX_SOCKET_PATH = 107


def _binaries() -> Path | None:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return versions[-1].parent if versions else None


def _socket_path_length(folder: Path) -> int:
    return len(os.fsencode(folder / f".s.PGSQL.{_PORT}"))


def _folder() -> Path:
    """A new temporary folder short enough to hold the socket (a long TMPDIR is not)."""
    folder = Path(tempfile.mkdtemp(prefix="foreigndesk-pg-"))
    if _socket_path_length(folder) > _MAX_SOCKET_PATH:
        folder.rmdir()
        folder = Path(tempfile.mkdtemp(prefix="foreigndesk-pg-", dir="/tmp"))
    return folder


def _quoted(value: str) -> str:
    """``value`` as a string in postgresql.conf."""
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


@contextmanager
def temporary_postgres() -> Iterator[str]:
    """Start a cluster and yield a SQLAlchemy URL to an empty database in it."""
    binaries = _binaries()
    if binaries is None:
        raise RuntimeError("PostgreSQL is not installed — run scripts/system-packages")
    folder = _folder()
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data = folder / "data"

    def run(*command: str) -> None:
        subprocess.run([*as_user, *command], check=True, capture_output=True, timeout=120)

    run(str(binaries / "initdb"), "-D", str(data), "-U", "desk", "-A", "trust", "-E", "UTF8")
    # In the configuration file rather than on pg_ctl's command line, which goes through a
    # shell: no quoting to get right for the empty address list or the folder's path.
    with (data / "postgresql.conf").open("a", encoding="utf-8") as conf:
        conf.write(
            f"\nport = {_PORT}\n"
            "listen_addresses = ''\n"
            f"unix_socket_directories = {_quoted(str(folder))}\n"
            "fsync = off\n"
        )
    run(str(binaries / "pg_ctl"), "-D", str(data), "-w", "-l", str(folder / "log"), "start")
    try:
        run(str(binaries / "createdb"), "-h", str(folder), "-p", str(_PORT), "-U", "desk", "desk")
        yield f"postgresql+psycopg://desk@/desk?host={quote(str(folder), safe='/')}&port={_PORT}"
    finally:
        run(str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        time.sleep(0.1)
        shutil.rmtree(folder, ignore_errors=True)
