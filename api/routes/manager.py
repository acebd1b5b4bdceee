"""The managers' dashboard (/dashboard): the centre's performance, and every table of it
as a CSV file.

Every route needs a ``manager`` token (``hotline users create --role manager``) or an
admin's; agents and handling units get 403. What is counted, and how, is
``contact_centre.performance``'s; these routes translate it into JSON and CSV. No
figure carries a citizen's personal data (orders are listed by number, hot topics
with masked examples), yet every read is in the audit log as a ``report``, with the
sections it showed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from enum import Enum

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from api.audit import StaffAccess, manager_access
from api.csv_export import Cell, csv_response
from api.deps import get_db
from cases.lifecycle import STATUS_TEXT
from contact_centre import performance
from contact_centre.performance import (
    MAX_DAYS,
    MAX_WEEKS,
    ListedOrder,
    Period,
    SatisfactionCount,
)

router = APIRouter(prefix="/api/v1/manager", tags=["manager"])

AUTH_RESPONSES: dict[int | str, dict] = {
    401: {"description": "no valid bearer token"},
    403: {"description": "the token is not a manager's or an admin's"},
    422: {"description": "a parameter out of its bounds, with the reason"},
}
# Lists on the page stop here; their CSV files hold every order.
LIST_LIMIT = 100


class PeriodOut(BaseModel):
    first: dt.date
    last: dt.date
    days: int


class DayCountOut(BaseModel):
    day: dt.date
    reports: int
    completed: int
    closed: int


class WeekCountOut(BaseModel):
    week: str
    first: dt.date
    last: dt.date
    reports: int
    completed: int
    closed: int


class TrendsOut(BaseModel):
    daily: list[DayCountOut]
    weekly: list[WeekCountOut]


class UnitTimelinessOut(BaseModel):
    unit: str
    signed_on_time: int
    signed_late: int
    sign_rate: float | None
    handled_on_time: int
    handled_late: int
    handle_rate: float | None


class ListedOrderOut(BaseModel):
    number: str
    category: str
    unit: str | None
    district: str | None
    status: str
    status_text: str
    due_date: dt.date
    days_overdue: int
    supervision_count: int
    supervised_at: dt.datetime | None


class OrderListOut(BaseModel):
    total: int
    orders: list[ListedOrderOut]


class SatisfactionCountOut(BaseModel):
    name: str
    satisfied: int
    basically_satisfied: int
    dissatisfied: int
    total: int
    share: float | None


class PraiseCountOut(BaseModel):
    unit: str
    count: int


class DispatchCountOut(BaseModel):
    day: dt.date | None
    automatic: int
    agent_confirmed: int
    agent_corrected: int
    total: int
    automatic_share: float | None


class DispatchOut(BaseModel):
    daily: list[DispatchCountOut]
    period: DispatchCountOut


class HotTopicOut(BaseModel):
    title: str
    district: str | None
    street: str | None
    category: str | None
    count: int
    previous_count: int
    growth: float  # count ÷ max(previous_count, 1)
    first_seen: dt.datetime
    last_seen: dt.datetime
    examples: list[str]
    likes: int


class OverviewOut(BaseModel):
    period: PeriodOut
    today: dt.date
    trends: TrendsOut
    on_time: list[UnitTimelinessOut]
    overdue: OrderListOut
    escalated: OrderListOut
    satisfaction_units: list[SatisfactionCountOut]
    satisfaction_categories: list[SatisfactionCountOut]
    praise_units: list[PraiseCountOut]
    dispatch: DispatchOut
    hot_topics: list[HotTopicOut]


class Table(str, Enum):
    trends_daily = "trends_daily"
    trends_weekly = "trends_weekly"
    on_time = "on_time"
    overdue = "overdue"
    escalated = "escalated"
    satisfaction_units = "satisfaction_units"
    satisfaction_categories = "satisfaction_categories"
    praise_units = "praise_units"
    dispatch = "dispatch"
    hot_topics = "hot_topics"


@dataclasses.dataclass(frozen=True)
class Window:
    """The query's period and trend lengths, as every route reads them."""

    days: int
    trend_days: int
    weeks: int


