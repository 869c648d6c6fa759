"""What wraps every request to the desk before a route sees it: the Host it may be asked
under, how large a body may be, and the headers every answer carries — errors included,
so these sit outside Starlette's own error handling."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from foreigndesk.web.security import PAGE_POLICY

#: What a bare answer of the desk's own says, with its status.
_PLAIN = [(b"content-type", b"text/plain; charset=utf-8")]


async def _refuse(send: Send, status: int, text: str) -> None:
    body = text.encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [*_PLAIN, (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """Headers every answer carries: no framing by others, no sniffing, no caching."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                defaults = [
                    (b"content-security-policy", PAGE_POLICY.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"SAMEORIGIN"),
                    (b"referrer-policy", b"same-origin"),
                    (b"cache-control", b"no-store"),
                ]
                headers += [(k, v) for k, v in defaults if k not in names]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class AllowedHosts:
    """Answers only requests made to one of the desk's own names (``web.allowed_hosts``):
    a page asked for under another Host (DNS rebinding, a mistyped proxy) gets a 400 that
    says which setting to change."""

    def __init__(self, app: ASGIApp, hosts: Iterable[str]) -> None:
        self.app = app
        self.hosts = frozenset(h.lower() for h in hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or "*" in self.hosts:
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers", [])).get(b"host", b"").decode("latin-1").lower()
        name = given.rsplit(":", 1)[0] if not given.endswith("]") else given
        name = name.removeprefix("[").removesuffix("]")
        if name not in self.hosts:
            await _refuse(
                send,
                400,
                f"this desk does not answer to the host {given!r} — add it to web.allowed_hosts",
            )
            return
        await self.app(scope, receive, send)


class BodyLimit:
    """Refuses a request body larger than ``limit`` bytes: by its Content-Length before a
    byte is read, or as soon as a streamed body passes the limit. No form the desk shows
    comes near it; a flood of fields or a huge sign-in name costs the desk nothing."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        too_large = f"refused: the request is larger than {self.limit} bytes"
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _refuse(send, 413, too_large)
            return
        seen = 0
        started = refused = False

        async def counted() -> Message:
            # Past the limit the desk answers 413 itself and tells the route the client
            # went away; whatever the route does next is not sent.
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    refused = True
                    if not started:
                        await _refuse(send, 413, too_large)
                    return {"type": "http.disconnect"}
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except Exception:
            if not refused:
                raise
