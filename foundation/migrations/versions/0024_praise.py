"""praise: a work order may be a citizen's praise (表扬) instead of a problem

Revision ID: 0024_praise
Revises: 0023_english_complaint_words
Create Date: 2026-12-14 09:00:00

Citizens phone 12345 to thank a unit as well as to complain about one, and a centre
passes the thanks on as a 表扬件: a work order of its own kind that asks nothing of the
unit, so no time limit, 督办 or 回访 applies and the centre's figures on problems do
not count it. Every order filed before this revision was a problem. The way down drops
the kind: praise already passed on then reads as a closed problem report.
"""

import sqlalchemy as sa
from alembic import op

APPEAL_KINDS = ("problem", "praise")

revision = "0024_praise"
down_revision = "0023_english_complaint_words"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("work_orders") as batch:
        batch.add_column(
            sa.Column(
                "appeal_kind",
                sa.String(16),
                nullable=False,
                server_default="problem",
            )
        )
    with op.batch_alter_table("work_orders") as batch:
        batch.create_check_constraint(
            op.f("ck_work_orders_appeal_kind"), f"appeal_kind IN {APPEAL_KINDS}"
        )


def downgrade() -> None:
    with op.batch_alter_table("work_orders") as batch:
        batch.drop_constraint(op.f("ck_work_orders_appeal_kind"), type_="check")
    with op.batch_alter_table("work_orders") as batch:
        batch.drop_column("appeal_kind")
