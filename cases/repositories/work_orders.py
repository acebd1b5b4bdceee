from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Load, Session, joinedload, selectinload

from cases.models import WorkOrder


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
    statement = (
        select(WorkOrder)
        .where(WorkOrder.session_id == session_id, WorkOrder.status == "completed")
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
