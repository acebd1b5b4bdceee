"""office levels: city offices, district centres and each street's community centre

Revision ID: 0021_office_levels
Revises: 0020_english_guidance
Create Date: 2026-12-11 10:00:00

A citizen who says where they live should hear which office serves them, and most
services are handled by the community affairs acceptance centre (社区事务受理服务中心)
of their street or town, not by the district centre. Offices get a level (city,
district, street) and, for a street centre, the division code it serves; a city office
has no district. We hold no recorded address, hours or phone for the street centres,
so those columns may now be empty instead of guessed. Services say at which levels
they are handled (handled_at). Existing offices are district centres. The way down
drops the street centres and city offices, which the old schema cannot hold, and the
levels of the services.
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_office_levels"
down_revision = "0020_english_guidance"
branch_labels = None
depends_on = None

LEVELS = ("city", "district", "street")


def upgrade() -> None:
    with op.batch_alter_table("offices") as batch:
        batch.add_column(
            sa.Column(
                "level", sa.String(length=8), nullable=False, server_default="district"
            )
        )
        batch.add_column(sa.Column("street", sa.String(length=12), nullable=True))
        batch.alter_column("district", existing_type=sa.String(32), nullable=True)
        batch.alter_column("address", existing_type=sa.Text(), nullable=True)
        batch.alter_column("hours", existing_type=sa.Text(), nullable=True)
        batch.create_index(op.f("ix_offices_street"), ["street"], unique=False)
        batch.create_check_constraint(op.f("ck_offices_level"), f"level IN {LEVELS}")
        batch.create_check_constraint(
            op.f("ck_offices_district"), "level = 'city' OR district IS NOT NULL"
        )
        batch.create_check_constraint(
            op.f("ck_offices_street"), "(level = 'street') = (street IS NOT NULL)"
        )
    with op.batch_alter_table("services") as batch:
        batch.add_column(
            sa.Column("handled_at", sa.JSON(), nullable=False, server_default="[]")
        )


def downgrade() -> None:
    with op.batch_alter_table("services") as batch:
        batch.drop_column("handled_at")
    op.execute(
        "DELETE FROM office_services WHERE office_id IN "
        "(SELECT id FROM offices WHERE level <> 'district')"
    )
    op.execute("DELETE FROM offices WHERE level <> 'district'")
    op.execute("UPDATE offices SET address = '' WHERE address IS NULL")
    op.execute("UPDATE offices SET hours = '' WHERE hours IS NULL")
    with op.batch_alter_table("offices") as batch:
        batch.drop_constraint(op.f("ck_offices_street"), type_="check")
        batch.drop_constraint(op.f("ck_offices_district"), type_="check")
        batch.drop_constraint(op.f("ck_offices_level"), type_="check")
        batch.drop_index(op.f("ix_offices_street"))
        batch.alter_column("hours", existing_type=sa.Text(), nullable=False)
        batch.alter_column("address", existing_type=sa.Text(), nullable=False)
        batch.alter_column("district", existing_type=sa.String(32), nullable=False)
        batch.drop_column("street")
        batch.drop_column("level")
