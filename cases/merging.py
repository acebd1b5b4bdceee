"""One event, one case: a report of an event already open joins that event's order.

When fifty neighbours report one broken street light, the unit gets one task and the
centre makes one 回访 round, yet every reporter is heard. A new report is compared with
the open orders of its district filed within the matching window, in its street or of
its category (``cases.duplicates`` decides what is the same event). One that matches is
kept as an order of its own, with its reporter's contact and words, in the status
``merged`` and pointing at the order that is handled; its reporter hears of that
order's progress and is asked for the 回访 like the first reporter (``cases.lifecycle``).

Agents see the candidates of any open order with their similarity, merge two orders
the matcher missed, and split a report that was joined wrongly; a citizen told their
report was joined may insist on an order of their own. A split report goes back to the
review queue, to be dispatched as any new order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from cases import lifecycle, notifications
from cases.duplicates import WINDOW, Match, Report, candidates, similarity
from cases.models import WorkOrder, WorkOrderUpdate
from cases.repositories import work_orders as repository
from cases.workdays import add_working_days
from foundation import clock
from foundation.errors import NotFoundError, ValidationFailed

ASSISTANT = "hotline-assistant"
MERGED = "merged"
# What may be merged, and into what: an order still being handled. A finished one has
# had its 回访; a new report of the event is news for a new order.
MERGEABLE = ("registered", "dispatched", "signed", "in_progress", "returned")
SATISFACTION_TEXT = lifecycle.SATISFACTION_TEXT


@dataclass(frozen=True)
class Duplicate:
    """An open order a report may repeat, and why."""

    order: WorkOrder
    match: Match


def report_of(order: WorkOrder) -> Report:
    return Report(
        key=order.number,
        text=order.description,
        reported_at=order.created_at,
        category=order.category.code,
        district=order.district,
        street=order.street,
        address=order.address,
    )


def find_duplicates(
    session: Session,
    report: Report,
    category_id: int,
    street_code: str | None,
    exclude: str | None = None,
    limit: int = 5,
    filed_before: bool = False,
) -> list[Duplicate]:
    """The open orders that ``report`` is likely about the same event as, best first.

    Nothing without a district: the same event is the same place.

    Args:
        filed_before: only orders filed before the report (a report being filed joins
            an order already there); else also those filed after it (an agent
            comparing two orders).
    """
    if not report.district:
        return []
    orders = {
        order.number: order
        for order in repository.open_in_place(
            session,
            report.district,
            street_code,
            category_id,
            report.reported_at - WINDOW,
            report.reported_at if filed_before else None,
            MERGEABLE,
        )
        if order.number != exclude
    }
    found = candidates(report, (report_of(o) for o in orders.values()), limit)
    return [Duplicate(orders[match.key], match) for match in found]


def duplicates_of(session: Session, number: str, limit: int = 5) -> list[Duplicate]:
    """An order's candidates for the agent console.

    Raises:
        NotFoundError: no such order.
    """
    order = _order(session, number)
    return find_duplicates(
        session,
        report_of(order),
        order.category_id,
        order.street_code,
        exclude=order.number,
        limit=limit,
    )


def join(
    order: WorkOrder,
    into: WorkOrder,
    match: Match,
    actor: str,
    now: dt.datetime,
) -> None:
    """Make ``order`` a report of ``into``'s event: it leaves any unit's queue, takes
    the event's category, unit and time limit, and both histories say so."""
    order.status = MERGED
    order.merged_into = into
    order.duplicate_score = match.score
    order.category = into.category
    order.department = into.department
    order.unit_level, order.unit_name = into.unit_level, into.unit_name
    order.due_date = into.due_date
    order.sign_due_date = None
    order.updated_at = now
    why = f"相似度 {match.score:.2f}" + (
        f"：{'、'.join(match.reasons)}" if match.reasons else ""
    )
    order.updates.append(
        WorkOrderUpdate(
            status=MERGED,
            action="merge",
            note=f"与工单 {into.number} 反映同一事件（{why}），合并办理",
            actor=actor,
            created_at=now,
        )
    )
    into.updates.append(
        WorkOrderUpdate(
            status=into.status,
            action="join",
            note=f"并入市民反映：工单 {order.number}（{why}）",
            actor=actor,
            created_at=now,
        )
    )


