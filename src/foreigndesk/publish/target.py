"""The PublishTarget protocol: where posts go (the static site, Hugo, Hatena, WordPress)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Protocol

if TYPE_CHECKING:
    from foreigndesk.config import Settings
    from foreigndesk.models import Post


@dataclass(frozen=True)
class PublishReport:
    target: str
    written: int
    unchanged: int
    location: str


class PublishTarget(Protocol):
    """A target takes every published post and brings its destination up to date."""

    name: ClassVar[str]

    def publish(self, posts: Sequence[Post], settings: Settings) -> PublishReport: ...
