from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from sqlalchemy import delete, func, select
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Load, Session, selectinload

from knowledge_base.catalogue import ServiceRecord
from knowledge_base.models import (
    Department,
    Service,
    ServiceMaterial,
    ServiceStep,
    ServiceVariant,
)
from knowledge_base.repositories.catalogue_revision import mark_catalogue_changed

_NESTED = {"code", "department", "steps", "materials", "variants"}


def _with_details() -> tuple[Load, ...]:
    return (
        selectinload(Service.department),
        selectinload(Service.steps),
        selectinload(Service.materials),
        selectinload(Service.variants),
    )


def get_service(session: Session, code: str) -> Service | None:
    statement = select(Service).where(Service.code == code).options(*_with_details())
    return session.scalars(statement).first()


def service_names(session: Session, code: str) -> tuple[str, str] | None:
    """The Chinese and English names alone, for a reply that only names the service."""
    row = session.execute(
        select(Service.name, Service.name_en).where(Service.code == code)
    ).first()
    return (row.name, row.name_en) if row is not None else None


def get_services(session: Session, codes: Sequence[str]) -> list[Service]:
    """Services in the order of ``codes``; unknown codes are skipped."""
    found = {
        service.code: service
        for service in session.scalars(
            select(Service).where(Service.code.in_(codes)).options(*_with_details())
        )
    }
    return [found[code] for code in codes if code in found]


def list_services(
    session: Session,
    *,
    category: str | None = None,
    department: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[Service]:
    statement = select(Service).options(*_with_details()).order_by(Service.code)
    if category:
        statement = statement.where(Service.category == category)
    if department:
        statement = statement.join(Service.department).where(
            Department.code == department
        )
    if limit is not None:
        statement = statement.limit(limit).offset(offset)
    return list(session.scalars(statement))


def count_services(session: Session) -> int:
    return session.scalar(select(func.count(Service.id))) or 0


def upsert_service(
    session: Session, record: ServiceRecord, department: Department
) -> Service:
    """Create or replace a service; its steps, materials and district variants are
    replaced as a whole."""
    service = get_service(session, record.code) or Service(code=record.code)
    for field, value in record.dict(exclude=_NESTED).items():
        setattr(service, field, value)
    service.department = department
    if service.id is not None:
        # Old children must be gone before new ones take their positions.
        service.steps.clear()
        service.materials.clear()
        service.variants.clear()
        session.flush()
    service.steps = [
        ServiceStep(position=position, **step.dict())
        for position, step in enumerate(record.steps, start=1)
    ]
    service.materials = [
        ServiceMaterial(position=position, **material.dict())
        for position, material in enumerate(record.materials, start=1)
    ]
    service.variants = [
        ServiceVariant(**variant.dict(exclude_none=True)) for variant in record.variants
    ]
    session.add(service)
    session.flush()
    return service


def delete_service(session: Session, code: str) -> bool:
    # A DELETE's result is a CursorResult, which counts the rows.
    result = cast(
        CursorResult, session.execute(delete(Service).where(Service.code == code))
    )
    if result.rowcount == 0:
        return False
    mark_catalogue_changed(session)
    return True
