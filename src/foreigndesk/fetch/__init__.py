"""Polite HTTP: the one client every outgoing request goes through."""

from foreigndesk.fetch.client import FetchResult, fetch, make_client

__all__ = ["FetchResult", "fetch", "make_client"]
