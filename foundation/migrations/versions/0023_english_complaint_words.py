"""english complaint words: each work-order category's keywords in English

Revision ID: 0023_english_complaint_words
Revises: 0022_knowledge_versions
Create Date: 2026-12-13 09:00:00

Expats complain in English, and every English complaint fell to the catch-all category:
the categories' vocabulary was Chinese only. Each category gets a list of English
keywords beside its Chinese ones. A category imported before this revision has none
until the catalogue is imported again, and routes English as before. The way down
drops the list, with the words it held.
"""

import sqlalchemy as sa
from alembic import op

revision = "0023_english_complaint_words"
down_revision = "0022_knowledge_versions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("work_order_categories") as batch:
        batch.add_column(
            sa.Column("keywords_en", sa.JSON(), nullable=False, server_default="[]")
        )


def downgrade() -> None:
    with op.batch_alter_table("work_order_categories") as batch:
        batch.drop_column("keywords_en")
