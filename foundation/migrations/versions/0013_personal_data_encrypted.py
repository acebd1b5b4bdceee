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
  and ``handoffs.reason``, in batches of ``BATCH`` rows, and fills the hashes.

A value that already decrypts under the key is left as it is, so that a run broken
off (SQLite does not roll back all of it) can be run again.

Downgrading decrypts every value, narrows the columns again and drops the hashes. It
needs the key the rows were encrypted under: a value that does not decrypt stops it.
Run both with the settings of the processes that will read the rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import Row

from foundation.settings import get_settings
from privacy.encryption import (
    DecryptionError,
    FieldCipher,
    derive_key,
    load_key,
    lookup_hash,
)

revision = "0013_personal_data_encrypted"
down_revision = "0012_work_order_language"
branch_labels = None
depends_on = None

BATCH = 1000

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


def _keys() -> tuple[FieldCipher, bytes]:
    """A frozen copy of ``privacy.keys`` as of this revision: the field cipher and the
    lookup hashes' key, from the settings' field key or, in dev, the secret key."""
    settings = get_settings()
    if settings.field_key is not None:
        master = load_key(settings.field_key.get_secret_value())
    else:
        secret = hashlib.sha256(settings.secret_key.encode("utf-8")).digest()
        master = derive_key(secret, "field-key")
    return (
        FieldCipher(derive_key(master, "field-encryption")),
        derive_key(master, "lookup-hash"),
    )


def _table(name: str, *columns: str) -> sa.sql.expression.TableClause:
    return sa.table(
        name, sa.column("id", sa.Integer()), *(sa.column(c, sa.Text()) for c in columns)
    )


def _batches(table: sa.sql.expression.TableClause) -> Iterator[list[Row]]:
    """The table's rows, ``BATCH`` at a time in id order: memory stays bounded."""
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(table).where(table.c.id > last).order_by(table.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        yield rows
        last = rows[-1].id


def _rewrite(
    name: str,
    change: Callable[[str, str], tuple[str, str]],
    lookup: bytes | None = None,
) -> None:
    """Each row's encrypted columns as ``change(value, where)`` gives them (the value to
    store, and the clear one), None kept.

    Args:
        lookup: with it, the hashes beside are filled with the keyed hash of the
            clear value; without it, emptied.
    """
    connection = op.get_bind()
    columns = list(ENCRYPTED[name])
    hashes = HASHED.get(name, {})
    table = _table(name, *columns, *hashes.values())
    statement = (
        table.update()
        .where(table.c.id == sa.bindparam("row_id"))
        .values({c: sa.bindparam(f"new_{c}") for c in (*columns, *hashes.values())})
    )
    for rows in _batches(_table(name, *columns)):
        updates = []
        for row in rows:
            values: dict[str, object] = {"row_id": row.id}
            for column in columns:
                value = getattr(row, column)
                stored, clear = (
                    (None, None)
                    if value is None
                    else change(value, f"{name}.{column} of row {row.id}")
                )
                values[f"new_{column}"] = stored
                if column in hashes:
                    values[f"new_{hashes[column]}"] = (
                        lookup_hash(clear, lookup) if lookup and clear else None
                    )
            updates.append(values)
        connection.execute(statement, updates)


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

    cipher, lookup = _keys()

    def encrypt(value: str, where: str) -> tuple[str, str]:
        if FieldCipher.is_token(value):
            try:
                return value, cipher.decrypt(value)  # encrypted by a run broken off
            except DecryptionError:
                pass  # a citizen's text that merely starts like a token
        return cipher.encrypt(value), value

    for name in ENCRYPTED:
        _rewrite(name, encrypt, lookup)


def downgrade() -> None:
    cipher, _ = _keys()

    def decrypt(value: str, where: str) -> tuple[str, str]:
        if not FieldCipher.is_token(value):
            return value, value  # decrypted by a run broken off
        try:
            clear = cipher.decrypt(value)
            return clear, clear
        except DecryptionError as error:
            raise RuntimeError(
                f"cannot decrypt {where} ({error}): downgrade with the "
                "HOTLINE_FIELD_KEY (in dev, the HOTLINE_SECRET_KEY) it was "
                "encrypted under"
            ) from None

    for name in ENCRYPTED:
        _rewrite(name, decrypt)

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
