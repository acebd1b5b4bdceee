"""A handling unit's desk (承办单位工作台): its queue, an order as it sees it, what it does.

A unit signs in with a ``department`` token scoped to its name as work orders record
their handling unit (``WorkOrder.unit_name``). Everything here takes that name and
answers only for the unit's own orders: another unit's order is "not found", exactly
like a number that does not exist, so a unit cannot even learn that a number is in use.

What a unit is shown of an order (personal data minimised, PIPL):

- while it decides whether the order is its own (派单 to 签收), the description, the
  address and the notes with personal data masked, and the contact masked: enough to
  sign or return it, nothing to phone anyone with;
- while it handles the order (签收 to 办结), everything as filed, the contact's name
  and phone included: most complaints are handled by calling the citizen back. The
  adapter records that showing in the audit log (``privacy.audit``); ``UnitView.in_clear``
  says which fields it showed;
- afterwards (办结, 退回, 回访, 结案), masked again: it has nothing left to do.

What a unit does goes through ``cases.lifecycle`` with the role ``UNIT``: sign, start,
complete (with the 办理结果), return (with the reason) and request an extension (days
and reason). Its queue holds the orders waiting for it, the nearest deadline first:
the signing deadline for an order not yet signed, the handling deadline after.

Its notices (``unit_notices``) are what the time-limit watch (``cases.time_limits``)
told it: signing overdue, 80% of the handling time used, overdue and escalated (督办).
Each was addressed to the unit by name when written, so the unit keeps seeing those it
was sent even after an order is dispatched elsewhere (改派), marked as no longer in its
queue; it never sees another unit's. A notice holds the order's number and dates only,
no personal data.

Public functions: ``unit_queue``, ``unit_view``, ``act``, ``deadline``,
``unit_has_orders``, ``unit_notices``; constants ``UNIT_ACTIONS``, ``QUEUE_STATUSES``,
``MAX_LIMIT``, ``MAX_NOTICE_LIMIT``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypeGuard

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cases import lifecycle, notifications
from cases.disclosure import (
    ShownPerson,
    contact_shown,
    work_order_personal_fields,
    work_order_text_shown,
)
from cases.models import Notification, WorkOrder
from cases.repositories import department as repository
from cases.repositories import work_orders as work_order_repository
from cases.workdays import add_working_days
from foundation import clock
from foundation.errors import NotFoundError, ValidationFailed

UNIT_ACTIONS = ("sign", "start", "complete", "return", "request_extension")
# Waiting for the unit: to be signed for, or handled.
QUEUE_STATUSES = ("dispatched", "signed", "in_progress")
# The unit handles it now, and is shown the contact to call back.
HANDLING = ("signed", "in_progress")
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# A deadline this many working days away or nearer is marked as near.
NEAR_WORKING_DAYS = 1
EXCERPT_CHARS = 80
MAX_ACTOR_CHARS = 100
DEFAULT_NOTICE_LIMIT = 30
MAX_NOTICE_LIMIT = 100


@dataclass(frozen=True)
class Deadline:
    """The deadline that matters now, and how near it is.

    ``kind`` is "sign" (签收) for an order not yet signed for, "handle" (办结) after;
    ``urgency`` is "overdue" (past), "near" (today or the next working day) or
    "on_time".
    """

    kind: str
    due: dt.date
    urgency: str


@dataclass(frozen=True)
class QueueEntry:
    """An order in a unit's queue: no personal data in clear."""

    order: WorkOrder
    excerpt: str
    deadline: Deadline


@dataclass(frozen=True)
class Queue:
    entries: list[QueueEntry]
    # All the orders waiting for the unit, beyond those listed too.
    total: int


@dataclass(frozen=True)
class UnitView:
    """An order as its unit is shown it; ``in_clear`` names the personal fields shown
    in clear, for the audit log (none before signing and after 办结)."""

    order: WorkOrder
    contact: ShownPerson
    description: str
    address: str | None
    result: str | None
    notes: list[str | None]
    deadline: Deadline | None
    actions: list[str]
    in_clear: tuple[str, ...]


@dataclass(frozen=True)
class Notice:
    """A notice the centre sent the unit about one of its orders.

    ``kind`` is "sign_overdue", "due_warning" or "overdue" (``cases.time_limits``);
    ``in_queue`` says whether the order still waits for this unit, so that the notice
    can open it (one dispatched elsewhere since, or done with, cannot be).
    """

    id: int
    number: str
    kind: str
    text: str
    created_at: dt.datetime
    in_queue: bool


@dataclass(frozen=True)
class Notices:
    notices: list[Notice]
    # All the notices the unit was sent, beyond those listed too.
    total: int


def deadline(order: WorkOrder, today: dt.date) -> Deadline | None:
    """The order's deadline for its unit now; None once the unit is done with it."""
    if order.status == "dispatched":
        kind, due = "sign", order.sign_due_date or order.due_date
    elif order.status in HANDLING:
        kind, due = "handle", order.due_date
    else:
        return None
    if due < today:
        urgency = "overdue"
    elif due <= add_working_days(today, NEAR_WORKING_DAYS):
        urgency = "near"
    else:
        urgency = "on_time"
    return Deadline(kind, due, urgency)


