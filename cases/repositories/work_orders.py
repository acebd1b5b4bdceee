from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Load, Session, selectinload

from cases.models import WorkOrder


def _details() -> tuple[Load, ...]:
    return (
        selectinload(WorkOrder.category),
        selectinload(WorkOrder.department),
        selectinload(WorkOrder.updates),
    )


def get_work_order(session: Session, number: str) -> WorkOrder | None:
    statement = select(WorkOrder).where(WorkOrder.number == number).options(*_details())
    return session.scalars(statement).first()


def get_by_idempotency_key(session: Session, key: str) -> WorkOrder | None:
    statement = (
        select(WorkOrder).where(WorkOrder.idempotency_key == key).options(*_details())
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


def add_work_order(session: Session, work_order: WorkOrder) -> WorkOrder:
    session.add(work_order)
    session.flush()
    return work_order