def window(
    days: int = Query(30, ge=1, le=MAX_DAYS, description="the period, today included"),
    trend_days: int = Query(7, ge=1, le=MAX_DAYS, description="days of the trend"),
    weeks: int = Query(4, ge=1, le=MAX_WEEKS, description="ISO weeks of the trend"),
) -> Window:
    return Window(days, trend_days, weeks)


@router.get("/overview", response_model=OverviewOut, responses=AUTH_RESPONSES)
def read_overview(
    asked: Window = Depends(window),
    db: Session = Depends(get_db, scope="function"),
    access: StaffAccess = Depends(manager_access),
) -> OverviewOut:
    """Trends, on-time rates per unit, overdue and escalated orders, 回访 satisfaction,
    praise per unit, automatic dispatch and hot topics, for the last ``days`` days."""
    figures = performance.overview(
        db,
        asked.days,
        trend_days=asked.trend_days,
        trend_weeks=asked.weeks,
        list_limit=LIST_LIMIT,
    )
    access.report("manager_overview", tuple(t.value for t in Table))
    return OverviewOut(
        period=_period(figures.period),
        today=figures.today,
        trends=TrendsOut.parse_obj(dataclasses.asdict(figures.trends)),
        on_time=[
            UnitTimelinessOut.parse_obj(dataclasses.asdict(u)) for u in figures.on_time
        ],
        overdue=_order_list(figures.overdue),
        escalated=_order_list(figures.escalated),
        satisfaction_units=_satisfaction(figures.satisfaction_units),
        satisfaction_categories=_satisfaction(figures.satisfaction_categories),
        praise_units=[
            PraiseCountOut.parse_obj(dataclasses.asdict(p))
            for p in figures.praise_units
        ],
        dispatch=DispatchOut.parse_obj(dataclasses.asdict(figures.dispatch)),
        hot_topics=[
            HotTopicOut.parse_obj(dataclasses.asdict(t)) for t in figures.hot_topics
        ],
    )


@router.get(
    "/export/{table}.csv",
    response_class=Response,
    responses={
        **AUTH_RESPONSES,
        200: {"content": {"text/csv": {}}, "description": "the table, for Excel"},
    },
)
def export_table(
    table: Table,
    asked: Window = Depends(window),
    db: Session = Depends(get_db, scope="function"),
    access: StaffAccess = Depends(manager_access),
) -> Response:
    """One table of the overview as a CSV file (UTF-8 with a BOM, for Excel), with the
    same parameters; lists hold every order, not only the first ``LIST_LIMIT``."""
    span = performance.period(asked.days)
    header, rows = _EXPORTS[table](db, span, asked)
    access.report(f"manager_{table.value}", (table.value,))
    filename = f"12345-{table.value}-{span.first:%Y%m%d}-{span.last:%Y%m%d}.csv"
    return csv_response(filename, header, rows)


def _period(span: Period) -> PeriodOut:
    return PeriodOut(first=span.first, last=span.last, days=span.days)


def _order_out(order: ListedOrder) -> ListedOrderOut:
    return ListedOrderOut(
        **dataclasses.asdict(order), status_text=STATUS_TEXT["zh"][order.status]
    )


def _order_list(orders: performance.OrderList) -> OrderListOut:
    return OrderListOut(
        total=orders.total, orders=[_order_out(o) for o in orders.orders]
    )


def _satisfaction(rows: list[SatisfactionCount]) -> list[SatisfactionCountOut]:
    return [SatisfactionCountOut.parse_obj(dataclasses.asdict(r)) for r in rows]


# ---------------------------------------------------------------- CSV tables

Rows = tuple[Sequence[str], list[Sequence[Cell]]]


def _percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def _trends_daily(db: Session, span: Period, asked: Window) -> Rows:
    daily = performance.trends(db, asked.trend_days, 1).daily
    return (
        ["日期", "受理量", "办结量", "结案量"],
        [[d.day, d.reports, d.completed, d.closed] for d in daily],
    )


def _trends_weekly(db: Session, span: Period, asked: Window) -> Rows:
    weekly = performance.trends(db, 1, asked.weeks).weekly
    return (
        ["周次", "起始日期", "截止日期", "受理量", "办结量", "结案量"],
        [[w.week, w.first, w.last, w.reports, w.completed, w.closed] for w in weekly],
    )


