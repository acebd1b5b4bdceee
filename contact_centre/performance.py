"""What the centre's managers see: how the hotline and its handling units perform.

The agent dashboard (``analytics``) is one day at the console; this is the longer view
a manager reports on: reports filed, completed and closed per day and per ISO week,
each handling unit's signing and handling on time (签收及时率, 办结及时率), the orders
past their time limit (超期) and escalated (督办), the 回访's satisfaction per unit
and per category, how much dispatch the model did alone, and the week's hot topics.

Every figure is a ``select()`` over the work orders and their history, so nothing is
kept twice. No citizen's personal data leaves this module: orders are listed by
number, category and unit, never by who filed them or what they wrote (hot topics
come with ``cases.hot_topics``'s masked examples). Days are Shanghai's calendar days,
as ``foundation.clock`` keeps time.

A report joined into another order (``MERGED_STATUSES``) was still a report: it counts
among the reports filed, but its handling is the other order's, so it is left out of
the on-time rates and the satisfaction. Praise (``cases.praise``) is no report and asks
nothing of its unit: none of these figures count it, and it is counted apart, per unit
(``praise_by_unit``), as centres weigh 表扬件 beside 满意率 when they assess units.

Public functions: ``overview``, ``period``, ``trends``, ``on_time_rates``,
``overdue_orders``, ``escalated_orders``, ``satisfaction_by_unit``,
``satisfaction_by_category``, ``praise_by_unit``, ``dispatch_share``, ``hot_topics``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Boolean, Integer, and_, case, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from cases.hot_topics import HotTopic, recent_hot_topics
from cases.lifecycle import OPEN, SATISFACTION
from cases.merging import MERGED
from cases.models import (
    DISPATCH_METHODS,
    PRAISE,
    PROBLEM,
    WorkOrder,
    WorkOrderUpdate,
)
from cases.time_limits import HANDLING
from foundation import clock
from foundation.errors import ValidationFailed
from knowledge_base.models import Department, WorkOrderCategory

# Statuses of reports joined into another order (cases.merging): counted as reports
# filed, but their handling and 回访 are the other order's, judged there.
MERGED_STATUSES = (MERGED,)
# What the trend lines count besides the reports: steps in an order's history.
COMPLETED, CLOSED = "completed", "closed"
# How far back a manager may look: a year and a bit, so that a query stays cheap.
MAX_DAYS = 366
MAX_WEEKS = 53
SATISFIED = ("satisfied", "basically_satisfied")


@dataclass(frozen=True)
class Period:
    """Calendar days ``first`` to ``last``, both included (Shanghai)."""

    first: dt.date
    last: dt.date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def start(self) -> dt.datetime:
        """Midnight opening the first day, as the tables keep time (naive Shanghai)."""
        return dt.datetime.combine(self.first, dt.time.min)

    @property
    def end(self) -> dt.datetime:
        """Midnight closing the last day: the period is [start, end)."""
        return dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time.min)


@dataclass(frozen=True)
class DayCount:
    day: dt.date
    reports: int
    completed: int
    closed: int


@dataclass(frozen=True)
class WeekCount:
    """One ISO week (Monday to Sunday); the current one is counted so far."""

    week: str  # "2026-W50"
    first: dt.date
    last: dt.date
    reports: int
    completed: int
    closed: int


@dataclass(frozen=True)
class Trends:
    daily: list[DayCount]
    weekly: list[WeekCount]


@dataclass(frozen=True)
class UnitTimeliness:
    """A handling unit's time limits kept and missed; a rate is None with nothing to
    judge yet."""

    unit: str
    signed_on_time: int
    signed_late: int
    sign_rate: float | None
    handled_on_time: int
    handled_late: int
    handle_rate: float | None


@dataclass(frozen=True)
class ListedOrder:
    """An order in the overdue or escalated list: what it is and where, never who."""

    number: str
    category: str
    unit: str | None
    district: str | None
    status: str
    due_date: dt.date
    days_overdue: int
    supervision_count: int
    supervised_at: dt.datetime | None


@dataclass(frozen=True)
class OrderList:
    """The first orders of a list, and how many there are in all."""

    total: int
    orders: list[ListedOrder]


@dataclass(frozen=True)
class SatisfactionCount:
    """回访 answers for one unit or category; ``share`` is 满意 and 基本满意 over all."""

    name: str
    satisfied: int
    basically_satisfied: int
    dissatisfied: int
    total: int
    share: float | None


@dataclass(frozen=True)
class PraiseCount:
    """The praise citizens gave one handling unit (表扬件)."""

    unit: str
    count: int


@dataclass(frozen=True)
class DispatchCount:
    """How the orders filed on a day (or over the period: ``day`` None) reached their
    unit; ``automatic_share`` is the model's alone over all dispatched."""

    day: dt.date | None
    automatic: int
    agent_confirmed: int
    agent_corrected: int
    total: int
    automatic_share: float | None


