"""A throwaway Redis server for tests: Debian's own ``redis-server``, listening on loopback
only, with nothing written to disk, gone when the test ends.

The Celery executor's tests need a real broker — acks, redelivery and visibility timeouts
are what they check, and no in-memory fake reproduces those. Persistence is off so that a
server never outlives its test in a dump file, and every server gets a port of its own so
that parallel test workers (pytest -n) never share a broker.

Readiness is checked on a raw socket rather than through a client library, so that this
module works without the ``workers`` extra installed.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_START_TIMEOUT = 10.0
_ATTEMPTS = 3


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _complete(reply: bytes) -> bool:
    """A reply may come in several reads: this says when the last has come, from the length
    that a bulk string (``$length``, CRLF, body, CRLF) announces."""
    header, crlf, body = reply.partition(b"\r\n")
    if not crlf:
        return False
    if not header.startswith(b"$"):
        return True  # an error reply (``-LOADING …``) is one line
    return not header[1:].isdigit() or len(body) >= int(header[1:]) + 2


def _is_serving(port: int, pid: int) -> bool:
    """Whether the server of process ``pid`` answers on ``port``. A bare PING is not enough:
    a port taken by another Redis between the probe and the bind would answer it too."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as connection:
            connection.sendall(b"INFO server\r\n")
            reply = b""
            while not _complete(reply):
                chunk = connection.recv(4096)
                if not chunk:
                    break
                reply += chunk
    except OSError:
        return False
    return f"process_id:{pid}\r\n".encode() in reply


def _start(binary: str, folder: Path, port: int) -> subprocess.Popen[bytes] | None:
    """Start a server on ``port``; None when it exits before answering, as it does when
    another process took the port between the probe and the bind."""
    log = folder / f"redis-{port}.log"
    server = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--protected-mode",
            "yes",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
            "--logfile",
            str(log),
            "--daemonize",
            "no",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + _START_TIMEOUT
    while time.monotonic() < deadline:
        if _is_serving(port, server.pid):
            return server
        if server.poll() is not None:
            return None
        time.sleep(0.02)
    _stop(server)
    tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
    raise RuntimeError(f"redis-server did not answer within {_START_TIMEOUT} s:\n{tail}")


def _stop(server: subprocess.Popen[bytes]) -> None:
    # SIGTERM is Redis's own clean shutdown; with no save points it writes nothing.
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


@contextmanager
def temporary_redis() -> Iterator[str]:
    """Start a server and yield a URL to its database 0: the server is the test's alone, so
    there are no numbered databases to share out."""
    binary = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
    )
    if binary is None:
        raise RuntimeError("redis-server is not installed — run scripts/system-packages")
    folder = Path(tempfile.mkdtemp(prefix="foreigndesk-redis-"))
    try:
        for _ in range(_ATTEMPTS):
            port = _free_port()
            server = _start(binary, folder, port)
            if server is not None:
                break
        else:
            logs = "\n".join(log.read_text(errors="replace")[-500:] for log in folder.glob("*.log"))
            raise RuntimeError(f"redis-server failed to start {_ATTEMPTS} times:\n{logs}")
        try:
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            _stop(server)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
