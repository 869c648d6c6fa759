"""A hostile web of our own: many small sites on loopback, each a port of 127.0.0.2, and a
canary on the loopback addresses the desk must never reach (127.0.0.1 and ::1).

Each scenario of ``scenarios.py`` gets a ``Site`` (a port of its own, so its robots.txt,
its Retry-After and its refusals are its own origin's) with a control article and a clean
feed listing it, and adds whatever hostile answers it serves. Answers are handlers that
write to the socket themselves when they need to lie: a wrong Content-Length, a response
smuggled behind a body, a drip, a stream without end, a compression bomb.

The canary answers every connection with a page and counts it: a test asserts it never
counted one. Nothing here reaches outside the machine.
"""

from __future__ import annotations

import contextlib
import errno
import gzip
import random
import selectors
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from types import TracebackType
from typing import Any, Self

import brotli

#: Where the hostile web listens: a loopback address the desk is told to allow.
WEB_HOST = "127.0.0.2"
#: Where the canary listens: loopback addresses the desk must refuse.
CANARY_HOSTS = ("127.0.0.1", "::1")

Handler = Callable[["Exchange"], None]


# -- sockets ------------------------------------------------------------------------------


class _Acceptor:
    """Listening sockets served by one thread; each connection gets a thread of its own."""

    def __init__(self, serve: Callable[[socket.socket, tuple[str, int], int], None]) -> None:
        self._serve = serve
        self._selector = selectors.DefaultSelector()
        self._sockets: list[socket.socket] = []
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    def listen(self, host: str, port: int = 0) -> int:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            sock.close()
            raise
        sock.listen(128)
        sock.setblocking(False)
        self._sockets.append(sock)
        self._selector.register(sock, selectors.EVENT_READ)
        return int(sock.getsockname()[1])

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stopped.is_set():
            for key, _ in self._selector.select(timeout=0.05):
                listener = key.fileobj
                assert isinstance(listener, socket.socket)
                try:
                    conn, peer = listener.accept()
                except (BlockingIOError, OSError):
                    continue
                conn.setblocking(True)
                port = int(listener.getsockname()[1])
                threading.Thread(target=self._serve, args=(conn, peer, port), daemon=True).start()

    def close(self) -> None:
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(5)
        for sock in self._sockets:
            self._selector.unregister(sock)
            sock.close()
        self._selector.close()


# -- the hostile web ----------------------------------------------------------------------


