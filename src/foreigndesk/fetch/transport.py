"""An httpx transport that resolves hostnames itself and connects only where the guard
allows, so the address judged is the address dialled (no DNS rebinding between a check
and a connect), on the first request and after every redirect alike."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
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


def guarded_transport(
    guard: AddressGuard, resolver: Resolver = system_resolver, max_connections: int = 200
) -> httpx.AsyncHTTPTransport:
    """httpx's own transport, with its connection pool dialling through the guard."""
    limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=64)
    transport = httpx.AsyncHTTPTransport(limits=limits, trust_env=False)
    # httpx builds its pool without a way to pass a network backend; the pool is rebuilt
    # here with the same settings and the guarded backend (httpx < 1, see pyproject).
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=GuardedBackend(guard, resolver),
    )
    return transport
