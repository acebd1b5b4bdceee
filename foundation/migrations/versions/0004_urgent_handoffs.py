"""urgent hand-offs: a citizen reporting an emergency goes to the head of the queue

Revision ID: 0004_urgent_handoffs
Revises: 0003
Create Date: 2026-12-06 03:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_urgent_handoffs"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Hand-offs already queued are not urgent: the server default fills them in.
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("urgent", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("emergency", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.drop_column("emergency")
        batch_op.drop_column("urgent")
