"""Which engine a new desk should translate with: one that is ready here and offers a pair
into the desk's language.

A desk made with ``init --target-lang ja`` must not be left with an engine that has no
Japanese: apertium, the default, offers only the pairs installed from Debian. The choice
prefers the default engine, then engines that cost nothing (a local program or server),
then the rest; an engine that is not ready (no key, no server address) is named with what
it needs, so the curator knows what to set.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from foreigndesk.config import Settings
from foreigndesk.errors import DeskError
from foreigndesk.translate.engine import EngineSpec


@dataclass(frozen=True)
class EngineChoice:
    """The engine chosen (None when none is ready for the language), and the engines that
    could offer it once set up, each with what it needs."""

    engine: str | None
    not_ready: tuple[tuple[str, str], ...] = ()


def choose_engine(specs: Mapping[str, EngineSpec], settings: Settings, target: str) -> EngineChoice:
    """The engine to write into a new desk.toml for ``target``."""
    offering: list[str] = []
    not_ready: list[tuple[str, str]] = []
    for name, spec in specs.items():
        if (needed := spec.needs(settings)) is not None:
            not_ready.append((name, f"set {needed}"))
            continue
        try:
            pairs = spec.create(settings).pairs()
        except DeskError as exc:
            not_ready.append((name, str(exc)))
            continue
        if any(into == target for _, into in pairs):
            offering.append(name)
    default = settings.translate.engine

    def preference(name: str) -> tuple[bool, bool, str]:
        return (name != default, not specs[name].free(settings), name)

    chosen = min(offering, key=preference) if offering else None
    return EngineChoice(chosen, tuple(sorted(not_ready)))
