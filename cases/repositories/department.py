"""A handling unit's work orders; only ``cases.department_desk`` calls it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.elements import Case

from cases.models import WorkOrder


def _deadline() -> Case[Any]:
    """The date that matters now: signing for an unsigned order, else handling."""
    return case(
        (
            WorkOrder.status == "dispatched",
            func.coalesce(WorkOrder.sign_due_date, WorkOrder.due_date),
        ),
        else_=WorkOrder.due_date,
    )


def unit_orders(
    session: Session, unit: str, statuses: Sequence[str], limit: int
) -> list[WorkOrder]:
    """The unit's orders in ``statuses``, the nearest deadline first, then the oldest."""
    statement = (
        select(WorkOrder)
        .where(WorkOrder.unit_name == unit, WorkOrder.status.in_(statuses))
        .options(selectinload(WorkOrder.category), selectinload(WorkOrder.department))
        .order_by(_deadline(), WorkOrder.created_at, WorkOrder.id)
        .limit(limit)
    )
    return list(session.scalars(statement))


def count_unit_orders(session: Session, unit: str, statuses: Sequence[str]) -> int:
    statement = select(func.count(WorkOrder.id)).where(
        WorkOrder.unit_name == unit, WorkOrder.status.in_(statuses)
    )
    return int(session.scalar(statement) or 0)


def unit_has_orders(session: Session, unit: str) -> bool:
    statement = select(WorkOrder.id).where(WorkOrder.unit_name == unit).limit(1)
    return session.scalar(statement) is not None
