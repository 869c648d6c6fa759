"""edit versions on articles; the history of editors' block saves

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("edit_version", sa.Integer(), nullable=False, server_default="0")
        )
    op.create_table(
        "block_edits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("editor", sa.String(length=128), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("other", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_block_edits_article_id", "block_edits", ["article_id"])


def downgrade() -> None:
    op.drop_index("ix_block_edits_article_id", table_name="block_edits")
    op.drop_table("block_edits")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("edit_version")
