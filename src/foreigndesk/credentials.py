"""Secrets come from the environment, never from desk.toml: the one place they are read."""

from __future__ import annotations

import os

from foreigndesk.errors import DeskError


def secret(variable: str, owner: str, *, required: bool = True, what: str = "API key") -> str:
    """The value of ``variable``; a missing required secret is one line saying what to set."""
    value = os.environ.get(variable, "").strip()
    if required and not value:
        raise DeskError(f"{owner}: no {what} — set the environment variable {variable}")
    return value
