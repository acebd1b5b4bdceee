"""What of a case is shown to whoever asks by its number.

A tracking number is not proof of identity, so the personal data of an application
or a work order is shown masked: enough for its owner to recognise it, too little to
learn anything about anyone else. Every adapter that shows a case asks here.
"""

from __future__ import annotations

from dataclasses import dataclass

from cases.models import Application, WorkOrder
from privacy.identity import mask_id_number, mask_name, mask_phone


@dataclass(frozen=True)
class ShownPerson:
    """A case's personal fields, as they may be shown."""

    name: str | None
    phone: str | None
    id_number: str | None = None


def applicant_shown(application: Application) -> ShownPerson:
    return ShownPerson(
        name=mask_name(application.applicant_name),
        phone=mask_phone(application.phone),
        id_number=mask_id_number(application.id_number),
    )


def contact_shown(order: WorkOrder) -> ShownPerson:
    return ShownPerson(
        name=mask_name(order.contact_name) if order.contact_name else None,
        phone=mask_phone(order.contact_phone) if order.contact_phone else None,
    )