@dataclass(frozen=True)
class DispatchShare:
    daily: list[DispatchCount]
    period: DispatchCount


@dataclass(frozen=True)
class Overview:
    """Everything the managers' dashboard shows, for one period."""

    period: Period
    today: dt.date
    trends: Trends
    on_time: list[UnitTimeliness]
    overdue: OrderList
    escalated: OrderList
    satisfaction_units: list[SatisfactionCount]
    satisfaction_categories: list[SatisfactionCount]
    praise_units: list[PraiseCount]
    dispatch: DispatchShare
    hot_topics: list[HotTopic]


def period(days: int, today: dt.date | None = None) -> Period:
    """The last ``days`` calendar days, today included.

    Raises:
        ValidationFailed: ``days`` is not between 1 and ``MAX_DAYS``.
    """
    if not 1 <= days <= MAX_DAYS:
        raise ValidationFailed("days", f"between 1 and {MAX_DAYS}")
    last = today or clock.now().date()
    return Period(last - dt.timedelta(days=days - 1), last)


def overview(
    session: Session,
    days: int = 30,
    *,
    trend_days: int = 7,
    trend_weeks: int = 4,
    list_limit: int | None = 100,
    now: dt.datetime | None = None,
) -> Overview:
    """The managers' dashboard for the last ``days`` days.

    Args:
        days: the period the rates, lists of escalations, satisfaction and dispatch
            cover, today included.
        trend_days: how many days the daily trend shows (近7天 by default).
        trend_weeks: how many ISO weeks the weekly trend shows (近4周).
        list_limit: at most this many orders in each list (None: all); the totals
            count them all.
        now: the time to report at (Shanghai); now by default.
    """
    now = now or clock.now()
    today = now.date()
    span = period(days, today)
    return Overview(
        period=span,
        today=today,
        trends=trends(session, trend_days, trend_weeks, today=today),
        on_time=on_time_rates(session, span, today=today),
        overdue=overdue_orders(session, today=today, limit=list_limit),
        escalated=escalated_orders(session, span, today=today, limit=list_limit),
        satisfaction_units=satisfaction_by_unit(session, span),
        satisfaction_categories=satisfaction_by_category(session, span),
        praise_units=praise_by_unit(session, span),
        dispatch=dispatch_share(session, span),
        hot_topics=hot_topics(session, now=now),
    )


