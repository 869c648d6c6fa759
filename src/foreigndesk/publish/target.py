"""The PublishTarget protocol: where posts go (the static site, Hugo, Hatena, WordPress).

A target is handed every published post and a ledger, and brings its destination up to
date. Remote targets record each post's remote id in the ledger, so publishing again
updates the post it made instead of making a second one, and a failure is recorded
against the post and tried again on the next publish.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Protocol

if TYPE_CHECKING:
    from foreigndesk.config import Settings
    from foreigndesk.models import Post, Publication


@dataclass(frozen=True)
class PublishReport:
    target: str
    written: int
    unchanged: int
    location: str
    failed: int = 0
    errors: tuple[str, ...] = field(default_factory=tuple)
    #: What was left alone on purpose (a post trashed on the site): warnings, not failures.
    notes: tuple[str, ...] = field(default_factory=tuple)


class Ledger(Protocol):
    """Where targets keep track of what they published (the store's posts implement it)."""

    def publication(self, article_id: int, target: str) -> Publication | None: ...

    def begin_publication(self, article_id: int, target: str) -> None: ...

    def record_publication(
        self,
        article_id: int,
        target: str,
        *,
        remote_id: str | None,
        remote_url: str | None,
        content_hash: str,
    ) -> None: ...

    def record_publication_failure(self, article_id: int, target: str, error: str) -> None: ...


class PublishTarget(Protocol):
    """A target takes every published post and brings its destination up to date."""

    name: ClassVar[str]

    def publish(
        self, posts: Sequence[Post], settings: Settings, ledger: Ledger
    ) -> PublishReport: ...
