"""articles indexed on (status, failed_stage, retry_at) and on duplicate_of: every stage's
look for the articles waiting for it read every failed article (10 ms at 5,000 failed,
1.6 s from a cold cache), and deleting an article read the whole table for the foreign
key's check (54 ms an article at 100,000 articles)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 15:15:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_articles_failed_retry", "articles", ["status", "failed_stage", "retry_at"])
    op.create_index("ix_articles_duplicate_of", "articles", ["duplicate_of"])


def downgrade() -> None:
    op.drop_index("ix_articles_duplicate_of", table_name="articles")
    op.drop_index("ix_articles_failed_retry", table_name="articles")