def trends(
    session: Session, days: int = 7, weeks: int = 4, *, today: dt.date | None = None
) -> Trends:
    """Reports filed, completed and closed per day and per ISO week, empty ones as 0.

    A report is a work order filed (merged ones too: each was a citizen's call). An
    order is counted completed (已办结) or closed (已结案) on the day its history
    records the step; an order reopened after a 不满意 回访 and completed again counts
    again that day, as the unit did the work twice.

    Args:
        days: the last so many days, today included.
        weeks: the last so many ISO weeks, the current one (so far) included.
    """
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValidationFailed("weeks", f"between 1 and {MAX_WEEKS}")
    daily_span = period(days, today)
    last = daily_span.last
    this_monday = last - dt.timedelta(days=last.weekday())
    first_monday = this_monday - dt.timedelta(weeks=weeks - 1)
    span = Period(min(daily_span.first, first_monday), last)

    counts: dict[dt.date, Counter[str]] = defaultdict(Counter)
    filed_on = _day(WorkOrder.created_at)
    for day, count in session.execute(
        select(filed_on, func.count(WorkOrder.id))
        .where(*_within(WorkOrder.created_at, span), WorkOrder.appeal_kind == PROBLEM)
        .group_by(filed_on)
    ):
        counts[_as_date(day)]["reports"] = count
    stepped_on = _day(WorkOrderUpdate.created_at)
    for day, status, count in session.execute(
        select(stepped_on, WorkOrderUpdate.status, func.count(WorkOrderUpdate.id))
        .join(WorkOrder, WorkOrder.id == WorkOrderUpdate.work_order_id)
        .where(
            *_within(WorkOrderUpdate.created_at, span),
            WorkOrderUpdate.status.in_((COMPLETED, CLOSED)),
            WorkOrder.appeal_kind == PROBLEM,
        )
        .group_by(stepped_on, WorkOrderUpdate.status)
    ):
        counts[_as_date(day)][status] = count

    daily = [
        DayCount(
            day, counts[day]["reports"], counts[day][COMPLETED], counts[day][CLOSED]
        )
        for day in _days(daily_span.first, last)
    ]
    weekly = []
    for n in range(weeks):
        monday = first_monday + dt.timedelta(weeks=n)
        sunday = min(monday + dt.timedelta(days=6), last)
        week_counts = sum((counts[day] for day in _days(monday, sunday)), Counter())
        year, week, _ = monday.isocalendar()
        weekly.append(
            WeekCount(
                f"{year}-W{week:02d}",
                monday,
                sunday,
                week_counts["reports"],
                week_counts[COMPLETED],
                week_counts[CLOSED],
            )
        )
    return Trends(daily=daily, weekly=weekly)


def on_time_rates(
    session: Session, span: Period, *, today: dt.date | None = None
) -> list[UnitTimeliness]:
    """Each handling unit's signing and handling on time, for the orders filed in
    ``span``, the units with the most late first.

    Signing is on time when the unit signed on or before its signing day
    (``sign_due_date``), late when after it, or when the order still waits for the
    signature past that day. Handling is on time when the order was completed on or
    before its due date (as extended), late when after it, or when the unit still
    handles it past that day. An order still within its limits is not judged yet; nor
    is one the unit returned or the centre closed before the unit acted, nor a merged
    report.
    """
    today = today or clock.now().date()
    signed_on = _day(WorkOrder.signed_at)
    completed_on = _day(WorkOrder.completed_at)
    signed_in_time = and_(
        WorkOrder.signed_at.is_not(None), signed_on <= WorkOrder.sign_due_date
    )
    signed_late = or_(
        and_(WorkOrder.signed_at.is_not(None), signed_on > WorkOrder.sign_due_date),
        and_(
            WorkOrder.signed_at.is_(None),
            WorkOrder.status == "dispatched",
            WorkOrder.sign_due_date < today,
        ),
    )
    handled_in_time = and_(
        WorkOrder.completed_at.is_not(None), completed_on <= WorkOrder.due_date
    )
    handled_late = or_(
        and_(WorkOrder.completed_at.is_not(None), completed_on > WorkOrder.due_date),
        and_(WorkOrder.status.in_(HANDLING), WorkOrder.due_date < today),
    )
    rows = session.execute(
        select(
            WorkOrder.unit_name,
            _count_if(signed_in_time),
            _count_if(signed_late),
            _count_if(handled_in_time),
            _count_if(handled_late),
        )
        .where(
            *_within(WorkOrder.created_at, span),
            WorkOrder.unit_name.is_not(None),
            WorkOrder.status.not_in(MERGED_STATUSES),
            WorkOrder.appeal_kind == PROBLEM,
        )
        .group_by(WorkOrder.unit_name)
    )
    units = [
        UnitTimeliness(
            unit=unit,
            signed_on_time=sign_ok or 0,
            signed_late=sign_late or 0,
            sign_rate=_share(sign_ok or 0, (sign_ok or 0) + (sign_late or 0)),
            handled_on_time=handle_ok or 0,
            handled_late=handle_late or 0,
            handle_rate=_share(handle_ok or 0, (handle_ok or 0) + (handle_late or 0)),
        )
        for unit, sign_ok, sign_late, handle_ok, handle_late in rows
    ]
    return sorted(
        units,
        key=lambda u: (-(u.signed_late + u.handled_late), u.unit),
    )


