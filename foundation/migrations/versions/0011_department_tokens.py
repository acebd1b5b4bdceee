"""department tokens: a handling unit's token, scoped to its unit

Revision ID: 0011_department_tokens
Revises: 0010_work_order_lifecycle
Create Date: 2026-12-07 10:00:00

Tokens get the role "department" and the unit they are scoped to, named as work orders
record their handling unit (work_orders.unit_name); only a department token has one.
On the way down a department token cannot stay what it was: it becomes a revoked agent
token, kept (not deleted) because the audit log refers to it.
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0011_department_tokens"
down_revision = "0010_work_order_lifecycle"
branch_labels = None
depends_on = None

NEW_ROLES = "('agent', 'admin', 'department')"
OLD_ROLES = "('agent', 'admin')"
UNIT_RULE = (
    "(role = 'department' AND unit IS NOT NULL)"
    " OR (role <> 'department' AND unit IS NULL)"
)
SHANGHAI = dt.timezone(dt.timedelta(hours=8))

_tokens = sa.table(
    "api_tokens",
    sa.column("role", sa.String()),
    sa.column("unit", sa.String()),
    sa.column("revoked_at", sa.DateTime()),
)


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_constraint(op.f("ck_api_tokens_role"), type_="check")
        batch.add_column(sa.Column("unit", sa.String(length=200), nullable=True))
    with op.batch_alter_table("api_tokens") as batch:
        batch.create_check_constraint(
            op.f("ck_api_tokens_role"), f"role IN {NEW_ROLES}"
        )
        batch.create_check_constraint(op.f("ck_api_tokens_unit"), UNIT_RULE)


def downgrade() -> None:
    # Naive Shanghai time, as foundation.clock keeps it.
    now = dt.datetime.now(SHANGHAI).replace(tzinfo=None)
    # One statement, so that the row satisfies the unit's rule before and after.
    op.get_bind().execute(
        _tokens.update()
        .where(_tokens.c.role == "department")
        .values(
            role="agent",
            unit=None,
            revoked_at=sa.func.coalesce(_tokens.c.revoked_at, now),
        )
    )
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_constraint(op.f("ck_api_tokens_unit"), type_="check")
        batch.drop_constraint(op.f("ck_api_tokens_role"), type_="check")
        batch.drop_column("unit")
    with op.batch_alter_table("api_tokens") as batch:
        batch.create_check_constraint(
            op.f("ck_api_tokens_role"), f"role IN {OLD_ROLES}"
        )
