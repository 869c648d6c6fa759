"""The Engine protocol: what the desk needs from any machine translator.

Engines are asynchronous because most are remote services and many calls overlap; a
local engine (apertium) runs its process without blocking the loop. An engine receives
a batch of segments in the small inline-HTML subset and returns exactly one translation
per segment, in order, or raises ``EngineError``: never a partial batch.

An engine declares what it can do, and the translator adapts: segments are split to its
size limits and batched to its batch limits; inline tags become placeholders for engines
that do not keep markup; glossary terms are protected for engines that cannot take a
glossary.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

if TYPE_CHECKING:
    from foreigndesk.config import Settings
    from foreigndesk.translate.glossary import Glossary


@dataclass(frozen=True)
class EngineLimits:
    """How much an engine takes at once, and how many calls may overlap."""

    max_segments: int = 50
    max_chars: int = 30_000
    max_segment_chars: int = 5_000
    concurrency: int = 4


@dataclass(frozen=True)
class EngineResult:
    """Translations in input order, what was billed, and the words the engine did not know."""

    segments: tuple[str, ...]
    billed: int
    unknown_words: tuple[tuple[str, ...], ...] = field(default_factory=tuple)


@runtime_checkable
class Engine(Protocol):
    """A configured translator, ready to take batches."""

    @property
    def name(self) -> str:
        """The engine's name, as it appears in the translation memory and on posts."""
        ...

    @property
    def keeps_markup(self) -> bool:
        """Inline tags (a, em, strong) come back in place, so no placeholders are needed."""
        ...

    @property
    def native_glossary(self) -> bool:
        """The engine applies a glossary itself (an API glossary, or a prompt)."""
        ...

    @property
    def limits(self) -> EngineLimits: ...

    @property
    def billing_unit(self) -> Literal["characters", "tokens"]: ...

    def pairs(self) -> frozenset[tuple[str, str]]:
        """The (source, target) ISO 639-1 pairs this engine translates."""
        ...

    async def translate(
        self,
        segments: Sequence[str],
        source: str,
        target: str,
        glossary: Glossary | None = None,
    ) -> EngineResult:
        """Translate ``segments``; the result has exactly one segment per input segment."""
        ...

    async def aclose(self) -> None:
        """Release connections and processes."""
        ...


@dataclass(frozen=True)
class EngineSpec:
    """What a plugin registers for an engine: its name and how to build it from settings."""

    name: str
    create: Callable[[Settings], Engine]
    description: str = ""
    #: Whether a call costs nothing (a local program or server): triage's ``auto`` mode
    #: translates every article in full for such engines. Engines bill unless they say.
    free: Callable[[Settings], bool] = field(default=lambda _settings: False)
    #: What the engine still needs set up before a new desk can rely on it (None: nothing),
    #: when its pairs are only a claim until a server answers (a LibreTranslate or an
    #: OpenAI-compatible server): ``init`` does not choose it then, and names this instead.
    needs: Callable[[Settings], str | None] = field(default=lambda _settings: None)


# -- what a batch is part of ------------------------------------------------------------


@dataclass(frozen=True)
class ArticleContext:
    """The article a translation belongs to: its title, and its segments in order."""

    title: str = ""
    segments: tuple[str, ...] = ()


_ARTICLE: ContextVar[ArticleContext | None] = ContextVar("foreigndesk_article", default=None)


def current_article() -> ArticleContext | None:
    """The article being translated, when its translator said (``article_context``)."""
    return _ARTICLE.get()


@contextmanager
def article_context(title: str, segments: Sequence[str] = ()) -> Iterator[ArticleContext]:
    """Within this block, engines may know which article a batch belongs to: its title
    and the text before the batch (an LLM engine puts them in its prompt).

    The Engine protocol passes batches, not articles; whoever translates an article says
    which one it is here, around ``Translator.translate``. The translator's tasks inherit
    it, so each batch finds where it stands in ``segments``.
    """
    context = ArticleContext(title, tuple(segments))
    token = _ARTICLE.set(context)
    try:
        yield context
    finally:
        _ARTICLE.reset(token)
