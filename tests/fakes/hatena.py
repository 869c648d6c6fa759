"""A local fake of the Hatena Blog AtomPub API, for one blog.

Followed: developer.hatena.ne.jp/ja/documents/blog/apis/atom (はてなブログAtomPub):

- Root endpoint ``/{hatena_id}/{blog_id}/atom``: GET answers the service document
  (``application/atomsvc+xml``) naming the entry collection.
- Collection ``.../atom/entry``: GET lists entries newest first, ten a page, as an Atom feed
  with ``rel="first"`` and, when there are more, ``rel="next"`` (``?page={epoch}``); POST an
  ``<entry>`` (title, author, content with a type, updated, categories, ``app:control`` /
  ``app:draft``, and ``hatenablog:custom-url``) answers 201 with the entry and a Location.
- Member ``.../atom/entry/{entry_id}``: GET answers the entry, PUT replaces it (200), DELETE
  removes it (200); an unknown id answers 404.
- An entry carries ``link rel="edit"`` (its member URI), ``link rel="alternate"`` (its page:
  ``/entry/{custom-url}`` or ``/entry/YYYY/MM/DD/HHMMSS``), ``app:edited``, ``summary``,
  ``content`` whose ``type`` is the *blog's* syntax (``text/x-markdown``,
  ``text/x-hatena-syntax`` or ``text/html``) whatever the request said, and
  ``hatenablog:formatted-content``.
- Authentication (認証): WSSE — ``X-WSSE: UsernameToken Username=..., PasswordDigest=
  Base64(SHA1(Nonce + Created + APIKey)), Nonce=Base64(nonce), Created=W3CDTF`` — or Basic
  with the Hatena ID and the API key. Failures answer 401; malformed XML 400; a method a
  URI does not take 405; errors are short ``text/plain`` bodies.

Chosen here where the documentation is silent: a WSSE nonce may be used once and Created
must be within five minutes of the fake's clock; the fake renders content minimally (it is
not Hatena's renderer) into ``formatted-content``.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape
from typing import Literal
from xml.etree import ElementTree as ET

from defusedxml import ElementTree as SafeET

from tests.fakes._server import FakeService, RecordedRequest, Reply, Route

__all__ = ["HatenaEntry", "HatenaFake"]

ATOM = "http://www.w3.org/2005/Atom"
APP = "http://www.w3.org/2007/app"
HATENABLOG = "http://www.hatena.ne.jp/info/xmlns#hatenablog"
_TYPES = {
    "markdown": "text/x-markdown",
    "hatena": "text/x-hatena-syntax",
    "html": "text/html",
}
PAGE_SIZE = 10


@dataclass
class HatenaEntry:
    entry_id: str
    title: str
    content: str
    request_type: str
    categories: list[str]
    draft: bool
    custom_url: str | None
    updated: datetime
    published: datetime
    edited: datetime
    author: str
    versions: int = 1
    history: list[str] = field(default_factory=list)


def _q(namespace: str, tag: str) -> str:
    return f"{{{namespace}}}{tag}"


def _text(message: str) -> bytes:
    return message.encode("utf-8")


class HatenaFake(FakeService):
    name = "hatena"

    def __init__(
        self,
        *,
        hatena_id: str = "desk-user",
        blog_id: str = "desk-user.hatenablog.com",
        api_key: str = "hatena-test-key",
        syntax: Literal["markdown", "hatena", "html"] = "markdown",
        **kwargs: object,
    ) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.hatena_id = hatena_id
        self.blog_id = blog_id
        self.api_key = api_key
        self.syntax = syntax
        self.entries: dict[str, HatenaEntry] = {}
        self._nonces: set[str] = set()
        self._ids = itertools.count(13574176438046000000)
        self._state = threading.Lock()
        root = re.escape(f"/{hatena_id}/{blog_id}/atom")
        self.routes = [
            Route("GET", re.compile(root), self._service),
            Route("GET", re.compile(root + "/entry"), self._list),
            Route("POST", re.compile(root + "/entry"), self._create),
            Route("GET", re.compile(root + r"/entry/(?P<id>\w+)"), self._get),
            Route("PUT", re.compile(root + r"/entry/(?P<id>\w+)"), self._put),
            Route("DELETE", re.compile(root + r"/entry/(?P<id>\w+)"), self._delete),
        ]

    # -- what tests read ------------------------------------------------------------------

    @property
    def root(self) -> str:
        return f"{self.url}/{self.hatena_id}/{self.blog_id}/atom"

    def add_entry(self, title: str, content: str, *, custom_url: str | None = None) -> HatenaEntry:
        """An entry written on the blog by hand, before the desk came."""
        with self._state:
            return self._store(title, content, _TYPES[self.syntax], [], False, custom_url, None)

    # -- protocol -------------------------------------------------------------------------

    def error_reply(self, status: int, message: str | None = None) -> Reply:
        reasons = {400: "Bad Request", 401: "Unauthorized", 404: "Not Found",
                   405: "Method Not Allowed", 500: "Internal Server Error"}  # fmt: skip
        return Reply(status, _text(message or reasons.get(status, f"HTTP {status}")), "text/plain")

    def route(self, request: RecordedRequest) -> Reply:
        refused = self._authenticate(request)
        if refused:
            return self.error_reply(401, refused)
        return super().route(request)

    def _authenticate(self, request: RecordedRequest) -> str | None:
        basic = request.header("authorization") or ""
        if basic.lower().startswith("basic "):
            try:
                user, _, key = base64.b64decode(basic[6:]).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                return "Unauthorized"
            return None if (user, key) == (self.hatena_id, self.api_key) else "Unauthorized"
        header = request.header("x-wsse")
        if not header:
            return "Unauthorized"
        fields = dict(re.findall(r'(\w+)="([^"]*)"', header))
        try:
            nonce = base64.b64decode(fields["Nonce"], validate=True)
            created = datetime.fromisoformat(fields["Created"].replace("Z", "+00:00"))
        except (KeyError, ValueError):
            return "Unauthorized"
        expected = base64.b64encode(
            hashlib.sha1(nonce + fields["Created"].encode() + self.api_key.encode()).digest()  # noqa: S324
        ).decode()
        if fields.get("Username") != self.hatena_id or fields.get("PasswordDigest") != expected:
            return "Unauthorized"
        if abs(datetime.now(UTC) - created) > timedelta(minutes=5):
            return "Unauthorized: Created is too far from now"
        with self._state:
            if fields["Nonce"] in self._nonces:
                return "Unauthorized: Nonce reused"
            self._nonces.add(fields["Nonce"])
        return None

    def _member_uri(self, entry: HatenaEntry) -> str:
        return f"{self.root}/entry/{entry.entry_id}"

    def _entry_element(self, entry: HatenaEntry) -> ET.Element:
        element = ET.Element(_q(ATOM, "entry"))
        ET.SubElement(
            element, _q(ATOM, "id")
        ).text = f"tag:blog.hatena.ne.jp,2013:blog-{self.hatena_id}-{entry.entry_id}"
        ET.SubElement(element, _q(ATOM, "link"), rel="edit", href=self._member_uri(entry))
        path = entry.custom_url or entry.published.strftime("%Y/%m/%d/%H%M%S")
        ET.SubElement(
            element, _q(ATOM, "link"), rel="alternate", type="text/html",
            href=f"https://{self.blog_id}/entry/{path}",
        )  # fmt: skip
        author = ET.SubElement(element, _q(ATOM, "author"))
        ET.SubElement(author, _q(ATOM, "name")).text = entry.author
        ET.SubElement(element, _q(ATOM, "title")).text = entry.title
        ET.SubElement(element, _q(ATOM, "updated")).text = entry.updated.isoformat()
        ET.SubElement(element, _q(ATOM, "published")).text = entry.published.isoformat()
        ET.SubElement(element, _q(APP, "edited")).text = entry.edited.isoformat()
        ET.SubElement(element, _q(ATOM, "summary"), type="text").text = entry.content[:100]
        ET.SubElement(element, _q(ATOM, "content"), type=_TYPES[self.syntax]).text = entry.content
        ET.SubElement(
            element, _q(HATENABLOG, "formatted-content"), type="text/html"
        ).text = f"<p>{escape(entry.content)}</p>"
        if entry.custom_url:
            ET.SubElement(element, _q(HATENABLOG, "custom-url")).text = entry.custom_url
        for term in entry.categories:
            ET.SubElement(element, _q(ATOM, "category"), term=term)
        control = ET.SubElement(element, _q(APP, "control"))
        ET.SubElement(control, _q(APP, "draft")).text = "yes" if entry.draft else "no"
        ET.SubElement(control, _q(APP, "preview")).text = "no"
        return element

    def _xml(self, status: int, element: ET.Element, **headers: str) -> Reply:
        body = ET.tostring(element, encoding="utf-8", xml_declaration=True)
        return Reply(status, body, "application/atom+xml; type=entry;charset=utf-8", headers)

    def _service(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        service = ET.Element(_q(APP, "service"))
        workspace = ET.SubElement(service, _q(APP, "workspace"))
        ET.SubElement(workspace, _q(ATOM, "title")).text = self.blog_id
        collection = ET.SubElement(workspace, _q(APP, "collection"), href=f"{self.root}/entry")
        ET.SubElement(collection, _q(ATOM, "title")).text = self.blog_id
        ET.SubElement(collection, _q(APP, "accept")).text = "application/atom+xml;type=entry"
        body = ET.tostring(service, encoding="utf-8", xml_declaration=True)
        return Reply(200, body, "application/atomsvc+xml; charset=utf-8")

    def _list(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        with self._state:
            ordered = sorted(
                self.entries.values(), key=lambda e: (e.published, e.entry_id), reverse=True
            )
        page = (request.query.get("page") or [""])[0]
        if page:
            ordered = [e for e in ordered if int(e.published.timestamp()) < int(page)]
        shown = ordered[:PAGE_SIZE]
        feed = ET.Element(_q(ATOM, "feed"))
        ET.SubElement(feed, _q(ATOM, "link"), rel="first", href=f"{self.root}/entry")
        if len(ordered) > PAGE_SIZE:
            last = int(shown[-1].published.timestamp())
            ET.SubElement(feed, _q(ATOM, "link"), rel="next", href=f"{self.root}/entry?page={last}")
        ET.SubElement(feed, _q(ATOM, "title")).text = self.blog_id
        for entry in shown:
            feed.append(self._entry_element(entry))
        body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
        return Reply(200, body, "application/atom+xml; charset=utf-8")

    def _read(
        self, request: RecordedRequest
    ) -> tuple[str, str, str, list[str], bool, str | None, datetime | None] | str:
        try:
            root = SafeET.fromstring(request.body)
        except (ET.ParseError, ValueError):
            return "Invalid XML"
        if root.tag != _q(ATOM, "entry"):
            return "the body is not an Atom entry"
        content = root.find(_q(ATOM, "content"))
        if content is None:
            return "content is required"
        updated_text = root.findtext(_q(ATOM, "updated"))
        try:
            updated = (
                datetime.fromisoformat(updated_text).replace(tzinfo=UTC) if updated_text else None
            )
        except ValueError:
            return "updated is not a date"
        draft = root.findtext(f"{_q(APP, 'control')}/{_q(APP, 'draft')}") == "yes"
        return (
            root.findtext(_q(ATOM, "title")) or "",
            content.text or "",
            content.get("type") or "text/plain",
            [c.get("term", "") for c in root.findall(_q(ATOM, "category"))],
            draft,
            root.findtext(_q(HATENABLOG, "custom-url")),
            updated,
        )

    def _store(
        self,
        title: str,
        content: str,
        request_type: str,
        categories: list[str],
        draft: bool,
        custom_url: str | None,
        updated: datetime | None,
    ) -> HatenaEntry:
        now = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=len(self.entries))
        entry = HatenaEntry(
            entry_id=str(next(self._ids)),
            title=title,
            content=content,
            request_type=request_type,
            categories=categories,
            draft=draft,
            custom_url=custom_url,
            updated=updated or now,
            published=now,
            edited=now,
            author=self.hatena_id,
        )
        self.entries[entry.entry_id] = entry
        return entry

    def _create(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        read = self._read(request)
        if isinstance(read, str):
            return self.error_reply(400, read)
        with self._state:
            entry = self._store(*read)
        return self._xml(201, self._entry_element(entry), Location=self._member_uri(entry))

    def _get(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        entry = self.entries.get(match["id"])
        if entry is None:
            return self.error_reply(404)
        return self._xml(200, self._entry_element(entry))

    def _put(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        read = self._read(request)
        if isinstance(read, str):
            return self.error_reply(400, read)
        with self._state:
            entry = self.entries.get(match["id"])
            if entry is None:
                return self.error_reply(404)
            title, content, request_type, categories, draft, custom_url, updated = read
            entry.history.append(entry.content)
            entry.title, entry.content, entry.request_type = title, content, request_type
            entry.categories, entry.draft = categories, draft
            entry.custom_url = custom_url or entry.custom_url
            entry.updated = updated or entry.updated
            entry.edited = datetime.now(UTC).replace(microsecond=0)
            entry.versions += 1
        return self._xml(200, self._entry_element(entry))

    def _delete(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        with self._state:
            if self.entries.pop(match["id"], None) is None:
                return self.error_reply(404)
        return Reply(200, b"", "text/plain")
