"""What the remote targets (Hatena Blog, WordPress) share: HTTP with retries, and the
publish loop that updates a post it made before and never makes a second one.

Never a second post: the ledger keeps each post's remote id, so a re-publish is an
update. A create whose answer never came (a timeout, a dropped connection, a 5xx) may
still have landed, so before a request goes out the ledger marks the post *pending*; the
next publish of a post that is pending or failed without a remote id first looks on the
target for it by its marker (the post's slug, which both services keep), and updates what
it finds instead of creating. For the same reason a create is never retried in-process
after an ambiguous failure, only after an answer that says nothing was done (429, 503).
"""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape
from typing import Any, Protocol

import httpx

from foreigndesk.errors import DeskError
from foreigndesk.models import Post
from foreigndesk.publish.digest import digest_of
from foreigndesk.publish.target import Ledger, PublishReport
from foreigndesk.retry import backoff, parse_retry_after

logger = logging.getLogger(__name__)

#: Answers that say the request was not acted on: safe to send again, even a create.
_NOT_DONE = frozenset({429, 503})
#: Answers after which an idempotent request (GET, PUT) may be sent again.
_RETRYABLE = frozenset({408, 425, 429, 500, 502, 503, 504})


class RemoteError(DeskError):
    """A request to a publish target failed; ``target_wide`` means every post would fail
    the same way (bad credentials, wrong URL), so the target stops for this run."""

    def __init__(self, message: str, *, target_wide: bool = False) -> None:
        super().__init__(message)
        self.target_wide = target_wide


class LeftAlone(Exception):
    """The post on the target was changed there (trashed, deleted) and is left as it is:
    the site's owner decided, and an update must not undo it. Reported, not a failure."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    base: float = 0.5
    cap: float = 10.0
    #: A longer Retry-After is not waited out: the post fails and is tried on the next run.
    max_wait: float = 60.0


@dataclass(frozen=True)
class RemotePost:
    """A post as the target knows it: its own id for it and the public address."""

    remote_id: str
    url: str | None = None


class RemoteHttp:
    """An httpx client bound to one target, with its credentials and retry policy."""

    def __init__(
        self,
        target: str,
        *,
        timeout: float,
        credentials_hint: str,
        policy: RetryPolicy | None = None,
        headers: Mapping[str, str] | None = None,
        auth: httpx.Auth | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        from foreigndesk import __version__

        self.target = target
        self.policy = policy or RetryPolicy()
        self.credentials_hint = credentials_hint
        self._rng = random.Random()  # noqa: S311 - jitter, not cryptography
        self._client = httpx.Client(
            headers={"User-Agent": f"foreigndesk/{__version__}", **(headers or {})},
            timeout=httpx.Timeout(timeout),
            auth=auth,
            transport=transport,
            follow_redirects=False,
        )

    def close(self) -> None:
        self._client.close()

    def failure(self, response: httpx.Response, detail: str) -> RemoteError:
        status = response.status_code
        prefix = f"{self.target}: HTTP {status} ({detail[:200]})"
        if status in (401, 403):
            return RemoteError(
                f"{prefix} — the credentials were refused; {self.credentials_hint}",
                target_wide=True,
            )
        if status in _RETRYABLE:
            return RemoteError(f"{prefix} — the service is unavailable; it is tried again")
        return RemoteError(f"{prefix} — the post was refused; see the message")

    def request(
        self,
        method: str,
        url: str,
        *,
        idempotent: bool,
        ok: Sequence[int] = (),
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send, retrying what may succeed later; a 2xx answer, or one of ``ok``, or raise.

        Only idempotent requests are sent again after an answer that may hide a done
        request (a timeout, a 5xx); a create is sent again only after a 429 or 503.
        """
        last: RemoteError | None = None
        for attempt in range(self.policy.attempts):
            wait: float | None = None
            retry = False
            try:
                response = self._client.request(
                    method, url, headers={**(headers or {}), **self.fresh_headers()}, **kwargs
                )
            except httpx.TimeoutException:
                last = RemoteError(
                    f"{self.target}: no answer within {self._client.timeout.read:g} s from"
                    f" {url} — the service is slow or down; it is tried again"
                )
                retry = idempotent
            except httpx.ConnectError as exc:
                last = RemoteError(
                    f"{self.target}: cannot reach {url} ({exc.__class__.__name__}) — is the"
                    " site up? check the target's api_url",
                    target_wide=True,
                )
                retry = False
            except httpx.TransportError as exc:
                # Sent, then the connection broke: the request may have been done.
                last = RemoteError(
                    f"{self.target}: the connection broke before the answer to {method}"
                    f" {url} ({exc.__class__.__name__})"
                    + (
                        " — it is tried again"
                        if idempotent
                        else " — it may have been done; the next publish looks for the post"
                        " by its slug before making it again"
                    )
                )
                retry = idempotent
            else:
                if response.is_success or response.status_code in ok:
                    return response
                last = self.failure(response, describe(response))
                retry = response.status_code in (_RETRYABLE if idempotent else _NOT_DONE)
                wait = parse_retry_after(response.headers.get("retry-after"))
                if retry and wait is not None and wait > self.policy.max_wait:
                    raise RemoteError(
                        f"{self.target}: HTTP {response.status_code}, asked to wait"
                        f" {wait:.0f} s — the post is tried again on the next publish"
                    )
            if not retry or attempt + 1 == self.policy.attempts:
                raise last
            delay = (
                wait
                if wait is not None
                else backoff(attempt, self.policy.base, self.policy.cap, self._rng)
            )
            logger.info("%s: retrying in %.2f s after: %s", self.target, delay, last)
            time.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def fresh_headers(self) -> dict[str, str]:
        """Headers made anew for every attempt; none unless a subclass needs them."""
        return {}


