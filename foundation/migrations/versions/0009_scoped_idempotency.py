"""scoped idempotency: keys count per client and are bound to their request

Revision ID: 0009_scoped_idempotency
Revises: 0008_token_expiry_audit
Create Date: 2026-12-07 10:00:00

``idempotency_key`` now holds a keyed hash of the client's scope and its key
(``cases.idempotency.scoped_key``), and ``request_fingerprint`` a keyed hash of the
request. Existing rows:

- the assistant's own filings (a key ``"<session id>:<form start>"`` on a row of that
  session) get the hash of their session's scope, so a retried action still finds
  them; they have no fingerprint, so their scope alone decides, as before;
- a key sent through the REST API cannot be tied to the client that sent it (its
  address was not kept): it is cleared, and a retry of it after the upgrade files anew.

Downgrading clears the hashes (the keys they came from are not kept) and drops the
fingerprints: only a retry in flight during the downgrade files twice.
"""

import hashlib
import hmac
import json

import sqlalchemy as sa
from alembic import op
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from foundation.settings import get_settings

revision = "0009_scoped_idempotency"
down_revision = "0008_token_expiry_audit"
branch_labels = None
depends_on = None

TABLES = ("applications", "work_orders")


def _table(name: str) -> sa.sql.expression.TableClause:
    return sa.table(
        name,
        sa.column("id", sa.Integer()),
        sa.column("session_id", sa.String()),
        sa.column("idempotency_key", sa.String()),
    )


def _scoped_key(secret: str, scope: str, key: str) -> str:
    """A frozen copy of ``cases.idempotency.scoped_key`` as of this revision."""
    derived = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=b"hotline/idempotency-key",
    ).derive(hashlib.sha256(secret.encode("utf-8")).digest())
    message = json.dumps([scope, key.strip()], ensure_ascii=False, sort_keys=True)
    return hmac.new(derived, message.encode("utf-8"), hashlib.sha256).hexdigest()


def upgrade() -> None:
    connection = op.get_bind()
    secret = get_settings().secret_key
    for name in TABLES:
        with op.batch_alter_table(name) as batch:
            batch.add_column(
                sa.Column("request_fingerprint", sa.String(length=64), nullable=True)
            )
        table = _table(name)
        rows = connection.execute(
            sa.select(table.c.id, table.c.session_id, table.c.idempotency_key).where(
                table.c.idempotency_key.is_not(None)
            )
        ).all()
        for row_id, session_id, key in rows:
            chat = bool(session_id) and key.startswith(f"{session_id}:")
            connection.execute(
                table.update()
                .where(table.c.id == row_id)
                .values(
                    idempotency_key=_scoped_key(secret, f"session:{session_id}", key)
                    if chat
                    else None
                )
            )


def downgrade() -> None:
    connection = op.get_bind()
    for name in TABLES:
        table = _table(name)
        connection.execute(table.update().values(idempotency_key=None))
        with op.batch_alter_table(name) as batch:
            batch.drop_column("request_fingerprint")
