"""The catalogue's revision: the one row every catalogue change raises."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from foundation import clock
from knowledge_base.models import CatalogueRevision

_ROW = 1


def current_revision(session: Session) -> int | None:
    number: int | None = session.scalar(
        select(CatalogueRevision.number).where(CatalogueRevision.id == _ROW)
    )
    return number


def mark_catalogue_changed(session: Session) -> None:
    """Raise the revision in the caller's transaction: it counts only if that commits.

    The row is there from migration 0003 on, the only way a schema is built.
    """
    session.execute(
        update(CatalogueRevision)
        .where(CatalogueRevision.id == _ROW)
        .values(number=CatalogueRevision.number + 1, changed_at=clock.now())
    )
