"""What the remote engines share: reading their secret from the environment."""

from __future__ import annotations

import os

from foreigndesk.errors import DeskError


def secret(variable: str, engine: str, *, required: bool = True) -> str:
    """The value of ``variable``; a missing required secret is one line saying what to set."""
    value = os.environ.get(variable, "").strip()
    if required and not value:
        raise DeskError(f"{engine}: no API key — set the environment variable {variable}")
    return value
