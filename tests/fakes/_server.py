"""What every fake service shares: a real HTTP server on loopback, scripted faults, a record.

DESIGN.md, "Testing without the internet": third-party HTTP services are tested against small
local servers that speak the documented shapes, errors included, and the code under test is the
real client. So a fake here is a real ``ThreadingHTTPServer`` on ``127.0.0.1`` on an ephemeral
port, in a background thread, and the client reaches it over a socket exactly as it would reach
the service. A test controls it through plain attributes and methods:

- ``with DeepLFake() as fake:`` starts it; ``fake.url`` is its base URL (no trailing slash).
- ``fake.inject(error(429, retry_after=1), slow(2.0), drop())`` queues faults; each request
  takes the first queued fault whose ``path`` matches it (any, when ``path`` is None), in the
  order requests arrive. A fault with no status answers normally after its delay.
- ``fake.latency = 0.1`` delays every answer; ``concurrency_limit=4`` either queues the fifth
  concurrent request (``over_limit="queue"``, like a server with four slots) or rejects it with
  429 (``over_limit="reject"``, like a rate limiter). ``fake.max_in_flight`` is the largest
  number of requests the fake was handling at once.
- ``fake.hold = threading.Event()`` is a release gate: a request that arrives while the event
  is not set waits, counted in flight and with its outcome (a rejection by the concurrency
  limit included) already decided, until the test calls ``fake.hold.set()``; only then do the
  limit's queue, the latency and any fault delay start. A test waits for the requests it
  expects (``len(fake.requests)``, ``fake.max_in_flight``), then releases them, so what it
  asserts about concurrency does not depend on how fast the machine started the clients.
  ``fake.reset()`` and ``fake.stop()`` release held requests (``reset`` also removes the gate).
- ``fake.requests`` lists every request received (method, path, query, headers, raw and parsed
  body, arrival time, the fault it met), including those a fault answered.
- ``fake.errors`` holds exceptions raised inside the fake itself: a test that sees one has found
  a bug in the fake, not in the client.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal, Self
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = [
    "FakeService",
    "Fault",
    "RecordedRequest",
    "Reply",
    "Route",
    "drop",
    "error",
    "json_reply",
    "malformed",
    "slow",
    "truncate",
]

Action = Literal["respond", "drop", "truncate"]

#: Reason phrases the standard library does not know.
_REASONS = {456: "Quota Exceeded", 529: "Too Many Requests"}


@dataclass(frozen=True)
class Fault:
    """One scripted misbehaviour, used by the next request whose path contains ``path``.

    ``action``: ``respond`` answers (with ``status``, or normally when ``status`` is None);
    ``drop`` closes the connection without an answer; ``truncate`` announces the whole body
    but sends half of it, then closes. ``body`` None means the service's own documented error
    body for ``status`` (with ``message`` in it, when given). ``delay`` waits first, which is
    how a test makes a client time out.
    """

    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None
    content_type: str = "application/json"
    message: str | None = None
    delay: float = 0.0
    action: Action = "respond"
    path: str | None = None


def error(
    status: int,
    *,
    retry_after: float | None = None,
    message: str | None = None,
    headers: Mapping[str, str] | None = None,
    path: str | None = None,
) -> Fault:
    """The service's documented error for ``status``, with ``Retry-After`` when given."""
    all_headers = dict(headers or {})
    if retry_after is not None:
        seconds = int(retry_after) if float(retry_after).is_integer() else retry_after
        all_headers["Retry-After"] = str(seconds)
    return Fault(status=status, headers=all_headers, message=message, path=path)


def slow(seconds: float, *, path: str | None = None) -> Fault:
    """A normal answer, ``seconds`` late: long enough, and the client's timeout fires first."""
    return Fault(delay=seconds, path=path)


def malformed(
    body: bytes = b'{"truncated": ',
    *,
    status: int = 200,
    content_type: str = "application/json",
    path: str | None = None,
) -> Fault:
    """An answer whose body is not what the client expects (by default, broken JSON)."""
    return Fault(status=status, body=body, content_type=content_type, path=path)


def drop(*, delay: float = 0.0, path: str | None = None) -> Fault:
    """The connection closes after the request is read, with no answer at all."""
    return Fault(action="drop", delay=delay, path=path)


