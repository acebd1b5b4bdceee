"""The centre's desk (热线中心): the work orders waiting for an agent after dispatch.

A module of its own, beside ``cases.department_desk``, because the two answer
opposite questions: a unit's desk is scoped to one unit and must never show it
another's order, while the centre sees every unit's orders and decides what only it
may decide. Kept apart, the unit's scoping rule stays short enough to read at a glance.

An order needs the centre (``REASONS``, in the order they are listed) when:

- ``returned``: its unit returned it (退回) with a reason; it waits to be dispatched
  again (改派, to the same category or another) or closed;
- ``extension``: its unit asked for more working days (延期) and waits for the
  centre to approve or refuse;
- ``overdue``: it is past its signing or handling time limit;
- ``supervised``: it was escalated (督办) and is still open, so the centre follows it
  up until it is handled;
- ``visit``: it is completed and its 回访 is not recorded. A citizen who filed it in
  a conversation was asked there, and has ``VISIT_WAIT_WORKING_DAYS`` working days to
  answer before an agent phones; an order filed without a conversation is the
  centre's to phone at once;
- ``close``: it is visited and waits to be closed (结案).

An order may have several reasons (overdue and escalated, say); it is listed once,
under the first. Within a reason the longest untouched comes first. What is listed is
masked (the description's start, the unit's notes): acting on an order needs no
personal data, and reading an order in full is a separate, audited request.

What the centre does with them is ``cases.lifecycle`` with the role ``CENTRE`` and
``cases.work_orders.dispatch_work_order`` for 改派.

Public functions: ``centre_queue``, ``dispatch_categories``, ``visit_cutoff``;
constants ``REASONS``, ``VISIT_WAIT_WORKING_DAYS``, ``MAX_LIMIT``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.elements import Case, ColumnElement, Label

from cases import lifecycle
from cases.department_desk import Deadline, deadline
from cases.disclosure import work_order_text_shown
from cases.models import WorkOrder, WorkOrderUpdate
from cases.workdays import add_working_days, working_days_between
from foundation import clock
from foundation.errors import ValidationFailed
from knowledge_base.models import WorkOrderCategory
from knowledge_base.repositories.work_order_categories import list_categories

REASONS = ("returned", "extension", "overdue", "supervised", "visit", "close")
# A citizen asked for the 回访 in the chat has this long to answer before an agent
# phones: the 回访 is then still made within three working days of 办结.
VISIT_WAIT_WORKING_DAYS = 2
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
EXCERPT_CHARS = 80
# Still with a unit, its time limits running.
WITH_UNIT = ("dispatched", "signed", "in_progress")


@dataclass(frozen=True)
class Remark:
    """A step of the order's history the centre acts on: who, when, and what they
    wrote (personal data masked)."""

    actor: str
    at: dt.datetime
    note: str | None


@dataclass(frozen=True)
class CentreEntry:
    """An order waiting for the centre, with what the centre needs to decide."""

    order: WorkOrder
    # Why it waits, the first deciding where it is listed.
    reasons: tuple[str, ...]
    excerpt: str
    # The unit's 退回 and its reason (returned).
    returned: Remark | None
    # The unit's 延期 request and its reason, and the due date if approved.
    extension: Remark | None
    extended_due: dt.date | None
    # The time limit that matters now, while a unit has it.
    deadline: Deadline | None
    # The 办理结果 (masked), for the 回访 and 结案.
    result: str | None
    # The centre's actions the lifecycle allows now; "dispatch" is 改派.
    actions: tuple[str, ...]


@dataclass(frozen=True)
class CentreQueue:
    entries: list[CentreEntry]
    # All the orders per reason (an order counts under each of its reasons), whether
    # listed or not, and whatever reason was asked for: the tabs' figures.
    counts: dict[str, int]
    # Orders waiting for the centre (for the reason asked, if one was), listed or not.
    total: int
    # Orders waiting for the centre, whatever reason was asked.
    waiting: int


def visit_cutoff(today: dt.date) -> dt.date:
    """The latest day of 办结 whose citizen has had ``VISIT_WAIT_WORKING_DAYS`` working
    days to answer the 回访 in the chat by ``today``."""
    day = today
    while working_days_between(day, today) < VISIT_WAIT_WORKING_DAYS:
        day -= dt.timedelta(days=1)
    return day


def _conditions(today: dt.date) -> dict[str, ColumnElement[Any]]:
    """Each reason as a condition on the order, in the order of ``REASONS``."""
    asked_long_enough = WorkOrder.completed_at < dt.datetime.combine(
        visit_cutoff(today) + dt.timedelta(days=1), dt.time()
    )
    return {
        "returned": WorkOrder.status == "returned",
        "extension": and_(
            WorkOrder.status.in_(("signed", "in_progress")),
            WorkOrder.extension_days.is_not(None),
        ),
        "overdue": or_(
            and_(WorkOrder.status == "dispatched", WorkOrder.sign_due_date < today),
            and_(WorkOrder.status.in_(WITH_UNIT), WorkOrder.due_date < today),
        ),
        "supervised": and_(
            WorkOrder.status.in_(lifecycle.OPEN), WorkOrder.supervision_count > 0
        ),
        "visit": and_(
            WorkOrder.status == "completed",
            or_(WorkOrder.session_id.is_(None), asked_long_enough),
        ),
        "close": WorkOrder.status == "visited",
    }


def centre_queue(
    session: Session,
    *,
    reason: str | None = None,
    limit: int = DEFAULT_LIMIT,
    today: dt.date | None = None,
) -> CentreQueue:
    """The orders waiting for the centre, by reason (``REASONS``' order), the longest
    untouched first within each.

    Args:
        reason: only the orders with this reason, one of ``REASONS``; all by default.
        limit: at most this many, 1 to ``MAX_LIMIT``.
        today: the day time limits are reckoned on; today in Shanghai by default.

    Raises:
        ValidationFailed: an unknown reason, or the limit out of bounds.
    """
    if reason is not None and reason not in REASONS:
        raise ValidationFailed("reason", f"one of {', '.join(REASONS)}")
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed("limit", f"between 1 and {MAX_LIMIT}")
    today = today or clock.now().date()
    conditions = _conditions(today)
    waiting = or_(*conditions.values())
    priority: Case[Any] = case(
        *((condition, rank) for rank, condition in enumerate(conditions.values())),
        else_=len(conditions),
    )
    # Each reason's condition read once, by the database, for the order's reasons.
    flags: list[Label[Any]] = [
        case((condition, 1), else_=0).label(name)
        for name, condition in conditions.items()
    ]
    rows = session.execute(
        select(WorkOrder, *flags)
        .where(conditions[reason] if reason else waiting)
        .options(
            selectinload(WorkOrder.category),
            selectinload(WorkOrder.department),
            selectinload(WorkOrder.updates),
        )
        .order_by(priority, WorkOrder.updated_at, WorkOrder.id)
        .limit(limit)
    ).all()
    counted: list[Any] = [
        func.count(WorkOrder.id),
        *(func.coalesce(func.sum(flag.element), 0) for flag in flags),
    ]
    everyone, *per_reason = session.execute(select(*counted).where(waiting)).one()
    counts = dict(zip(REASONS, (int(n) for n in per_reason), strict=True))
    return CentreQueue(
        entries=[
            _entry(
                row[0],
                tuple(
                    name for name, flag in zip(REASONS, row[1:], strict=True) if flag
                ),
                today,
            )
            for row in rows
        ],
        counts=counts,
        total=counts[reason] if reason else int(everyone),
        waiting=int(everyone),
    )


def dispatch_categories(session: Session) -> list[WorkOrderCategory]:
    """The categories an order may be dispatched to (派单, 改派), with their lead
    department, by code."""
    return list_categories(session)


def _entry(order: WorkOrder, reasons: tuple[str, ...], today: dt.date) -> CentreEntry:
    returned = _last(order, "return") if order.status == "returned" else None
    pending = order.extension_days is not None
    return CentreEntry(
        order=order,
        reasons=reasons,
        excerpt=_excerpt(order),
        returned=returned,
        extension=_last(order, "request_extension") if pending else None,
        extended_due=(
            add_working_days(order.due_date, order.extension_days or 0)
            if pending
            else None
        ),
        deadline=deadline(order, today),
        result=work_order_text_shown(order, order.result),
        actions=tuple(lifecycle.allowed_actions(order, lifecycle.CENTRE)),
    )


def _last(order: WorkOrder, action: str) -> Remark | None:
    step: WorkOrderUpdate | None = next(
        (update for update in reversed(order.updates) if update.action == action),
        None,
    )
    if step is None:
        return None
    return Remark(
        actor=step.actor,
        at=step.created_at,
        note=work_order_text_shown(order, step.note),
    )


def _excerpt(order: WorkOrder) -> str:
    text = work_order_text_shown(order, order.description) or ""
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"
