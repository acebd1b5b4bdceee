from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from knowledge_base.catalogue import BundleRecord
from knowledge_base.models import Bundle, BundleStep, Service, bundle_services


def get_bundle(session: Session, code: str) -> Bundle | None:
    statement = (
        select(Bundle)
        .where(Bundle.code == code)
        .options(selectinload(Bundle.services), selectinload(Bundle.steps))
    )
    return session.scalars(statement).first()


def list_bundles(session: Session) -> list[Bundle]:
    statement = (
        select(Bundle)
        .options(selectinload(Bundle.services), selectinload(Bundle.steps))
        .order_by(Bundle.code)
    )
    return list(session.scalars(statement))


def upsert_bundle(
    session: Session, record: BundleRecord, services: list[Service]
) -> Bundle:
    bundle = get_bundle(session, record.code) or Bundle(code=record.code)
    for field, value in record.dict(exclude={"code", "services", "steps"}).items():
        setattr(bundle, field, value)
    if bundle.id is not None:
        # Old steps must be gone before new ones take their positions.
        bundle.steps.clear()
        session.flush()
    bundle.steps = [
        BundleStep(position=position, **step.dict())
        for position, step in enumerate(record.steps, start=1)
    ]
    session.add(bundle)
    session.flush()
    # The association carries the order, so it is written explicitly.
    session.execute(
        bundle_services.delete().where(bundle_services.c.bundle_id == bundle.id)
    )
    if services:
        session.execute(
            bundle_services.insert(),
            [
                {"bundle_id": bundle.id, "service_id": service.id, "position": position}
                for position, service in enumerate(services, start=1)
            ],
        )
    session.expire(bundle, ["services"])
    return bundle
