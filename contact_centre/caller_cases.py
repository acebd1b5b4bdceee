"""A caller's cases, found by the mobile number they gave when filing.

A citizen who has lost a tracking number is told that an agent can find it: the agent,
having confirmed who is calling, types the number the caller gives and reads the cases
filed with it, newest first, to tell the caller which is theirs. Cases are found through
the phone's keyed hash (``privacy.keys``), as a data-access request finds them
(``citizen_rights``), never by decrypting every record; anonymised cases (after the
retention period or an erasure) have no hash left and are not found. Each case shown
is in the audit log as its phone, the one personal fact the list discloses.

Public functions: ``cases_by_phone``, ``caller_cases``; ``CallerCase``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from cases.applications import STATUS_TEXT as APPLICATION_STATUS
from cases.lifecycle import handled_order, status_text
from cases.models import Application, WorkOrder
from foundation.errors import ValidationFailed
from privacy.identity import normalise_phone
from privacy.keys import personal_hash


@dataclass(frozen=True)
class CallerCase:
    """One case as an agent reads it to a caller: what it is about, not its contents."""

    kind: str  # "work_order" or "application"
    number: str
    subject: str  # the category of a work order, the service of an application
    status: str
    filed_at: dt.datetime
    handled_by: str | None


def cases_by_phone(
    session: Session, phone: str
) -> tuple[list[Application], list[WorkOrder]]:
    """The applications and work orders filed with ``phone``, oldest first.

    Raises:
        ValidationFailed: ``phone`` is not a mainland mobile number.
    """
    normalised = normalise_phone(phone)
    if normalised is None:
        raise ValidationFailed("phone", "not a valid mainland mobile number")
    digest = personal_hash(normalised)
    applications = session.scalars(
        select(Application)
        .where(Application.phone_hash == digest)
        .options(selectinload(Application.service))
        .order_by(Application.created_at, Application.id)
    ).all()
    work_orders = session.scalars(
        select(WorkOrder)
        .where(WorkOrder.contact_phone_hash == digest)
        .options(selectinload(WorkOrder.updates))
        .order_by(WorkOrder.created_at, WorkOrder.id)
    ).all()
    return list(applications), list(work_orders)


def caller_cases(session: Session, phone: str) -> list[CallerCase]:
    """The caller's cases, newest first.

    Raises:
        ValidationFailed: ``phone`` is not a mainland mobile number.
    """
    applications, work_orders = cases_by_phone(session, phone)
    listed = [
        *(_work_order_case(order) for order in work_orders),
        *(_application_case(application) for application in applications),
    ]
    listed.sort(key=lambda case: (case.filed_at, case.number), reverse=True)
    return listed


def _work_order_case(order: WorkOrder) -> CallerCase:
    handled = handled_order(order)
    return CallerCase(
        kind="work_order",
        number=order.number,
        subject=order.category.name,
        status=status_text(order, "zh"),
        filed_at=order.created_at,
        handled_by=handled.unit_name or handled.department.name,
    )


def _application_case(application: Application) -> CallerCase:
    return CallerCase(
        kind="application",
        number=application.number,
        subject=application.service.name,
        status=APPLICATION_STATUS["zh"][application.status],
        filed_at=application.created_at,
        handled_by=None,
    )
