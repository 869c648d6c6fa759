"""triage: summaries and their translations, picks, rules made in the desk

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("summary", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("brief_title", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("brief_summary", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("picked_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("triage_reason", sa.String(length=512), nullable=True))
    op.create_table(
        "triage_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("words", sa.JSON(), nullable=False),
        sa.Column("pattern", sa.Text(), nullable=True),
        sa.Column("authors", sa.JSON(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("min_chars", sa.Integer(), nullable=True),
        sa.Column("max_chars", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_triage_rules_source_id", "triage_rules", ["source_id"])


def downgrade() -> None:
    op.drop_index("ix_triage_rules_source_id", table_name="triage_rules")
    op.drop_table("triage_rules")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        for column in ("triage_reason", "picked_at", "brief_summary", "brief_title", "summary"):
            batch_op.drop_column(column)
