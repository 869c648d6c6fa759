"""A fixture web: many sites on one loopback server, each route a scripted answer.

Sources are tested against this server (DESIGN.md, "Testing without the internet"): it
serves fixture sites under made-up ``*.test`` host names and injects the faults real
sites produce — slow answers, slow drips, endless streams, bombs, redirect chains. Tests
resolve ``*.test`` to 127.0.0.1 with ``test_resolver`` and allow those names through the
SSRF guard, so every other address (127.0.0.1 itself included) stays forbidden, exactly
as in production.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import ipaddress
import multiprocessing
import random
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from functools import cached_property
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
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
    _counted = False

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
        self._counted = True
        try:
            route = web.routes.get((self.host, self.path)) or web.routes.get(("*", self.path))
            if route is None:
                self.reply(404, b"not found", "text/plain")
            else:
                route(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up reading: what a size cap or deadline does
        finally:
            self._count_out()

    def _count_out(self) -> None:
        """The request is no longer in flight. ``reply`` counts out before it writes: a
        client cannot send its next request before it has this answer, so ``peak`` never
        counts a request whose answer is already out while its thread has yet to run."""
        if self._counted:
            self._counted = False
            with self.server.web.lock:
                self.server.web.in_flight[self.host] -= 1

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
        self._count_out()
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


# -- a load: many sites, in a process of their own ----------------------------------------

#: Faults a load plan injects once; the second request for the same URL gets its answer.
TRANSIENT_FAULTS = (
    "500",
    "503",
    "429-seconds",
    "429-date",
    "stall",
    "reset",
    "garbage",
    "truncated",
    "corrupt-gzip",
)
#: Faults that stay: every request for the URL gets them.
PERMANENT_FAULTS = ("404", "500", "garbage", "corrupt-gzip")

LOAD_ROBOTS = b"User-agent: *\nDisallow: /private/\n"


@dataclass(frozen=True)
class LoadFault:
    kind: str
    permanent: bool = False


@dataclass(frozen=True)
class LoadPlan:
    """``hosts`` sites of ``feeds_per_host`` RSS feeds, each listing ``items_per_feed``
    article pages, with ``fault_rate`` of the feeds and of the articles answering with a
    fault the first time they are asked for (``permanent_share`` of those every time).

    Only articles of feeds that answer the first time are faulty, so one retry pass takes
    every article a transient fault held back. Each site's first feed also lists one page
    under /private/, which the site's robots.txt disallows. Seeded: every run, and the
    server process and the test alike, compute the same plan.
    """

    hosts: int = 100
    feeds_per_host: int = 10
    items_per_feed: int = 20
    fault_rate: float = 0.05
    permanent_share: float = 0.1
    seed: int = 3
    #: Seconds each answer takes to start: a slow site, so that requests to one host
    #: overlap unless the client holds them back (see ``LoadWeb.max_in_flight``).
    delay: float = 0.0

    @staticmethod
    def host(index: int) -> str:
        return f"h{index:03d}.test"

    @property
    def host_names(self) -> list[str]:
        return [self.host(h) for h in range(self.hosts)]

    @property
    def feeds(self) -> list[tuple[str, str]]:
        return [
            (host, f"/feeds/{f}.xml")
            for host in self.host_names
            for f in range(self.feeds_per_host)
        ]

    def items(self, host: str, feed_path: str) -> list[str]:
        """The paths a feed lists, its private page (on the first feed) included."""
        feed = feed_path.removeprefix("/feeds/").removesuffix(".xml")
        paths = [f"/a/{feed}/{i}.html" for i in range(self.items_per_feed)]
        if feed == "0":
            paths.append("/private/0.html")
        return paths

    @property
    def articles(self) -> list[tuple[str, str]]:
        """Every public article page, as (host, path)."""
        return [
            (host, path)
            for host, feed in self.feeds
            for path in self.items(host, feed)
            if not path.startswith("/private/")
        ]

    @property
    def private(self) -> list[tuple[str, str]]:
        return [(host, "/private/0.html") for host in self.host_names]

    @cached_property
    def faults(self) -> dict[tuple[str, str], LoadFault]:
        rng = random.Random(self.seed)
        feeds = self.feeds
        faulty_feeds = rng.sample(feeds, round(len(feeds) * self.fault_rate))
        spared = set(faulty_feeds)
        candidates = [
            (host, path)
            for host, feed in feeds
            if (host, feed) not in spared
            for path in self.items(host, feed)
            if not path.startswith("/private/")
        ]
        faulty_articles = rng.sample(candidates, round(len(self.articles) * self.fault_rate))
        faults: dict[tuple[str, str], LoadFault] = {}
        for key in sorted(faulty_feeds) + sorted(faulty_articles):
            permanent = rng.random() < self.permanent_share
            kinds = PERMANENT_FAULTS if permanent else TRANSIENT_FAULTS
            faults[key] = LoadFault(rng.choice(kinds), permanent)
        return faults

    @cached_property
    def listed(self) -> set[tuple[str, str]]:
        """Every page listed by a feed that answers in the end, private pages included."""
        faults = self.faults
        return {
            (host, path)
            for host, feed in self.feeds
            if not ((host, feed) in faults and faults[host, feed].permanent)
            for path in self.items(host, feed)
        }

    @cached_property
    def good(self) -> set[tuple[str, str]]:
        """The pages a desk should end up with: listed, public, and answering in the end."""
        faults = self.faults
        return {
            key
            for key in self.listed - set(self.private)
            if not (key in faults and faults[key].permanent)
        }

    def page(self, host: str, path: str) -> bytes:
        """An article page; its text names its host and path, so a page stored under the
        wrong article would show."""
        marker = f"{host}{path}"
        paragraphs = "".join(
            f"<p>Paragraph {n} of the article at {marker}. The harbour board met on a grey"
            " morning to talk about the tides, the ferries and the fish market.</p>"
            for n in range(6)
        )
        return (
            f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>Article {marker}</title></head><body><article><h1>Article {marker}</h1>"
            f"{paragraphs}</article></body></html>"
        ).encode()

    def feed(self, host: str, path: str, port: int) -> bytes:
        items = "".join(
            f"<item><title>Item {item}</title><link>http://{host}:{port}{item}</link>"
            f"<guid isPermaLink='false'>{host}{item}</guid></item>"
            for item in self.items(host, path)
        )
        return (
            "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
            f"<title>Feed {host}{path}</title><link>http://{host}:{port}/</link>"
            f"<description>Load test feed</description>{items}</channel></rss>"
        ).encode()


@dataclass(frozen=True)
class Answer:
    """What the load server answered one request with: ``ok``, ``not-modified``,
    ``missing`` or the fault's kind."""

    host: str
    path: str
    kind: str


