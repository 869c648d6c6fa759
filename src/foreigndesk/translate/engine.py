"""The Engine protocol: what the desk needs from any machine translator.

Engines are asynchronous because most are remote services and many calls overlap; a
local engine (apertium) runs its process without blocking the loop. An engine receives
segments in the small inline-HTML subset and returns them in the same order, or raises.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from foreigndesk.config import Settings


@dataclass(frozen=True)
class EngineResult:
    """Translations in input order, the words the engine did not know, and what was billed."""

    segments: tuple[str, ...]
    characters: int
    unknown_words: tuple[tuple[str, ...], ...] = field(default_factory=tuple)


@runtime_checkable
class Engine(Protocol):
    """A configured translator, ready to take batches."""

    @property
    def name(self) -> str:
        """The engine's name, as it appears in the translation memory and on posts."""
        ...

    #: Inline tags (a, em, strong) come back in place, so no placeholders are needed.
    keeps_markup: bool

    def pairs(self) -> frozenset[tuple[str, str]]:
        """The (source, target) ISO 639-1 pairs this engine translates."""
        ...

    async def translate(self, segments: Sequence[str], source: str, target: str) -> EngineResult:
        """Translate ``segments``; the result has exactly one segment per input segment."""
        ...


@dataclass(frozen=True)
class EngineSpec:
    """What a plugin registers for an engine: its name and how to build it from settings."""

    name: str
    create: Callable[[Settings], Engine]
    description: str = ""
