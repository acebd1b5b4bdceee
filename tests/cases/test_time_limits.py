"""The time-limit watch: signing and handling limits escalate once, the 80% warning comes
once per due date, and a sweep run twice does nothing twice.

The shared database holds other tests' orders too, so each test looks at its own."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from cases.lifecycle import CENTRE, UNIT, Step, apply
from cases.models import Notification
from cases.time_limits import sweep, warning_day
from cases.work_orders import WorkOrderRequest, dispatch_work_order, file_work_order

MONDAY = dt.datetime(2026, 12, 7, 9, 0)


def _at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, 0)


def _order(session, router, session_id="web-citizen-1"):
    order = file_work_order(
        session,
        WorkOrderRequest(
            description="小区门口饭店油烟直排，熏得不能开窗", session_id=session_id
        ),
        router,
        now=MONDAY,
    )
    dispatch_work_order(
        session, order.number, order.category.code, "agent-li", now=MONDAY
    )
    return order


def _notices(session, order, kind):
    return session.scalars(
        select(Notification).where(
            Notification.work_order_id == order.id, Notification.kind == kind
        )
    ).all()


def test_the_warning_day_is_at_eighty_percent_of_the_working_days():
    assert warning_day(dt.date(2026, 12, 7), dt.date(2026, 12, 14)) == dt.date(
        2026, 12, 11
    )
    # Over National Day: 10 working days from 28 Sept end on 16 Oct; 8 on 14 Oct.
    assert warning_day(dt.date(2026, 9, 28), dt.date(2026, 10, 16)) == dt.date(
        2026, 10, 14
    )


def test_an_unsigned_order_is_escalated_once_after_its_signing_day(session, router):
    order = _order(session, router)
    assert order.sign_due_date == dt.date(2026, 12, 8)
    sweep(session, _at(8, 18))
    assert order.supervision_count == 0
    sweep(session, _at(9))
    sweep(session, _at(9, 10))
    assert order.supervision_count == 1 and order.status == "dispatched"
    [notice] = _notices(session, order, "sign_overdue")
    assert notice.audience == "unit" and notice.recipient == order.unit_name
    assert notice.sent_at is not None


def test_handling_time_warns_at_eighty_percent_then_escalates_when_passed(
    session, router
):
    order = _order(session, router)
    apply(session, order.number, Step("sign", "unit-1", UNIT), MONDAY)
    warn_on = warning_day(MONDAY.date(), order.due_date)
    day_before = dt.datetime.combine(warn_on - dt.timedelta(days=1), dt.time(9))
    sweep(session, day_before)
    assert _notices(session, order, "due_warning") == []
    on_the_day = dt.datetime.combine(warn_on, dt.time(9))
    sweep(session, on_the_day)
    sweep(session, on_the_day)
    assert len(_notices(session, order, "due_warning")) == 1
    assert order.supervision_count == 0
    after_due = dt.datetime.combine(order.due_date + dt.timedelta(days=1), dt.time(9))
    sweep(session, after_due)
    sweep(session, after_due)
    assert len(_notices(session, order, "overdue")) == 1
    assert order.supervision_count == 1


def test_an_approved_extension_arms_the_warning_again_for_the_new_due_date(
    session, router
):
    order = _order(session, router)
    apply(session, order.number, Step("sign", "unit-1", UNIT), MONDAY)
    first_warning = dt.datetime.combine(
        warning_day(MONDAY.date(), order.due_date), dt.time(9)
    )
    sweep(session, first_warning)
    assert len(_notices(session, order, "due_warning")) == 1
    apply(
        session,
        order.number,
        Step("request_extension", "unit-1", UNIT, note="需协调物业", days=10),
        first_warning,
    )
    apply(
        session,
        order.number,
        Step("approve_extension", "agent-li", CENTRE),
        first_warning,
    )
    later = dt.datetime.combine(order.due_date - dt.timedelta(days=1), dt.time(9))
    sweep(session, later)
    assert len(_notices(session, order, "due_warning")) == 2


def test_completion_asks_the_citizen_for_the_visit_once(session, router):
    order = _order(session, router)
    apply(session, order.number, Step("sign", "unit-1", UNIT), MONDAY)
    apply(
        session,
        order.number,
        Step("complete", "unit-1", UNIT, note="已责令饭店安装净化设备。"),
        MONDAY,
    )
    [asked] = _notices(session, order, "visit_request")
    assert asked.audience == "citizen" and asked.recipient == "web-citizen-1"
    assert (
        "办理结果：已责令饭店安装净化设备。请您" in asked.text
        and "不满意" in asked.text
    )
    sweep(session, _at(8))
    assert len(_notices(session, order, "visit_request")) == 1
    statuses = [n.key for n in _notices(session, order, "status")]
    assert statuses == ["dispatched-0", "signed-0"]


def test_an_order_filed_without_a_conversation_owes_the_citizen_nothing(
    session, router
):
    order = _order(session, router, session_id=None)
    apply(session, order.number, Step("sign", "unit-1", UNIT), MONDAY)
    assert _notices(session, order, "status") == []


def test_a_citizen_who_filed_in_english_is_told_in_english_with_the_unit_named(
    session, router
):
    order = file_work_order(
        session,
        WorkOrderRequest(
            description="The restaurant downstairs blows cooking fumes into our "
            "windows every evening (楼下饭店油烟直排)",
            district="徐汇区",
            session_id="web-expat-1",
            language="en",
        ),
        router,
        now=MONDAY,
    )
    dispatch_work_order(
        session, order.number, order.category.code, "agent-li", now=MONDAY
    )
    apply(session, order.number, Step("sign", "unit-1", UNIT), MONDAY)
    apply(
        session,
        order.number,
        Step("complete", "unit-1", UNIT, note="已责令饭店安装净化设备。"),
        MONDAY,
    )
    dispatched, signed = _notices(session, order, "status")
    [asked] = _notices(session, order, "visit_request")
    unit = order.unit_name
    assert dispatched.text.startswith(
        f"Your report (work order {order.number}) has been sent to the "
    )
    assert f"({unit}), which is to reply by {order.due_date.isoformat()}." in (
        dispatched.text
    )
    assert signed.text.endswith(
        f"({unit}) has accepted your work order {order.number} and is handling it."
    )
    assert (
        "The handling unit's reply, in Chinese: 已责令饭店安装净化设备." in asked.text
    )
    assert '"dissatisfied"' in asked.text
    # Chinese appears only as the unit's own name and the reply it wrote.
    for notice in (dispatched, signed, asked):
        bare = notice.text.replace(unit, "").replace("已责令饭店安装净化设备", "")
        assert not any("\u4e00" <= char <= "\u9fff" for char in bare), notice.text
