"""A fixture web: many sites on one loopback server, each route a scripted answer.

Sources are tested against this server (DESIGN.md, "Testing without the internet"): it
serves fixture sites under made-up ``*.test`` host names and injects the faults real
sites produce — slow answers, slow drips, endless streams, bombs, redirect chains. Tests
resolve ``*.test`` to 127.0.0.1 with ``test_resolver`` and allow those names through the
SSRF guard, so every other address (127.0.0.1 itself included) stays forbidden, exactly
as in production.
"""

from __future__ import annotations

import gzip
import ipaddress
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self

from foreigndesk.fetch.guard import IPAddress
from foreigndesk.fetch.transport import system_resolver

Handler = Callable[["Exchange"], None]
LOOPBACK = ipaddress.ip_address("127.0.0.1")


async def test_resolver(host: str, port: int) -> list[IPAddress]:
    """``*.test`` names live on this machine; everything else resolves as usual."""
    if host.endswith(".test"):
        return [LOOPBACK]
    return await system_resolver(host, port)


@dataclass
class Hit:
    host: str
    path: str
    headers: dict[str, str]
    at: float


class Exchange(BaseHTTPRequestHandler):
    """One request; a route writes its answer through it."""

    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    @property
    def host(self) -> str:
        return (self.headers.get("Host") or "").split(":")[0]

    def do_GET(self) -> None:
        web = self.server.web
        with web.lock:
            web.hits.append(Hit(self.host, self.path, dict(self.headers.items()), time.monotonic()))
            web.in_flight[self.host] = web.in_flight.get(self.host, 0) + 1
            web.peak[self.host] = max(web.peak.get(self.host, 0), web.in_flight[self.host])
        try:
            route = web.routes.get((self.host, self.path)) or web.routes.get(("*", self.path))
            if route is None:
                self.reply(404, b"not found", "text/plain")
            else:
                route(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up reading: what a size cap or deadline does
        finally:
            with web.lock:
                web.in_flight[self.host] -= 1

    def reply(
        self,
        status: int,
        body: bytes = b"",
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    web: FixtureWeb


@dataclass
class FixtureWeb:
    """Sites under ``*.test`` names; ``web.url("site.test", "/feed.xml")`` is a URL on it."""

    routes: dict[tuple[str, str], Handler] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    in_flight: dict[str, int] = field(default_factory=dict)
    peak: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _server: _Server | None = None

    def __enter__(self) -> Self:
        self._server = _Server(("127.0.0.1", 0), Exchange)
        self._server.web = self
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])

    def url(self, host: str, path: str = "/") -> str:
        return f"http://{host}:{self.port}{path}"

    def route(self, host: str, path: str, handler: Handler) -> None:
        self.routes[(host, path)] = handler

    def page(
        self,
        host: str,
        path: str,
        body: bytes | str,
        content_type: str = "text/html; charset=utf-8",
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.route(host, path, lambda x: x.reply(status, data, content_type, headers))

    def redirect(self, host: str, path: str, location: str, status: int = 302) -> None:
        self.route(host, path, lambda x: x.reply(status, b"", headers={"Location": location}))

    def hits_to(self, host: str, path: str | None = None) -> list[Hit]:
        return [h for h in self.hits if h.host == host and (path is None or h.path == path)]


# -- answers real sites give --------------------------------------------------------------


def drip(chunks: int, every: float, status: int = 200) -> Handler:
    """Headers at once, then one byte every ``every`` seconds: a slow-drip attack."""

    def handler(x: Exchange) -> None:
        x.send_response(status)
        x.send_header("Content-Type", "text/html")
        x.send_header("Content-Length", str(chunks))
        x.end_headers()
        for _ in range(chunks):
            x.wfile.write(b"a")
            x.wfile.flush()
            time.sleep(every)

    return handler


def stall(seconds: float) -> Handler:
    """No answer at all for ``seconds``."""

    def handler(x: Exchange) -> None:
        time.sleep(seconds)
        x.reply(200, b"late")

    return handler


def endless(total: int, chunk: int = 1 << 16) -> Handler:
    """A chunked stream of ``total`` bytes (a gigabyte, say), with no Content-Length."""

    def handler(x: Exchange) -> None:
        x.send_response(200)
        x.send_header("Content-Type", "text/html")
        x.send_header("Transfer-Encoding", "chunked")
        x.end_headers()
        block = b"a" * chunk
        sent = 0
        while sent < total:
            x.wfile.write(f"{len(block):x}\r\n".encode() + block + b"\r\n")
            sent += len(block)
        x.wfile.write(b"0\r\n\r\n")

    return handler


def encoded(body: bytes, layers: int = 1, content_type: str = "text/html") -> Handler:
    """``body`` gzipped ``layers`` times, with Content-Encoding saying so."""
    data = body
    for _ in range(layers):
        data = gzip.compress(data, mtime=0)
    encoding = ", ".join(["gzip"] * layers)

    def handler(x: Exchange) -> None:
        x.reply(200, data, content_type, {"Content-Encoding": encoding})

    return handler


def gzip_bomb(expanded: int) -> bytes:
    """``expanded`` zero bytes, gzipped: about a thousandth of the size on the wire."""
    out = bytearray()
    deflate = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * (1 << 20)
    for _ in range(expanded // len(block)):
        out += deflate.compress(block)
    out += deflate.flush()
    return bytes(out)


def chain(web: FixtureWeb, host: str, hops: int) -> str:
    """``hops`` redirects in a row on ``host``, ending at a page; returns the first URL."""
    for hop in range(hops):
        web.redirect(host, f"/hop{hop}", web.url(host, f"/hop{hop + 1}"))
    web.page(host, f"/hop{hops}", "<html><body>arrived</body></html>")
    return web.url(host, "/hop0")
