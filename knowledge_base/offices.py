"""Which service centre a citizen is sent to."""

from __future__ import annotations

from sqlalchemy.orm import Session

from knowledge_base.models import Office, Service
from knowledge_base.repositories.offices import offices_in_district


def office_for(
    session: Session, service: Service, district: str | None
) -> Office | None:
    """The office of the citizen's district that handles a service.

    Args:
        session: The caller's session.
        service: The service the citizen asks about.
        district: The citizen's district (its official name, 徐汇区), if known.

    Returns:
        The first such office by code, or None when the district is unknown or none
        of its offices handles the service (the answer then names no office).
    """
    if not district:
        return None
    return next(
        (o for o in offices_in_district(session, district) if service in o.services),
        None,
    )
