"""MinHash signatures: a fixed number of integers per set of shingles, whose agreement
estimates the Jaccard similarity of two sets.

The scheme is datasketch's ``affine32`` (datasketch 2.0), kept bit for bit so that the
signatures a store already holds stay comparable with new ones: each shingle's UTF-8
bytes are hashed to 32 bits (the first four bytes of their SHA-1, little-endian), mixed
once by MurmurHash3's 32-bit finalizer, and sent through ``num_perm`` affine maps
``h → a·h + b`` modulo 2**32 (``a`` odd, so each map is a bijection) whose ``a`` and
``b`` come from NumPy's ``RandomState(seed)``, a generator NumPy keeps stream-compatible
across versions. A signature holds each map's minimum over the set; an empty set's is
all ``2**32 - 1``.

The desk computes them itself rather than through datasketch: importing datasketch
imports SciPy (for its LSH's parameter search), which every process that reads pages
paid for at start, and datasketch hashes one shingle per Python call; here a signature
is one pass of hashing and a few array operations.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import numpy.typing as npt

Signature = npt.NDArray[np.uint32]

#: The value of every position of an empty set's signature.
EMPTY = np.uint32(0xFFFFFFFF)


@lru_cache(maxsize=4)
def permutations(num_perm: int, seed: int) -> tuple[Signature, Signature]:
    """The ``a`` (odd) and ``b`` of each of the ``num_perm`` affine maps for ``seed``."""
    generator = np.random.RandomState(seed)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    a.flags.writeable = b.flags.writeable = False
    return a, b


def hashes(items: Iterable[bytes]) -> Signature:
    """Each item's 32-bit hash: the first four bytes of its SHA-1, little-endian."""
    digests = b"".join(hashlib.sha1(item, usedforsecurity=False).digest()[:4] for item in items)
    return np.frombuffer(digests, dtype="<u4").astype(np.uint32)


def mix(values: Signature) -> Signature:
    """MurmurHash3's 32-bit finalizer, element-wise: a bijection that spreads similar
    inputs apart before the affine maps (products wrap modulo 2**32, as intended)."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


def signature(items: Iterable[bytes], num_perm: int, seed: int) -> Signature:
    """The MinHash signature of the set of ``items`` (read-only)."""
    a, b = permutations(num_perm, seed)
    hashed = hashes(items)
    if hashed.size == 0:
        result = np.full(num_perm, EMPTY, dtype=np.uint32)
    else:
        result = (mix(hashed)[:, np.newaxis] * a + b).min(axis=0)
    result.flags.writeable = False
    return result


def from_values(values: Iterable[int] | npt.NDArray[np.integer], num_perm: int) -> Signature:
    """A signature from its integers; ValueError when they are not ``num_perm`` values
    that fit 32 bits."""
    try:
        found = np.asarray(
            values if isinstance(values, np.ndarray) else list(values), dtype=np.uint64
        )
    except (OverflowError, TypeError, ValueError) as exc:
        raise ValueError("a signature's values are 32-bit unsigned integers") from exc
    if found.shape != (num_perm,):
        raise ValueError(f"a signature has {num_perm} values, not {found.size}")
    if (found >> np.uint64(32)).any():
        raise ValueError("a signature's values are 32-bit unsigned integers")
    result = found.astype(np.uint32)
    result.flags.writeable = False
    return result


def jaccard(a: Signature, b: Signature) -> float:
    """The estimated Jaccard similarity of the two sets: the share of positions where
    their signatures agree."""
    if a.shape != b.shape:
        raise ValueError(f"signatures of {a.size} and {b.size} values cannot be compared")
    return float(np.count_nonzero(a == b)) / float(a.size)
