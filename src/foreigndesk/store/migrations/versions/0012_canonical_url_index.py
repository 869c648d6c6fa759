"""articles.canonical_url indexed: the earlier-copy lookup of every extraction read the
whole table without it (20 ms an article at 100,000 articles on SQLite)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 14:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_articles_canonical_url", "articles", ["canonical_url"])


def downgrade() -> None:
    op.drop_index("ix_articles_canonical_url", table_name="articles")
