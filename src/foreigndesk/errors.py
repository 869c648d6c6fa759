"""Errors a user can fix.

A ``DeskError`` is printed as one line naming the thing and the fix, and the run goes on
with the rest. Anything else that escapes is a bug, and keeps its traceback.
"""


class DeskError(Exception):
    """A problem with input or set-up, stated so the user knows what to change."""


class ConfigurationError(DeskError):
    """The desk's configuration is missing or wrong: nothing was done, and a command
    exits with status 2 (usage), not 1 (some items failed)."""


class FetchError(DeskError):
    """A page or feed could not be had; the message says why and what to do."""


class Unreachable(FetchError):
    """The host cannot be reached at all: it does not resolve, it is refused by the
    SSRF guard, or nothing answers on its port."""


class RedirectUnreachable(Unreachable):
    """The host answered, with a redirect to somewhere that cannot be had."""


class Deferred(FetchError):
    """The server asked the desk to come back later; ``retry_after`` says when (seconds)."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class UnsupportedPair(DeskError):
    """No engine offers the language pair an article needs."""


class EngineError(DeskError):
    """An engine call failed; the message names the engine, the reason and the fix.

    ``engine_wide`` says the failure is the engine's, not the text's (bad key, quota,
    outage): the other segments should not be tried with it, and a fallback engine takes
    over. Otherwise the failure belongs to the segments sent, and splitting the batch
    finds the one that fails.
    """

    def __init__(self, message: str, *, engine_wide: bool = True, billed: int = 0) -> None:
        super().__init__(message)
        self.engine_wide = engine_wide
        #: What the failed call cost all the same (an LLM's tokens spent on answers that
        #: were refused), in the engine's billing unit: counted against its budget.
        self.billed = billed


class BudgetExceeded(EngineError):
    """An engine's monthly budget would be overspent; it is not called again this month."""