class _LoadServer:
    """HTTP/1.1 with keep-alive on asyncio: fast enough that the client is what is measured."""

    def __init__(self, plan: LoadPlan) -> None:
        self.plan = plan
        self.port = 0
        self.attempts: dict[tuple[str, str], int] = {}
        self.answers: list[Answer] = []
        self.in_flight: dict[str, int] = {}
        self.most_in_flight: dict[str, int] = {}

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                target = lines[0].split(" ")[1] if lines[0].count(" ") >= 2 else "/"
                headers = {
                    name.strip().lower(): value.strip()
                    for name, _, value in (line.partition(":") for line in lines[1:] if line)
                }
                host = headers.get("host", "").split(":")[0]
                self.in_flight[host] = self.in_flight.get(host, 0) + 1
                self.most_in_flight[host] = max(
                    self.most_in_flight.get(host, 0), self.in_flight[host]
                )
                try:
                    if self.plan.delay:
                        await asyncio.sleep(self.plan.delay)
                    if not await self.answer(host, target, headers, reader, writer):
                        return
                finally:
                    self.in_flight[host] -= 1
        except ConnectionError:
            return
        finally:
            writer.close()

    @staticmethod
    def _write(
        writer: asyncio.StreamWriter,
        status: str,
        body: bytes,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        lines = [
            f"HTTP/1.1 {status}",
            f"Content-Type: {content_type}",
            f"Content-Length: {len(body)}",
            *(f"{name}: {value}" for name, value in (headers or {}).items()),
        ]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)

    async def answer(
        self,
        host: str,
        path: str,
        headers: dict[str, str],
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
        """Answer one request; False when the connection is to be closed."""
        key = (host, path)
        attempt = self.attempts.get(key, 0)
        self.attempts[key] = attempt + 1
        fault = self.plan.faults.get(key)
        kind = fault.kind if fault and (attempt == 0 or fault.permanent) else "ok"
        etag = '"v1"'
        if kind == "ok":
            if path == "/robots.txt":
                self._write(writer, "200 OK", LOAD_ROBOTS, "text/plain")
            elif path.startswith("/feeds/") and headers.get("if-none-match") == etag:
                kind = "not-modified"
                self._write(writer, "304 Not Modified", b"", headers={"ETag": etag})
            elif path.startswith("/feeds/") and host in self.plan.host_names:
                feed = self.plan.feed(host, path, self.port)
                self._write(writer, "200 OK", feed, "application/rss+xml", {"ETag": etag})
            elif path.startswith(("/a/", "/private/")):
                self._write(writer, "200 OK", self.plan.page(host, path))
            else:
                kind = "missing"
                self._write(writer, "404 Not Found", b"not found", "text/plain")
        self.answers.append(Answer(host, path, kind))
        if kind in {"ok", "not-modified", "missing"}:
            await writer.drain()
            return True
        return await self.fault(kind, reader, writer)

    async def fault(
        self, kind: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        if kind in {"500", "404"}:
            status = "500 Internal Server Error" if kind == "500" else "404 Not Found"
            self._write(writer, status, b"oops", "text/plain")
        elif kind == "503":
            self._write(
                writer, "503 Service Unavailable", b"busy", "text/plain", {"Retry-After": "1"}
            )
        elif kind == "429-seconds":
            self._write(
                writer, "429 Too Many Requests", b"slow down", "text/plain", {"Retry-After": "1"}
            )
        elif kind == "429-date":
            when = formatdate(time.time() + 2, usegmt=True)
            self._write(
                writer, "429 Too Many Requests", b"slow down", "text/plain", {"Retry-After": when}
            )
        elif kind == "stall":
            # No answer until the client gives up and closes the connection.
            with contextlib.suppress(TimeoutError, ConnectionError):
                await asyncio.wait_for(reader.read(), timeout=300)
            return False
        elif kind == "reset":
            sock = writer.get_extra_info("socket")
            if sock is not None:  # linger 0: close with RST, not FIN
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
            return False
        elif kind == "garbage":
            writer.write(b"\x16\x03\x01\x00 this is not HTTP at all\r\n\r\n")
            await writer.drain()
            return False
        elif kind == "truncated":
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n"
                + b"<html><body><p>cut off"
            )
            await writer.drain()
            return False
        elif kind == "corrupt-gzip":
            junk = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"not deflate data" * 8
            self._write(writer, "200 OK", junk, headers={"Content-Encoding": "gzip"})
        else:  # pragma: no cover - a plan names only the kinds above
            raise ValueError(kind)
        await writer.drain()
        return True

    async def serve(self, conn: Connection) -> None:
        server = await asyncio.start_server(self.handle, "127.0.0.1", 0, backlog=1024)
        self.port = int(server.sockets[0].getsockname()[1])
        loop = asyncio.get_running_loop()
        conn.send(self.port)
        async with server:
            while True:
                command = await loop.run_in_executor(None, conn.recv)
                if command == "answers":
                    conn.send(self.answers)
                elif command == "in_flight":
                    conn.send(dict(self.most_in_flight))
                elif command == "reset":
                    self.attempts.clear()
                    self.answers.clear()
                    self.most_in_flight.clear()
                    conn.send("reset")
                else:
                    return


def _serve_load(plan: LoadPlan, conn: Connection) -> None:
    asyncio.run(_LoadServer(plan).serve(conn))


class LoadWeb:
    """The sites of a ``LoadPlan``, served by a process of their own on loopback, so the
    server and the desk under test each have a core and the desk's memory is its own."""

    def __init__(self, plan: LoadPlan) -> None:
        self.plan = plan
        self.port = 0
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve_load, args=(plan, child), daemon=True)

    def __enter__(self) -> Self:
        self._process.start()
        if not self._conn.poll(60):
            self._process.kill()
            raise RuntimeError("the load server did not start within 60 s")
        try:
            self.port = int(self._conn.recv())
        except EOFError:
            self._process.join(10)
            raise RuntimeError(
                f"the load server died on start (exit code {self._process.exitcode})"
            ) from None
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        with contextlib.suppress(OSError):
            self._conn.send("stop")
        self._process.join(10)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()

    def url(self, host: str, path: str) -> str:
        return f"http://{host}:{self.port}{path}"

    def answers(self) -> list[Answer]:
        """Every request answered so far, in order."""
        self._conn.send("answers")
        answers: list[Answer] = self._conn.recv()
        return answers

    def max_in_flight(self) -> dict[str, int]:
        """Host → the most requests it had in hand at once (counted from a request's head
        to its answer's end)."""
        self._conn.send("in_flight")
        most: dict[str, int] = self._conn.recv()
        return most

    def reset(self) -> None:
        """Forget every request: each fault is served again, as on a first run."""
        self._conn.send("reset")
        self._conn.recv()
