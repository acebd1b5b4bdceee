"""Praise is passed on to the unit it names and asks nothing of it: closed at once,
outside every queue, time limit and figure on reports."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from cases import time_limits
from cases.department_desk import unit_notices, unit_queue
from cases.lifecycle import UNIT, allowed_actions, status_text
from cases.models import PRAISE, Notification
from cases.praise import pass_on_praise
from cases.work_orders import WorkOrderRequest, file_work_order, review_queue
from contact_centre.performance import trends
from knowledge_base.divisions import DivisionRecord, import_divisions

SUNDAY_EVENING = dt.datetime(2026, 12, 13, 19, 0)
TIANLIN = [DivisionRecord("310104011", "田林街道", "310104", "徐汇区")]
PRAISE_TEXT = "表扬一下徐汇区市场监管局的执法人员，我投诉的过期食品两天就查处了"


def _praise(session, router, text=PRAISE_TEXT, **given):
    return pass_on_praise(
        session,
        WorkOrderRequest(description=text, session_id="web:grateful", **given),
        router,
        now=SUNDAY_EVENING,
    )


def test_praise_is_passed_on_to_the_unit_it_names_and_closed_at_once(session, router):
    order = _praise(session, router)

    assert order.appeal_kind == PRAISE
    assert order.status == "closed"
    assert order.district == "徐汇区"
    assert "徐汇区" in order.unit_name
    assert [u.status for u in order.updates] == ["registered", "closed"]
    assert order.updates[-1].note.startswith(f"表扬已转达{order.unit_name}")
    notice = unit_notices(session, order.unit_name).notices[0]
    assert (notice.number, notice.kind, notice.in_queue) == (
        order.number,
        "praise",
        False,
    )
    assert "表扬" in notice.text


def test_a_neighbourhood_committee_is_praised_to_its_street_office(session, router):
    import_divisions(session, TIANLIN, source="test", as_of=dt.date(2022, 10, 31))
    order = _praise(
        session, router, "表扬田林街道居委会的工作人员，帮我们办好了加装电梯"
    )

    assert (order.unit_level, order.unit_name) == ("street", "田林街道办事处")


@pytest.mark.parametrize(
    ("district", "unit"), [("徐汇区", "徐汇区民政局"), (None, "上海市民政局")]
)
def test_a_committee_of_an_unknown_street_is_praised_to_civil_affairs(
    session, router, district, unit
):
    """Not to the bureau the words would route a complaint to (加装电梯: housing)."""
    order = _praise(
        session,
        router,
        "表扬居委会的工作人员，帮我们小区办好了加装电梯",
        district=district,
    )

    assert order.unit_name == unit


def test_praise_waits_in_no_queue_and_runs_no_time_limit(session, router):
    order = _praise(session, router)

    assert order not in review_queue(session, limit=200)
    assert order.number not in {
        e.number for e in unit_queue(session, order.unit_name).entries
    }
    assert allowed_actions(order, UNIT) == []
    time_limits.sweep(session, SUNDAY_EVENING + dt.timedelta(days=60))
    kinds = session.scalars(
        select(Notification.kind).where(Notification.work_order_id == order.id)
    ).all()
    assert kinds == ["praise"]


def test_a_retried_praise_is_passed_on_once(session, router):
    first = _praise(session, router, idempotency_key="k1", idempotency_scope="web")
    again = _praise(session, router, idempotency_key="k1", idempotency_scope="web")

    assert again.id == first.id
    assert len(again.updates) == 2
    assert (
        len(
            session.scalars(
                select(Notification).where(Notification.work_order_id == first.id)
            ).all()
        )
        == 1
    )


def test_no_report_is_joined_to_praise_of_the_same_place(session, router):
    praise = _praise(
        session, router, "表扬钦州北路桂菁路路口修路灯的师傅，当天就修好了"
    )
    report = file_work_order(
        session,
        WorkOrderRequest(
            description="钦州北路桂菁路路口的路灯又坏了，晚上一片漆黑",
            category_code="roads-municipal",
            district="徐汇区",
            join_duplicates=True,
        ),
        router,
        now=SUNDAY_EVENING + dt.timedelta(hours=1),
    )

    # Other tests' open orders may be alike; the praise never is joined.
    assert report.merged_into is not praise
    assert praise.joined == []


def test_praise_reads_as_passed_on_wherever_its_status_is_shown(session, router):
    order = _praise(session, router)

    assert status_text(order, "zh") == f"表扬已转达{order.unit_name}"
    english = status_text(order, "en")
    assert english.startswith("praise passed on to the district office of the ")
    # The unit's own name only beside its English rendering, as units sign.
    outside_the_name = english.replace(f"({order.unit_name})", "")
    assert not any("\u4e00" <= c <= "\u9fff" for c in outside_the_name)


def test_praise_is_no_report_in_the_managers_trends(session, router):
    before = trends(session, 1, 1, today=SUNDAY_EVENING.date()).daily[0]
    _praise(session, router)
    after = trends(session, 1, 1, today=SUNDAY_EVENING.date()).daily[0]

    assert (after.reports, after.closed) == (before.reports, before.closed)
