"""case query codes: a record without a phone is read with a query code, kept hashed

Revision ID: 0005_case_query_codes
Revises: 0004_urgent_handoffs
Create Date: 2026-12-06 03:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_case_query_codes"
down_revision = "0004_urgent_handoffs"
branch_labels = None
depends_on = None

TABLES = ("applications", "work_orders")


def upgrade() -> None:
    # Existing rows keep NULL: an old anonymous order has no code, and only staff read it.
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("query_code_hash", sa.String(length=64), nullable=True)
            )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("query_code_hash")
