"""manager role: the centre's managers, who read the figures and no citizen's data

Revision ID: 0016_manager_role
Revises: 0015_free_text_encrypted
Create Date: 2026-12-08 09:00:00

Tokens may now have the role "manager": a manager reads the performance dashboard
(trends, on-time rates, overdue and escalated orders, 回访 satisfaction, hot topics)
and nothing that shows a citizen's personal data beyond masked examples. Like an
agent or an admin, a manager token has no unit.
On the way down a manager token cannot stay what it was: it becomes a revoked agent
token, kept (not deleted) because the audit log refers to it.
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0016_manager_role"
down_revision = "0015_free_text_encrypted"
branch_labels = None
depends_on = None

NEW_ROLES = "('agent', 'admin', 'department', 'manager')"
OLD_ROLES = "('agent', 'admin', 'department')"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))

_tokens = sa.table(
    "api_tokens",
    sa.column("role", sa.String()),
    sa.column("revoked_at", sa.DateTime()),
)


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_constraint(op.f("ck_api_tokens_role"), type_="check")
    with op.batch_alter_table("api_tokens") as batch:
        batch.create_check_constraint(
            op.f("ck_api_tokens_role"), f"role IN {NEW_ROLES}"
        )


def downgrade() -> None:
    # Naive Shanghai time, as foundation.clock keeps it.
    now = dt.datetime.now(SHANGHAI).replace(tzinfo=None)
    op.get_bind().execute(
        _tokens.update()
        .where(_tokens.c.role == "manager")
        .values(
            role="agent",
            revoked_at=sa.func.coalesce(_tokens.c.revoked_at, now),
        )
    )
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_constraint(op.f("ck_api_tokens_role"), type_="check")
    with op.batch_alter_table("api_tokens") as batch:
        batch.create_check_constraint(
            op.f("ck_api_tokens_role"), f"role IN {OLD_ROLES}"
        )
