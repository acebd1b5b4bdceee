"""free texts encrypted: what a citizen or a unit wrote about a work order, at rest

Revision ID: 0015_free_text_encrypted
Revises: 0014_retention_erasure
Create Date: 2026-12-06 12:40:00

A complaint's description, address and time, the unit's result, the history's notes,
the notices sent and the comments given with a rating are the citizen's own words, and
carry phone numbers, names and addresses as often as not ("联系人王女士，电话
139…"). Masking them would take from the unit what it needs to act; so they are kept
encrypted under ``HOTLINE_FIELD_KEY`` like the fields 0013 encrypted, and read in clear
by whoever the product shows them to. This revision widens ``work_orders.occurred_at``
to TEXT for its token and encrypts the rows already there in batches of ``BATCH``; a
value that already decrypts is left as it is, so a run broken off can be run again.
Downgrading decrypts them, with the key they were encrypted under.
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

revision = "0015_free_text_encrypted"
down_revision = "0014_retention_erasure"
branch_labels = None
depends_on = None

BATCH = 1000

# The encrypted columns of each table, and the type they had before.
ENCRYPTED: dict[str, dict[str, sa.types.TypeEngine[Any]]] = {
    "work_orders": {
        "description": sa.Text(),
        "address": sa.Text(),
        "occurred_at": sa.String(length=100),
        "result": sa.Text(),
    },
    "work_order_updates": {"note": sa.Text()},
    "notifications": {"text": sa.Text()},
    "feedback": {"comment": sa.Text()},
}
NOT_NULL = {("work_orders", "description"), ("notifications", "text")}
# No lookup hashes: nobody is found by these texts.
HASHED: dict[str, dict[str, str]] = {}
WIDENED = {("work_orders", "occurred_at")}


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
    for name, column in WIDENED:
        with op.batch_alter_table(name) as batch:
            batch.alter_column(
                column,
                existing_type=ENCRYPTED[name][column],
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

    for name, column in WIDENED:
        with op.batch_alter_table(name) as batch:
            batch.alter_column(
                column,
                existing_type=sa.Text(),
                type_=ENCRYPTED[name][column],
                existing_nullable=(name, column) not in NOT_NULL,
            )
