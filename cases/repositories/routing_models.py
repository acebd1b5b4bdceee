"""Routing models and the agents' corrections that train the next one."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cases.models import RoutingCorrection, RoutingModel
from knowledge_base.repositories.catalogue_revision import mark_catalogue_changed


def add_model(session: Session, model: RoutingModel) -> RoutingModel:
    session.add(model)
    session.flush()
    return model


def activate(session: Session, version: str) -> RoutingModel | None:
    """Make ``version`` the one every process routes with; None if there is no such model.

    Raises the catalogue revision in the same transaction: the processes rebuild what
    they built from the catalogue, the router among it, once this commits.
    """
    model = get_model(session, version)
    if model is None:
        return None
    session.execute(update(RoutingModel).values(active=False))
    model.active = True
    mark_catalogue_changed(session)
    session.flush()
    return model


def deactivate_all(session: Session) -> None:
    """Route with the curated classifier again."""
    session.execute(update(RoutingModel).values(active=False))
    mark_catalogue_changed(session)


def get_model(session: Session, version: str) -> RoutingModel | None:
    model: RoutingModel | None = session.scalars(
        select(RoutingModel).where(RoutingModel.version == version)
    ).first()
    return model


def active_model(session: Session) -> RoutingModel | None:
    model: RoutingModel | None = session.scalars(
        select(RoutingModel).where(RoutingModel.active.is_(True))
    ).first()
    return model


def list_models(session: Session) -> list[RoutingModel]:
    """Newest first, without their payloads' use: the status shows metrics only."""
    return list(
        session.scalars(select(RoutingModel).order_by(RoutingModel.created_at.desc()))
    )


def add_correction(session: Session, correction: RoutingCorrection) -> None:
    session.add(correction)
    session.flush()


def list_corrections(session: Session) -> list[RoutingCorrection]:
    return list(
        session.scalars(select(RoutingCorrection).order_by(RoutingCorrection.id))
    )
