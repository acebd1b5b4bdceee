from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.catalogue import DepartmentRecord
from knowledge_base.models import Department


def get_department(session: Session, code: str) -> Department | None:
    return session.scalars(select(Department).where(Department.code == code)).first()


def list_departments(session: Session) -> list[Department]:
    return list(session.scalars(select(Department).order_by(Department.code)))


def upsert_department(session: Session, record: DepartmentRecord) -> Department:
    department = get_department(session, record.code) or Department(code=record.code)
    for field, value in record.dict(exclude={"code"}).items():
        setattr(department, field, value)
    session.add(department)
    return department