def overdue_orders(
    session: Session, *, today: dt.date | None = None, limit: int | None = None
) -> OrderList:
    """The open orders past their due date (超期工单), the longest overdue first.

    Open is ``cases.lifecycle.OPEN``: with the centre (registered, returned) as well
    as with a unit, since an order nobody handles is overdue all the same.
    """
    today = today or clock.now().date()
    where = (WorkOrder.status.in_(OPEN), WorkOrder.due_date < today)
    return _order_list(
        session,
        where,
        (WorkOrder.due_date, WorkOrder.number),
        today=today,
        limit=limit,
    )


def escalated_orders(
    session: Session,
    span: Period,
    *,
    today: dt.date | None = None,
    limit: int | None = None,
) -> OrderList:
    """The orders escalated (督办) in ``span``, by the centre or by the time-limit
    watch, the latest escalation first; ``supervision_count`` says how often."""
    today = today or clock.now().date()
    where = (
        WorkOrder.supervision_count > 0,
        *_within(WorkOrder.supervised_at, span),
    )
    return _order_list(
        session,
        where,
        (WorkOrder.supervised_at.desc(), WorkOrder.number),
        today=today,
        limit=limit,
    )


def satisfaction_by_unit(session: Session, span: Period) -> list[SatisfactionCount]:
    """The 回访 answers given in ``span`` about each handling unit's result, the least
    satisfied first.

    An order is counted by its latest answer: one reopened after a 不满意 and
    answered again counts as that second answer.
    """
    return _satisfaction(session, span, WorkOrder.unit_name)


def satisfaction_by_category(session: Session, span: Period) -> list[SatisfactionCount]:
    """The 回访 answers given in ``span`` per category of work order (诉求分类), the
    least satisfied first; counted as ``satisfaction_by_unit`` does."""
    return _satisfaction(session, span, WorkOrderCategory.name)


def praise_by_unit(session: Session, span: Period) -> list[PraiseCount]:
    """The praise passed on in ``span`` to each unit, the most praised first.

    A praise is counted for the unit it was passed on to: the street office, district
    bureau or city department the citizen named (``cases.praise``).
    """
    unit = func.coalesce(WorkOrder.unit_name, Department.name)
    rows = session.execute(
        select(unit, func.count(WorkOrder.id))
        .join(Department, Department.id == WorkOrder.department_id)
        .where(*_within(WorkOrder.created_at, span), WorkOrder.appeal_kind == PRAISE)
        .group_by(unit)
    )
    counts = [PraiseCount(unit=name, count=count) for name, count in rows]
    return sorted(counts, key=lambda c: (-c.count, c.unit))


def dispatch_share(session: Session, span: Period) -> DispatchShare:
    """How the orders filed in ``span`` reached their unit, per day and in all:
    dispatched by the model alone above its threshold (automatic), or by an agent who
    kept (agent-confirmed) or changed (agent-corrected) its suggestion. Orders still
    waiting for an agent's review have no method and are not counted."""
    filed_on = _day(WorkOrder.created_at)
    counts: dict[dt.date, dict[str, int]] = defaultdict(dict)
    for day, method, count in session.execute(
        select(filed_on, WorkOrder.dispatch_method, func.count(WorkOrder.id))
        .where(
            *_within(WorkOrder.created_at, span),
            WorkOrder.dispatch_method.is_not(None),
        )
        .group_by(filed_on, WorkOrder.dispatch_method)
    ):
        counts[_as_date(day)][method] = count
    daily = [
        _dispatch_count(day, counts.get(day, {}))
        for day in _days(span.first, span.last)
    ]
    totals = {
        method: sum(c.get(method, 0) for c in counts.values())
        for method in DISPATCH_METHODS
    }
    return DispatchShare(daily=daily, period=_dispatch_count(None, totals))