_HEAD = re.compile(r"<head\b.*?</head>|<script\b.*?</script>|<style\b.*?</style>", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")


def describe(response: httpx.Response) -> str:
    """The service's own words about a failure: a JSON ``message``, else the text (of an
    HTML error page, its words: WordPress answers a PHP fatal error with one)."""
    try:
        body = response.json()
    except ValueError:
        text = response.text
        if "html" in response.headers.get("content-type", "") or text.lstrip().startswith("<"):
            text = unescape(_TAG.sub(" ", _HEAD.sub(" ", text)))
        return " ".join(text.split())[:200] or response.reason_phrase
    if isinstance(body, dict) and body.get("message"):
        return str(body["message"])
    return str(body)[:200]


class RemoteClient(Protocol):
    """One remote service, as the publish loop uses it."""

    def find(self, post: Post) -> RemotePost | None:
        """The post on the target made by an earlier attempt, found by its marker."""

    def create(self, post: Post) -> RemotePost: ...

    def update(self, remote: RemotePost, post: Post) -> RemotePost | None:
        """Replace the remote post; None when it no longer exists there."""

    def close(self) -> None: ...


@contextmanager
def _closing(client: RemoteClient) -> Iterator[RemoteClient]:
    try:
        yield client
    finally:
        client.close()


def publish_remote(
    name: str,
    client: RemoteClient,
    posts: Sequence[Post],
    ledger: Ledger,
    location: str,
    *,
    restore: bool = False,
) -> PublishReport:
    """Bring the target up to date: create what is new, update what changed, skip the rest.

    A post that fails is recorded with its reason and tried again on the next publish; a
    failure that every post would meet (credentials, address) ends the run for this
    target with one error. A post deleted on the target is the blog owner's decision: it
    is reported and left alone, and made again only with ``restore``.
    """
    written = unchanged = failed = 0
    errors: list[str] = []
    notes: list[str] = []
    with _closing(client):
        for post in posts:
            digest = digest_of(post)
            known = ledger.publication(post.article_id, name)
            if known and known.status == "done" and known.content_hash == digest:
                unchanged += 1
                continue
            try:
                remote = (
                    RemotePost(known.remote_id, known.remote_url)
                    if known and known.remote_id
                    else None
                )
                if remote is None and known is not None:
                    # An earlier attempt got no answer: it may have made the post.
                    remote = client.find(post)
                ledger.begin_publication(post.article_id, name)
                result = client.update(remote, post) if remote else None
                if result is None and remote is not None and not restore:
                    raise LeftAlone(
                        f"post {remote.remote_id} was deleted on the site — left alone;"
                        " `foreigndesk publish --restore` makes it again"
                    )
                if result is None:
                    result = client.create(post)
                ledger.record_publication(
                    post.article_id,
                    name,
                    remote_id=result.remote_id,
                    remote_url=result.url,
                    content_hash=digest,
                )
                written += 1
            except LeftAlone as exc:
                notes.append(f"post {post.slug}: {exc}")
            except RemoteError as exc:
                ledger.record_publication_failure(post.article_id, name, str(exc))
                failed += 1
                if exc.target_wide:
                    raise
                errors.append(f"post {post.slug}: {exc}")
    return PublishReport(
        target=name,
        written=written,
        unchanged=unchanged,
        location=location,
        failed=failed,
        errors=tuple(errors),
        notes=tuple(notes),
    )
