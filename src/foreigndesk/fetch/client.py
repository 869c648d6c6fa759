"""The one HTTP client factory and fetch function every outgoing request uses.

Keeping them in one place is what lets the desk identify itself, cap what it reads and
turn every network failure into one line the user can act on. Tests inject a transport.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from foreigndesk.errors import FetchError

# RFC 6761 §6.4: names under .invalid never resolve, and resolvers should say so at once.
_NEVER_RESOLVES = (".invalid",)


@dataclass(frozen=True)
class FetchResult:
    url: str
    final_url: str
    status_code: int
    content_type: str
    encoding: str | None
    content: bytes
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status_code == 304

    @property
    def is_html(self) -> bool:
        return self.content_type in {"text/html", "application/xhtml+xml"}


def make_client(
    user_agent: str, timeout: float, transport: httpx.BaseTransport | None = None
) -> httpx.Client:
    """The client for every request: identifying User-Agent, one timeout, redirects followed."""
    return httpx.Client(
        headers={"User-Agent": user_agent},
        timeout=httpx.Timeout(timeout),
        follow_redirects=True,
        max_redirects=10,
        transport=transport,
    )


def _check_resolvable(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        raise FetchError(f"{url}: only http and https URLs can be fetched — fix the URL")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise FetchError(f"{url}: the URL has no host — fix the URL")
    if host.endswith(_NEVER_RESOLVES) or host in {n.lstrip(".") for n in _NEVER_RESOLVES}:
        raise FetchError(f"{url}: cannot resolve host {host} — check the URL")
    return host


def _describe(exc: httpx.HTTPError, url: str, host: str, timeout: float) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return f"{url}: no answer within {timeout:g} s — try later or raise fetch.timeout"
    if isinstance(exc, httpx.ConnectError):
        cause = exc.__cause__ or exc.__context__
        while cause is not None and not isinstance(cause, OSError):
            cause = cause.__cause__ or cause.__context__
        if isinstance(cause, socket.gaierror) or "Name or service" in str(exc):
            return f"{url}: cannot resolve host {host} — check the URL"
        return f"{url}: cannot connect to {host} ({exc}) — check that the site is up"
    if isinstance(exc, httpx.TooManyRedirects):
        return f"{url}: more than 10 redirects — check the URL"
    return f"{url}: {type(exc).__name__}: {exc} — check the URL"


def fetch(
    client: httpx.Client,
    url: str,
    *,
    max_bytes: int,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FetchResult:
    """GET ``url``, reading at most ``max_bytes`` decoded bytes; raises FetchError with a fix."""
    host = _check_resolvable(url)
    headers: dict[str, str] = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    timeout = client.timeout.read or 0.0
    try:
        with client.stream("GET", url, headers=headers) as response:
            if response.status_code == 304:
                return _result(url, response, b"")
            if response.status_code >= 400:
                raise FetchError(
                    f"{url}: HTTP {response.status_code} {response.reason_phrase}"
                    " — check the URL or try later"
                )
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(
                        f"{url}: larger than {max_bytes} bytes — raise fetch.max_bytes"
                        " if the page is genuine"
                    )
                chunks.append(chunk)
            return _result(url, response, b"".join(chunks))
    except httpx.HTTPError as exc:
        raise FetchError(_describe(exc, url, host, timeout)) from exc


def _result(url: str, response: httpx.Response, content: bytes) -> FetchResult:
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    return FetchResult(
        url=url,
        final_url=str(response.url),
        status_code=response.status_code,
        content_type=content_type,
        encoding=response.charset_encoding,
        content=content,
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
    )
