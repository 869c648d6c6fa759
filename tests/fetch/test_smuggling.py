"""No response answers another request: a kept-alive connection whose last response
left bytes over (a second response smuggled behind the first one's body) is closed, not
reused, so the next request gets its own answer."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from foreigndesk.fetch import Fetcher
from tests.fetch.conftest import run_with

SMUGGLED = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 24\r\n\r\n"
    b"<title>smuggled</title>\n"
)


def _answer(body: bytes) -> bytes:
    head = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


def _serve(listener: socket.socket, requests: list[bytes], connections: list[int]) -> None:
    """Answer each request on a connection in turn; /a's answer carries a smuggled
    second response behind its body, in the same write."""
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        connections.append(1)
        with conn:
            buffer = b""
            while True:
                while b"\r\n\r\n" not in buffer:
                    data = conn.recv(65536)
                    if not data:
                        break
                    buffer += data
                if b"\r\n\r\n" not in buffer:
                    break
                request, buffer = buffer.split(b"\r\n\r\n", 1)
                requests.append(request.split(b"\r\n", 1)[0])
                path = request.split(b" ", 2)[1]
                if path == b"/a":
                    conn.sendall(_answer(b"<title>first</title>") + SMUGGLED)
                else:
                    conn.sendall(_answer(b"<title>the real " + path[1:] + b"</title>"))


@pytest.fixture
def smuggler() -> Iterator[tuple[int, list[bytes], list[int]]]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    requests: list[bytes] = []
    connections: list[int] = []
    thread = threading.Thread(target=_serve, args=(listener, requests, connections), daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], requests, connections
    finally:
        listener.close()


def test_a_smuggled_response_never_answers_the_next_request(
    smuggler: tuple[int, list[bytes], list[int]],
) -> None:
    port, requests, connections = smuggler
    base = f"http://site.test:{port}"

    async def two(fetcher: Fetcher) -> tuple[bytes, bytes]:
        first = await fetcher.get(f"{base}/a", check_robots=False)
        second = await fetcher.get(f"{base}/b", check_robots=False)
        return first.content, second.content

    first, second = run_with(two, obey_robots=False)
    assert first == b"<title>first</title>"
    assert second == b"<title>the real b</title>"
    assert requests == [b"GET /a HTTP/1.1", b"GET /b HTTP/1.1"]
    assert len(connections) == 2  # the tainted connection was not reused


def test_a_clean_connection_is_still_kept_alive(
    smuggler: tuple[int, list[bytes], list[int]],
) -> None:
    port, requests, connections = smuggler
    base = f"http://site.test:{port}"

    async def two(fetcher: Fetcher) -> None:
        await fetcher.get(f"{base}/b", check_robots=False)
        await fetcher.get(f"{base}/c", check_robots=False)

    run_with(two, obey_robots=False)
    assert len(requests) == 2
    assert len(connections) == 1
