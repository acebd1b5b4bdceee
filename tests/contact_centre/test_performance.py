"""The managers' figures over orders with known times (tests/support/performance_orders),
in a database of their own (SQLite and PostgreSQL): the lists of overdue and escalated
orders cover every order, so no other test's may be there."""

from __future__ import annotations

import datetime as dt
from contextlib import ExitStack

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.models import WorkOrder
from contact_centre import performance
from foundation import migrate
from foundation.db import make_engine, session_scope
from foundation.errors import ValidationFailed
from foundation.settings import get_settings
from harness.servers import postgres_server
from knowledge_base.seed import seed_curated_catalogue
from tests.support.performance_orders import seed_orders

TODAY = dt.date(2033, 3, 10)  # a Thursday, ISO week 2033-W10
NOW = dt.datetime.combine(TODAY, dt.time(15))
MONTH = performance.Period(TODAY - dt.timedelta(days=29), TODAY)


def day(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def engine(request, tmp_path_factory):
    """Days are grouped with SQL's ``date()``: a function in SQLite, a cast in
    PostgreSQL; both are checked."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            folder = tmp_path_factory.mktemp("performance")
            url = f"sqlite:///{folder / 'hotline.db'}"
        else:
            url = stack.enter_context(postgres_server())
        migrate.upgrade(url)
        engine = make_engine(url)
        with session_scope(engine) as session:
            seed_curated_catalogue(session, get_settings().catalogue_dir)
        yield engine
        engine.dispose()


@pytest.fixture(scope="module")
def seeded(engine):
    with session_scope(engine) as session:
        return seed_orders(session, TODAY, tag="perf")


@pytest.fixture
def session(engine, seeded):
    with Session(engine) as session:
        yield session


def test_period_is_the_last_days_with_today(session):
    span = performance.period(7, TODAY)
    assert (span.first, span.last, span.days) == (day(-6), TODAY, 7)
    assert span.end == dt.datetime(2033, 3, 11)


@pytest.mark.parametrize("days", [0, -1, performance.MAX_DAYS + 1])
def test_period_refuses_a_length_out_of_bounds(days):
    with pytest.raises(ValidationFailed):
        performance.period(days, TODAY)


def test_daily_trend_counts_reports_completions_and_closings_with_empty_days(session):
    daily = performance.trends(session, 7, 1, today=TODAY).daily
    assert [(d.day, d.reports, d.completed, d.closed) for d in daily] == [
        (day(-6), 1, 0, 0),
        (day(-5), 2, 0, 0),
        (day(-4), 0, 0, 0),
        (day(-3), 1, 0, 0),
        (day(-2), 1, 1, 0),
        (day(-1), 0, 2, 0),
        (day(0), 0, 0, 1),
    ]


def test_weekly_trend_counts_iso_weeks_the_current_one_so_far(session):
    weekly = performance.trends(session, 1, 4, today=TODAY).weekly
    assert [(w.week, w.first, w.last) for w in weekly] == [
        ("2033-W07", dt.date(2033, 2, 14), dt.date(2033, 2, 20)),
        ("2033-W08", dt.date(2033, 2, 21), dt.date(2033, 2, 27)),
        ("2033-W09", dt.date(2033, 2, 28), dt.date(2033, 3, 6)),
        ("2033-W10", dt.date(2033, 3, 7), TODAY),
    ]
    assert [(w.reports, w.completed, w.closed) for w in weekly] == [
        (0, 0, 0),
        (0, 0, 0),
        (4, 0, 1),
        (2, 3, 1),
    ]


def test_on_time_rates_count_a_late_signature_and_an_unsigned_order_as_late(
    session, seeded
):
    rates = {u.unit: u for u in performance.on_time_rates(session, MONTH, today=TODAY)}
    unit_a = rates[seeded.unit_a]
    # A1 signed on its signing day; A2 a day after; A3 is still unsigned past it.
    assert (unit_a.signed_on_time, unit_a.signed_late) == (1, 2)
    assert unit_a.sign_rate == pytest.approx(0.3333)
    # A1 completed before its due date; A3 is open past it; A2 is within its time.
    assert (unit_a.handled_on_time, unit_a.handled_late) == (1, 1)
    assert unit_a.handle_rate == 0.5


def test_on_time_rates_count_a_completion_after_the_due_date_as_late(session, seeded):
    rates = {u.unit: u for u in performance.on_time_rates(session, MONTH, today=TODAY)}
    unit_b = rates[seeded.unit_b]
    assert (unit_b.signed_on_time, unit_b.signed_late, unit_b.sign_rate) == (2, 0, 1.0)
    assert (unit_b.handled_on_time, unit_b.handled_late) == (1, 1)


def test_on_time_rates_list_the_unit_with_most_late_first(session, seeded):
    units = [u.unit for u in performance.on_time_rates(session, MONTH, today=TODAY)]
    assert units == [seeded.unit_a, seeded.unit_b]


def test_overdue_list_holds_open_orders_past_due_with_days_overdue(session, seeded):
    overdue = performance.overdue_orders(session, today=TODAY)
    assert overdue.total == 1
    [order] = overdue.orders
    assert (order.number, order.unit, order.category) == (
        seeded.numbers["A3"],
        seeded.unit_a,
        "环境污染",
    )
    assert (order.due_date, order.days_overdue, order.status) == (
        day(-1),
        1,
        "dispatched",
    )


def test_overdue_list_carries_no_personal_data(session):
    [order] = performance.overdue_orders(session, today=TODAY).orders
    shown = " ".join(str(value) for value in order.__dict__.values())
    assert "13900001111" not in shown and "王先生" not in shown


def test_escalated_list_is_latest_escalation_first(session, seeded):
    escalated = performance.escalated_orders(session, MONTH, today=TODAY)
    assert [o.number for o in escalated.orders] == [
        seeded.numbers["B1"],
        seeded.numbers["A3"],
    ]
    assert [o.days_overdue for o in escalated.orders] == [0, 1]
    assert escalated.total == 2


def test_escalated_list_respects_its_limit_and_keeps_the_total(session):
    escalated = performance.escalated_orders(session, MONTH, today=TODAY, limit=1)
    assert len(escalated.orders) == 1 and escalated.total == 2


def test_satisfaction_by_unit_counts_a_dissatisfied_visit(session, seeded):
    rows = performance.satisfaction_by_unit(session, MONTH)
    assert [
        (r.name, r.satisfied, r.basically_satisfied, r.dissatisfied, r.total, r.share)
        for r in rows
    ] == [
        (seeded.unit_b, 0, 1, 1, 2, 0.5),
        (seeded.unit_a, 1, 0, 0, 1, 1.0),
    ]


def test_satisfaction_by_category_names_the_category(session):
    rows = performance.satisfaction_by_category(session, MONTH)
    assert [(r.name, r.total, r.share) for r in rows] == [
        ("噪音扰民", 2, 0.5),
        ("环境污染", 1, 1.0),
    ]


def test_praise_is_counted_per_unit_the_most_praised_first(session, seeded):
    rows = performance.praise_by_unit(session, MONTH)
    assert [(r.unit, r.count) for r in rows] == [(seeded.unit_a, 2), (seeded.unit_b, 1)]
    today_only = performance.praise_by_unit(session, performance.period(1, TODAY))
    assert [(r.unit, r.count) for r in today_only] == [(seeded.unit_b, 1)]


def test_dispatch_share_counts_automatic_dispatch_per_day_and_in_all(session):
    share = performance.dispatch_share(session, performance.period(7, TODAY))
    whole = share.period
    assert (whole.automatic, whole.agent_confirmed, whole.agent_corrected) == (3, 1, 1)
    assert (whole.total, whole.automatic_share) == (5, 0.6)
    by_day = {d.day: d for d in share.daily}
    assert len(share.daily) == 7
    assert (by_day[day(-5)].automatic, by_day[day(-5)].total) == (1, 2)
    assert by_day[day(-5)].automatic_share == 0.5
    assert by_day[day(-4)].automatic_share is None


def test_hot_topics_name_their_category_and_show_no_personal_data(session):
    # Which reports make a topic is cases.hot_topics' business; the seeded ones share
    # their words, district and week, so some topic is found.
    topics = performance.hot_topics(session, now=NOW)
    assert topics
    assert {t.category for t in topics} <= {"噪音扰民", "环境污染"}
    shown = " ".join(" ".join(t.examples) + t.title for t in topics)
    assert "13900001111" not in shown and "王先生" not in shown


def test_overview_gathers_every_section_for_the_period(session, seeded):
    figures = performance.overview(session, 30, now=NOW)
    assert figures.period == MONTH and figures.today == TODAY
    assert len(figures.trends.daily) == 7 and len(figures.trends.weekly) == 4
    assert figures.overdue.total == 1 and figures.escalated.total == 2
    assert {u.unit for u in figures.on_time} == {seeded.unit_a, seeded.unit_b}
    assert figures.dispatch.period.total == 5
    assert sum(p.count for p in figures.praise_units) == 3
    assert figures.hot_topics


def test_overview_of_a_day_leaves_earlier_escalations_and_visits_out(session, seeded):
    figures = performance.overview(session, 1, now=NOW)
    assert [o.number for o in figures.escalated.orders] == [seeded.numbers["B1"]]
    assert [r.name for r in figures.satisfaction_units] == [seeded.unit_b]
    # The overdue list is of every open order, whatever the period.
    assert figures.overdue.total == 1


def test_a_merged_report_counts_as_a_report_but_is_not_judged(engine, seeded):
    with Session(engine) as session:
        again = seed_orders(session, TODAY, tag="mrg")
        for order in session.scalars(
            select(WorkOrder).where(WorkOrder.unit_name == again.unit_a)
        ):
            order.status = "merged"
        session.flush()
        daily = performance.trends(session, 7, 1, today=TODAY).daily
        assert daily[1].reports == 4  # day -5: A1 and A2, twice
        units = {u.unit for u in performance.on_time_rates(session, MONTH, today=TODAY)}
        assert again.unit_a not in units and again.unit_b in units
        visited = {r.name for r in performance.satisfaction_by_unit(session, MONTH)}
        assert again.unit_a not in visited
        session.rollback()
