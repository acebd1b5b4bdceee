"""division lists: Shanghai's districts and streets, each list with its source and date

Revision ID: 0006_division_lists
Revises: 0005_case_query_codes
Create Date: 2026-12-06 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_division_lists"
down_revision = "0005_case_query_codes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "division_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_division_lists")),
        sa.UniqueConstraint("source", "as_of", name=op.f("uq_division_lists_source")),
    )
    op.create_table(
        "divisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("district_code", sa.String(length=6), nullable=False),
        sa.Column("district", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["division_lists.id"],
            name=op.f("fk_divisions_list_id_division_lists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_divisions")),
        sa.UniqueConstraint("list_id", "code", name=op.f("uq_divisions_list_id")),
    )


def downgrade() -> None:
    op.drop_table("divisions")
    op.drop_table("division_lists")
