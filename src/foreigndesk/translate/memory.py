"""Translation-memory keys: the same text is never sent to an engine twice.

An entry is keyed by the hash of its source text, the language pair, the engine and the
glossary version, so a change of engine or glossary translates afresh while everything
else is reused. The store keeps the entries; this module only says what the key is.
"""

from __future__ import annotations

import hashlib

#: Until glossaries arrive every entry belongs to the empty glossary.
NO_GLOSSARY = "none"


def source_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def memory_key(
    text: str, source_lang: str, target_lang: str, engine: str, glossary_version: str
) -> str:
    raw = "\x1f".join((source_hash(text), source_lang, target_lang, engine, glossary_version))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()
