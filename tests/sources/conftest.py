"""Sources are polled over the same fixture web as the fetch tests."""

from tests.fetch.conftest import web

__all__ = ["web"]
