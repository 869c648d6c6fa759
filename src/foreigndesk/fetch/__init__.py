"""Polite, safe HTTP: the one fetcher every outgoing request for content goes through."""

from foreigndesk.errors import Deferred
from foreigndesk.fetch.fetcher import Fetcher, FetchPolicy, FetchResult
from foreigndesk.fetch.guard import AddressGuard

__all__ = ["AddressGuard", "Deferred", "FetchPolicy", "FetchResult", "Fetcher"]
