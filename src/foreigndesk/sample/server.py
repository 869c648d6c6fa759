"""A static file server on loopback, in a background thread."""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from typing import Any

SAMPLE_SITE = Path(str(files("foreigndesk.sample") / "site"))


class _QuietHandler(SimpleHTTPRequestHandler):
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
        if self.delay:
            time.sleep(self.delay)
        return super().send_head()


def make_server(
    directory: Path, host: str = "127.0.0.1", port: int = 0, delay: float = 0.0
) -> ThreadingHTTPServer:
    handler_class = type("Handler", (_QuietHandler,), {"delay": delay})
    handler = functools.partial(handler_class, directory=str(directory))
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


@contextmanager
def serve_directory(
    directory: Path = SAMPLE_SITE, port: int = 0, delay: float = 0.0
) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 for the duration of the block; yields its base URL."""
    server = make_server(directory, port=port, delay=delay)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
