"""personal data encrypted: names, phone and ID numbers, and transcripts, at rest

Revision ID: 0013_personal_data_encrypted
Revises: 0012_work_order_language
Create Date: 2026-12-07 16:00:00

PIPL 2021 (issue 25): what identifies a citizen is kept encrypted in the database,
under the key of ``HOTLINE_FIELD_KEY`` (docs/privacy.md). This revision

- widens ``applications.applicant_name``, ``id_number``, ``phone`` and
  ``work_orders.contact_name``, ``contact_phone`` to TEXT, for their tokens;
- adds the keyed hashes a record is found by: ``applications.id_number_hash``,
  ``applications.phone_hash``, ``work_orders.contact_phone_hash`` (indexed);
- encrypts the rows already there, those five columns, ``conversation_messages.text``
  and ``handoffs.reason``, in batches
  (``foundation/migrations/encrypted_values.py``), and fills the hashes.

A value that already decrypts under the key is left as it is, so that a run broken
off (SQLite does not roll back all of it) can be run again.

Downgrading decrypts every value, narrows the columns again and drops the hashes. It
needs the key the rows were encrypted under: a value that does not decrypt stops it.
Run both with the settings of the processes that will read the rows.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from foundation.migrations.encrypted_values import (
    decrypting,
    encrypting,
    keys,
    rewrite,
)

revision = "0013_personal_data_encrypted"
down_revision = "0012_work_order_language"
branch_labels = None
depends_on = None


# The encrypted columns of each table, and the type they had before.
ENCRYPTED: dict[str, dict[str, sa.types.TypeEngine[Any]]] = {
    "applications": {
        "applicant_name": sa.String(length=100),
        "id_number": sa.String(length=18),
        "phone": sa.String(length=20),
    },
    "work_orders": {
        "contact_name": sa.String(length=100),
        "contact_phone": sa.String(length=20),
    },
    "conversation_messages": {"text": sa.Text()},
    "handoffs": {"reason": sa.Text()},
}
NOT_NULL = {("applications", c) for c in ("applicant_name", "id_number", "phone")} | {
    ("conversation_messages", "text")
}
# The hash beside each encrypted column that a record is found by.
HASHED: dict[str, dict[str, str]] = {
    "applications": {"id_number": "id_number_hash", "phone": "phone_hash"},
    "work_orders": {"contact_phone": "contact_phone_hash"},
}


def upgrade() -> None:
    for name, hashes in HASHED.items():
        with op.batch_alter_table(name) as batch:
            for hashed in hashes.values():
                batch.add_column(sa.Column(hashed, sa.String(length=64), nullable=True))
                batch.create_index(op.f(f"ix_{name}_{hashed}"), [hashed])
            for column, before in ENCRYPTED[name].items():
                batch.alter_column(
                    column,
                    existing_type=before,
                    type_=sa.Text(),
                    existing_nullable=(name, column) not in NOT_NULL,
                )

    cipher, lookup = keys()
    for name, columns in ENCRYPTED.items():
        rewrite(name, list(columns), encrypting(cipher), HASHED.get(name), lookup)


def downgrade() -> None:
    cipher, _ = keys()
    for name, columns in ENCRYPTED.items():
        rewrite(name, list(columns), decrypting(cipher), HASHED.get(name))

    for name, hashes in HASHED.items():
        with op.batch_alter_table(name) as batch:
            for column, before in ENCRYPTED[name].items():
                batch.alter_column(
                    column,
                    existing_type=sa.Text(),
                    type_=before,
                    existing_nullable=(name, column) not in NOT_NULL,
                )
            for hashed in hashes.values():
                batch.drop_index(op.f(f"ix_{name}_{hashed}"))
                batch.drop_column(hashed)
