"""Watching every open work order's time limits, as the centre's duty officer would.

One sweep, run by the scheduler's lease holder every minute or so:

- a dispatched order not signed by its signing day is escalated (督办) and its unit told;
- an order at 80% of its handling time is flagged to its unit, once per due date (an
  approved extension moves the due date, so it is warned again);
- an order past its due date is escalated (督办) once per due date, and its unit told;
- a completed order's citizen is asked for the 回访 once per round of handling.

Everything a sweep does is recorded as notifications unique per order, kind and key, so
sweeping twice, or after a restart, does nothing twice. Time is the caller's ``now``, so
a simulated month runs in seconds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import String, and_, cast, exists, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Exists, Select

from cases import lifecycle, notifications
from cases.models import Notification, WorkOrder
from cases.workdays import add_working_days, working_days_between

WARN_AT_SHARE = 0.8
HANDLING = ("dispatched", "signed", "in_progress")
# The 80% point lies at most this many calendar days before the due date (30 working
# days' 20%, over holidays).
WARNING_HORIZON_DAYS = 16
SYSTEM_ACTOR = "time-limit-watch"


@dataclass
class SweepReport:
    sign_overdue: int = 0
    warned: int = 0
    overdue: int = 0
    visits_asked: int = 0


@lru_cache(maxsize=4096)
def warning_day(created: dt.date, due: dt.date) -> dt.date:
    """The working day by which 80% of the handling time has passed."""
    total = working_days_between(created, due)
    return add_working_days(created, int(total * WARN_AT_SHARE + 0.999))


def sweep(session: Session, now: dt.datetime) -> SweepReport:
    """Act on every time limit reached by ``now``; commits nothing (the caller does)."""
    today = now.date()
    report = SweepReport()
    for order in _not_yet(
        session,
        select(WorkOrder).where(
            WorkOrder.status == "dispatched", WorkOrder.sign_due_date < today
        ),
        "sign_overdue",
        WorkOrder.sign_due_date,
    ):
        if _owe_unit(session, order, "sign_overdue", order.sign_due_date, now):
            _escalate(
                session,
                order,
                f"逾期未签收（签收时限 {order.sign_due_date}），督办",
                now,
            )
            report.sign_overdue += 1
    for order in _not_yet(
        session,
        select(WorkOrder).where(
            WorkOrder.status.in_(HANDLING), WorkOrder.due_date < today
        ),
        "overdue",
        WorkOrder.due_date,
    ):
        if _owe_unit(session, order, "overdue", order.due_date, now):
            _escalate(
                session, order, f"超过办理期限（{order.due_date}）未办结，督办", now
            )
            report.overdue += 1
    for order in _due_for_warning(session, today):
        if _owe_unit(session, order, "due_warning", order.due_date, now):
            report.warned += 1
    for order in _not_yet(
        session,
        select(WorkOrder).where(WorkOrder.status == "completed"),
        "visit_request",
        WorkOrder.reopened_count,
    ):
        key = str(order.reopened_count)
        asked = notifications.owe(
            session,
            order,
            "visit_request",
            key,
            notifications.CITIZEN,
            lifecycle.visit_question(order),
            now,
        )
        if asked is not None:
            report.visits_asked += 1
    return report


def _not_yet(
    session: Session, statement: Select, kind: str, day: ColumnElement[Any]
) -> list[WorkOrder]:
    """The orders ``statement`` selects, less those already noticed of ``kind`` for
    ``day`` (their current signing or due date): a sweep reads only what is new."""
    return list(session.scalars(statement.where(~_noticed(kind, day))))


def _due_for_warning(session: Session, today: dt.date) -> list[WorkOrder]:
    """The handled orders past their 80% point and not yet warned for their due date.

    Only three columns of each candidate are read to find them (the calendar is not in
    the database), and only the orders to warn are loaded whole: with many open orders
    due soon, a sweep every minute stays cheap.
    """
    horizon = today + dt.timedelta(days=WARNING_HORIZON_DAYS)
    candidates = session.execute(
        select(WorkOrder.id, WorkOrder.created_at, WorkOrder.due_date).where(
            WorkOrder.status.in_(HANDLING),
            WorkOrder.due_date >= today,
            WorkOrder.due_date <= horizon,
            ~_noticed("due_warning", WorkOrder.due_date),
        )
    ).all()
    due = [
        order_id
        for order_id, created_at, due_date in candidates
        if warning_day(created_at.date(), due_date) <= today
    ]
    if not due:
        return []
    return list(
        session.scalars(
            select(WorkOrder).where(WorkOrder.id.in_(due)).order_by(WorkOrder.id)
        )
    )


def _noticed(kind: str, day: ColumnElement[Any]) -> Exists:
    return exists().where(
        and_(
            Notification.work_order_id == WorkOrder.id,
            Notification.kind == kind,
            Notification.key == cast(day, String),
        )
    )


def _owe_unit(
    session: Session, order: WorkOrder, kind: str, day: dt.date | None, now: dt.datetime
) -> bool:
    texts = {
        "sign_overdue": f"工单 {order.number} 已超过签收时限（{day}），请立即签收。",
        "due_warning": f"工单 {order.number} 已用去八成办理时间，办理期限 {day}，请抓紧办理。",
        "overdue": f"工单 {order.number} 已超过办理期限（{day}），已转督办。",
    }
    return (
        notifications.owe(
            session, order, kind, str(day), notifications.UNIT, texts[kind], now
        )
        is not None
    )


def _escalate(session: Session, order: WorkOrder, note: str, now: dt.datetime) -> None:
    lifecycle.apply(
        session,
        order.number,
        lifecycle.Step("supervise", SYSTEM_ACTOR, lifecycle.SYSTEM, note=note),
        now,
    )
