"""near_duplicate_bands: the LSH bands of each article's MinHash signature, in the store

Finding an article's earlier copies meant loading every stored signature into memory:
once per extract stage, and once per article in a Celery extract task (2.4-3.2 s and
about 475 MB at 100,000 articles). The bands are filled from the stored signatures by
the first extract stage after this migration (stages/extract.py), which knows the
configured threshold.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 15:35:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "near_duplicate_bands",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("band", sa.Integer(), nullable=False),
        sa.Column("key", sa.BigInteger(), nullable=False),
        sa.Column("banding", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id", "band"),
    )
    op.create_index("ix_near_duplicate_bands_key", "near_duplicate_bands", ["band", "key"])


def downgrade() -> None:
    op.drop_index("ix_near_duplicate_bands_key", table_name="near_duplicate_bands")
    op.drop_table("near_duplicate_bands")