class Exchange(BaseHTTPRequestHandler):
    """One connection to a site; each request on it is answered by the site's route."""

    protocol_version = "HTTP/1.1"  # keep-alive: a smuggled response has a next request
    timeout = 10
    server: Any  # the Site, not a socketserver

    def log_message(self, format: str, *args: Any) -> None:
        pass

    @property
    def site(self) -> Site:
        site = self.server
        assert isinstance(site, Site)
        return site

    @property
    def stopping(self) -> threading.Event:
        return self.site.web.stopping

    def do_GET(self) -> None:
        site = self.site
        site.web.record(site.port, self.path)
        route = site.routes.get(self.path) or site.routes.get(self.path.split("?")[0])
        try:
            if route is None:
                self.reply(404, b"<html><body><p>Not found.</p></body></html>")
            else:
                route(self)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True  # the client gave up: a cap or a deadline did

    def reply(
        self,
        status: int,
        body: bytes = b"",
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | Iterable[tuple[str, str]] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        pairs = headers.items() if isinstance(headers, dict) else headers or ()
        for name, value in pairs:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def raw(self, data: bytes, *, close: bool = False) -> None:
        """Bytes straight onto the socket, whatever HTTP says of them."""
        self.wfile.write(data)
        self.wfile.flush()
        self.close_connection = close


@dataclass
class Hit:
    port: int
    path: str


class HostileWeb:
    """The sites of the scenarios, each on a port of ``WEB_HOST``."""

    def __init__(self, canary: Canary, secret: str) -> None:
        self.canary = canary
        #: A file of this machine's that a feed's external entity names.
        self.secret = secret
        self.sites: dict[int, Site] = {}
        self.hits: list[Hit] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._acceptor = _Acceptor(self._serve)

    def __enter__(self) -> Self:
        self._acceptor.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stopping.set()  # stalled and dripping answers end
        self._acceptor.close()

    def site(self, scenario: str) -> Site:
        port = self._acceptor.listen(WEB_HOST)
        site = self.sites[port] = Site(self, scenario, port)
        return site

    def record(self, port: int, path: str) -> None:
        with self._lock:
            self.hits.append(Hit(port, path))

    def _serve(self, conn: socket.socket, peer: tuple[str, int], port: int) -> None:
        with contextlib.suppress(OSError):
            site: Any = self.sites[port]  # the handler's "server": routes, not sockets
            Exchange(conn, peer, site)
        with contextlib.suppress(OSError):
            conn.close()


ROBOTS_ALLOW = b"User-agent: *\nAllow: /\n"


class Site:
    """One port of the hostile web: a scenario's origin. Every site serves a robots.txt
    that allows everything, a control article and a clean feed listing it, unless the
    scenario routes those paths otherwise."""

    CONTROL = "/control.html"
    FEED = "/feed.xml"

    def __init__(self, web: HostileWeb, scenario: str, port: int) -> None:
        self.web = web
        self.scenario = scenario
        self.port = port
        self.routes: dict[str, Handler] = {}
        #: What the clean feed lists besides the control: paths here or absolute URLs.
        self.listed: list[str] = []
        #: Sources the desk subscribes to besides the clean feed and the scenario's own.
        self.sources: list[str] = []
        self.page("/robots.txt", ROBOTS_ALLOW, "text/plain")

    @property
    def canary(self) -> int:
        """The canary's port (the same on 127.0.0.1 and on ::1)."""
        return self.web.canary.port

    def url(self, path: str = "/") -> str:
        """A path here as a URL; anything else (a URL, a ``javascript:`` link) as it is."""
        return f"http://{WEB_HOST}:{self.port}{path}" if path.startswith("/") else path

    def route(self, path: str, handler: Handler) -> str:
        self.routes[path] = handler
        return self.url(path)

    def page(
        self,
        path: str,
        body: bytes | str,
        content_type: str = "text/html; charset=utf-8",
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        return self.route(path, lambda x: x.reply(status, data, content_type, headers))

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        return self.route(path, lambda x: x.reply(status, b"", headers={"Location": location}))

    def article(self, path: str, *, head: str = "", body: str = "", title: str = "") -> str:
        """An English article page at ``path``, its text its own, with ``head`` and
        ``body`` markup added."""
        return self.page(path, article_page(f"{self.scenario}{path}", head, body, title))

    def sibling(self) -> Site:
        """Another origin of the same scenario."""
        return self.web.site(self.scenario)

    def feed(self, path: str, items: Iterable[str], title: str = "") -> str:
        """A plain RSS feed at ``path`` listing ``items`` (paths here or URLs)."""
        urls = [self.url(item) for item in items]
        return self.page(path, rss(urls, title or f"Feed of {self.scenario}"), RSS)


RSS = "application/rss+xml"
#: A picture of one pixel, as a site serves its own images.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00"
    b"\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xdf\xc0\x00\x00\x04\x01\x01\x80\xc5*\x18]"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


class Canary:
    """Listens on 127.0.0.1 and ::1, on one port, and counts every connection."""

    def __init__(self) -> None:
        self.connections: list[tuple[str, int]] = []
        self._lock = threading.Lock()
        self._acceptor = _Acceptor(self._serve)
        self.port = 0

    def __enter__(self) -> Self:
        for _ in range(50):
            port = self._acceptor.listen(CANARY_HOSTS[0])
            try:
                for host in CANARY_HOSTS[1:]:
                    self._acceptor.listen(host, port)
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    continue  # taken on ::1: another port (the v4 listener stays, unused)
                # No IPv6 loopback on this machine: nothing can reach ::1, the canary
                # listens on 127.0.0.1 alone (a fetch of [::1] then fails, and says so).
            self.port = port
            self._acceptor.start()
            return self
        raise RuntimeError("no port free on both 127.0.0.1 and ::1")

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._acceptor.close()

    @property
    def hits(self) -> int:
        with self._lock:
            return len(self.connections)

    def _serve(self, conn: socket.socket, peer: tuple[str, int], port: int) -> None:
        with self._lock:
            self.connections.append((peer[0], port))
        body = b"<html><body><p>CANARY REACHED</p><script>alert(1)</script></body></html>"
        with contextlib.suppress(OSError):
            conn.settimeout(2)
            conn.recv(65536)
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
        with contextlib.suppress(OSError):
            conn.close()


# -- pages and feeds ----------------------------------------------------------------------

_PREFIXES = ("Ald", "Ash", "Bay", "Birch", "Black", "Bram", "Clear", "Crest", "Elm", "Fair",
             "Fox", "Glen", "Grey", "Hart", "High", "Kings", "Lark", "Mill", "North", "Oak",
             "Red", "Rose", "Salt", "Sand", "Stone", "Thorn", "West", "Willow")  # fmt: skip
_SUFFIXES = ("mere", "brook", "combe", "field", "water", "ley", "haven", "wick", "ford", "hurst")
_SUBJECTS = (
    "the public library",
    "the bus depot",
    "the town museum",
    "the river ferry",
    "the weekly market",
    "the swimming pool",
    "the community orchard",
    "the old railway bridge",
    "the fire station",
    "the primary school",
    "the cycling club",
    "the harbour office",
)
_SENTENCES = (
    "The council of {place} met on a {day} morning to discuss {subject}.",
    "About {n} residents came to the hall, and many of them asked questions.",
    "The clerk read out a short report on the costs of the last {m} months.",
    "A new timetable for {subject} will be printed in the local paper next week.",
    "Volunteers in {place} offered to paint the benches near {subject}.",
    "The mayor thanked the staff of {subject} for their careful work in the winter.",
    "Several families asked for longer opening hours on {day} evenings.",
    "The repairs will take {n} days, and the work starts in spring.",
    "Children from the school drew maps of {place} for an exhibition in the town hall.",
    "The meeting ended after {m} hours, and the next one is planned for {day}.",
    "A retired engineer explained how the drains near {subject} were built long ago.",
    "The weather in {place} was cold and dry, so the roads were clear for the visitors.",
    "Local shops will sell tickets for the summer concert near {subject}.",
    "The committee agreed to publish its minutes on the notice board every month.",
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")


def prose(key: str, sentences: int = 5) -> tuple[str, list[str]]:
    """A neutral title and two paragraphs of English of their own, chosen by ``key``: no
    two keys give near-duplicate articles (each names its own town and numbers)."""
    rng = random.Random(key)
    place = rng.choice(_PREFIXES) + rng.choice(_SUFFIXES)
    subject = rng.choice(_SUBJECTS)
    picked = rng.sample(_SENTENCES, sentences * 2)
    values = {
        "place": place,
        "subject": subject,
        "day": rng.choice(_DAYS),
        "n": str(rng.randint(12, 980)),
        "m": str(rng.randint(2, 11)),
    }
    lines = [s.format(**values) for s in picked]
    title = f"{place}: news about {subject}"
    return title, [" ".join(lines[:sentences]), " ".join(lines[sentences:])]


def article_page(key: str, head: str = "", body: str = "", title: str = "") -> str:
    name, paragraphs = prose(key)
    title = title or name
    text = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title}</title>{head}</head><body><article><h1>{title}</h1>"
        f"{text}{body}</article></body></html>"
    )


def rss(urls: Iterable[str], title: str, extra: str = "", item_extra: str = "") -> bytes:
    items = "".join(
        f"<item><title>Item {n}</title><link>{url}</link>{item_extra}</item>"
        for n, url in enumerate(urls)
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>{title}</title><link>http://{WEB_HOST}/</link>"
        f"<description>A feed of the hostile web</description>{extra}{items}</channel></rss>"
    ).encode()


def sitemap(urls: Iterable[str]) -> bytes:
    locs = "".join(f"<url><loc>{url}</loc></url>" for url in urls)
    return (
        "<?xml version='1.0' encoding='UTF-8'?>"
        f"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{locs}</urlset>"
    ).encode()


# -- answers that lie ---------------------------------------------------------------------


def head(status: str, headers: Iterable[tuple[str, str]]) -> bytes:
    lines = [f"HTTP/1.1 {status}", *(f"{name}: {value}" for name, value in headers)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def raw(data: bytes, *, close: bool = False) -> Handler:
    """These exact bytes as the answer."""
    return lambda x: x.raw(data, close=close)


def raw_then_hold(data: bytes) -> Handler:
    """These bytes, then silence on an open connection until the client gives up."""

    def handler(x: Exchange) -> None:
        x.raw(data, close=True)
        x.stopping.wait(15)

    return handler


def stall() -> Handler:
    """No answer at all, until the client gives up."""

    def handler(x: Exchange) -> None:
        x.close_connection = True
        x.stopping.wait(15)

    return handler


def drip(content_type: str = "text/html", every: float = 0.2, headers_too: bool = False) -> Handler:
    """A byte at a time, ``every`` seconds apart, for longer than any deadline: of the
    body, or (``headers_too``) of the status line and headers themselves."""

    def handler(x: Exchange) -> None:
        x.close_connection = True
        start = head("200 OK", [("Content-Type", content_type), ("Content-Length", "100000")])
        if not headers_too:
            x.raw(start, close=True)
            start = b"<html><body><p>" + b"a" * 100000
        for byte in start:
            if x.stopping.wait(every):
                return
            x.raw(bytes([byte]), close=True)

    return handler


def endless(content_type: str = "text/html", chunked: bool = True) -> Handler:
    """A body that never ends: chunked, or with no length at all (read until close)."""

    def handler(x: Exchange) -> None:
        headers = [("Content-Type", content_type)]
        if chunked:
            headers.append(("Transfer-Encoding", "chunked"))
        x.raw(head("200 OK", headers), close=True)
        block = b"<p>" + b"more " * 52000 + b"</p>"
        piece = f"{len(block):x}\r\n".encode() + block + b"\r\n" if chunked else block
        deadline = time.monotonic() + 30
        while not x.stopping.is_set() and time.monotonic() < deadline:
            x.raw(piece, close=True)

    return handler


def encode(data: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.compress(data, compresslevel=9, mtime=0)
    if encoding == "deflate":
        return zlib.compress(data, 9)
    if encoding == "raw-deflate":
        engine = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
        return engine.compress(data) + engine.flush()
    if encoding == "br":
        return bytes(brotli.compress(data, quality=5))
    raise ValueError(encoding)


def bomb(encoding: str, expanded: int = 64 << 20, nested: int = 1) -> bytes:
    """An HTML page's start, then ``expanded`` zero bytes, compressed with ``encoding``
    (and the result ``nested`` - 1 times more): kilobytes that expand past any cap. Made a
    megabyte at a time, never held expanded."""
    block = b"\0" * (1 << 20)
    if encoding == "br":
        compressor = brotli.Compressor(quality=5)
        data = compressor.process(b"<html><body><p>")
        for _ in range(expanded // len(block)):
            data += compressor.process(block)
        data += compressor.finish()
    else:
        bits = {"gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}.get(
            encoding, -zlib.MAX_WBITS
        )
        engine = zlib.compressobj(9, zlib.DEFLATED, bits)
        data = engine.compress(b"<html><body><p>")
        for _ in range(expanded // len(block)):
            data += engine.compress(block)
        data += engine.flush()
    for _ in range(nested - 1):
        data = encode(data, encoding)
    return bytes(data)


def smuggling(
    first: bytes, smuggled: bytes, *, chunked: bool = False, content_type: str = "text/html"
) -> Handler:
    """``first`` as the answer, and a whole second response behind it in the same write,
    on a connection kept alive for the next request."""

    def handler(x: Exchange) -> None:
        if chunked:
            answer = head(
                "200 OK", [("Content-Type", content_type), ("Transfer-Encoding", "chunked")]
            )
            answer += f"{len(first):x}\r\n".encode() + first + b"\r\n0\r\n\r\n"
        else:
            answer = head(
                "200 OK", [("Content-Type", content_type), ("Content-Length", str(len(first)))]
            )
            answer += first
        second = head(
            "200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(smuggled)))]
        )
        x.raw(answer + second + smuggled)

    return handler


def refusing(status: int, retry_after: str | None) -> Handler:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    phrase = b"<html><body><p>Slow down.</p></body></html>"
    return lambda x: x.reply(status, phrase, headers=headers)


def http_date(offset: float) -> str:
    return formatdate(time.time() + offset, usegmt=True)
