"""Hatena Blog through its AtomPub API (developer.hatena.ne.jp/ja/documents/blog/apis/atom).

The collection is ``{api_url}/{hatena_id}/{blog_id}/atom/entry``: POST creates an entry,
GET lists entries newest first with a ``rel="next"`` link to the next page; a member
``.../atom/entry/{entry_id}`` takes PUT (replace) and GET. Authentication is WSSE
(``X-WSSE`` UsernameToken with a SHA-1 digest of nonce, time and API key) or Basic with
the API key as the password, which is refused over plain http.

The blog reads an entry's ``<content>`` in its own editing syntax — Markdown, Hatena
syntax or HTML (見たままモード) — whatever type the request says, so the desk sends the
syntax the blog uses: from ``publish.hatena.syntax``, or read from the ``type`` of the
content of the blog's newest entry (``text/x-markdown``, ``text/x-hatena-syntax``,
``text/html``). Each entry is given the post's slug as its custom URL
(``hatenablog:custom-url``); that is the marker by which an entry made by an attempt that
got no answer is found again, so a retry updates it instead of posting a second one.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from html import escape
from typing import ClassVar
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import httpx
from defusedxml import ElementTree as SafeET

from foreigndesk.config import HatenaSettings, Settings
from foreigndesk.credentials import secret
from foreigndesk.errors import DeskError
from foreigndesk.hookspecs import hookimpl
from foreigndesk.models import Post
from foreigndesk.publish.document import post_document_html
from foreigndesk.publish.markdown import to_hatena, to_markdown
from foreigndesk.publish.remote import (
    RemoteError,
    RemoteHttp,
    RemotePost,
    RetryPolicy,
    publish_remote,
)
from foreigndesk.publish.sanitize import plain
from foreigndesk.publish.target import Ledger, PublishReport, PublishTarget

logger = logging.getLogger(__name__)

ATOM = "http://www.w3.org/2005/Atom"
APP = "http://www.w3.org/2007/app"
HATENABLOG = "http://www.hatena.ne.jp/info/xmlns#hatenablog"

#: The content type that tells Hatena which syntax a body is in, and back.
CONTENT_TYPES = {
    "markdown": "text/x-markdown",
    "hatena": "text/x-hatena-syntax",
    "html": "text/html",
}
SYNTAX_OF_TYPE = {value: key for key, value in CONTENT_TYPES.items()}
#: How many collection pages (ten entries each) are searched for an entry made by an
#: attempt that got no answer; such an entry is among the newest.
FIND_PAGES = 5

ET.register_namespace("", ATOM)
ET.register_namespace("app", APP)
ET.register_namespace("hatenablog", HATENABLOG)


def wsse_header(username: str, api_key: str, *, nonce: bytes, created: str) -> str:
    """The X-WSSE UsernameToken: PasswordDigest = Base64(SHA-1(nonce + created + key))."""
    digest = hashlib.sha1(nonce + created.encode() + api_key.encode()).digest()  # noqa: S324
    return (
        f'UsernameToken Username="{username}", '
        f'PasswordDigest="{base64.b64encode(digest).decode()}", '
        f'Nonce="{base64.b64encode(nonce).decode()}", Created="{created}"'
    )


class _HatenaHttp(RemoteHttp):
    def __init__(self, options: HatenaSettings, api_key: str, policy: RetryPolicy | None) -> None:
        self.options = options
        self.api_key = api_key
        auth = httpx.BasicAuth(options.hatena_id, api_key) if options.auth == "basic" else None
        super().__init__(
            "hatena",
            timeout=options.timeout,
            credentials_hint=(
                f"check the API key in {options.key_env} and publish.hatena.hatena_id"
            ),
            policy=policy,
            auth=auth,
            headers={"Content-Type": "application/xml; charset=utf-8"},
        )

    def fresh_headers(self) -> dict[str, str]:
        if self.options.auth != "wsse":
            return {}
        created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return {
            "X-WSSE": wsse_header(
                self.options.hatena_id, self.api_key, nonce=secrets.token_bytes(20),
                created=created,
            ),
            "Authorization": 'WSSE profile="UsernameToken"',
        }  # fmt: skip


def _q(namespace: str, tag: str) -> str:
    return f"{{{namespace}}}{tag}"


def _parse(body: bytes, what: str) -> ET.Element:
    try:
        root: ET.Element = SafeET.fromstring(body)
    except (ET.ParseError, ValueError) as exc:
        raise RemoteError(
            f"hatena: the answer to {what} is not Atom XML ({exc}) — is publish.hatena.api_url"
            " the AtomPub root endpoint?"
        ) from exc
    return root


def _remote(entry: ET.Element) -> RemotePost:
    edit = alternate = None
    for link in entry.findall(_q(ATOM, "link")):
        if link.get("rel") == "edit":
            edit = link.get("href")
        elif link.get("rel") == "alternate":
            alternate = link.get("href")
    if not edit:
        raise RemoteError("hatena: an entry came back without its edit link — report this")
    return RemotePost(remote_id=edit.rstrip("/").rsplit("/", 1)[-1], url=alternate)


class HatenaClient:
    """The AtomPub calls the desk makes, for one blog."""

    def __init__(
        self,
        options: HatenaSettings,
        api_key: str,
        *,
        locale: str,
        policy: RetryPolicy | None = None,
    ) -> None:
        for name in ("hatena_id", "blog_id"):
            if not getattr(options, name):
                raise DeskError(f"hatena: publish.hatena.{name} is empty — set it in desk.toml")
        root = options.api_url.rstrip("/")
        if options.auth == "basic" and urlsplit(root).scheme != "https":
            host = urlsplit(root).hostname or ""
            if host not in ("127.0.0.1", "localhost", "::1"):
                raise DeskError(
                    f"hatena: Basic auth would send the API key in clear to {root} — use an"
                    " https api_url or publish.hatena.auth = 'wsse'"
                )
        self.options = options
        self.locale = locale
        self.collection = f"{root}/{options.hatena_id}/{options.blog_id}/atom/entry"
        self.http = _HatenaHttp(options, api_key, policy)
        self._syntax: str | None = None if options.syntax == "auto" else options.syntax

    def close(self) -> None:
        self.http.close()

    def entries(self, pages: int) -> Iterator[ET.Element]:
        """The blog's entries, newest first, over at most ``pages`` collection pages."""
        url: str | None = self.collection
        for _ in range(pages):
            if url is None:
                return
            response = self.http.request("GET", url, idempotent=True)
            feed = _parse(response.content, "the entry list")
            yield from feed.findall(_q(ATOM, "entry"))
            url = next(
                (
                    link.get("href")
                    for link in feed.findall(_q(ATOM, "link"))
                    if link.get("rel") == "next"
                ),
                None,
            )

    def syntax(self) -> str:
        """The blog's editing syntax: configured, or the newest entry's content type."""
        if self._syntax is None:
            for entry in self.entries(1):
                content = entry.find(_q(ATOM, "content"))
                found = SYNTAX_OF_TYPE.get(
                    (content.get("type") or "") if content is not None else ""
                )
                if found:
                    self._syntax = found
                    break
            else:
                logger.info("hatena: the blog has no entries to read its syntax from; sending HTML")
                self._syntax = "html"
        return self._syntax

    def body(self, post: Post) -> str:
        html = post_document_html(post, self.locale)
        syntax = self.syntax()
        if syntax == "markdown":
            return to_markdown(html)
        if syntax == "hatena":
            return to_hatena(html)
        # In HTML mode a line break is a line break: the fragment goes out on one line.
        return "".join(line.strip() for line in html.splitlines())

    def entry_xml(self, post: Post) -> bytes:
        entry = ET.Element(_q(ATOM, "entry"))
        ET.SubElement(entry, _q(ATOM, "title")).text = plain(post.title)
        author = ET.SubElement(entry, _q(ATOM, "author"))
        ET.SubElement(author, _q(ATOM, "name")).text = self.options.hatena_id
        content = ET.SubElement(entry, _q(ATOM, "content"), type=CONTENT_TYPES[self.syntax()])
        content.text = plain(self.body(post))
        if post.published:
            ET.SubElement(entry, _q(ATOM, "updated")).text = f"{post.published}T00:00:00"
        for term in dict.fromkeys([*self.options.categories, *post.tags]):
            ET.SubElement(entry, _q(ATOM, "category"), term=plain(term))
        ET.SubElement(entry, _q(HATENABLOG, "custom-url")).text = post.slug
        control = ET.SubElement(entry, _q(APP, "control"))
        ET.SubElement(control, _q(APP, "draft")).text = "yes" if self.options.draft else "no"
        data: bytes = ET.tostring(entry, encoding="utf-8", xml_declaration=True)
        return data

    def find(self, post: Post) -> RemotePost | None:
        for entry in self.entries(FIND_PAGES):
            custom = entry.findtext(_q(HATENABLOG, "custom-url"))
            remote = _remote(entry)
            path = urlsplit(remote.url or "").path
            if custom == post.slug or path.endswith(f"/entry/{post.slug}"):
                logger.info("hatena: found entry %s made by an earlier attempt", remote.remote_id)
                return remote
        return None

    def create(self, post: Post) -> RemotePost:
        response = self.http.request(
            "POST", self.collection, idempotent=False, content=self.entry_xml(post)
        )
        return _remote(_parse(response.content, "a new entry"))

    def update(self, remote: RemotePost, post: Post) -> RemotePost | None:
        response = self.http.request(
            "PUT",
            f"{self.collection}/{remote.remote_id}",
            idempotent=True,
            ok=(404,),
            content=self.entry_xml(post),
        )
        if response.status_code == 404:
            logger.info("hatena: entry %s is gone from the blog", escape(remote.remote_id))
            return None
        return _remote(_parse(response.content, "an updated entry"))


class HatenaTarget:
    name: ClassVar[str] = "hatena"

    def __init__(self, policy: RetryPolicy | None = None) -> None:
        self.policy = policy

    def publish(self, posts: Sequence[Post], settings: Settings, ledger: Ledger) -> PublishReport:
        options = settings.publish.hatena
        client = HatenaClient(
            options,
            secret(options.key_env, self.name),
            locale=settings.desk.locale,
            policy=self.policy,
        )
        return publish_remote(
            self.name,
            client,
            posts,
            ledger,
            f"{options.blog_id} (Hatena Blog)",
            restore=settings.publish.restore,
        )


@hookimpl
def foreigndesk_publish_targets() -> list[PublishTarget]:
    return [HatenaTarget()]
