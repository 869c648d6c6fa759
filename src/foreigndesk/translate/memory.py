"""The translation memory's rules: what the key is, and which stored translation wins.

An entry is keyed by the hash of its source text, the language pair, the engine and the
glossary version, so a change of engine or glossary translates afresh while everything
else is reused. An editor's correction is a human entry; it wins over every machine
entry for the same text, whatever engine or glossary made those.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime

from foreigndesk.models import MemoryEntry

HUMAN = "human"
MACHINE = "machine"


def source_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def memory_key(
    text: str, source_lang: str, target_lang: str, engine: str, glossary_version: str
) -> str:
    raw = "\x1f".join((source_hash(text), source_lang, target_lang, engine, glossary_version))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def machine_entry(
    text: str,
    translation: str,
    source_lang: str,
    target_lang: str,
    engine: str,
    glossary_version: str,
    flags: Sequence[str] = (),
) -> MemoryEntry:
    return MemoryEntry(
        key=memory_key(text, source_lang, target_lang, engine, glossary_version),
        source_hash=source_hash(text),
        source_lang=source_lang,
        target_lang=target_lang,
        engine=engine,
        glossary_version=glossary_version,
        source_text=text,
        target_text=translation,
        origin=MACHINE,
        flags=tuple(flags),
    )


def human_entry(text: str, translation: str, source_lang: str, target_lang: str) -> MemoryEntry:
    """An editor's translation: one per text and pair, replaced by the next correction."""
    return MemoryEntry(
        key=memory_key(text, source_lang, target_lang, HUMAN, ""),
        source_hash=source_hash(text),
        source_lang=source_lang,
        target_lang=target_lang,
        engine=HUMAN,
        glossary_version="",
        source_text=text,
        target_text=translation,
        origin=HUMAN,
    )


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def choose(
    candidates: Sequence[MemoryEntry],
    engines: Sequence[str],
    glossary_version: str,
    *,
    any_machine: bool = False,
) -> MemoryEntry | None:
    """The entry to use for one text: a human one, else the first engine's with the current
    glossary version; with ``any_machine``, else the newest machine entry of any kind (what
    a published post shows until its text is translated again)."""
    humans = [c for c in candidates if c.origin == HUMAN]
    if humans:
        return max(humans, key=lambda c: c.updated_at or _EPOCH)
    for engine in engines:
        for candidate in candidates:
            if candidate.engine == engine and candidate.glossary_version == glossary_version:
                return candidate
    if any_machine and candidates:
        return max(candidates, key=lambda c: c.updated_at or _EPOCH)
    return None
