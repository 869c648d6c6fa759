"""The one way the desk fetches anything: safe, polite, bounded.

Every request goes through ``Fetcher.get``: the SSRF guard judges each address dialled;
robots.txt is asked first; each host gets a few requests at a time with a pause between
them, and its Retry-After is honoured; redirects are followed by hand, at most ten, with
credentials dropped when the host changes; one deadline covers the whole fetch (connect,
headers, a slow drip alike); content is decoded by hand with the size cap counted on
decoded bytes; conditional GET saves a download when nothing changed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from foreigndesk.errors import Deferred, FetchError, RedirectUnreachable, Unreachable
from foreigndesk.fetch.decode import ACCEPT_ENCODING, CappedDecoder, TooLarge
from foreigndesk.fetch.guard import AddressGuard
from foreigndesk.fetch.hosts import HostGate
from foreigndesk.fetch.robots import Robots, RobotsStore
from foreigndesk.fetch.transport import (
    Resolver,
    guarded_transport,
    mapped_resolver,
    system_resolver,
)
from foreigndesk.retry import parse_retry_after
from foreigndesk.slots import Slots

if TYPE_CHECKING:
    from foreigndesk.config import Settings

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 10
_CREDENTIAL_HEADERS = ("authorization", "cookie", "proxy-authorization")
#: A 429 or 503 without a usable Retry-After still means "not now".
DEFAULT_COOL_DOWN = 60.0


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
    cache_control: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status_code == 304

    @property
    def is_html(self) -> bool:
        return self.content_type in {"text/html", "application/xhtml+xml"}


@dataclass(frozen=True)
class FetchPolicy:
    user_agent: str
    #: The product token robots.txt rules are matched against.
    robots_agent: str = "foreigndesk"
    timeout: float = 30.0
    max_bytes: int = 10 * 1024 * 1024
    per_host: int = 2
    host_delay: float = 0.0
    total: int = 64
    allow_hosts: frozenset[str] = field(default_factory=frozenset)
    obey_robots: bool = True
    #: The longest a site's own request to wait is waited out within a run.
    max_wait: float = 60.0
    #: Host names resolved to these addresses, not through DNS (``fetch.resolve``).
    resolve: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings, allow_hosts: Iterable[str] = ()) -> FetchPolicy:
        """How the desk fetches, from its settings; ``allow_hosts`` opens more hosts."""
        options = settings.fetch
        return cls(
            user_agent=settings.user_agent,
            timeout=options.timeout,
            max_bytes=options.max_bytes,
            per_host=options.per_host,
            host_delay=options.host_delay,
            total=options.concurrency,
            allow_hosts=frozenset(options.allow_hosts) | frozenset(allow_hosts),
            max_wait=options.max_wait,
            resolve=tuple(sorted(options.resolve.items())),
        )


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _origin(url: str) -> str:
    """scheme://host:port — one site, as Retry-After and robots.txt count it."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


def _without_userinfo(url: str) -> str:
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if ":" in netloc:
        netloc = f"[{netloc}]"
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


def _why(exc: Exception) -> str:
    """What went wrong, for an error line: httpx leaves some errors (a reset) wordless."""
    return str(exc) or {
        "ReadError": "the connection was reset",
        "WriteError": "the connection was reset",
        "ConnectError": "refused",
    }.get(type(exc).__name__, type(exc).__name__)


def check_url(url: str) -> None:
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # "http://[::1/": an address no parser takes
        raise FetchError(f"{url}: not a valid URL ({exc}) — fix the URL") from exc
    if parts.scheme not in {"http", "https"}:
        raise FetchError(f"{url}: only http and https URLs can be fetched — fix the URL")
    if not parts.hostname:
        raise FetchError(f"{url}: the URL has no host — fix the URL")


def _undialable(url: str) -> str | None:
    """Why ``url`` cannot be dialled at all (a port past 65535, a host such as
    ``0177.0.0.1`` that the HTTP client refuses to parse), or None."""
    try:
        urlsplit(url).port  # noqa: B018 - it raises for a port out of range
        httpx.URL(url)
    except (ValueError, httpx.InvalidURL) as exc:
        return f"not a valid URL ({exc})"
    return None


