"""merged work orders: a report of an event already open joins that event's order

Revision ID: 0017_merged_work_orders
Revises: 0016_manager_role
Create Date: 2026-12-06 15:00:00

A report found to be about the same event as an open order (cases.merging) is kept as
an order of its own, with its reporter's contact and words, in the status "merged" and
pointing at the order that is handled (merged_into_id), with the similarity it was
joined at. Streets are indexed: the open orders of a street are what a new report is
compared with. On the way down a merged order goes back to the review queue
("registered", not dispatched): it is handled again as the separate order it was.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_merged_work_orders"
down_revision = "0016_manager_role"
branch_labels = None
depends_on = None

OLD_STATUSES = (
    "registered",
    "dispatched",
    "signed",
    "in_progress",
    "completed",
    "visited",
    "closed",
    "returned",
)
NEW_STATUSES = (*OLD_STATUSES, "merged")


def upgrade() -> None:
    with op.batch_alter_table("work_orders") as batch:
        batch.drop_constraint(op.f("ck_work_orders_status"), type_="check")
        batch.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("duplicate_score", sa.Float(), nullable=True))
    with op.batch_alter_table("work_orders") as batch:
        batch.create_check_constraint(
            op.f("ck_work_orders_status"), f"status IN {NEW_STATUSES}"
        )
        batch.create_foreign_key(
            op.f("fk_work_orders_merged_into_id_work_orders"),
            "work_orders",
            ["merged_into_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index(
            op.f("ix_work_orders_merged_into_id"), ["merged_into_id"], unique=False
        )
        batch.create_index(
            op.f("ix_work_orders_street_code"), ["street_code"], unique=False
        )


def downgrade() -> None:
    op.execute(
        "UPDATE work_orders SET status = 'registered', dispatch_method = NULL "
        "WHERE status = 'merged'"
    )
    op.execute(
        "UPDATE work_order_updates SET status = 'registered' WHERE status = 'merged'"
    )
    with op.batch_alter_table("work_orders") as batch:
        batch.drop_index(op.f("ix_work_orders_street_code"))
        batch.drop_index(op.f("ix_work_orders_merged_into_id"))
        batch.drop_constraint(
            op.f("fk_work_orders_merged_into_id_work_orders"), type_="foreignkey"
        )
        batch.drop_constraint(op.f("ck_work_orders_status"), type_="check")
        batch.drop_column("duplicate_score")
        batch.drop_column("merged_into_id")
    with op.batch_alter_table("work_orders") as batch:
        batch.create_check_constraint(
            op.f("ck_work_orders_status"), f"status IN {OLD_STATUSES}"
        )
