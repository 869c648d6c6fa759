"""A local fake of the WordPress REST API v2: posts, tags and categories.

Followed: developer.wordpress.org/rest-api/reference/posts/, .../tags/, .../categories/,
/rest-api/using-the-rest-api/authentication/ and /global-parameters/ (pagination):

- Routes under ``/wp-json/wp/v2``: ``GET /posts`` (``slug``, ``status`` — a comma list;
  anything but ``publish`` needs an authenticated user —, ``search``, ``per_page``,
  ``page``; headers ``X-WP-Total`` and ``X-WP-TotalPages``), ``POST /posts`` (201),
  ``GET``/``POST``/``PUT``/``PATCH``/``DELETE /posts/{id}``; ``GET``/``POST /tags`` and
  ``/categories`` (``search``, ``name``); ``POST`` of a name that exists answers 400
  ``term_exists`` with ``data.term_id``.
- A post answers as ``{id, date, date_gmt, guid, modified, slug, status, type, link,
  title: {raw, rendered}, content: {raw, rendered, protected}, author, categories, tags}``
  (``raw`` with ``context=edit`` only). A published post's slug is made unique by a
  ``-2``, ``-3`` suffix; a draft keeps the slug it was given.
- Errors are ``{"code", "message", "data": {"status"}}``: 401 ``rest_not_logged_in`` /
  ``rest_cannot_create``, 400 ``rest_invalid_param``, 404 ``rest_post_invalid_id``; a 500
  is WordPress's HTML "critical error" page. Application passwords are sent with Basic
  auth; spaces in them are ignored; a wrong user or password is answered as if none had
  been sent (anonymous: drafts may not be listed, nothing may be created).
- As measured on WordPress 6.1 (tests/publish/test_wordpress_real.py): term names are
  stored escaped (``R&amp;D``), searched as stored (a search for ``R&D`` finds nothing),
  and ``term_exists`` compares them as stored, in any case; a ``DELETE`` without
  ``force`` moves a post to the trash (its slug gets ``__trashed``) and an update with a
  status takes it out; a rendered title turns a bare ``&`` into ``&#038;``.
"""

from __future__ import annotations

import base64
import itertools
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from typing import Any

from tests.fakes._server import FakeService, RecordedRequest, Reply, Route, json_reply

__all__ = ["WordPressFake", "WordPressPost"]

STATUSES = ("publish", "future", "draft", "pending", "private")
_MESSAGES = {
    400: ("rest_invalid_param", "Invalid parameter(s)."),
    401: ("rest_not_logged_in", "You are not currently logged in."),
    403: ("rest_forbidden", "Sorry, you are not allowed to do that."),
    404: ("rest_no_route", "No route was found matching the URL and request method."),
    429: ("too_many_requests", "Too many requests."),
    500: ("internal_server_error", "There has been a critical error on this website."),
    503: ("service_unavailable", "Service temporarily unavailable."),
}


#: What WordPress answers a PHP fatal error with: its HTML page, not a JSON error.
_CRITICAL_ERROR_PAGE = (
    b'<!DOCTYPE html>\n<html lang="en-US">\n<head><meta charset="utf-8">'
    b'<title>WordPress &rsaquo; Error</title></head>\n<body id="error-page">'
    b'<div class="wp-die-message"><p>There has been a critical error on this website.</p>'
    b'<p><a href="https://wordpress.org/documentation/article/faq-troubleshooting/">'
    b"Learn more about troubleshooting WordPress.</a></p></div></body>\n</html>"
)


def _texturized(text: str) -> str:
    """A title as WordPress renders it: a bare ``&`` becomes ``&#038;``."""
    return re.sub(r"&(?!#?\w+;)", "&#038;", text)


@dataclass
class WordPressPost:
    id: int
    title: str
    content: str
    status: str
    slug: str
    date: str
    tags: list[int]
    categories: list[int]
    modified: str
    revisions: int = 1
    history: list[str] = field(default_factory=list)


