"""learned routing and 属地 dispatch: models trained on the archive, corrections, unit levels

Adds the routing models and the agents' corrections; how each work order was routed,
dispatched and to which unit at which level; each category's handling level, assisting
departments and duty; each department's parent and district counterpart.

Revision ID: 0007_learned_routing
Revises: 0006_division_lists
Create Date: 2026-12-06 14:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_learned_routing"
down_revision = "0006_division_lists"
branch_labels = None
depends_on = None

DISPATCH_METHODS = "('automatic', 'agent-confirmed', 'agent-corrected')"


def upgrade() -> None:
    op.create_table(
        "routing_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("label_kind", sa.String(length=16), nullable=False),
        sa.Column("training_size", sa.Integer(), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_models")),
        sa.UniqueConstraint("version", name=op.f("uq_routing_models_version")),
    )
    with op.batch_alter_table("work_orders") as batch:
        batch.add_column(sa.Column("top_level", sa.String(length=16)))
        batch.add_column(sa.Column("routing_confidence", sa.Float()))
        batch.add_column(sa.Column("routing_model", sa.String(length=40)))
        batch.add_column(sa.Column("routing_suggestions", sa.JSON()))
        batch.add_column(sa.Column("dispatch_method", sa.String(length=24)))
        batch.add_column(sa.Column("unit_level", sa.String(length=8)))
        batch.add_column(sa.Column("unit_name", sa.String(length=200)))
        batch.add_column(sa.Column("street_code", sa.String(length=12)))
        batch.add_column(sa.Column("street", sa.String(length=100)))
        batch.create_check_constraint(
            op.f("ck_work_orders_dispatch_method"),
            f"dispatch_method IN {DISPATCH_METHODS}",
        )
    op.create_table(
        "routing_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_order_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("suggested_category", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("agent", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["work_orders.id"],
            name=op.f("fk_routing_corrections_work_order_id_work_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_corrections")),
    )

    with op.batch_alter_table("work_order_categories") as batch:
        batch.add_column(
            sa.Column(
                "level", sa.String(length=8), nullable=False, server_default="district"
            )
        )
        batch.add_column(
            sa.Column("assisting", sa.JSON(), nullable=False, server_default="[]")
        )
        batch.add_column(
            sa.Column("duty", sa.Text(), nullable=False, server_default="")
        )
        batch.create_check_constraint(
            op.f("ck_work_order_categories_level"),
            "level IN ('city', 'district', 'street')",
        )
    with op.batch_alter_table("departments") as batch:
        batch.add_column(sa.Column("parent_code", sa.String(length=64)))
        batch.add_column(sa.Column("district_unit", sa.String(length=200)))


def downgrade() -> None:
    with op.batch_alter_table("departments") as batch:
        batch.drop_column("district_unit")
        batch.drop_column("parent_code")
    with op.batch_alter_table("work_order_categories") as batch:
        batch.drop_constraint(op.f("ck_work_order_categories_level"), type_="check")
        batch.drop_column("duty")
        batch.drop_column("assisting")
        batch.drop_column("level")
    op.drop_table("routing_corrections")
    with op.batch_alter_table("work_orders") as batch:
        batch.drop_column("street")
        batch.drop_column("street_code")
        batch.drop_column("unit_name")
        batch.drop_column("unit_level")
        batch.drop_constraint(op.f("ck_work_orders_dispatch_method"), type_="check")
        batch.drop_column("dispatch_method")
        batch.drop_column("routing_suggestions")
        batch.drop_column("routing_model")
        batch.drop_column("routing_confidence")
        batch.drop_column("top_level")
    op.drop_table("routing_models")
