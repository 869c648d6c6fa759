"""Choosing where a fault goes: a variant first, then one of its places.

Drawing the variant first keeps rare variants (a 12-hour time, a wrong 万) in the set as
often as the article allows, instead of drowning them among the common ones; a kind may
weigh its rarest variants more still.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import TypeVar

Place = TypeVar("Place")


def pick(
    rng: random.Random,
    places: Mapping[str, Sequence[Place]],
    weights: Mapping[str, float] | None = None,
) -> tuple[str, Place] | None:
    """A variant drawn among those with a place (by ``weights``, 1 where not given), and
    one of its places; None if none has."""
    variants = sorted(variant for variant, found in places.items() if found)
    if not variants:
        return None
    weights = weights or {}
    (variant,) = rng.choices(variants, [weights.get(v, 1.0) for v in variants])
    return variant, rng.choice(places[variant])
