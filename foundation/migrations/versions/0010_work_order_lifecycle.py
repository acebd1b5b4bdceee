"""work-order lifecycle: signing, results, extensions, 督办, 重办, 回访 and notifications

Revision ID: 0010_work_order_lifecycle
Revises: 0009_scoped_idempotency
Create Date: 2026-12-06 16:00:00

The statuses become those of cases.lifecycle; an order "replied" under the old statuses
is "completed" now (the unit answered), and goes back to "replied" on the way down.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_work_order_lifecycle"
down_revision = "0009_scoped_idempotency"
branch_labels = None
depends_on = None

NEW_STATUSES = (
    "('registered', 'dispatched', 'signed', 'in_progress', 'completed', 'visited', "
    "'closed', 'returned')"
)
OLD_STATUSES = "('registered', 'dispatched', 'in_progress', 'replied', 'closed')"
# On the way down, each new status becomes the old one nearest to it.
DOWN = {
    "signed": "dispatched",
    "completed": "replied",
    "visited": "replied",
    "returned": "registered",
}


def upgrade() -> None:
    with op.batch_alter_table("work_orders") as batch:
        batch.drop_constraint(op.f("ck_work_orders_status"), type_="check")
    op.execute("UPDATE work_orders SET status = 'completed' WHERE status = 'replied'")
    op.execute(
        "UPDATE work_order_updates SET status = 'completed' WHERE status = 'replied'"
    )
    with op.batch_alter_table("work_orders") as batch:
        batch.create_check_constraint(
            op.f("ck_work_orders_status"), f"status IN {NEW_STATUSES}"
        )
        batch.add_column(sa.Column("sign_due_date", sa.Date()))
        batch.add_column(sa.Column("signed_at", sa.DateTime()))
        batch.add_column(sa.Column("result", sa.Text()))
        batch.add_column(sa.Column("completed_at", sa.DateTime()))
        batch.add_column(sa.Column("extension_days", sa.Integer()))
        batch.add_column(sa.Column("supervised_at", sa.DateTime()))
        batch.add_column(
            sa.Column(
                "supervision_count", sa.Integer(), nullable=False, server_default="0"
            )
        )
        batch.add_column(
            sa.Column(
                "reopened_count", sa.Integer(), nullable=False, server_default="0"
            )
        )
        batch.add_column(sa.Column("satisfaction", sa.String(length=24)))
        batch.add_column(sa.Column("visited_at", sa.DateTime()))
    with op.batch_alter_table("work_order_updates") as batch:
        batch.add_column(sa.Column("action", sa.String(length=32)))
    # A unit's workbench lists its orders by the unit's name.
    op.create_index(op.f("ix_work_orders_unit_name"), "work_orders", ["unit_name"])
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_order_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("recipient", sa.String(length=200)),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime()),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text()),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["work_orders.id"],
            name=op.f("fk_notifications_work_order_id_work_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint(
            "work_order_id",
            "kind",
            "key",
            name=op.f("uq_notifications_work_order_id"),
        ),
    )
    op.create_index(
        op.f("ix_notifications_work_order_id"), "notifications", ["work_order_id"]
    )
    op.create_index(op.f("ix_notifications_sent_at"), "notifications", ["sent_at"])
    op.create_table(
        "worker_leases",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=128), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_worker_leases")),
    )


def downgrade() -> None:
    op.drop_table("worker_leases")
    op.drop_index(op.f("ix_notifications_sent_at"), table_name="notifications")
    op.drop_index(op.f("ix_notifications_work_order_id"), table_name="notifications")
    op.drop_table("notifications")
    op.drop_index(op.f("ix_work_orders_unit_name"), table_name="work_orders")
    with op.batch_alter_table("work_order_updates") as batch:
        batch.drop_column("action")
    with op.batch_alter_table("work_orders") as batch:
        batch.drop_constraint(op.f("ck_work_orders_status"), type_="check")
        for column in (
            "visited_at",
            "satisfaction",
            "reopened_count",
            "supervision_count",
            "supervised_at",
            "extension_days",
            "completed_at",
            "result",
            "signed_at",
            "sign_due_date",
        ):
            batch.drop_column(column)
    for new, old in DOWN.items():
        for table in ("work_orders", "work_order_updates"):
            op.execute(f"UPDATE {table} SET status = '{old}' WHERE status = '{new}'")
    with op.batch_alter_table("work_orders") as batch:
        batch.create_check_constraint(
            op.f("ck_work_orders_status"), f"status IN {OLD_STATUSES}"
        )
