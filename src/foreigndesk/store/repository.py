"""The store: one database, and a small repository per aggregate over it.

``Store`` holds the connection and hands each part of the desk's state to its own
repository: ``store.sources``, ``store.robots``, ``store.articles``, ``store.pages``,
``store.memory`` (translation memory, billing, glossary), ``store.posts`` (posts and
publications) and ``store.claims`` (who holds which item); accounts and the review desk's
queries live in accounts.py and review.py. Each repository method is one transaction: a
stage reads what it needs, computes, then writes its result and the item's next status in
one transaction, so a crash before the commit leaves the item where it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from foreigndesk.errors import DeskError
from foreigndesk.store.articles import Articles
from foreigndesk.store.claims import Claims
from foreigndesk.store.database import create_db_engine, migrate
from foreigndesk.store.edits import Edits
from foreigndesk.store.memory import Memory
from foreigndesk.store.pages import Pages
from foreigndesk.store.posts import Posts
from foreigndesk.store.robots import RobotsFiles
from foreigndesk.store.sources import Sources
from foreigndesk.store.triage import TriageRules


class Store:
    """The desk's state, in SQLite by default or PostgreSQL, behind one small API."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self.claims = Claims(self._sessions, engine.dialect.name)
        self.sources = Sources(self)
        self.robots = RobotsFiles(self)
        self.articles = Articles(self)
        self.pages = Pages(self)
        self.memory = Memory(self)
        self.posts = Posts(self)
        self.triage = TriageRules(self)
        self.edits = Edits(self)

    @classmethod
    def open(cls, url: str) -> Store:
        """Open the store at ``url``, creating or migrating its schema as needed."""
        engine = create_db_engine(url)
        try:
            migrate(engine)
        except Exception as exc:
            if isinstance(exc, DeskError):
                raise
            raise DeskError(
                f"cannot open the store at {url}: {exc} — check desk.database_url"
            ) from exc
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    def _insert(self, table: type[object]):  # type: ignore[no-untyped-def]
        if self.engine.dialect.name == "postgresql":
            return pg_insert(table)
        return sqlite_insert(table)
