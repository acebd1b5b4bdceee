"""catalogue revision

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 03:00:00
"""

import sqlalchemy as sa
from alembic import op

from foundation import clock

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "catalogue_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_revision")),
    )
    op.bulk_insert(table, [{"id": 1, "number": 1, "changed_at": clock.now()}])


def downgrade() -> None:
    op.drop_table("catalogue_revision")