def merge(
    session: Session,
    number: str,
    into: str,
    actor: str,
    now: dt.datetime | None = None,
) -> WorkOrder:
    """An agent joins the order ``number`` (and any reports joined to it) to ``into``;
    its citizen is told.

    Raises:
        NotFoundError: either order does not exist.
        ValidationFailed: the same order, or one of them is not being handled.
    """
    if number == into:
        raise ValidationFailed("into", "an order cannot be merged into itself")
    order, target = _order(session, number, lock=True), _order(session, into, lock=True)
    for which, candidate in (("number", order), ("into", target)):
        if candidate.status not in MERGEABLE:
            raise ValidationFailed(
                which,
                f"work order {candidate.number} is {candidate.status}: only an order "
                "still being handled can be merged",
            )
    now = now or clock.now()
    score, reasons = similarity(report_of(order), report_of(target))
    join(order, target, Match(order.number, score, reasons), actor, now)
    for joined in list(order.joined):
        joined.merged_into = target
        joined.updated_at = now
    session.flush()
    _tell_merged(session, order, target, now)
    return order


def split(
    session: Session,
    number: str,
    actor: str,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> WorkOrder:
    """A merged report becomes an order of its own again, back in the review queue with
    a fresh time limit from today.

    Raises:
        NotFoundError: no such order.
        ValidationFailed: it is not a merged report.
    """
    order = _order(session, number, lock=True)
    if order.status != MERGED or order.merged_into is None:
        raise ValidationFailed("number", f"work order {number} is not merged")
    now = now or clock.now()
    handled = order.merged_into
    said = (note or "").strip() or "拆分为单独工单"
    order.status = "registered"
    order.merged_into = None
    order.duplicate_score = None
    order.dispatch_method = None
    order.due_date = add_working_days(now.date(), order.category.time_limit_days)
    order.updated_at = now
    order.updates.append(
        WorkOrderUpdate(
            status="registered",
            action="split",
            note=f"从工单 {handled.number} 拆出：{said}",
            actor=actor,
            created_at=now,
        )
    )
    handled.updates.append(
        WorkOrderUpdate(
            status=handled.status,
            action="split",
            note=f"拆出工单 {order.number}：{said}",
            actor=actor,
            created_at=now,
        )
    )
    session.flush()
    return order


def separate_latest(
    session: Session, session_id: str, now: dt.datetime | None = None
) -> WorkOrder | None:
    """The citizen insists on an order of their own: their newest merged report is
    split; None when the conversation has none."""
    order = repository.latest_merged_in_conversation(session, session_id)
    if order is None:
        return None
    return split(session, order.number, "市民", "市民要求单独立案", now)


def record_visit(
    session: Session,
    order: WorkOrder,
    satisfaction: str,
    comment: str | None,
    now: dt.datetime | None = None,
) -> WorkOrder:
    """A joined reporter's 回访: kept on their report and told to the handled order's
    history. The handled order's own 回访 decides its 重办; this one is counted, and an
    agent reviewing the order reads it."""
    if satisfaction not in SATISFACTION_TEXT:
        raise ValidationFailed("satisfaction", f"one of {', '.join(SATISFACTION_TEXT)}")
    now = now or clock.now()
    order.satisfaction = satisfaction
    order.visited_at = now
    said = f"回访：{SATISFACTION_TEXT[satisfaction]}" + (
        f"。{comment}" if comment else ""
    )
    order.updates.append(
        WorkOrderUpdate(
            status=MERGED, action="visit", note=said, actor="市民", created_at=now
        )
    )
    handled = order.merged_into
    if handled is not None:
        handled.updates.append(
            WorkOrderUpdate(
                status=handled.status,
                action="joined_visit",
                note=f"合并反映人（工单 {order.number}）{said}",
                actor="市民",
                created_at=now,
            )
        )
    session.flush()
    return order


def joined_reports(session: Session, number: str) -> list[WorkOrder]:
    """The reports merged into an order, for the agent console.

    Raises:
        NotFoundError: no such order.
    """
    return list(_order(session, number).joined)


def _tell_merged(
    session: Session, order: WorkOrder, into: WorkOrder, now: dt.datetime
) -> None:
    if order.language == "en":
        text = (
            f"Your report (work order {order.number}) is about the same problem as "
            f"work order {into.number}, which is already being handled; the two are "
            "now handled together, and you will hear of its progress and result."
        )
    else:
        text = (
            f"您反映的问题（工单编号 {order.number}）与工单 {into.number} 为同一事件，"
            "已合并办理，办理进展和结果将一并告知您。"
        )
    notifications.owe(
        session,
        order,
        "status",
        f"merged-{into.number}",
        notifications.CITIZEN,
        text,
        now,
    )


def _order(session: Session, number: str, lock: bool = False) -> WorkOrder:
    order = (
        repository.lock_work_order(session, number)
        if lock
        else repository.get_work_order(session, number)
    )
    if order is None:
        raise NotFoundError("work order", number)
    return order
