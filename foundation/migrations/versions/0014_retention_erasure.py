"""retention and erasure: anonymised cases, erasure tombstones, the daily purge's record

Revision ID: 0014_retention_erasure
Revises: 0013_personal_data_encrypted
Create Date: 2026-12-08 10:00:00

PIPL 2021 (issue 25): personal data is kept for ``HOTLINE_RETENTION_DAYS`` after a
record was last active, then anonymised, and erased sooner at the citizen's request
(docs/privacy.md). This revision

- adds ``anonymised_at`` to ``applications`` and ``work_orders``: when their personal
  data was anonymised (the facts stay, for statistics);
- lets ``audit_log.token_id`` be NULL: an operator at the command line (an export, an
  erasure) holds no token;
- adds ``erasures``, the tombstones of erasures (no clear personal data: the phone's
  keyed hash, the record numbers, who, when, why);
- adds ``purge_runs``, one row per day the scheduled purge ran.

Downgrading drops them. The audit entries of operators are kept: each operator's name
gets a revoked agent token of its own, made for it, as the older schema needs a token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa
from alembic import op

revision = "0014_retention_erasure"
down_revision = "0013_personal_data_encrypted"
branch_labels = None
depends_on = None

SHANGHAI = dt.timezone(dt.timedelta(hours=8))

_audit = sa.table(
    "audit_log",
    sa.column("token_id", sa.Integer()),
    sa.column("actor_name", sa.String()),
)
_tokens = sa.table(
    "api_tokens",
    sa.column("id", sa.Integer()),
    sa.column("token_hash", sa.String()),
    sa.column("role", sa.String()),
    sa.column("name", sa.String()),
    sa.column("created_at", sa.DateTime()),
    sa.column("expires_at", sa.DateTime()),
    sa.column("revoked_at", sa.DateTime()),
)


def upgrade() -> None:
    for table in ("applications", "work_orders"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("anonymised_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("audit_log") as batch:
        batch.alter_column("token_id", existing_type=sa.Integer(), nullable=True)
    op.create_table(
        "erasures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("operator", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("phone_hash", sa.String(length=64), nullable=False),
        sa.Column("records", sa.JSON(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasures")),
    )
    op.create_index(op.f("ix_erasures_phone_hash"), "erasures", ["phone_hash"])
    op.create_table(
        "purge_runs",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_purge_runs")),
    )


def downgrade() -> None:
    op.drop_table("purge_runs")
    op.drop_index(op.f("ix_erasures_phone_hash"), table_name="erasures")
    op.drop_table("erasures")
    _give_operators_tokens()
    with op.batch_alter_table("audit_log") as batch:
        batch.alter_column("token_id", existing_type=sa.Integer(), nullable=False)
    for table in ("work_orders", "applications"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("anonymised_at")


def _give_operators_tokens() -> None:
    """Point each operator's audit entries at a revoked token made for their name."""
    connection = op.get_bind()
    operators = connection.execute(
        sa.select(_audit.c.actor_name).where(_audit.c.token_id.is_(None)).distinct()
    ).scalars()
    # Naive Shanghai time, as foundation.clock keeps it.
    now = dt.datetime.now(SHANGHAI).replace(tzinfo=None)
    for name in list(operators):
        # The digest of a secret nobody keeps: the token can never be presented.
        digest = hashlib.sha256(secrets.token_bytes(32)).hexdigest()
        connection.execute(
            _tokens.insert().values(
                token_hash=digest,
                role="agent",
                name=name,
                created_at=now,
                expires_at=now,
                revoked_at=now,
            )
        )
        token_id = connection.execute(
            sa.select(_tokens.c.id).where(_tokens.c.token_hash == digest)
        ).scalar_one()
        connection.execute(
            _audit.update()
            .where(_audit.c.token_id.is_(None), _audit.c.actor_name == name)
            .values(token_id=token_id)
        )