def hot_topics(
    session: Session, *, now: dt.datetime | None = None, days: int = 7, top: int = 10
) -> list[HotTopic]:
    """The problems many citizens report at once (``cases.hot_topics``), with masked
    examples only, their category named as managers know it (噪音扰民, not ``noise``)."""
    topics = recent_hot_topics(session, now=now, days=days, top=top)
    codes = {topic.category for topic in topics if topic.category}
    names: dict[str, str] = {
        code: name
        for code, name in session.execute(
            select(WorkOrderCategory.code, WorkOrderCategory.name).where(
                WorkOrderCategory.code.in_(codes)
            )
        )
    }
    return [
        replace(topic, category=names.get(topic.category, topic.category))
        if topic.category
        else topic
        for topic in topics
    ]


def _order_list(
    session: Session,
    where: Iterable[ColumnElement[Any]],
    order_by: Iterable[Any],
    *,
    today: dt.date,
    limit: int | None,
) -> OrderList:
    conditions = list(where)
    total = session.scalar(select(func.count(WorkOrder.id)).where(*conditions))
    statement = (
        select(
            WorkOrder.number,
            WorkOrderCategory.name,
            WorkOrder.unit_name,
            WorkOrder.district,
            WorkOrder.status,
            WorkOrder.due_date,
            WorkOrder.supervision_count,
            WorkOrder.supervised_at,
        )
        .join(WorkOrderCategory, WorkOrderCategory.id == WorkOrder.category_id)
        .where(*conditions)
        .order_by(*order_by)
    )
    if limit is not None:
        statement = statement.limit(limit)
    orders = [
        ListedOrder(
            number=number,
            category=category,
            unit=unit,
            district=district,
            status=status,
            due_date=due,
            days_overdue=(max((today - due).days, 0) if status in OPEN else 0),
            supervision_count=supervisions,
            supervised_at=supervised_at,
        )
        for (
            number,
            category,
            unit,
            district,
            status,
            due,
            supervisions,
            supervised_at,
        ) in session.execute(statement)
    ]
    return OrderList(total=total or 0, orders=orders)


def _satisfaction(
    session: Session, span: Period, name: ColumnElement[Any]
) -> list[SatisfactionCount]:
    answers: dict[str, dict[str, int]] = defaultdict(dict)
    for key, answer, count in session.execute(
        select(name, WorkOrder.satisfaction, func.count(WorkOrder.id))
        .join(WorkOrderCategory, WorkOrderCategory.id == WorkOrder.category_id)
        .where(
            *_within(WorkOrder.visited_at, span),
            WorkOrder.satisfaction.in_(SATISFACTION),
            WorkOrder.status.not_in(MERGED_STATUSES),
            name.is_not(None),
        )
        .group_by(name, WorkOrder.satisfaction)
    ):
        answers[key][answer] = count
    rows = []
    for key, given in answers.items():
        total = sum(given.values())
        rows.append(
            SatisfactionCount(
                name=key,
                satisfied=given.get("satisfied", 0),
                basically_satisfied=given.get("basically_satisfied", 0),
                dissatisfied=given.get("dissatisfied", 0),
                total=total,
                share=_share(sum(given.get(s, 0) for s in SATISFIED), total),
            )
        )
    return sorted(rows, key=lambda r: (r.share if r.share is not None else 1, r.name))


def _dispatch_count(day: dt.date | None, counts: dict[str, int]) -> DispatchCount:
    automatic, confirmed, corrected = (counts.get(m, 0) for m in DISPATCH_METHODS)
    total = automatic + confirmed + corrected
    return DispatchCount(
        day=day,
        automatic=automatic,
        agent_confirmed=confirmed,
        agent_corrected=corrected,
        total=total,
        automatic_share=_share(automatic, total),
    )


def _day(column: ColumnElement[Any]) -> ColumnElement[Any]:
    """The calendar day of a timestamp, in SQL: ``date()`` is a function in SQLite and
    a cast in PostgreSQL; SQLite gives it back as text (``_as_date``)."""
    return func.date(column)


def _as_date(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _within(
    column: ColumnElement[Any], span: Period
) -> tuple[ColumnElement[Boolean], ColumnElement[Boolean]]:
    return column >= span.start, column < span.end


def _count_if(condition: ColumnElement[Any]) -> ColumnElement[Any]:
    return func.sum(case((condition, 1), else_=0), type_=Integer)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
