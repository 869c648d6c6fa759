"""Whether a source's licence allows a full translation to be republished.

A translation is an adaptation: licences that allow adaptations (CC BY, BY-SA, BY-NC,
CC0, public domain) allow it; no-derivatives licences and unstated licences do not, and
such sources are published as an excerpt with attribution and a link. A curator who has
the author's permission says so with ``source add --license permission``.
"""

from __future__ import annotations

_ALLOWS_ADAPTATION = ("cc by", "cc0", "public domain", "publicdomain", "permission")


def allows_full_text(license: str | None) -> bool:
    if not license:
        return False
    name = license.strip().lower().replace("-", " ")
    if " nd" in name or "noderiv" in name:
        return False
    return name.startswith(_ALLOWS_ADAPTATION) or "creativecommons.org/licenses/by" in name