def _on_time(db: Session, span: Period, asked: Window) -> Rows:
    units = performance.on_time_rates(db, span)
    return (
        [
            "承办单位",
            "按时签收",
            "超时签收",
            "签收及时率(%)",
            "按时办结",
            "超期办结",
            "办结及时率(%)",
        ],
        [
            [
                u.unit,
                u.signed_on_time,
                u.signed_late,
                _percent(u.sign_rate),
                u.handled_on_time,
                u.handled_late,
                _percent(u.handle_rate),
            ]
            for u in units
        ],
    )


_ORDER_HEADER = [
    "工单编号",
    "诉求分类",
    "承办单位",
    "所属区",
    "状态",
    "办理期限",
    "超期天数",
    "督办次数",
    "最近督办时间",
]


def _order_rows(orders: performance.OrderList) -> list[Sequence[Cell]]:
    return [
        [
            o.number,
            o.category,
            o.unit,
            o.district,
            STATUS_TEXT["zh"][o.status],
            o.due_date,
            o.days_overdue,
            o.supervision_count,
            o.supervised_at,
        ]
        for o in orders.orders
    ]


def _overdue(db: Session, span: Period, asked: Window) -> Rows:
    return _ORDER_HEADER, _order_rows(performance.overdue_orders(db))


def _escalated(db: Session, span: Period, asked: Window) -> Rows:
    return _ORDER_HEADER, _order_rows(performance.escalated_orders(db, span))


def _satisfaction_rows(first: str, rows: list[SatisfactionCount]) -> Rows:
    return (
        [first, "满意", "基本满意", "不满意", "回访总数", "满意率(%)"],
        [
            [
                r.name,
                r.satisfied,
                r.basically_satisfied,
                r.dissatisfied,
                r.total,
                _percent(r.share),
            ]
            for r in rows
        ],
    )


def _satisfaction_units(db: Session, span: Period, asked: Window) -> Rows:
    return _satisfaction_rows("承办单位", performance.satisfaction_by_unit(db, span))


def _satisfaction_categories(db: Session, span: Period, asked: Window) -> Rows:
    return _satisfaction_rows(
        "诉求分类", performance.satisfaction_by_category(db, span)
    )


def _praise_units(db: Session, span: Period, asked: Window) -> Rows:
    return (
        ["承办单位", "表扬件数"],
        [[p.unit, p.count] for p in performance.praise_by_unit(db, span)],
    )


def _dispatch(db: Session, span: Period, asked: Window) -> Rows:
    share = performance.dispatch_share(db, span)
    return (
        ["日期", "自动派单", "人工确认派单", "人工改派", "派单总数", "自动派单占比(%)"],
        [
            [
                "合计" if d.day is None else d.day,
                d.automatic,
                d.agent_confirmed,
                d.agent_corrected,
                d.total,
                _percent(d.automatic_share),
            ]
            for d in [*share.daily, share.period]
        ],
    )


def _hot_topics(db: Session, span: Period, asked: Window) -> Rows:
    topics = performance.hot_topics(db)
    return (
        [
            "热点问题",
            "所属区",
            "街镇",
            "诉求分类",
            "近7天诉求量",
            "前7天诉求量",
            "为前7天的倍数",
            "首次出现",
            "最近出现",
            "典型诉求（已脱敏）",
        ],
        [
            [
                t.title,
                t.district,
                t.street,
                t.category,
                t.count,
                t.previous_count,
                round(t.growth, 2),
                t.first_seen,
                t.last_seen,
                " | ".join(t.examples),
            ]
            for t in topics
        ],
    )


_EXPORTS: dict[Table, Callable[[Session, Period, Window], Rows]] = {
    Table.trends_daily: _trends_daily,
    Table.trends_weekly: _trends_weekly,
    Table.on_time: _on_time,
    Table.overdue: _overdue,
    Table.escalated: _escalated,
    Table.satisfaction_units: _satisfaction_units,
    Table.satisfaction_categories: _satisfaction_categories,
    Table.praise_units: _praise_units,
    Table.dispatch: _dispatch,
    Table.hot_topics: _hot_topics,
}
