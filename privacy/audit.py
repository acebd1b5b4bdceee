"""The audit log of staff access to citizens' personal data (PIPL, 2021).

This module owns what is recorded and how it is read back. Every time an agent or an
admin is shown a citizen's personal data in clear (a work order or an application in
full, a hand-off's transcript), the adapter that shows it calls ``record_access``
in the same transaction: who (the token's id, and its holder's name and role as they
were), which record, which of its fields, when, and from where (the client's address
and the request). What counts as a personal field of a case is ``cases.disclosure``'s
business; this module records what it is told.

A manager (or an admin) reading the centre's performance figures is shown no personal
data in clear, only orders' numbers and masked examples; their reads are logged all
the same, as the kind ``report``: the report (e.g. ``manager_overview``) and the
sections shown stand for the record and its fields, so that who looked at which
unit's figures is on file like any other read.

An operator at the command line who exports or erases a citizen's data
(``hotline privacy export``, ``erase``) holds no token: ``record_operator_access``
records them by the name they give, with the role ``operator``.

The log is read by admins only (``GET /api/v1/admin/audit``) and by operators
(``hotline privacy audit``), through ``query_access``: newest first, filtered, and
bounded (``MAX_LIMIT``) so that a query never reads the whole log into memory.

Public functions: ``record_access``, ``record_operator_access``, ``query_access``;
constants ``RECORD_KINDS``, ``DEFAULT_LIMIT``, ``MAX_LIMIT``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.orm import Session

from foundation import clock
from foundation.errors import ValidationFailed
from privacy.auth import Staff
from privacy.models import OPERATOR, AccessRecord
from privacy.repositories import audit as repository

# A hand-off's transcript is recorded by the hand-off's id, not by the conversation's
# session id: that id lets its holder read the transcript, so it is kept out of the log.
RECORD_KINDS = ("work_order", "application", "handoff", "report")
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def record_access(
    session: Session,
    staff: Staff,
    *,
    kind: str,
    record: str,
    fields: Sequence[str],
    client_address: str | None = None,
    via: str | None = None,
    now: dt.datetime | None = None,
) -> AccessRecord | None:
    """Record that ``staff`` was shown ``fields`` of a record.

    Args:
        kind: one of ``RECORD_KINDS``.
        record: the case's number, the hand-off's id, or the report's name.
        fields: the personal fields shown in clear (a report's: its sections); none
            shown, nothing is recorded.
        client_address: where the request came from (after trusted proxies).
        via: the request, e.g. ``"GET /api/v1/work-orders/20261206123456"``.

    Returns:
        The new entry, or None when no personal field was shown.
    """
    return _record(
        session,
        staff.token_id,
        staff.name,
        staff.role,
        kind=kind,
        record=record,
        fields=fields,
        client_address=client_address,
        via=via,
        now=now,
    )


def record_operator_access(
    session: Session,
    operator: str,
    *,
    kind: str,
    record: str,
    fields: Sequence[str],
    via: str,
    now: dt.datetime | None = None,
) -> AccessRecord | None:
    """Record that an operator at the command line handled ``fields`` of a record.

    Args:
        operator: the name the operator gave (``--operator``); they hold no token.
        via: the command, e.g. ``"hotline privacy export"``.

    Returns:
        The new entry, or None when no personal field was concerned.
    """
    operator = operator.strip()
    if not operator:
        raise ValidationFailed("operator", "name who does this")
    return _record(
        session,
        None,
        operator,
        OPERATOR,
        kind=kind,
        record=record,
        fields=fields,
        client_address=None,
        via=via,
        now=now,
    )


def _record(
    session: Session,
    token_id: int | None,
    name: str,
    role: str,
    *,
    kind: str,
    record: str,
    fields: Sequence[str],
    client_address: str | None,
    via: str | None,
    now: dt.datetime | None,
) -> AccessRecord | None:
    if kind not in RECORD_KINDS:
        raise ValidationFailed("kind", f"one of {', '.join(RECORD_KINDS)}")
    if not fields:
        return None
    return repository.add_access(
        session,
        AccessRecord(
            at=now or clock.now(),
            token_id=token_id,
            actor_name=name[:100],
            actor_role=role,
            record_kind=kind,
            record=record[:128],
            fields=sorted(set(fields)),
            client_address=client_address[:64] if client_address else None,
            via=via[:200] if via else None,
        ),
    )


def query_access(
    session: Session,
    *,
    record: str | None = None,
    kind: str | None = None,
    actor: str | None = None,
    token_id: int | None = None,
    since: dt.date | dt.datetime | None = None,
    until: dt.date | dt.datetime | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[AccessRecord]:
    """Entries of the audit log, newest first.

    Args:
        record: only this record (a case's number or a hand-off's id).
        kind: only this kind of record.
        actor: only accesses by staff of this name.
        token_id: only accesses with this token.
        since: from this time on, inclusive; a day means from its midnight. Times
            without an offset are Shanghai's, as the log keeps them.
        until: before this time (a day: before its midnight).
        limit: at most this many, 1 to ``MAX_LIMIT``.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed("limit", f"between 1 and {MAX_LIMIT}")
    if kind is not None and kind not in RECORD_KINDS:
        raise ValidationFailed("kind", f"one of {', '.join(RECORD_KINDS)}")
    since = _local(since)
    until = _local(until)
    if since is not None and until is not None and until <= since:
        raise ValidationFailed("until", "must be after since")
    return repository.accesses(
        session,
        record=record,
        record_kind=kind,
        actor=actor,
        token_id=token_id,
        since=since,
        until=until,
        limit=limit,
    )


def _local(value: dt.date | dt.datetime | None) -> dt.datetime | None:
    """A bound as the log keeps times: naive Shanghai time."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time())
    if value.tzinfo is not None:
        return value.astimezone(clock.SHANGHAI).replace(tzinfo=None)
    return value
