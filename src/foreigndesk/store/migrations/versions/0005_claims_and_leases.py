"""claims with leases on articles and sources; in-flight segments; named locks; QA digest

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("articles", "sources"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("claimed_by", sa.String(length=160), nullable=True))
            batch_op.add_column(
                sa.Column("claim_expires_at", sa.DateTime(timezone=True), nullable=True)
            )
            batch_op.create_index(f"ix_{table}_claimed_by", ["claimed_by"], unique=False)
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("qa_digest", sa.String(length=64), nullable=True))
    op.create_table(
        "segment_claims",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("claimed_by", sa.String(length=160), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_segment_claims_claimed_by", "segment_claims", ["claimed_by"])
    op.create_table(
        "locks",
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("claimed_by", sa.String(length=160), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("locks")
    op.drop_index("ix_segment_claims_claimed_by", table_name="segment_claims")
    op.drop_table("segment_claims")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("qa_digest")
    for table in ("articles", "sources"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_claimed_by")
            batch_op.drop_column("claim_expires_at")
            batch_op.drop_column("claimed_by")
