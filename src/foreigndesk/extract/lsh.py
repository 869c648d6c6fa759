"""Banded locality-sensitive hashing over MinHash signatures: the keys whose signatures
may be at least a threshold similar, in time independent of how many are indexed.

A signature is cut into ``bands`` runs of ``rows`` values, and two signatures are
candidates when any whole band agrees: for sets of Jaccard similarity ``s`` that happens
with probability ``1 - (1 - s**rows)**bands``, an S-curve whose step should sit at the
threshold. ``banding`` picks the ``(bands, rows)`` with ``bands * rows <= num_perm`` that
minimise the area under that curve below the threshold (false candidates) plus the area
above it that the curve leaves out (missed ones), equally weighted (Leskovec, Rajaraman
and Ullman, *Mining of Massive Datasets*, §3.4; datasketch's ``MinHashLSH`` chooses the
same way). Candidates are only candidates: the caller checks each one's similarity.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable
from functools import lru_cache
from typing import Generic, TypeVar

import numpy as np

from foreigndesk.extract.minhash import Signature

Key = TypeVar("Key", bound=Hashable)

#: Points of the grid each area is integrated on (Simpson's rule: an odd count); finer
#: grids choose the same banding for every threshold from 0.01 to 0.99.
_GRID = 201


def _area(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """Simpson's rule along the last axis, for values sampled on ``_GRID`` points."""
    weights = np.ones(_GRID)
    weights[1:-1:2], weights[2:-1:2] = 4.0, 2.0
    return np.asarray(values @ weights * (high - low) / (3 * (_GRID - 1)))


@lru_cache(maxsize=16)
def banding(threshold: float, num_perm: int) -> tuple[int, int]:
    """The ``(bands, rows)`` that best separate pairs below ``threshold`` from those
    above it, for signatures of ``num_perm`` values."""
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"an LSH threshold is between 0 and 1, not {threshold}")
    shapes = [(b, r) for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)]
    bands = np.array([b for b, _ in shapes], dtype=float)[:, np.newaxis]
    rows = np.array([r for _, r in shapes], dtype=float)[:, np.newaxis]
    below = np.linspace(0.0, threshold, _GRID)[np.newaxis, :]
    above = np.linspace(threshold, 1.0, _GRID)[np.newaxis, :]
    false_candidates = _area(1 - (1 - below**rows) ** bands, 0.0, threshold)
    missed = _area((1 - above**rows) ** bands, threshold, 1.0)
    return shapes[int(np.argmin(false_candidates + missed))]


def band_keys(signature: Signature, bands: int, rows: int) -> list[int]:
    """Each band of ``signature`` as a signed 64-bit integer (BLAKE2b of its values,
    personalised by ``rows``), for a store to index: two signatures share a band's key
    when they agree on the whole band (a collision only adds a candidate, which the
    caller checks anyway)."""
    person = f"fd-lsh-{rows}".encode()
    return [
        int.from_bytes(
            hashlib.blake2b(
                signature[i * rows : (i + 1) * rows].tobytes(), digest_size=8, person=person
            ).digest(),
            "little",
            signed=True,
        )
        for i in range(bands)
    ]


class BandedIndex(Generic[Key]):
    """Signatures by key, cut into bands, each band's values a bucket of keys."""

    def __init__(self, threshold: float, num_perm: int) -> None:
        self.bands, self.rows = banding(threshold, num_perm)
        self._buckets: list[dict[bytes, set[Key]]] = [{} for _ in range(self.bands)]
        self._keys: dict[Key, list[bytes]] = {}

    def _band_keys(self, signature: Signature) -> list[bytes]:
        rows = self.rows
        return [signature[i * rows : (i + 1) * rows].tobytes() for i in range(self.bands)]

    def insert(self, key: Key, signature: Signature) -> None:
        """Index ``signature`` under ``key`` (which must not be indexed already)."""
        if key in self._keys:
            raise ValueError(f"{key!r} is indexed already")
        bands = self._keys[key] = self._band_keys(signature)
        for buckets, band in zip(self._buckets, bands, strict=True):
            buckets.setdefault(band, set()).add(key)

    def remove(self, key: Key) -> None:
        """Forget ``key``; nothing happens when it is not indexed."""
        for buckets, band in zip(self._buckets, self._keys.pop(key, ()), strict=False):
            bucket = buckets[band]
            bucket.discard(key)
            if not bucket:
                del buckets[band]

    def query(self, signature: Signature) -> set[Key]:
        """The keys that share at least one whole band with ``signature``."""
        found: set[Key] = set()
        for buckets, band in zip(self._buckets, self._band_keys(signature), strict=True):
            found |= buckets.get(band, set())
        return found
