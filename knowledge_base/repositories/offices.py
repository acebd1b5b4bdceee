from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from knowledge_base.catalogue import OfficeRecord
from knowledge_base.models import Office, Service


def get_office(session: Session, code: str) -> Office | None:
    return session.scalars(select(Office).where(Office.code == code)).first()


def list_offices(session: Session) -> list[Office]:
    statement = (
        select(Office).options(selectinload(Office.services)).order_by(Office.code)
    )
    return list(session.scalars(statement))


def offices_in_district(session: Session, district: str) -> list[Office]:
    statement = (
        select(Office)
        .where(Office.district == district)
        .options(selectinload(Office.services))
        .order_by(Office.code)
    )
    return list(session.scalars(statement))


def upsert_office(
    session: Session, record: OfficeRecord, services: list[Service]
) -> Office:
    office = get_office(session, record.code) or Office(code=record.code)
    for field, value in record.dict(exclude={"code", "services"}).items():
        setattr(office, field, value)
    office.services = services
    session.add(office)
    return office