def truncate(*, path: str | None = None) -> Fault:
    """The normal answer, cut off half-way through its body."""
    return Fault(action="truncate", path=path)


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the fake received it; ``json_body`` and ``form`` are the parsed body."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    content_type: str
    json_body: Any = None
    form: dict[str, list[str]] | None = None
    received_at: float = 0.0
    fault: Fault | None = None

    def header(self, name: str) -> str | None:
        """The header's value (names are case-insensitive), or None."""
        return self.headers.get(name.lower())

    @property
    def is_json(self) -> bool:
        return self.content_type == "application/json"

    @property
    def is_form(self) -> bool:
        return self.content_type == "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Reply:
    """What a fake answers; ``headers`` are added to Content-Type and Content-Length."""

    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: Mapping[str, str] = field(default_factory=dict)


def json_reply(status: int, payload: Any, headers: Mapping[str, str] | None = None) -> Reply:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return Reply(status, body, "application/json", dict(headers or {}))


RouteHandler = Callable[[RecordedRequest, re.Match[str]], Reply]


@dataclass(frozen=True)
class Route:
    """``handler`` answers requests with ``method`` whose path matches ``pattern`` in full."""

    method: str
    pattern: re.Pattern[str]
    handler: RouteHandler


class FakeService:
    """Base of the fakes: the server, its thread, the fault queue, the record, the limits.

    A subclass lists its routes in ``self.routes`` and says how its service words an error in
    ``error_reply``; everything else is here.
    """

    #: Used in thread names and messages.
    name = "fake"

    def __init__(
        self,
        *,
        latency: float = 0.0,
        concurrency_limit: int | None = None,
        over_limit: Literal["queue", "reject"] = "queue",
    ) -> None:
        self.latency = latency
        self.concurrency_limit = concurrency_limit
        self.over_limit = over_limit
        #: The release gate (see the module's docstring); None lets requests through.
        self.hold: threading.Event | None = None
        self.routes: list[Route] = []
        self.errors: list[BaseException] = []
        self.max_in_flight = 0
        self._in_flight = 0
        self._faults: list[Fault] = []
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._slots: threading.Semaphore | None = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle ---------------------------------------------------------------------------

    def start(self) -> Self:
        if self._server is not None:
            raise RuntimeError(f"the {self.name} fake is already running")
        self._stopping.clear()
        if self.concurrency_limit is not None and self.over_limit == "queue":
            self._slots = threading.Semaphore(self.concurrency_limit)
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fake-{self.name}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; requests still waiting on a delay or the gate are released at once."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:40123`` (no trailing slash)."""
        if self._server is None:
            raise RuntimeError(f"the {self.name} fake is not running; use it as a context manager")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # -- what a test scripts and reads --------------------------------------------------------

    def inject(self, *faults: Fault) -> None:
        """Queue ``faults``; each is used once, by the first request that matches it."""
        with self._lock:
            self._faults.extend(faults)

    @property
    def pending_faults(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    def requests_to(self, path: str, method: str | None = None) -> list[RecordedRequest]:
        """The requests whose path matches the regular expression ``path`` (searched)."""
        pattern = re.compile(path)
        return [
            r
            for r in self.requests
            if pattern.search(r.path) and (method is None or r.method == method.upper())
        ]

    def reset(self) -> None:
        """Forget requests, faults, errors, the in-flight maximum and the gate; keep the state.

        Requests the gate is holding are released, to be answered as usual.
        """
        gate, self.hold = self.hold, None
        if gate is not None:
            gate.set()
        with self._lock:
            self._requests.clear()
            self._faults.clear()
            self.errors.clear()
            self.max_in_flight = self._in_flight

    # -- what a subclass provides -------------------------------------------------------------

    def error_reply(self, status: int, message: str | None = None) -> Reply:
        """The service's documented error body for ``status``."""
        return json_reply(status, {"error": message or f"HTTP {status}"})

    def route(self, request: RecordedRequest) -> Reply:
        """Answer ``request`` from ``self.routes``: 404 for an unknown path, 405 for a method."""
        path_known = False
        for route in self.routes:
            match = route.pattern.fullmatch(request.path)
            if match is None:
                continue
            path_known = True
            if route.method == request.method:
                return route.handler(request, match)
        if path_known:
            return self.error_reply(405, f"{request.method} is not allowed on {request.path}")
        return self.error_reply(404, f"no such endpoint: {request.path}")

    # -- serving ------------------------------------------------------------------------------

    def _serve(self, request: RecordedRequest, connection: _Handler) -> None:
        with self._lock:
            fault = self._take_fault(request.path)
            request = replace(request, fault=fault)
            self._requests.append(request)
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
            rejected = (
                self.concurrency_limit is not None
                and self.over_limit == "reject"
                and self._in_flight > self.concurrency_limit
            )
        slot = self._slots if not rejected else None
        action: Action = "respond"
        try:
            self._wait_at_gate()
            if rejected:
                reply = self._with_headers(
                    self.error_reply(
                        429,
                        f"the {self.name} fake allows {self.concurrency_limit} concurrent requests",
                    ),
                    {"Retry-After": "1"},
                )
            else:
                if slot is not None:
                    slot.acquire()
                try:
                    self._pause(self.latency)
                    if fault is not None:
                        self._pause(fault.delay)
                        action = fault.action
                    reply = self._answer(request, fault)
                finally:
                    if slot is not None:
                        slot.release()
        finally:
            # Counted out before the answer is written: a client cannot send its next
            # request before it has this answer, so the maximum is never over-counted.
            with self._lock:
                self._in_flight -= 1
        if action == "drop":
            connection.close_connection = True
            return
        connection.send(reply, truncate=action == "truncate")

    def _take_fault(self, path: str) -> Fault | None:
        for index, fault in enumerate(self._faults):
            if fault.path is None or fault.path in path:
                return self._faults.pop(index)
        return None

    def _wait_at_gate(self) -> None:
        gate = self.hold
        if gate is None:
            return
        # Woken at once by the gate; the stop flag is looked at every 50 ms, as the server
        # itself polls for shutdown.
        while not gate.wait(0.05) and not self._stopping.is_set():
            pass

    def _pause(self, seconds: float) -> None:
        if seconds > 0:
            self._stopping.wait(seconds)

    def _answer(self, request: RecordedRequest, fault: Fault | None) -> Reply:
        if fault is not None and fault.status is not None:
            if fault.body is not None:
                return Reply(fault.status, fault.body, fault.content_type, dict(fault.headers))
            return self._with_headers(self.error_reply(fault.status, fault.message), fault.headers)
        try:
            return self.route(request)
        except Exception as exc:
            self._report(exc)
            return self.error_reply(500, f"the {self.name} fake failed: {exc!r}")

    @staticmethod
    def _with_headers(reply: Reply, headers: Mapping[str, str]) -> Reply:
        return replace(reply, headers={**reply.headers, **headers})

    def _report(self, exc: BaseException) -> None:
        self.errors.append(exc)
        traceback.print_exception(exc, file=sys.stderr)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, fake: FakeService) -> None:
        self.fake = fake
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        exc = sys.exc_info()[1]
        # A client that gave up (timeout, cancelled task) closes its end; that is its right.
        if exc is None or isinstance(exc, ConnectionError | TimeoutError):
            return
        self.fake._report(exc)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle's algorithm on, each answer
    # would wait for the client's delayed ACK (40 ms on Linux).
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_GET
    do_PUT = do_GET
    do_PATCH = do_GET
    do_DELETE = do_GET

    def _handle(self) -> None:
        server = self.server
        assert isinstance(server, _Server)
        body = self._read_body()
        server.fake._serve(self._parse(body), self)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _parse(self, body: bytes) -> RecordedRequest:
        parts = urlsplit(self.path)
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        json_body: Any = None
        form: dict[str, list[str]] | None = None
        if content_type == "application/json":
            try:
                json_body = json.loads(body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                json_body = None
        elif content_type == "application/x-www-form-urlencoded":
            form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        return RecordedRequest(
            method=self.command,
            path=unquote(parts.path),
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=body,
            content_type=content_type,
            json_body=json_body,
            form=form,
            received_at=time.monotonic(),
        )

    def send(self, reply: Reply, *, truncate: bool = False) -> None:
        body = reply.body
        try:
            self.send_response(reply.status, _REASONS.get(reply.status))
            if reply.status != 204:
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body[: len(body) // 2] if truncate else body)
            self.wfile.flush()
        except ConnectionError:
            self.close_connection = True
        if truncate:
            self.close_connection = True
