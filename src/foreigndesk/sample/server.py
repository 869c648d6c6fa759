"""A static file server on loopback, in a background thread.

It answers as web servers do, HTTP/1.1 with connections kept open between requests; when
it stops, it closes them too, so a client holding one sees the site gone, as it would.
"""

from __future__ import annotations

import contextlib
import functools
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from typing import Any

SAMPLE_SITE = Path(str(files("foreigndesk.sample") / "site"))


class SiteHandler(SimpleHTTPRequestHandler):
    """Answers quietly, with the feed's and the images' types, after ``delay`` seconds."""

    extensions_map = {  # noqa: RUF012 - the base class declares it as a plain dict
        **SimpleHTTPRequestHandler.extensions_map,
        ".xml": "application/rss+xml",
        ".svg": "image/svg+xml",
    }

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    #: Seconds to wait before answering: a slow site, for tests that need time to act.
    delay = 0.0

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_head(self) -> Any:
        self.wait_to_answer()
        return super().send_head()

    def wait_to_answer(self) -> None:
        """What comes before each answer: the delay (a subclass may add to it)."""
        if self.delay:
            time.sleep(self.delay)


class SiteServer(ThreadingHTTPServer):
    """Keeps the connections it has open, to close them when it stops."""

    daemon_threads = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def server_close(self) -> None:
        super().server_close()
        with self._open_lock:
            still_open, self._open = self._open, set()
        for connection in still_open:
            with contextlib.suppress(OSError):  # the client has closed it already
                connection.shutdown(socket.SHUT_RDWR)


def make_server(
    directory: Path, host: str = "127.0.0.1", port: int = 0, delay: float = 0.0
) -> SiteServer:
    handler_class = type("Handler", (SiteHandler,), {"delay": delay})
    handler = functools.partial(handler_class, directory=str(directory))
    return SiteServer((host, port), handler)


@contextmanager
def running(server: ThreadingHTTPServer) -> Iterator[None]:
    """``server`` serving in a background thread for the duration of the block."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def serve_directory(
    directory: Path = SAMPLE_SITE, port: int = 0, delay: float = 0.0
) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 for the duration of the block; yields its base URL."""
    server = make_server(directory, port=port, delay=delay)
    with running(server):
        yield f"http://127.0.0.1:{server.server_address[1]}/"
