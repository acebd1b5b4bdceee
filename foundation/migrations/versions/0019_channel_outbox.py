"""channel outbox: messages owed to citizens on channels we push to (WeChat)

Revision ID: 0019_channel_outbox
Revises: 0018_handoff_states
Create Date: 2026-12-10 10:00:00

An agent's reply to a WeChat user, a change of their queue place and the end of their
hand-off are written here in the transaction that makes them, and the worker sends
them as customer-service messages (contact_centre.channel_messages). The text is
encrypted at rest (privacy.columns.EncryptedText: a Text column of tokens). A new
table: nothing to carry over on the way up; the way down drops it, with what was
still owed.
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_channel_outbox"
down_revision = "0018_handoff_states"
branch_labels = None
depends_on = None

STATUSES = ("pending", "sent", "expired", "failed")


def upgrade() -> None:
    op.create_table(
        "channel_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(length=128), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("settled_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            f"status IN {STATUSES}", name=op.f("ck_channel_messages_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_messages")),
        sa.UniqueConstraint(
            "session_id",
            "kind",
            "key",
            name=op.f("uq_channel_messages_session_id"),
        ),
    )
    op.create_index(
        op.f("ix_channel_messages_session_id"),
        "channel_messages",
        ["session_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_channel_messages_status"), "channel_messages", ["status"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_channel_messages_status"), table_name="channel_messages")
    op.drop_index(op.f("ix_channel_messages_session_id"), table_name="channel_messages")
    op.drop_table("channel_messages")
