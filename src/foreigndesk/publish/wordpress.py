"""WordPress through its REST API v2 (developer.wordpress.org/rest-api/reference/).

Posts: ``POST {api_url}/wp/v2/posts`` creates (201), ``POST .../posts/{id}`` updates,
``GET .../posts?slug=...&status=...`` finds. Tags and categories are sent as term ids:
each name is looked up (``GET .../tags?search=``) and created when missing
(``POST .../tags``; a ``term_exists`` answer carries the id of the one that exists).
Authentication is an application password with Basic auth, refused over plain http
except on loopback. Errors come back as ``{"code", "message", "data": {"status"}}``.

The post's slug is its marker: an attempt whose answer never came is looked up by slug
(every status) before anything is created, so a retry never makes a second post.

The site's owner has the last word: before an update the post's status there is read,
and a post trashed or deleted on the site is reported and left alone unless
``publish.restore`` (``publish --restore``) says to put it back.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from html import escape, unescape
from typing import Any, ClassVar
from urllib.parse import urlsplit

import httpx

from foreigndesk.config import Settings, WordPressSettings
from foreigndesk.credentials import secret
from foreigndesk.errors import DeskError
from foreigndesk.hookspecs import hookimpl
from foreigndesk.models import Post
from foreigndesk.publish.document import post_document_html
from foreigndesk.publish.remote import (
    LeftAlone,
    RemoteError,
    RemoteHttp,
    RemotePost,
    RetryPolicy,
    publish_remote,
)
from foreigndesk.publish.target import Ledger, PublishReport, PublishTarget

logger = logging.getLogger(__name__)

#: Every status a post made by the desk can have; a lookup by slug searches them all.
ALL_STATUSES = "publish,future,draft,pending,private"
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def _json(response: httpx.Response, what: str) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise RemoteError(
            f"wordpress: the answer to {what} is not JSON — is publish.wordpress.api_url the"
            " site's REST root (…/wp-json)?",
            target_wide=True,
        ) from exc


def _remote(payload: Any, what: str) -> RemotePost:
    if not isinstance(payload, dict) or "id" not in payload:
        raise RemoteError(f"wordpress: the answer to {what} has no post id — report this")
    return RemotePost(remote_id=str(payload["id"]), url=payload.get("link"))


class WordPressClient:
    """The REST calls the desk makes, for one site."""

    def __init__(
        self,
        options: WordPressSettings,
        password: str,
        *,
        locale: str,
        policy: RetryPolicy | None = None,
        restore: bool = False,
    ) -> None:
        if not options.api_url:
            raise DeskError(
                "wordpress: publish.wordpress.api_url is empty — set it to the site's REST"
                " root, e.g. https://example.com/wp-json"
            )
        if not options.username:
            raise DeskError("wordpress: publish.wordpress.username is empty — set it in desk.toml")
        parts = urlsplit(options.api_url)
        if parts.scheme != "https" and (parts.hostname or "") not in _LOOPBACK:
            raise DeskError(
                f"wordpress: {options.api_url} is not https — application passwords are only"
                " sent over https; use the site's https address"
            )
        self.options = options
        self.locale = locale
        self.restore = restore
        self.base = options.api_url.rstrip("/") + "/wp/v2"
        hint = (
            f"check publish.wordpress.username and the application password in"
            f" {options.password_env} (WordPress answers a wrong password as if none had"
            " been sent)"
        )
        if parts.scheme == "http":
            hint += (
                "; over plain http WordPress ignores application passwords unless the site"
                " sets WP_ENVIRONMENT_TYPE to 'local' — use the site's https address"
            )
        self.http = RemoteHttp(
            "wordpress",
            timeout=options.timeout,
            credentials_hint=hint,
            policy=policy,
            auth=httpx.BasicAuth(options.username, password),
        )
        self._terms: dict[tuple[str, str], int] = {}

    def close(self) -> None:
        self.http.close()

    def term_id(self, taxonomy: str, name: str) -> int:
        """The id of the tag or category called ``name``, created when there is none."""
        key = (taxonomy, name.casefold())
        if key in self._terms:
            return self._terms[key]
        found = _json(
            self.http.request(
                "GET",
                f"{self.base}/{taxonomy}",
                idempotent=True,
                params={"search": name, "per_page": 100, "context": "view"},
            ),
            f"a {taxonomy} search",
        )
        term_id = next(
            (
                int(term["id"])
                for term in found or []
                if isinstance(term, dict)
                and unescape(str(term.get("name", ""))).casefold() == name.casefold()
            ),
            None,
        )
        if term_id is None:
            response = self.http.request(
                "POST",
                f"{self.base}/{taxonomy}",
                idempotent=False,
                ok=(400,),
                json={"name": name},
            )
            payload = _json(response, f"a new {taxonomy[:-1]}")
            if response.status_code == 400:
                data = payload.get("data") if isinstance(payload, dict) else None
                if not (isinstance(payload, dict) and payload.get("code") == "term_exists"):
                    raise self.http.failure(response, str(payload.get("message", payload)))
                term_id = int((data or {}).get("term_id") or 0)
                if not term_id:
                    raise self.http.failure(response, "term_exists without a term_id")
            else:
                term_id = int(payload["id"])
        self._terms[key] = term_id
        return term_id

    def fields(self, post: Post) -> dict[str, Any]:
        return {
            # The title field takes HTML: the post's plain-text title goes in escaped.
            "title": escape(post.title, quote=False),
            "content": post_document_html(post, self.locale),
            "status": self.options.status,
            "slug": post.slug,
            "date": f"{post.published}T00:00:00" if post.published else None,
            "tags": [self.term_id("tags", tag) for tag in dict.fromkeys(post.tags)],
            "categories": [
                self.term_id("categories", c) for c in dict.fromkeys(self.options.categories)
            ],
        }

    def find(self, post: Post) -> RemotePost | None:
        response = self.http.request(
            "GET",
            f"{self.base}/posts",
            idempotent=True,
            ok=(400,),
            params={"slug": post.slug, "status": ALL_STATUSES, "context": "edit"},
        )
        found = _json(response, "a post lookup")
        if response.status_code == 400:
            # Drafts may be listed by a logged-in user only: an anonymous request (a wrong
            # password is one, to WordPress) is refused the status parameter.
            raise self._anonymous(response, found)
        if isinstance(found, list) and found:
            logger.info("wordpress: found post %s made by an earlier attempt", found[0].get("id"))
            return _remote(found[0], "a post lookup")
        return None

    def create(self, post: Post) -> RemotePost:
        fields = {k: v for k, v in self.fields(post).items() if v is not None}
        response = self.http.request("POST", f"{self.base}/posts", idempotent=False, json=fields)
        return _remote(_json(response, "a new post"), "a new post")

    def _anonymous(self, response: httpx.Response, payload: Any) -> RemoteError:
        code = payload.get("code") if isinstance(payload, dict) else None
        if code == "rest_invalid_param":
            return RemoteError(
                "wordpress: the site treated the desk as not logged in (HTTP 400"
                f" rest_invalid_param for the post statuses) — {self.http.credentials_hint}",
                target_wide=True,
            )
        return self.http.failure(response, str(payload)[:200])

    def remote_status(self, remote: RemotePost) -> str | None:
        """The post's status on the site (``trash`` when trashed), None when deleted."""
        response = self.http.request(
            "GET",
            f"{self.base}/posts/{remote.remote_id}",
            idempotent=True,
            ok=(404, 410),
            params={"context": "edit"},
        )
        if response.status_code in (404, 410):
            return None
        payload = _json(response, "a post's status")
        return str(payload.get("status")) if isinstance(payload, dict) else None

    def update(self, remote: RemotePost, post: Post) -> RemotePost | None:
        if not self.restore:
            status = self.remote_status(remote)
            if status is None:
                return None  # deleted: the publish loop decides
            if status == "trash":
                raise LeftAlone(
                    f"post {remote.remote_id} is in the site's trash — left alone;"
                    " `foreigndesk publish --restore` puts it back"
                )
        fields = {k: v for k, v in self.fields(post).items() if v is not None}
        response = self.http.request(
            "POST",
            f"{self.base}/posts/{remote.remote_id}",
            idempotent=True,
            ok=(404, 410),
            json=fields,
        )
        if response.status_code in (404, 410):
            logger.info("wordpress: post %s is gone from the site; making it again", remote)
            return None
        return _remote(_json(response, "an updated post"), "an updated post")


class WordPressTarget:
    name: ClassVar[str] = "wordpress"

    def __init__(self, policy: RetryPolicy | None = None) -> None:
        self.policy = policy

    def publish(self, posts: Sequence[Post], settings: Settings, ledger: Ledger) -> PublishReport:
        options = settings.publish.wordpress
        client = WordPressClient(
            options,
            secret(options.password_env, self.name, what="application password"),
            locale=settings.desk.locale,
            policy=self.policy,
            restore=settings.publish.restore,
        )
        return publish_remote(
            self.name, client, posts, ledger, options.api_url, restore=settings.publish.restore
        )


@hookimpl
def foreigndesk_publish_targets() -> list[PublishTarget]:
    return [WordPressTarget()]
