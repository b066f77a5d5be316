"""An event's industries (the matcher proposes parties from them) and a review round's shortlist.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("industry_codes", sa.JSON(), server_default="[]", nullable=False)
        )
    with op.batch_alter_table("honour_review_rounds", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("nomination_ids", sa.JSON(), server_default="[]", nullable=False)
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("honour_review_rounds", schema=None) as batch_op:
        batch_op.drop_column("nomination_ids")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("industry_codes")
