"""Near-duplicates across articles: a MinHash signature of an article's word shingles.

A syndicated story arrives from several sources, each with its own headline, a sentence
changed, a "first published by" line added: no two copies hash alike, but their word
shingles mostly agree. A MinHash signature estimates the Jaccard similarity of two
articles' shingle sets from 128 integers (minhash.py), and a banded LSH index over
signatures (lsh.py, banded for the configured threshold) finds the earlier copy without
comparing against every stored article.

Shingles are runs of ``SHINGLE_WORDS`` consecutive words, case-folded. Scripts written
without spaces (Chinese, Japanese) have no words to speak of, so each of their characters
counts as a word there: three characters are as telling in Japanese as three words are in
English. Only text blocks count: image sources and credits differ between copies by design.

This module is pure: signatures in, similarity out, and an in-memory index over them.
The store keeps each article's signature (as bytes, ``signature_bytes``); the desk builds
the index from the store when its extract stage starts and adds to it as it goes.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterable, Sequence

import numpy as np

from foreigndesk.extract import minhash
from foreigndesk.extract.lsh import BandedIndex
from foreigndesk.extract.minhash import Signature
from foreigndesk.models import Block, BlockKind

#: Permutations per signature: the LSH index must be built with the same number.
NUM_PERM = 128
#: The hash seed: signatures made with different seeds cannot be compared.
SEED = 1
#: Words per shingle.
SHINGLE_WORDS = 3
#: The Jaccard similarity above which two articles are the same story (the default of
#: the ``extract.near_duplicate_threshold`` setting).
DEFAULT_THRESHOLD = 0.8
#: The highest threshold the LSH is banded for: nearer 1 the best banding has one band
#: of every value, and a copy with one shingle changed would not even be a candidate.
MAX_LSH_THRESHOLD = 0.95
#: A stored signature: ``NUM_PERM`` unsigned 64-bit little-endian integers.
_PACKED = struct.Struct(f"<{NUM_PERM}Q")

_TEXT_KINDS = frozenset(
    {
        BlockKind.PARAGRAPH,
        BlockKind.HEADING,
        BlockKind.QUOTE,
        BlockKind.LIST_ITEM,
        BlockKind.TABLE,
        BlockKind.CODE,
    }
)
#: One token per CJK character, one per run of other word characters.
_CJK = "\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+")


def words(text: str) -> list[str]:
    """The text's words, case-folded (a CJK character is a word)."""
    return [token.casefold() for token in _TOKEN.findall(text)]


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    """Every run of ``size`` consecutive words; a shorter text is one shingle."""
    tokens = words(text)
    if len(tokens) <= size:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def article_shingles(blocks: Iterable[Block]) -> set[str]:
    """The shingles of an article's text blocks, read as one text."""
    return shingles("\n".join(b.text for b in blocks if b.kind in _TEXT_KINDS and b.text))


def near_duplicate_signature(blocks: Sequence[Block] | Iterable[Block]) -> Signature:
    """The article's MinHash signature (``NUM_PERM`` integers, read-only)."""
    return minhash.signature((s.encode("utf-8") for s in article_shingles(blocks)), NUM_PERM, SEED)


def signature_values(signature: Signature) -> list[int]:
    """The signature as plain integers, for storing."""
    return [int(v) for v in signature]


def signature_from_values(values: Iterable[int]) -> Signature:
    """A stored signature back from its integers."""
    return minhash.from_values(values, NUM_PERM)


def similarity(a: Signature, b: Signature) -> float:
    """The estimated Jaccard similarity of the two articles' shingle sets (0 to 1)."""
    return minhash.jaccard(a, b)


def signature_bytes(signature: Signature) -> bytes:
    """The signature packed for the store (``NUM_PERM`` × 8 bytes)."""
    return _PACKED.pack(*signature_values(signature))


def signature_from_bytes(data: bytes) -> Signature:
    """A signature back from ``signature_bytes``; ValueError when the bytes are not one."""
    if len(data) != _PACKED.size:
        raise ValueError(f"a stored signature has {_PACKED.size} bytes, not {len(data)}")
    return minhash.from_values(np.frombuffer(data, dtype="<u8"), NUM_PERM)


class NearDuplicateIndex:
    """Articles' signatures by article id, for finding the earlier copies of a story.

    The LSH finds candidates in time independent of how many articles are indexed, but
    its banding lets through pairs somewhat below the threshold (and misses
    a few just above it); every candidate is therefore checked against the threshold by
    its estimated similarity before it counts.
    """

    def __init__(self, threshold: float = DEFAULT_THRESHOLD) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(
                f"a near-duplicate threshold is above 0 and at most 1, not {threshold}"
            )
        self.threshold = threshold
        # The banding only chooses candidates; each is checked against ``threshold``.
        self._lsh: BandedIndex[int] = BandedIndex(min(threshold, MAX_LSH_THRESHOLD), NUM_PERM)
        self._signatures: dict[int, Signature] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def __contains__(self, key: object) -> bool:
        return key in self._signatures

    def add(self, key: int, signature: Signature) -> None:
        """Index ``signature`` under ``key``, replacing what the key held before."""
        self.discard(key)
        self._lsh.insert(key, signature)
        self._signatures[key] = signature

    def discard(self, key: int) -> None:
        """Forget ``key`` (an article re-extracted, or found to be a copy itself)."""
        if self._signatures.pop(key, None) is not None:
            self._lsh.remove(key)

    def matches(self, signature: Signature, *, exclude: int | None = None) -> list[int]:
        """The keys whose articles are at least ``threshold`` similar, lowest key first."""
        found = [
            key
            for key in self._lsh.query(signature)
            if key != exclude and similarity(self._signatures[key], signature) >= self.threshold
        ]
        return sorted(found)
