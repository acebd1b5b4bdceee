"""The audit log's repository; only ``privacy`` itself calls it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from privacy.models import AccessRecord


def add_access(session: Session, record: AccessRecord) -> AccessRecord:
    session.add(record)
    session.flush()
    return record


def accesses(
    session: Session,
    *,
    record: str | None,
    record_kind: str | None,
    actor: str | None,
    token_id: int | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    limit: int,
) -> list[AccessRecord]:
    """Newest first; each filter given narrows the answer."""
    statement = select(AccessRecord)
    if record is not None:
        statement = statement.where(AccessRecord.record == record)
    if record_kind is not None:
        statement = statement.where(AccessRecord.record_kind == record_kind)
    if actor is not None:
        statement = statement.where(AccessRecord.actor_name == actor)
    if token_id is not None:
        statement = statement.where(AccessRecord.token_id == token_id)
    if since is not None:
        statement = statement.where(AccessRecord.at >= since)
    if until is not None:
        statement = statement.where(AccessRecord.at < until)
    statement = statement.order_by(AccessRecord.at.desc(), AccessRecord.id.desc())
    return list(session.scalars(statement.limit(limit)))
