"""Tombstones of erasures: that a citizen's personal data was erased, never what it was.

PIPL 2021 art. 47 gives a citizen the right to have their personal data erased; the
centre must still be able to show that it did so, when, on whose decision and why, and
to answer the same citizen asking again. A tombstone (``privacy.models.Erasure``) keeps
exactly that and no clear personal data: the keyed hash of the phone asked for (found
again only by whoever holds the lookup key and the number), the numbers of the records
erased, the rows per table, the operator's name, and the reason given, masked.

What is erased, and from which tables, is ``contact_centre.citizen_rights``' business.

Public functions: ``record_erasure``, ``erasures_of``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from foundation import clock
from foundation.errors import ValidationFailed
from privacy.encryption import lookup_hash
from privacy.identity import mask_personal_data, normalise_phone
from privacy.keys import lookup_key
from privacy.models import Erasure

MAX_REASON_CHARS = 500


def record_erasure(
    session: Session,
    *,
    phone: str,
    operator: str,
    reason: str,
    records: Sequence[str],
    counts: Mapping[str, int],
    now: dt.datetime | None = None,
) -> Erasure:
    """Leave the tombstone of an erasure asked for by the owner of ``phone``.

    Args:
        phone: the mobile number the erasure was asked for; only its keyed hash is kept.
        operator: who carried it out.
        reason: why (the citizen's request, its reference); personal data in it is
            masked before it is kept.
        records: the numbers of the applications and work orders erased.
        counts: the rows anonymised per table.
    """
    operator, reason = operator.strip(), reason.strip()
    if not operator:
        raise ValidationFailed("operator", "name who does this")
    if not reason:
        raise ValidationFailed("reason", "say why (e.g. the request's reference)")
    if len(reason) > MAX_REASON_CHARS:
        raise ValidationFailed("reason", f"at most {MAX_REASON_CHARS} characters")
    erasure = Erasure(
        at=now or clock.now(),
        operator=operator[:100],
        reason=mask_personal_data(reason),
        phone_hash=_phone_hash(phone),
        records=sorted(records),
        counts=dict(counts),
    )
    session.add(erasure)
    session.flush()
    return erasure


def erasures_of(session: Session, phone: str) -> list[Erasure]:
    """The erasures asked for by the owner of ``phone``, oldest first."""
    return list(
        session.scalars(
            select(Erasure)
            .where(Erasure.phone_hash == _phone_hash(phone))
            .order_by(Erasure.at, Erasure.id)
        )
    )


def _phone_hash(phone: str) -> str:
    normalised = normalise_phone(phone)
    if normalised is None:
        raise ValidationFailed("phone", "not a valid mainland mobile number")
    # The hash the cases keep beside the phone (privacy.keys.personal_hash).
    return lookup_hash(normalised, lookup_key())
