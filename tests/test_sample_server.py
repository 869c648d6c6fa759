"""The sample source's server answers as web servers do: connections kept open between
requests, and all of them closed when it stops."""

from __future__ import annotations

import httpx
import pytest

from foreigndesk.sample import serve_directory


def test_one_connection_serves_many_requests_and_closes_when_the_server_stops() -> None:
    opened: list[object] = []

    def count(event_name: str, info: dict[str, object]) -> None:
        if event_name == "connection.connect_tcp.complete":
            opened.append(info)

    with httpx.Client(timeout=5) as client:
        with serve_directory() as url:
            for _ in range(3):
                response = client.get(url + "feed.xml", extensions={"trace": count})
                assert response.status_code == 200
                assert response.http_version == "HTTP/1.1"
        assert len(opened) == 1
        with pytest.raises(httpx.TransportError):
            client.get(url + "feed.xml")
