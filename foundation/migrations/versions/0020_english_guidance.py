"""english guidance: the English of a service's hours, time limit, law, source and notes

Revision ID: 0020_english_guidance
Revises: 0019_channel_outbox
Create Date: 2026-12-11 09:00:00

An English reply may carry no Chinese but a proper name beside its English rendering,
and these texts had only their Chinese: a service's opening hours, the note on its time
limit, its legal basis and its source, and the notes on each of its materials. They
are new nullable columns: a service imported before this revision has no English for
them, and the answers fall back to a general English sentence until the catalogue is
imported again. The way down drops them, with the English they held.
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_english_guidance"
down_revision = "0019_channel_outbox"
branch_labels = None
depends_on = None

SERVICE_COLUMNS = ("hours_en", "time_limit_note_en", "legal_basis_en", "source_en")


def upgrade() -> None:
    with op.batch_alter_table("services") as batch:
        for name in SERVICE_COLUMNS:
            batch.add_column(sa.Column(name, sa.Text(), nullable=True))
    with op.batch_alter_table("service_materials") as batch:
        batch.add_column(sa.Column("notes_en", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("service_materials") as batch:
        batch.drop_column("notes_en")
    with op.batch_alter_table("services") as batch:
        for name in reversed(SERVICE_COLUMNS):
            batch.drop_column(name)
