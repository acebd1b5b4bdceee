from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.orm import Load, Session, aliased, joinedload, selectinload

from cases.models import PROBLEM, WorkOrder


def _details() -> tuple[Load, ...]:
    # The category and department join the order's own query (one row each); the
    # history comes in one more.
    return (
        joinedload(WorkOrder.category, innerjoin=True),
        joinedload(WorkOrder.department, innerjoin=True),
        selectinload(WorkOrder.updates),
    )


def get_work_order(session: Session, number: str) -> WorkOrder | None:
    statement = select(WorkOrder).where(WorkOrder.number == number).options(*_details())
    return session.scalars(statement).first()


def proof_columns(
    session: Session, number: str
) -> tuple[str | None, str | None] | None:
    """The phone and the query code's hash of a work order, without loading it."""
    row = session.execute(
        select(WorkOrder.contact_phone, WorkOrder.query_code_hash).where(
            WorkOrder.number == number
        )
    ).first()
    return None if row is None else (row[0], row[1])


def get_by_idempotency_key(session: Session, key: str) -> WorkOrder | None:
    statement = (
        select(WorkOrder).where(WorkOrder.idempotency_key == key).options(*_details())
    )
    return session.scalars(statement).first()


def lock_work_order(session: Session, number: str) -> WorkOrder | None:
    """The order, its row locked until the transaction ends (PostgreSQL): two
    transitions at once are applied one after the other. SQLite locks the whole
    database for a writer anyway."""
    statement = (
        select(WorkOrder)
        .where(WorkOrder.number == number)
        .options(*_details())
        .with_for_update(of=WorkOrder)
    )
    return session.scalars(statement).first()


def completed_in_conversation(session: Session, session_id: str) -> WorkOrder | None:
    """The conversation's newest order waiting for its 回访: its own, completed, or a
    report merged into a completed order whose reporter has not answered yet."""
    handled = aliased(WorkOrder)
    statement = (
        select(WorkOrder)
        .outerjoin(handled, WorkOrder.merged_into_id == handled.id)
        .where(
            WorkOrder.session_id == session_id,
            or_(
                WorkOrder.status == "completed",
                (WorkOrder.status == "merged")
                & (handled.status == "completed")
                & (
                    WorkOrder.visited_at.is_(None)
                    | (WorkOrder.visited_at < handled.completed_at)
                ),
            ),
        )
        .options(*_details())
        .order_by(WorkOrder.id.desc())
        .limit(1)
    )
    return session.scalars(statement).first()


def number_exists(session: Session, number: str) -> bool:
    return (
        session.scalar(select(WorkOrder.id).where(WorkOrder.number == number))
        is not None
    )


def list_work_orders(
    session: Session, *, status: str | None = None, limit: int = 50
) -> list[WorkOrder]:
    statement = (
        select(WorkOrder)
        .options(*_details())
        .order_by(WorkOrder.id.desc())
        .limit(limit)
    )
    if status:
        statement = statement.where(WorkOrder.status == status)
    return list(session.scalars(statement))


def waiting_for_review(session: Session, limit: int) -> list[WorkOrder]:
    statement = (
        select(WorkOrder)
        .where(WorkOrder.status == "registered", WorkOrder.dispatch_method.is_(None))
        .options(*_details())
        .order_by(WorkOrder.id)
        .limit(limit)
    )
    return list(session.scalars(statement))


def add_work_order(session: Session, work_order: WorkOrder) -> WorkOrder:
    session.add(work_order)
    session.flush()
    return work_order


def open_in_place(
    session: Session,
    district: str,
    street_code: str | None,
    category_id: int,
    since: dt.datetime,
    until: dt.datetime | None,
    statuses: tuple[str, ...],
) -> list[WorkOrder]:
    """The open orders a report may repeat: filed since ``since`` (and until
    ``until``, if given) in the district, in its street or of its category. Not merged
    ones: they point at their order."""
    place = (
        or_(WorkOrder.street_code == street_code, WorkOrder.category_id == category_id)
        if street_code
        else WorkOrder.category_id == category_id
    )
    statement = (
        select(WorkOrder)
        .where(
            WorkOrder.district == district,
            WorkOrder.created_at >= since,
            WorkOrder.status.in_(statuses),
            place,
            *([WorkOrder.created_at <= until] if until is not None else []),
        )
        .options(joinedload(WorkOrder.category, innerjoin=True))
        .order_by(WorkOrder.id.desc())
    )
    return list(session.scalars(statement))


def latest_merged_in_conversation(
    session: Session, session_id: str
) -> WorkOrder | None:
    statement = (
        select(WorkOrder)
        .where(WorkOrder.session_id == session_id, WorkOrder.status == "merged")
        .options(*_details())
        .order_by(WorkOrder.id.desc())
        .limit(1)
    )
    return session.scalars(statement).first()


def reported_between(
    session: Session, start: dt.datetime, end: dt.datetime
) -> list[WorkOrder]:
    """Reports filed in ``(start, end]``, merged ones included, oldest first; praise
    reports no problem and is left out."""
    statement = (
        select(WorkOrder)
        .where(
            WorkOrder.created_at > start,
            WorkOrder.created_at <= end,
            WorkOrder.appeal_kind == PROBLEM,
        )
        .options(joinedload(WorkOrder.category, innerjoin=True))
        .order_by(WorkOrder.created_at, WorkOrder.id)
    )
    return list(session.scalars(statement))