class WordPressFake(FakeService):
    name = "wordpress"

    def __init__(
        self,
        *,
        username: str = "editor",
        app_password: str = "abcd EFGH ijkl MNOP qrst UVWX",  # noqa: S107 - a fake's
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.username = username
        self.app_password = app_password
        self.posts: dict[int, WordPressPost] = {}
        self.terms: dict[str, dict[int, str]] = {"tags": {}, "categories": {1: "Uncategorized"}}
        self._ids = itertools.count(101)
        self._term_ids = itertools.count(2)
        self._state = threading.Lock()
        api = r"/wp-json/wp/v2"
        member = api + r"/posts/(?P<id>\d+)"
        self.routes = [
            Route("GET", re.compile(api + "/posts"), self._list),
            Route("POST", re.compile(api + "/posts"), self._create),
            Route("GET", re.compile(member), self._get),
            *(Route(m, re.compile(member), self._update) for m in ("POST", "PUT", "PATCH")),
            Route("DELETE", re.compile(member), self._delete),
        ]
        for taxonomy in ("tags", "categories"):
            pattern = re.compile(f"{api}/{taxonomy}")
            self.routes.append(Route("GET", pattern, self._terms_list(taxonomy)))
            self.routes.append(Route("POST", pattern, self._terms_create(taxonomy)))

    @property
    def api_url(self) -> str:
        return f"{self.url}/wp-json"

    # -- protocol -------------------------------------------------------------------------

    def error_reply(self, status: int, message: str | None = None) -> Reply:
        if status == 500:
            return Reply(500, _CRITICAL_ERROR_PAGE, "text/html; charset=UTF-8", {})
        code, default = _MESSAGES.get(status, ("error", f"HTTP {status}"))
        return self._error(status, code, message or default)

    @staticmethod
    def _error(status: int, code: str, message: str, **data: Any) -> Reply:
        return json_reply(
            status, {"code": code, "message": message, "data": {"status": status, **data}}
        )

    def _user(self, request: RecordedRequest) -> str | Reply | None:
        header = request.header("authorization") or ""
        if not header:
            return None
        if not header.lower().startswith("basic "):
            return self._error(401, "rest_not_logged_in", "You are not currently logged in.")
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return self._error(401, "invalid_username", "Unknown username.")
        if user != self.username or password.replace(" ", "") != self.app_password.replace(" ", ""):
            # WordPress 6.1 answers a wrong user or application password as if no
            # credentials had been sent (tests/publish/test_wordpress_real.py).
            return None
        return user

    def route(self, request: RecordedRequest) -> Reply:
        user = self._user(request)
        if isinstance(user, Reply):
            return user
        if request.method != "GET" and user is None:
            return self._error(
                401,
                "rest_cannot_create",
                "Sorry, you are not allowed to create posts as this user.",
            )
        return super().route(request)

    def _post_json(self, post: WordPressPost, edit: bool) -> dict[str, Any]:
        title: dict[str, str] = {"rendered": _texturized(post.title)}
        content: dict[str, Any] = {"rendered": post.content, "protected": False}
        if edit:
            title["raw"], content["raw"] = post.title, post.content
        return {
            "id": post.id,
            "date": post.date,
            "date_gmt": post.date,
            "guid": {"rendered": f"{self.url}/?p={post.id}"},
            "modified": post.modified,
            "modified_gmt": post.modified,
            "slug": post.slug,
            "status": post.status,
            "type": "post",
            "link": f"{self.url}/{post.slug}/"
            if post.status == "publish"
            else f"{self.url}/?p={post.id}",
            "title": title,
            "content": content,
            "author": 1,
            "categories": post.categories,
            "tags": post.tags,
        }

    def _unique_slug(self, slug: str, status: str, own_id: int | None) -> str:
        if status in ("draft", "pending"):
            return slug
        taken = {
            p.slug
            for p in self.posts.values()
            if p.id != own_id and p.status not in ("draft", "pending")
        }
        candidate, n = slug, 2
        while candidate in taken:
            candidate, n = f"{slug}-{n}", n + 1
        return candidate

    def _validate(self, body: Any, creating: bool) -> Reply | dict[str, Any]:
        if not isinstance(body, dict):
            return self._error(400, "rest_invalid_json", "Invalid JSON body passed.")
        status = body.get("status", "draft")
        if status not in STATUSES:
            return self._error(
                400, "rest_invalid_param", "Invalid parameter(s): status",
                params={"status": f"status is not one of {', '.join(STATUSES)}."},
            )  # fmt: skip
        for taxonomy in ("tags", "categories"):
            ids = body.get(taxonomy, [])
            if not isinstance(ids, list) or any(i not in self.terms[taxonomy] for i in ids):
                return self._error(
                    400, "rest_invalid_param", f"Invalid parameter(s): {taxonomy}",
                    params={taxonomy: f"{taxonomy}[0] is not a valid term id."},
                )  # fmt: skip
        if creating and not (body.get("title") or body.get("content")):
            return self._error(400, "empty_content", "Content, title, and excerpt are empty.")
        return body

    def _create(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        body = self._validate(request.json_body, True)
        if isinstance(body, Reply):
            return body
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
        with self._state:
            post_id = next(self._ids)
            status = body.get("status", "draft")
            post = WordPressPost(
                id=post_id,
                title=str(body.get("title", "")),
                content=str(body.get("content", "")),
                status=status,
                slug=self._unique_slug(str(body.get("slug") or f"post-{post_id}"), status, None),
                date=str(body.get("date") or now),
                tags=list(body.get("tags", [])),
                categories=list(body.get("categories") or [1]),
                modified=now,
            )
            self.posts[post_id] = post
        return json_reply(
            201, self._post_json(post, True),
            {"Location": f"{self.api_url}/wp/v2/posts/{post_id}"},
        )  # fmt: skip

    def _update(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        body = self._validate(request.json_body, False)
        if isinstance(body, Reply):
            return body
        with self._state:
            post = self.posts.get(int(match["id"]))
            if post is None:
                return self._error(404, "rest_post_invalid_id", "Invalid post ID.")
            post.history.append(post.content)
            if post.status == "trash" and body.get("status", "trash") != "trash":
                post.slug = post.slug.removesuffix("__trashed")  # untrashed, as WordPress does
            post.title = str(body.get("title", post.title))
            post.content = str(body.get("content", post.content))
            post.status = str(body.get("status", post.status))
            if "slug" in body:
                post.slug = self._unique_slug(str(body["slug"]), post.status, post.id)
            post.date = str(body.get("date") or post.date)
            post.tags = list(body.get("tags", post.tags))
            post.categories = list(body.get("categories", post.categories))
            post.modified = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
            post.revisions += 1
        return json_reply(200, self._post_json(post, True))

    def _get(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        post = self.posts.get(int(match["id"]))
        if post is None:
            return self._error(404, "rest_post_invalid_id", "Invalid post ID.")
        return json_reply(200, self._post_json(post, "edit" in request.query.get("context", [])))

    def _delete(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        """Moves the post to the trash (its slug gets ``__trashed``), or with ``force=true``
        deletes it, as WordPress does."""
        force = request.query.get("force", ["false"])[0] in ("true", "1")
        with self._state:
            post = self.posts.get(int(match["id"]))
            if post is None:
                return self._error(404, "rest_post_invalid_id", "Invalid post ID.")
            if force:
                del self.posts[post.id]
                return json_reply(200, {"deleted": True, "previous": self._post_json(post, True)})
            if post.status == "trash":
                return self._error(
                    410, "rest_already_trashed", "The post has already been deleted."
                )
            post.status, post.slug = "trash", f"{post.slug}__trashed"
        return json_reply(200, self._post_json(post, True))

    def trash(self, post_id: int) -> None:
        """What an editor's "Move to Trash" does on the site."""
        with self._state:
            post = self.posts[post_id]
            post.status, post.slug = "trash", f"{post.slug}__trashed"

    def _list(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        query = request.query
        statuses = ",".join(query.get("status", ["publish"])).split(",")
        if any(s not in (*STATUSES, "any") for s in statuses):
            return self._error(400, "rest_invalid_param", "Invalid parameter(s): status")
        authed = isinstance(self._user(request), str)
        if (set(statuses) - {"publish"} or "edit" in query.get("context", [])) and not authed:
            return self._error(
                400 if "context" not in query else 401, "rest_invalid_param",
                "Status is forbidden." if "context" not in query
                else "Sorry, you are not allowed to edit posts in this post type.",
            )  # fmt: skip
        wanted = set(STATUSES) if "any" in statuses else set(statuses)
        slugs = set(",".join(query.get("slug", [])).split(",")) - {""}
        found = [
            p for p in sorted(self.posts.values(), key=lambda p: p.id, reverse=True)
            if p.status in wanted and (not slugs or p.slug in slugs)
        ]  # fmt: skip
        per_page = int(query.get("per_page", ["10"])[0])
        page = int(query.get("page", ["1"])[0])
        shown = found[(page - 1) * per_page : page * per_page]
        pages = max(1, -(-len(found) // per_page))
        return json_reply(
            200, [self._post_json(p, "edit" in query.get("context", [])) for p in shown],
            {"X-WP-Total": str(len(found)), "X-WP-TotalPages": str(pages)},
        )  # fmt: skip

    def _terms_list(self, taxonomy: str):  # type: ignore[no-untyped-def]
        def handler(request: RecordedRequest, match: re.Match[str]) -> Reply:
            # Names are stored escaped (Q&A as Q&amp;A), and the search reads the stored
            # name: a search for "Q&A" finds nothing, as on WordPress.
            search = (request.query.get("search") or [""])[0].casefold()
            found = [
                {"id": i, "name": name, "slug": name.lower().replace(" ", "-"),
                 "taxonomy": "post_tag" if taxonomy == "tags" else "category"}
                for i, name in sorted(self.terms[taxonomy].items())
                if search in name.casefold()
            ]  # fmt: skip
            return json_reply(200, found, {"X-WP-Total": str(len(found)), "X-WP-TotalPages": "1"})

        return handler

    def _terms_create(self, taxonomy: str):  # type: ignore[no-untyped-def]
        def handler(request: RecordedRequest, match: re.Match[str]) -> Reply:
            body = request.json_body
            name = str(body.get("name", "")).strip() if isinstance(body, dict) else ""
            if not name:
                return self._error(400, "rest_missing_callback_param", "Missing parameter(s): name")
            name = escape(name, quote=False)
            with self._state:
                for term_id, existing in self.terms[taxonomy].items():
                    if existing.casefold() == name.casefold():  # as stored, in any case
                        return self._error(
                            400, "term_exists",
                            "A term with the name provided already exists in this taxonomy.",
                            term_id=term_id,
                        )  # fmt: skip
                term_id = next(self._term_ids)
                self.terms[taxonomy][term_id] = name
            return json_reply(201, {"id": term_id, "name": name, "slug": name.lower()})

        return handler
