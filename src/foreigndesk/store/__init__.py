"""The store: SQLAlchemy tables, the queries the stages need, and Alembic migrations."""

from foreigndesk.store.repository import Store

__all__ = ["Store"]
