"""Encrypting the values already stored, for the revisions that encrypt a column.

Revisions 0013 and 0015 turn clear columns into ``privacy.columns.EncryptedText``
tokens in place, and back on the way down; they share this code. It is a frozen copy
of how ``privacy.keys`` derives the keys as of those revisions: a revision must keep
doing what it did when it was written, so change nothing here that they rely on.

Rows are read ``BATCH`` at a time in id order, so memory stays bounded. A value that
already decrypts is left as it is on the way up, and a clear one on the way down, so
a run broken off (SQLite does not roll back all of it) can be run again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping

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

BATCH = 1000

# What a value becomes, given where it is (for errors): (stored, clear).
Change = Callable[[str, str], tuple[str, str]]


def keys() -> tuple[FieldCipher, bytes]:
    """The field cipher and the lookup hashes' key, from the settings' field key or,
    in dev, the secret key."""
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


def encrypting(cipher: FieldCipher) -> Change:
    def encrypt(value: str, where: str) -> tuple[str, str]:
        if FieldCipher.is_token(value):
            try:
                return value, cipher.decrypt(value)  # encrypted by a run broken off
            except DecryptionError:
                pass  # a citizen's text that merely starts like a token
        return cipher.encrypt(value), value

    return encrypt


def decrypting(cipher: FieldCipher) -> Change:
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

    return decrypt


def rewrite(
    name: str,
    columns: list[str],
    change: Change,
    hashes: Mapping[str, str] | None = None,
    lookup: bytes | None = None,
) -> None:
    """Each row's ``columns`` of table ``name`` as ``change(value, where)`` gives them
    (the value to store, and the clear one), None kept.

    Args:
        hashes: the hash column beside an encrypted one, by the encrypted column.
        lookup: with it, those hashes are filled with the keyed hash of the clear
            value; without it, emptied.
    """
    connection = op.get_bind()
    hashes = hashes or {}
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


def _table(name: str, *columns: str) -> sa.sql.expression.TableClause:
    return sa.table(
        name, sa.column("id", sa.Integer()), *(sa.column(c, sa.Text()) for c in columns)
    )


def _batches(table: sa.sql.expression.TableClause) -> Iterator[list[Row]]:
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