def unit_queue(
    session: Session,
    unit: str,
    *,
    limit: int = DEFAULT_LIMIT,
    today: dt.date | None = None,
) -> Queue:
    """The unit's orders waiting for it, the nearest deadline first.

    Args:
        unit: the unit's name, as its token is scoped.
        limit: at most this many, 1 to ``MAX_LIMIT``.
        today: the day urgency is reckoned from; today in Shanghai by default.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed("limit", f"between 1 and {MAX_LIMIT}")
    today = today or clock.now().date()
    orders = repository.unit_orders(session, unit, QUEUE_STATUSES, limit)
    # Every queued status has a deadline.
    entries = [
        QueueEntry(order, _excerpt(order), due)
        for order in orders
        if (due := deadline(order, today)) is not None
    ]
    total = (
        len(entries)
        if len(entries) < limit
        else repository.count_unit_orders(session, unit, QUEUE_STATUSES)
    )
    return Queue(entries, total)


def unit_view(
    session: Session, unit: str, number: str, today: dt.date | None = None
) -> UnitView:
    """The order ``number`` as ``unit`` is shown it.

    Raises:
        NotFoundError: no such order, or another unit's: the same answer.
    """
    order = work_order_repository.get_work_order(session, number)
    if not _sent_to(order, unit):
        raise NotFoundError("work order", number)
    return view_of(order, today)


def _sent_to(order: WorkOrder | None, unit: str) -> TypeGuard[WorkOrder]:
    """Whether ``order`` has reached ``unit``. One still in the centre's review queue
    names the unit suggested for it, which the agent may yet change: the unit has not
    been sent it, and by its number finds nothing."""
    return (
        order is not None and order.unit_name == unit and order.status != "registered"
    )


def view_of(order: WorkOrder, today: dt.date | None = None) -> UnitView:
    """``order`` as its unit is shown it, in its state now."""
    handling = order.status in HANDLING
    return UnitView(
        order=order,
        contact=contact_shown(order, staff=handling),
        description=work_order_text_shown(order, order.description, staff=handling)
        or "",
        address=work_order_text_shown(order, order.address, staff=handling),
        result=work_order_text_shown(order, order.result, staff=handling),
        notes=[
            work_order_text_shown(order, update.note, staff=handling)
            for update in order.updates
        ],
        deadline=deadline(order, today or clock.now().date()),
        actions=[
            action
            for action in lifecycle.allowed_actions(order, lifecycle.UNIT)
            if action in UNIT_ACTIONS
        ],
        in_clear=work_order_personal_fields(order) if handling else (),
    )


def act(
    session: Session,
    unit: str,
    actor: str,
    number: str,
    action: str,
    *,
    note: str | None = None,
    days: int | None = None,
    now: dt.datetime | None = None,
) -> WorkOrder:
    """``unit`` takes ``action`` on its order ``number``, through the lifecycle.

    The order is locked before its unit is checked, so a 改派 at the same moment
    cannot let the unit it left act on it.

    Args:
        actor: who at the unit, recorded in the order's history with the unit.
        action: one of ``UNIT_ACTIONS``.
        note: the 办理结果 to complete, the reason to return or ask for an extension.
        days: the working days an extension asks for.

    Raises:
        NotFoundError: no such order, or another unit's: the same answer.
        ValidationFailed: not a unit's action, or the lifecycle refuses it (the
            order's state does not allow it, a reason or the days are missing).
    """
    order = work_order_repository.lock_work_order(session, number)
    if not _sent_to(order, unit):
        raise NotFoundError("work order", number)
    if action not in UNIT_ACTIONS:
        raise ValidationFailed("action", f"one of {', '.join(UNIT_ACTIONS)}")
    return lifecycle.apply(
        session,
        number,
        lifecycle.Step(
            action,
            f"{unit} {actor}"[:MAX_ACTOR_CHARS],
            lifecycle.UNIT,
            note=(note or "").strip() or None,
            days=days,
        ),
        now,
    )


def unit_has_orders(session: Session, unit: str) -> bool:
    """Whether any order was ever sent to ``unit``: a misspelt name has none."""
    return repository.unit_has_orders(session, unit)


def unit_notices(
    session: Session, unit: str, *, limit: int = DEFAULT_NOTICE_LIMIT
) -> Notices:
    """The notices sent to ``unit``, the newest first.

    Args:
        unit: the unit's name, as its token is scoped.
        limit: at most this many, 1 to ``MAX_NOTICE_LIMIT``.

    Raises:
        ValidationFailed: the limit is out of bounds.
    """
    if not 1 <= limit <= MAX_NOTICE_LIMIT:
        raise ValidationFailed("limit", f"between 1 and {MAX_NOTICE_LIMIT}")
    addressed = (
        Notification.audience == notifications.UNIT,
        Notification.recipient == unit,
    )
    rows = session.execute(
        select(Notification, WorkOrder.number, WorkOrder.unit_name, WorkOrder.status)
        .join(WorkOrder, Notification.work_order_id == WorkOrder.id)
        .where(*addressed)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    ).all()
    listed = [
        Notice(
            id=notice.id,
            number=number,
            kind=notice.kind,
            text=notice.text,
            created_at=notice.created_at,
            in_queue=handled_by == unit and status in QUEUE_STATUSES,
        )
        for notice, number, handled_by, status in rows
    ]
    total = (
        len(listed)
        if len(listed) < limit
        else int(
            session.scalar(select(func.count(Notification.id)).where(*addressed)) or 0
        )
    )
    return Notices(listed, total)


def _excerpt(order: WorkOrder) -> str:
    text = work_order_text_shown(order, order.description) or ""
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"
