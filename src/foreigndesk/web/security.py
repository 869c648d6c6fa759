"""The review desk's defences, each small enough to test alone: where a ``next=`` may lead,
whether a request comes from the desk's own pages, the cookies' flags, the headers."""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from starlette.requests import Request

SESSION_COOKIE = "fd_session"
LOGIN_COOKIE = "fd_login"

#: Every desk page: scripts and styles only from the desk, images from anywhere on the web
#: (an article's pictures), nothing framing the desk but the desk.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' http: https: data:;"
    " frame-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none';"
    " object-src 'none'"
)
#: The preview of a post: the published page's own style, its images, and nothing that runs.
PREVIEW_POLICY = (
    "default-src 'none'; style-src 'self'; img-src http: https: data:; script-src 'none';"
    " frame-ancestors 'self'; form-action 'none'; base-uri 'none'"
)


def safe_next(value: str | None, default: str = "/") -> str:
    """``value`` when it is a path on this site, else ``default``: a ``next=`` parameter
    never sends a freshly signed-in editor to another site (``//evil.example``,
    ``/\\evil.example``, ``https://…``, ``javascript:…``)."""
    if not value or not value.startswith("/") or value.startswith("//"):
        return default
    if "\\" in value or any(ord(c) < 0x21 or ord(c) == 0x7F for c in value):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value


def same_origin(request: Request) -> bool:
    """False when the browser says the request comes from another site.

    Browsers send ``Origin`` on every POST and ``Sec-Fetch-Site`` on every request; a
    client that sends neither (a script, a test client) is judged by its CSRF token alone.
    """
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    own = f"{request.url.scheme}://{request.url.netloc}"
    return origin == own


def tokens_match(sent: str | None, expected: str) -> bool:
    return bool(sent) and hmac.compare_digest(str(sent).encode(), expected.encode())


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


__all__ = [
    "LOGIN_COOKIE",
    "PAGE_POLICY",
    "PREVIEW_POLICY",
    "SESSION_COOKIE",
    "is_https",
    "safe_next",
    "same_origin",
    "tokens_match",
]
