"""A work's authors (co-authorship evidence) and a region's own stale-docking threshold.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("works", schema=None) as batch_op:
        batch_op.add_column(sa.Column("authors", sa.JSON(), server_default="[]", nullable=False))
    with op.batch_alter_table("regions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("docking_stale_days", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("regions", schema=None) as batch_op:
        batch_op.drop_column("docking_stale_days")
    with op.batch_alter_table("works", schema=None) as batch_op:
        batch_op.drop_column("authors")
