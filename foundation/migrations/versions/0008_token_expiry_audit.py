"""token expiry and audit: tokens expire, hand-offs are owned by token, staff access logged

Revision ID: 0008_token_expiry_audit
Revises: 0007_learned_routing
Create Date: 2026-12-06 16:00:00
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0008_token_expiry_audit"
down_revision = "0007_learned_routing"
branch_labels = None
depends_on = None

# Tokens made before expiry existed live as long as new ones do by default
# (HOTLINE_TOKEN_TTL_DAYS), but at least a week after the upgrade: an old token must
# not lock a call centre out mid-shift, only ask its holder for a new one soon.
DEFAULT_TTL = dt.timedelta(days=90)
GRACE = dt.timedelta(days=7)
SHANGHAI = dt.timezone(dt.timedelta(hours=8))

_tokens = sa.table(
    "api_tokens",
    sa.column("id", sa.Integer()),
    sa.column("name", sa.String()),
    sa.column("created_at", sa.DateTime()),
    sa.column("expires_at", sa.DateTime()),
)
_handoffs = sa.table(
    "handoffs",
    sa.column("id", sa.Integer()),
    sa.column("agent", sa.String()),
    sa.column("agent_token_id", sa.Integer()),
)


def upgrade() -> None:
    connection = op.get_bind()

    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("expires_at", sa.DateTime(), nullable=True))
    # Naive Shanghai time, as foundation.clock keeps it.
    upgraded = dt.datetime.now(SHANGHAI).replace(tzinfo=None)
    names: dict[str, list[int]] = {}
    for token_id, name, created_at in connection.execute(
        sa.select(_tokens.c.id, _tokens.c.name, _tokens.c.created_at)
    ):
        names.setdefault(name, []).append(token_id)
        connection.execute(
            _tokens.update()
            .where(_tokens.c.id == token_id)
            .values(expires_at=max(created_at + DEFAULT_TTL, upgraded + GRACE))
        )
    with op.batch_alter_table("api_tokens") as batch:
        batch.alter_column("expires_at", existing_type=sa.DateTime(), nullable=False)

    with op.batch_alter_table("handoffs") as batch:
        batch.add_column(sa.Column("agent_token_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_handoffs_agent_token_id_api_tokens"),
            "api_tokens",
            ["agent_token_id"],
            ["id"],
        )
    # A hand-off taken before is owned by its agent's token where the name names one
    # token only; the others have no owner on record, and their agent takes them again.
    for name, ids in names.items():
        if len(ids) == 1:
            connection.execute(
                _handoffs.update()
                .where(_handoffs.c.agent == name)
                .values(agent_token_id=ids[0])
            )

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("actor_name", sa.String(length=100), nullable=False),
        sa.Column("actor_role", sa.String(length=16), nullable=False),
        sa.Column("record_kind", sa.String(length=32), nullable=False),
        sa.Column("record", sa.String(length=128), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("client_address", sa.String(length=64), nullable=True),
        sa.Column("via", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["token_id"],
            ["api_tokens.id"],
            name=op.f("fk_audit_log_token_id_api_tokens"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"])
    op.create_index(op.f("ix_audit_log_token_id"), "audit_log", ["token_id"])
    op.create_index(op.f("ix_audit_log_actor_name"), "audit_log", ["actor_name"])
    op.create_index(op.f("ix_audit_log_record"), "audit_log", ["record"])


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_log_record"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_actor_name"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_token_id"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_at"), table_name="audit_log")
    op.drop_table("audit_log")
    with op.batch_alter_table("handoffs") as batch:
        batch.drop_constraint(
            op.f("fk_handoffs_agent_token_id_api_tokens"), type_="foreignkey"
        )
        batch.drop_column("agent_token_id")
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("expires_at")
