"""Lists of Shanghai's districts and streets: one aggregate, a list with its divisions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from knowledge_base.models import DivisionList

# The list describing the latest date is current; of two for one date, the later import.
_CURRENT_FIRST = (DivisionList.as_of.desc(), DivisionList.id.desc())


def get_division_list(
    session: Session, source: str, as_of: dt.date
) -> DivisionList | None:
    statement = (
        select(DivisionList)
        .where(DivisionList.source == source, DivisionList.as_of == as_of)
        .options(selectinload(DivisionList.divisions))
    )
    return session.scalars(statement).first()


def current_list_version(session: Session) -> tuple[int, dt.datetime] | None:
    """The current list's id and import time: enough to tell whether it has changed."""
    row = session.execute(
        select(DivisionList.id, DivisionList.imported_at)
        .order_by(*_CURRENT_FIRST)
        .limit(1)
    ).first()
    return None if row is None else (row.id, row.imported_at)


def current_division_list(session: Session) -> DivisionList | None:
    statement = (
        select(DivisionList)
        .order_by(*_CURRENT_FIRST)
        .limit(1)
        .options(selectinload(DivisionList.divisions))
    )
    return session.scalars(statement).first()


def add_division_list(
    session: Session, source: str, as_of: dt.date, imported_at: dt.datetime
) -> DivisionList:
    division_list = DivisionList(source=source, as_of=as_of, imported_at=imported_at)
    session.add(division_list)
    return division_list
