"""hand-off states: a citizen may stop waiting, and a request nobody takes expires

Revision ID: 0018_handoff_states
Revises: 0017_merged_work_orders
Create Date: 2026-12-10 09:00:00

Two ways a hand-off ends besides an agent handing it back (contact_centre.handoff):
"cancelled" (the citizen left the queue or the agent) and "expired" (no agent took it
in time; the citizen was offered a callback). On the way down both become "returned":
the conversation is the assistant's again, which is what both mean. A waiting
hand-off keeps the place its citizen was last told (told_position), so a channel we
push to (WeChat) hears of a new place only when it is worth a message.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_handoff_states"
down_revision = "0017_merged_work_orders"
branch_labels = None
depends_on = None

OLD_STATUSES = ("waiting", "active", "returned")
NEW_STATUSES = (*OLD_STATUSES, "cancelled", "expired")


def upgrade() -> None:
    with op.batch_alter_table("handoffs") as batch:
        batch.drop_constraint(op.f("ck_handoffs_status"), type_="check")
        batch.add_column(sa.Column("told_position", sa.Integer(), nullable=True))
    with op.batch_alter_table("handoffs") as batch:
        batch.create_check_constraint(
            op.f("ck_handoffs_status"), f"status IN {NEW_STATUSES}"
        )


def downgrade() -> None:
    op.execute(
        "UPDATE handoffs SET status = 'returned' "
        "WHERE status IN ('cancelled', 'expired')"
    )
    with op.batch_alter_table("handoffs") as batch:
        batch.drop_constraint(op.f("ck_handoffs_status"), type_="check")
        batch.drop_column("told_position")
    with op.batch_alter_table("handoffs") as batch:
        batch.create_check_constraint(
            op.f("ck_handoffs_status"), f"status IN {OLD_STATUSES}"
        )
