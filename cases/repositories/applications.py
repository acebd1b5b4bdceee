from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from cases.models import Application
from knowledge_base.models import Service


def get_application(session: Session, number: str) -> Application | None:
    statement = (
        select(Application)
        .where(Application.number == number)
        .options(selectinload(Application.service).selectinload(Service.department))
    )
    return session.scalars(statement).first()


def proof_columns(
    session: Session, number: str
) -> tuple[str | None, str | None] | None:
    """The phone and the query code's hash of an application, without loading it."""
    row = session.execute(
        select(Application.phone, Application.query_code_hash).where(
            Application.number == number
        )
    ).first()
    return None if row is None else (row[0], row[1])


def get_by_idempotency_key(session: Session, key: str) -> Application | None:
    return session.scalars(
        select(Application).where(Application.idempotency_key == key)
    ).first()


def number_exists(session: Session, number: str) -> bool:
    return (
        session.scalar(select(Application.id).where(Application.number == number))
        is not None
    )


def add_application(session: Session, application: Application) -> Application:
    session.add(application)
    session.flush()
    return application
