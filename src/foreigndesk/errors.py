"""Errors a user can fix.

A ``DeskError`` is printed as one line naming the thing and the fix, and the run goes on
with the rest. Anything else that escapes is a bug, and keeps its traceback.
"""


class DeskError(Exception):
    """A problem with input or set-up, stated so the user knows what to change."""


class FetchError(DeskError):
    """A page or feed could not be had; the message says why and what to do."""


class UnsupportedPair(DeskError):
    """No engine offers the language pair an article needs."""


class EngineError(DeskError):
    """An engine failed on a call that may succeed later."""
