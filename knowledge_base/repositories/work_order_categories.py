from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from knowledge_base.catalogue import WorkOrderCategoryRecord
from knowledge_base.models import Department, WorkOrderCategory


def get_category(session: Session, code: str) -> WorkOrderCategory | None:
    statement = (
        select(WorkOrderCategory)
        .where(WorkOrderCategory.code == code)
        .options(selectinload(WorkOrderCategory.department))
    )
    return session.scalars(statement).first()


def list_categories(session: Session) -> list[WorkOrderCategory]:
    statement = (
        select(WorkOrderCategory)
        .options(selectinload(WorkOrderCategory.department))
        .order_by(WorkOrderCategory.code)
    )
    return list(session.scalars(statement))


def upsert_category(
    session: Session, record: WorkOrderCategoryRecord, department: Department
) -> WorkOrderCategory:
    category = get_category(session, record.code) or WorkOrderCategory(code=record.code)
    for field, value in record.dict(exclude={"code", "department"}).items():
        setattr(category, field, value)
    category.department = department
    session.add(category)
    return category
