"""The throwaway Redis that the Celery executor's tests stand on: if it does not start,
answer and go away cleanly, every failure above it would be misread as the executor's."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import pytest
import redis

from tests.redis_server import temporary_redis


def test_a_key_set_is_read_back() -> None:
    with temporary_redis() as url:
        client = redis.Redis.from_url(url)
        try:
            assert client.set("desk:probe", "ジェーン・ロウ")
            assert client.get("desk:probe") == "ジェーン・ロウ".encode()
        finally:
            client.close()


def test_the_server_is_on_loopback_and_gone_afterwards() -> None:
    with temporary_redis() as url:
        parts = urlsplit(url)
        assert parts.hostname == "127.0.0.1"
        assert parts.port is not None
        port = parts.port
        # Nothing persisted: a test's broker must not leave a dump for the next one.
        client = redis.Redis.from_url(url)
        try:
            assert client.config_get("save") == {"save": ""}
            assert client.config_get("appendonly") == {"appendonly": "no"}
        finally:
            client.close()
    with socket.socket() as probe, pytest.raises(ConnectionRefusedError):
        probe.connect(("127.0.0.1", port))