#: Where a response's Location is kept, out of httpx's sight: httpx builds the request a
#: redirect asks for even when it is not to follow it, and fails (a traceback, or "no HTTP
#: answer") on a Location such as ``javascript:alert(1)`` or ``http://0177.0.0.1/``. The
#: fetcher follows redirects itself, and judges every Location as it judges any URL.
_LOCATION = "x-foreigndesk-location"


async def _hide_location(response: httpx.Response) -> None:
    if "location" in response.headers:
        response.headers[_LOCATION] = response.headers["location"]
        del response.headers["location"]


class Fetcher:
    """An open session for fetching; use ``async with Fetcher(policy) as fetcher``."""

    def __init__(
        self,
        policy: FetchPolicy,
        *,
        robots_store: RobotsStore | None = None,
        resolver: Resolver = system_resolver,
        transport: httpx.AsyncBaseTransport | None = None,
        shared: Slots | None = None,
    ) -> None:
        self.policy = policy
        guard = AddressGuard.allowing(policy.allow_hosts)
        if policy.resolve:
            resolver = mapped_resolver(dict(policy.resolve), resolver)
        self._client = httpx.AsyncClient(
            transport=transport
            or guarded_transport(
                guard, resolver, per_host=policy.per_host, max_hosts=policy.total * 2
            ),
            headers={"User-Agent": policy.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            event_hooks={"response": [_hide_location]},
            timeout=httpx.Timeout(policy.timeout),
            follow_redirects=False,
            trust_env=False,
        )
        self.gate = HostGate(
            per_host=policy.per_host,
            delay=policy.host_delay,
            total=policy.total,
            shared=shared,
            max_wait=policy.max_wait,
        )
        self.robots = Robots(policy.robots_agent, self._download_robots, robots_store)

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _download_robots(self, url: str) -> tuple[int, bytes]:
        """robots.txt itself: up to five redirects, its first 500 KiB (RFC 9309: the rest is
        not read, and a longer file is no less a robots.txt), no robots check of its own.

        A host that answers with a redirect to somewhere that cannot be had (an address
        the SSRF guard refuses, a name that does not resolve) has no robots.txt to give:
        RFC 9309 calls that unavailable, like a 404.
        """
        try:
            result = await self.get(
                url,
                check_robots=False,
                max_bytes=500 * 1024,
                redirects=5,
                accept_errors=True,
                truncate=True,
            )
        except RedirectUnreachable as exc:
            logger.info("robots.txt unavailable: %s", exc)
            return 404, b""
        return result.status_code, result.content

    async def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        check_robots: bool = True,
        max_bytes: int | None = None,
        redirects: int = MAX_REDIRECTS,
        accept_errors: bool = False,
        truncate: bool = False,
    ) -> FetchResult:
        """Fetch ``url``; raises FetchError (Deferred for "come back later") with the fix.
        With ``truncate``, content past ``max_bytes`` is not read, instead of refused."""
        try:
            return await self._get(
                url,
                etag,
                last_modified,
                check_robots,
                max_bytes or self.policy.max_bytes,
                redirects,
                accept_errors,
                truncate,
            )
        except TooLarge as exc:
            cap = max_bytes or self.policy.max_bytes
            raise FetchError(
                f"{url}: larger than {cap} bytes — raise fetch.max_bytes if the page is genuine"
            ) from exc
        except TimeoutError as exc:
            raise FetchError(
                f"{url}: not fetched within {self.policy.timeout:g} s — try later or raise"
                " fetch.timeout"
            ) from exc

    async def _get(
        self,
        url: str,
        etag: str | None,
        last_modified: str | None,
        check_robots: bool,
        max_bytes: int,
        redirects: int,
        accept_errors: bool,
        truncate: bool = False,
    ) -> FetchResult:
        current = url
        origin_host = _host(url)
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        # One deadline for the whole fetch, every hop of a redirect chain included (the
        # wait for a host's turn is politeness, not the fetch, and is not counted).
        left = self.policy.timeout
        for _hop in range(redirects + 1):
            check_url(current)
            try:
                # A URL that cannot be dialled cannot be had, like an address the guard
                # refuses (and a redirect to one is a redirect to nowhere).
                if (problem := _undialable(current)) is not None:
                    raise Unreachable(f"{current}: {problem} — check the URL")
                if _host(current) != origin_host:
                    # A cross-host hop carries no credentials and no validators of ours.
                    current = _without_userinfo(current)
                    headers = {
                        k: v
                        for k, v in headers.items()
                        if k.lower() not in _CREDENTIAL_HEADERS and not k.lower().startswith("if-")
                    }
                host = _host(current)
                if check_robots and self.policy.obey_robots:
                    refusal = await self.robots.verdict(current)
                    if refusal:
                        raise FetchError(f"{current}: {refusal} — the desk does not fetch it")
                    if delay := self.robots.crawl_delay(current):
                        self.gate.crawl_delay(_origin(current), delay)
                async with self.gate.slot(host, _origin(current)):
                    started = time.monotonic()
                    try:
                        async with asyncio.timeout(left):
                            result, location = await self._request(
                                current, headers, max_bytes, accept_errors, truncate
                            )
                    finally:
                        left -= time.monotonic() - started
            except Unreachable as exc:
                if current == url:
                    raise
                raise RedirectUnreachable(
                    f"{url}: redirected to {current}, which cannot be had ({exc})"
                ) from exc
            if location is None:
                return FetchResult(**{**result.__dict__, "url": url})
            try:
                current = urljoin(current, location)
            except ValueError as exc:  # Location: http://[::1/ — a redirect to nowhere
                raise RedirectUnreachable(
                    f"{url}: redirected to {location!r}, which cannot be had (not a valid"
                    f" URL: {exc})"
                ) from exc
        raise FetchError(f"{url}: more than {redirects} redirects — check the URL")

    async def _request(
        self,
        url: str,
        headers: dict[str, str],
        max_bytes: int,
        accept_errors: bool,
        truncate: bool = False,
    ) -> tuple[FetchResult, str | None]:
        try:
            request = self._client.build_request("GET", url, headers=headers)
            response = await self._client.send(request, stream=True)
        except Unreachable as exc:  # from the guarded transport, which knows no URL
            raise Unreachable(f"{url}: {exc}") from exc
        except httpx.TimeoutException as exc:
            raise TimeoutError from exc
        except httpx.ConnectError as exc:
            raise Unreachable(
                f"{url}: cannot connect to {_host(url)} ({_why(exc)}) — check that the site is up"
            ) from exc
        except httpx.HTTPError as exc:  # a reset, or an answer that is not HTTP
            raise Unreachable(
                f"{url}: {_host(url)} gave no HTTP answer ({_why(exc)}) — check that the site"
                " is up, or try later"
            ) from exc
        try:
            status = response.status_code
            if status in (301, 302, 303, 307, 308) and response.headers.get(_LOCATION):
                return self._result(url, response, b""), response.headers[_LOCATION]
            if status in (429, 503):
                wait = parse_retry_after(response.headers.get("retry-after"))
                wait = DEFAULT_COOL_DOWN if wait is None else wait
                self.gate.cool_down(_origin(url), wait)
                if not accept_errors:
                    raise Deferred(
                        f"{url}: HTTP {status}, the site asks to wait {wait:.0f} s — tried again"
                        " after that",
                        wait,
                    )
            else:
                self.gate.answered(_origin(url))
            if status >= 400 and not accept_errors:
                raise FetchError(
                    f"{url}: HTTP {status} {response.reason_phrase} — check the URL or try later"
                )
            if status == 304:
                return self._result(url, response, b""), None
            declared = response.headers.get("content-length", "")
            encoding = response.headers.get("content-encoding")
            if declared.isdigit() and not encoding and int(declared) > max_bytes and not truncate:
                raise TooLarge(declared)
            decoder = CappedDecoder(encoding, max_bytes)
            chunks: list[bytes] = []
            try:
                async for chunk in response.aiter_raw():
                    chunks.append(decoder.feed(chunk))
            except TooLarge:
                if not truncate:
                    raise
                # What came before the chunk that passed the cap is kept; the rest is not read.
            except FetchError as exc:  # the decoder knows no URL
                raise FetchError(f"{url}: {exc} — the site sent it broken; try later") from exc
            return self._result(url, response, b"".join(chunks)), None
        except httpx.TimeoutException as exc:
            raise TimeoutError from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"{url}: the connection broke ({_why(exc)}) — try later") from exc
        finally:
            await response.aclose()

    @staticmethod
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
            cache_control=response.headers.get("cache-control"),
        )
