"""What a full translation would cost, per engine, before anyone pays for it.

The estimate counts what would be sent: the article's segments less those the translation
memory already holds for that engine (the brief's title and opening paragraphs among
them). Engines that bill characters are counted exactly; engines that bill tokens are
estimated from the characters, input and output together (see ``CHARS_PER_TOKEN``).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

#: Characters per token, input and output counted together: about four characters of
#: English text make a token, and the answer is about as long again. A rough figure for
#: a budget, not an invoice.
CHARS_PER_TOKEN = 2.0


@dataclass(frozen=True)
class Estimate:
    engine: str
    units: int
    unit: Literal["characters", "tokens"]
    #: In the currency of ``web.prices``, when a price per million units is set.
    cost: float | None = None

    def describe(self) -> str:
        money = f" ≈ {self.cost:.2f}" if self.cost is not None else ""
        return f"{self.engine}: {self.units:,} {self.unit}{money}"


def estimate_cost(
    segments: Sequence[str],
    remembered: Collection[str],
    engine: str,
    unit: Literal["characters", "tokens"],
    price_per_million: float | None = None,
) -> Estimate:
    chars = sum(len(s) for s in segments if s not in remembered)
    units = chars if unit == "characters" else math.ceil(chars / CHARS_PER_TOKEN)
    cost = units * price_per_million / 1_000_000 if price_per_million is not None else None
    return Estimate(engine, units, unit, cost)
