"""Connections across many hosts: each host's few kept alive, idle sockets bounded.

The fixture web answers HTTP/1.0, one connection per request; these tests need a server
that keeps connections alive, so they bring a small HTTP/1.1 one that counts them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import httpx

from foreigndesk.fetch.guard import AddressGuard
from foreigndesk.fetch.transport import guarded_transport
from tests.fakes import web as fixture_web

HOSTS = ["a.test", "b.test", "c.test"]


@dataclass
class KeepAliveServer:
    """HTTP/1.1 with keep-alive; records each connection's Host and whether it closed."""

    port: int = 0
    connections: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host = None
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                lines = head.decode("latin-1").split("\r\n")
                name = next(v for k, _, v in (ln.partition(": ") for ln in lines) if k == "Host")
                if host is None:
                    host = name.split(":")[0]
                    self.connections.append(host)
                body = host.encode()
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self.closed.append(host or "")
            writer.close()

    def url(self, host: str) -> str:
        return f"http://{host}:{self.port}/"


@asynccontextmanager
async def keep_alive_client(
    max_hosts: int,
) -> AsyncIterator[tuple[KeepAliveServer, httpx.AsyncClient]]:
    server = KeepAliveServer()
    listening = await asyncio.start_server(server.handle, "127.0.0.1", 0)
    server.port = listening.sockets[0].getsockname()[1]
    transport = guarded_transport(
        AddressGuard.allowing(HOSTS), fixture_web.test_resolver, per_host=2, max_hosts=max_hosts
    )
    try:
        async with httpx.AsyncClient(transport=transport) as client:
            yield server, client
    finally:
        listening.close()


async def until(condition: Callable[[], bool]) -> None:
    """Give the server a moment to notice a connection closed."""
    for _ in range(100):
        if condition():
            return
        await asyncio.sleep(0.01)


def test_each_hosts_connection_is_kept_alive_between_requests() -> None:
    async def go() -> list[str]:
        async with keep_alive_client(max_hosts=8) as (server, client):
            for _ in range(5):
                for host in HOSTS:
                    assert (await client.get(server.url(host))).text == host
            return server.connections

    assert sorted(asyncio.run(go())) == HOSTS  # fifteen requests, three connections


def test_the_least_recently_asked_hosts_connections_are_closed_beyond_the_cap() -> None:
    async def go() -> tuple[list[str], list[str]]:
        async with keep_alive_client(max_hosts=2) as (server, client):
            for host in [*HOSTS, "a.test"]:
                await client.get(server.url(host))
            await until(lambda: "a.test" in server.closed)
            return server.connections, list(server.closed)

    connections, closed = asyncio.run(go())
    assert connections == ["a.test", "b.test", "c.test", "a.test"]  # a's pool was closed
    assert closed[0] == "a.test"


def test_a_host_whose_response_is_still_open_keeps_its_connection() -> None:
    async def go() -> tuple[str, list[str]]:
        async with keep_alive_client(max_hosts=1) as (server, client):
            request = client.build_request("GET", server.url("a.test"))
            response = await client.send(request, stream=True)
            for host in HOSTS[1:]:
                await client.get(server.url(host))
            body = (await response.aread()).decode()
            await response.aclose()
            return body, server.connections

    body, connections = asyncio.run(go())
    assert body == "a.test"
    assert connections == HOSTS
