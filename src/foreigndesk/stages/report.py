"""What a run tells the person who started it: progress, error lines, and the totals."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Protocol

from foreigndesk.publish.target import PublishReport


class Reporter(Protocol):
    """How the stages tell a front end what they are doing; the CLI draws progress bars."""

    def stage(self, name: str, total: int) -> None: ...

    def advance(self) -> None: ...

    def error(self, message: str) -> None: ...

    def warning(self, message: str) -> None:
        """Something the editor should know of that did not stop the article."""


class SilentReporter:
    """Collects error and warning lines and nothing else: for tests, benchmarks, workers
    and library use."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def stage(self, name: str, total: int) -> None:
        pass

    def advance(self) -> None:
        pass

    def error(self, message: str) -> None:
        self.errors.append(message)

    def warning(self, message: str) -> None:
        self.warnings.append(message)


@dataclass
class RunReport:
    """What one run did, stage by stage; ``engine_calls`` counts calls actually made."""

    new_articles: int = 0
    fetched: int = 0
    extracted: int = 0
    duplicates: int = 0
    translated: int = 0
    #: Triage: briefs made and left for an editor, picked by a rule, dismissed by one.
    triaged: int = 0
    picked: int = 0
    dismissed: int = 0
    engine_calls: int = 0
    memory_hits: int = 0
    in_review: int = 0
    approved: int = 0
    published: int = 0
    failed: int = 0
    #: Approved articles not published because of open QA errors.
    held_by_qa: int = 0
    #: Published articles whose post changed since it was stored (edits, template, tags).
    recomposed: int = 0
    targets: list[PublishReport] = field(default_factory=list)


class LoggingReporter:
    """Error and warning lines into a logger: for workers, whose output is their log."""

    def __init__(self, logger: logging.Logger) -> None:
        self.logger = logger

    def stage(self, name: str, total: int) -> None:
        pass

    def advance(self) -> None:
        pass

    def error(self, message: str) -> None:
        self.logger.error(message)

    def warning(self, message: str) -> None:
        self.logger.warning(message)
