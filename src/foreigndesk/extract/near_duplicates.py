"""Near-duplicates across articles: a MinHash signature of an article's word shingles.

A syndicated story arrives from several sources, each with its own headline, a sentence
changed, a "first published by" line added: no two copies hash alike, but their word
shingles mostly agree. A MinHash signature estimates the Jaccard similarity of two
articles' shingle sets from 128 integers, and an LSH index over signatures (datasketch's
``MinHashLSH``, with ``NUM_PERM`` permutations and the configured threshold) finds the
earlier copy without comparing against every stored article.

Shingles are runs of ``SHINGLE_WORDS`` consecutive words, case-folded. Scripts written
without spaces (Chinese, Japanese) have no words to speak of, so each of their characters
counts as a word there: three characters are as telling in Japanese as three words are in
English. Only text blocks count: image sources and credits differ between copies by design.

This module is pure: signatures in, similarity out. Storing them and the index live in
the store.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, TypeAlias

from datasketch import LeanMinHash, MinHash  # type: ignore[import-untyped]

from foreigndesk.models import Block, BlockKind

#: Permutations per signature: the LSH index must be built with the same number.
NUM_PERM = 128
#: The hash seed: signatures made with different seeds cannot be compared.
SEED = 1
#: datasketch's permutation scheme, pinned: hash values carry no trace of the scheme that
#: made them, and stored signatures must be read back under the same one.
SCHEME = "affine32"
#: Words per shingle.
SHINGLE_WORDS = 3

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

#: datasketch ships no type information, so a signature is typed loosely here.
Signature: TypeAlias = Any


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
    """The article's MinHash signature (``NUM_PERM`` integers, immutable)."""
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    minhash.update_batch(s.encode("utf-8") for s in sorted(article_shingles(blocks)))
    signature: Signature = LeanMinHash(minhash)
    return signature


def signature_values(signature: Signature) -> list[int]:
    """The signature as plain integers, for storing."""
    return [int(v) for v in signature.hashvalues]


def signature_from_values(values: Iterable[int]) -> Signature:
    """A stored signature back from its integers."""
    signature: Signature = LeanMinHash(seed=SEED, hashvalues=list(values), scheme=SCHEME)
    return signature


def similarity(a: Signature, b: Signature) -> float:
    """The estimated Jaccard similarity of the two articles' shingle sets (0 to 1)."""
    return float(a.jaccard(b))
