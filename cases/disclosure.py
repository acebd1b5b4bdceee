"""What of a case is shown, and to whom: its owner, or the staff who handle it.

Who may read a case at all is ``cases.access``'s business: an owner proves it with
the phone's last four digits or a query code, staff with their token. Proof of that
kind is weak (four digits), so the owner is shown the personal fields masked, enough
to recognise the case, and the free text (description, address, agents' notes, which
may name a person and a phone) through ``privacy.identity.mask_personal_data``.
Staff see the record as filed. Every adapter that shows a case asks here.
"""

from __future__ import annotations

from dataclasses import dataclass

from cases.models import Application, WorkOrder
from privacy.identity import (
    mask_id_number,
    mask_name,
    mask_personal_data,
    mask_phone,
)


@dataclass(frozen=True)
class ShownPerson:
    """A case's personal fields, as they may be shown."""

    name: str | None
    phone: str | None
    id_number: str | None = None


def applicant_shown(application: Application, *, staff: bool = False) -> ShownPerson:
    if staff:
        return ShownPerson(
            name=application.applicant_name,
            phone=application.phone,
            id_number=application.id_number,
        )
    return ShownPerson(
        name=mask_name(application.applicant_name),
        phone=mask_phone(application.phone),
        id_number=mask_id_number(application.id_number),
    )


def contact_shown(order: WorkOrder, *, staff: bool = False) -> ShownPerson:
    if staff:
        return ShownPerson(name=order.contact_name, phone=order.contact_phone)
    return ShownPerson(
        name=mask_name(order.contact_name) if order.contact_name else None,
        phone=mask_phone(order.contact_phone) if order.contact_phone else None,
    )


def text_shown(
    text: str | None, *, staff: bool = False, known: tuple[str | None, ...] = ()
) -> str | None:
    """Free text of a case (description, address, a note), masked for its owner.

    Args:
        text: as filed or written by an agent.
        staff: shown to staff, as it is.
        known: the case's own people's names: masked wherever they appear, even
            where nothing introduces them ("已联系李娜"); phone and ID numbers are
            found by ``mask_personal_data`` however they are written.
    """
    if text is None or staff:
        return text
    for value in known:
        if value and len(value.strip()) >= 2:
            text = text.replace(value, mask_name(value))
    return mask_personal_data(text)


def work_order_text_shown(
    order: WorkOrder, text: str | None, *, staff: bool = False
) -> str | None:
    """``text_shown`` with the order's own contact's name as a known value."""
    return text_shown(text, staff=staff, known=(order.contact_name,))


def application_personal_fields(application: Application) -> tuple[str, ...]:
    """The personal fields a staff view of ``application`` shows in clear: what the
    audit log (``privacy.audit``) records that staff saw."""
    present = {
        "applicant_name": application.applicant_name,
        "id_number": application.id_number,
        "phone": application.phone,
    }
    return tuple(field for field, value in present.items() if value)


def work_order_personal_fields(order: WorkOrder) -> tuple[str, ...]:
    """The personal fields a staff view of ``order`` shows in clear, for the audit log.

    The free text counts wherever there is some: a description, an address or an
    agent's note may name a person and a phone.
    """
    present = {
        "contact_name": order.contact_name,
        "contact_phone": order.contact_phone,
        "address": order.address,
        "description": order.description,
        "notes": any(update.note for update in order.updates),
    }
    return tuple(field for field, value in present.items() if value)
