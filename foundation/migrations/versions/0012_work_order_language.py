"""work-order language: the language the citizen is told of their order in

Revision ID: 0012_work_order_language
Revises: 0011_department_tokens
Create Date: 2026-12-06 11:30:00

Notifications and the 回访 go to the citizen in the language they filed in ("zh" or
"en"); the hotline's staff read the order itself in Chinese whatever it is. Orders
filed before this revision were all told in Chinese, so they default to "zh".
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_work_order_language"
down_revision = "0011_department_tokens"
branch_labels = None
depends_on = None

LANGUAGES = "('zh', 'en')"


def upgrade() -> None:
    with op.batch_alter_table("work_orders") as batch:
        batch.add_column(
            sa.Column(
                "language", sa.String(length=2), nullable=False, server_default="zh"
            )
        )
        batch.create_check_constraint(
            op.f("ck_work_orders_language"), f"language IN {LANGUAGES}"
        )


def downgrade() -> None:
    with op.batch_alter_table("work_orders") as batch:
        batch.drop_constraint(op.f("ck_work_orders_language"), type_="check")
        batch.drop_column("language")
