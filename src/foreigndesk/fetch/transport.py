"""An httpx transport that resolves hostnames itself and connects only where the guard
allows, so the address judged is the address dialled (no DNS rebinding between a check
and a connect), on the first request and after every redirect alike."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from functools import cache
from typing import Any

import httpcore
import httpx

from foreigndesk.errors import Unreachable
from foreigndesk.fetch.guard import AddressGuard, IPAddress

Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]


class BlockedAddress(Unreachable):
    """The host resolves only to addresses the desk must not connect to."""


class Unresolvable(Unreachable):
    """The host does not resolve."""


async def system_resolver(host: str, port: int) -> list[IPAddress]:
    """The machine's resolver (getaddrinfo), so odd spellings such as ``0x7f.1`` or
    ``2130706433`` resolve exactly as a browser or curl would resolve them."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise Unresolvable(f"cannot resolve host {host} — check the URL") from exc
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def mapped_resolver(mapping: Mapping[str, str], fallback: Resolver = system_resolver) -> Resolver:
    """``fallback``, except for the names ``mapping`` gives an address (``fetch.resolve``):
    an exact name first, then the longest ``*.suffix`` that matches."""
    exact: dict[str, IPAddress] = {}
    under: list[tuple[str, IPAddress]] = []
    for host, address in mapping.items():
        name = host.lower().rstrip(".")
        if name.startswith("*."):
            under.append((name[1:], ipaddress.ip_address(address)))
        else:
            exact[name] = ipaddress.ip_address(address)
    under.sort(key=lambda item: -len(item[0]))

    async def resolve(host: str, port: int) -> list[IPAddress]:
        name = host.lower().rstrip(".")
        if name in exact:
            return [exact[name]]
        for suffix, address in under:
            if name.endswith(suffix):
                return [address]
        return await fallback(host, port)

    return resolve


class GuardedBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, guard: AddressGuard, resolver: Resolver = system_resolver) -> None:
        self.guard = guard
        self.resolver = resolver
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        host = host.strip("[]")
        if host.lower().rstrip(".").endswith(".invalid") or host.lower() == "invalid":
            # RFC 6761 §6.4: such names never resolve; say so without asking DNS.
            raise Unresolvable(f"cannot resolve host {host} — check the URL")
        addresses = await self.resolver(host, port)
        refusals = [self.guard.refusal(host, address) for address in addresses]
        allowed = [a for a, refusal in zip(addresses, refusals, strict=True) if refusal is None]
        if not allowed:
            raise BlockedAddress(next((r for r in refusals if r), f"{host}: no address"))
        last: Exception | None = None
        for address in allowed:
            try:
                return await self._inner.connect_tcp(
                    str(address),
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedAddress("unix sockets are never fetched")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _Pool:
    """One host's connection pool, and how many of its responses are still open."""

    def __init__(self, transport: httpx.AsyncHTTPTransport) -> None:
        self.transport = transport
        self.open = 0


class _Released(httpx.AsyncByteStream):
    """A response body that gives its pool's count back once, when it is closed."""

    def __init__(self, stream: httpx.AsyncByteStream, pool: _Pool) -> None:
        self._stream = stream
        self._pool: _Pool | None = pool

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
            if self._pool is not None:
                await _close_tainted(self._pool)
        finally:
            if self._pool is not None:
                self._pool.open -= 1
                self._pool = None


async def _close_tainted(pool: _Pool) -> None:
    """Close every idle connection that holds bytes past the response it last gave.

    Bytes behind a complete response are a second response smuggled in (or a server that
    cannot count): reused, the connection would hand them over as the answer to the next
    request. httpcore keeps them in the connection's h11 state (``trailing_data``); a
    connection whose state cannot be read is closed as well, to be safe. (Bytes that
    arrive later, on an idle connection, httpcore itself treats as the server hanging up.)
    """
    inner = getattr(pool.transport, "_pool", None)
    for connection in list(getattr(inner, "connections", ())):
        if not connection.is_idle():
            continue
        http11 = getattr(connection, "_connection", None)
        state = getattr(http11, "_h11_state", None)
        trailing = getattr(state, "trailing_data", None)
        if http11 is not None and (trailing is None or trailing[0]):
            await connection.aclose()


@cache
def shared_ssl_context() -> ssl.SSLContext:
    """One TLS context per process, made when the first host's pool is: reading the CA
    bundle costs 30 to 40 ms of CPU, which every fetcher (a run has one for the feeds and
    one for the pages, and `watch` makes new ones every cycle) would otherwise pay again.
    A context is safe to share between connections, event loops and threads."""
    return httpx.create_ssl_context(trust_env=False)


class PerHostTransport(httpx.AsyncBaseTransport):
    """httpx's own transport, with a small connection pool per host, each dialling
    through the guard.

    httpcore's pool looks through every connection it holds each time it places a
    request, and when full it closes one host's idle connection to open another's: one
    pool for a hundred hosts spent a third of the fetch stage scanning, and opened a new
    TCP connection for nearly every page. A pool per host keeps that host's few
    connections alive and its scan short. The pools of the hosts least recently asked
    are closed once there are more than ``max_hosts``, so idle sockets stay bounded.
    """

    def __init__(
        self, backend: httpcore.AsyncNetworkBackend, *, per_host: int, max_hosts: int
    ) -> None:
        self._backend = backend
        self._limits = httpx.Limits(max_connections=per_host, max_keepalive_connections=per_host)
        self._max_hosts = max_hosts
        self._pools: OrderedDict[tuple[bytes, bytes, int | None], _Pool] = OrderedDict()

    def _new_pool(self) -> _Pool:
        context = shared_ssl_context()
        transport = httpx.AsyncHTTPTransport(verify=context, limits=self._limits, trust_env=False)
        # httpx builds its pool without a way to pass a network backend; the pool is
        # rebuilt here with the same settings and the guarded backend (httpx < 1, see
        # pyproject).
        transport._pool = httpcore.AsyncConnectionPool(
            ssl_context=context,
            max_connections=self._limits.max_connections,
            max_keepalive_connections=self._limits.max_keepalive_connections,
            keepalive_expiry=self._limits.keepalive_expiry,
            network_backend=self._backend,
        )
        return _Pool(transport)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        key = (request.url.raw_scheme, request.url.raw_host, request.url.port)
        pool = self._pools.get(key)
        if pool is None:
            pool = self._pools[key] = self._new_pool()
            await self._close_least_recent()
        else:
            self._pools.move_to_end(key)
        pool.open += 1
        try:
            response = await pool.transport.handle_async_request(request)
        except BaseException:
            pool.open -= 1
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _Released(response.stream, pool)
        return response

    async def _close_least_recent(self) -> None:
        for key in list(self._pools)[: max(0, len(self._pools) - self._max_hosts)]:
            pool = self._pools.get(key)  # another request may have closed it meanwhile
            if pool is not None and pool.open == 0:
                del self._pools[key]
                await pool.transport.aclose()

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), OrderedDict()
        for pool in pools:
            await pool.transport.aclose()


def guarded_transport(
    guard: AddressGuard,
    resolver: Resolver = system_resolver,
    *,
    per_host: int = 2,
    max_hosts: int = 128,
) -> PerHostTransport:
    """The transport every fetch goes through: ``per_host`` connections to a host, kept
    alive for the ``max_hosts`` hosts most recently asked."""
    return PerHostTransport(GuardedBackend(guard, resolver), per_host=per_host, max_hosts=max_hosts)
