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
to TEXT for its token and encrypts the rows already there in batches
(``foundation/migrations/encrypted_values.py``); a value that already decrypts is left
as it is, so a run broken off can be run again.
Downgrading decrypts them, with the key they were encrypted under.
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

revision = "0015_free_text_encrypted"
down_revision = "0014_retention_erasure"
branch_labels = None
depends_on = None


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
WIDENED = {("work_orders", "occurred_at")}


def upgrade() -> None:
    for name, column in WIDENED:
        with op.batch_alter_table(name) as batch:
            batch.alter_column(
                column,
                existing_type=ENCRYPTED[name][column],
                type_=sa.Text(),
                existing_nullable=(name, column) not in NOT_NULL,
            )

    # No lookup hashes: nobody is found by these texts.
    cipher, _ = keys()
    for name, columns in ENCRYPTED.items():
        rewrite(name, list(columns), encrypting(cipher))


def downgrade() -> None:
    cipher, _ = keys()
    for name, columns in ENCRYPTED.items():
        rewrite(name, list(columns), decrypting(cipher))

    for name, column in WIDENED:
        with op.batch_alter_table(name) as batch:
            batch.alter_column(
                column,
                existing_type=sa.Text(),
                type_=ENCRYPTED[name][column],
                existing_nullable=(name, column) not in NOT_NULL,
            )
