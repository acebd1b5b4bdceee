"""A handling unit's desk: its own orders only, the nearest deadline first, personal data
in clear only while it handles an order, and every action through the lifecycle."""

from __future__ import annotations

import datetime as dt

import pytest

from cases import department_desk
from cases.department_desk import act, deadline, unit_queue, unit_view, view_of
from cases.lifecycle import CENTRE, Step, apply
from cases.work_orders import (
    WorkOrderRequest,
    dispatch_work_order,
    file_work_order,
    find_work_order,
)
from foundation.errors import NotFoundError, ValidationFailed

MONDAY = dt.datetime(2026, 12, 7, 9, 0)
FRIDAY = dt.date(2026, 12, 11)
OURS = "测试区生态环境局"
THEIRS = "测试区市场监督管理局"
PHONE = "13812345678"


def _order(
    session,
    router,
    unit: str = OURS,
    *,
    sign_due: dt.date | None = None,
    due: dt.date | None = None,
    text: str = "楼下饭店油烟太大，窗户都不能开，我叫张三，电话13812345678",
) -> str:
    """A dispatched order of ``unit``, with the deadlines given."""
    order = file_work_order(
        session,
        WorkOrderRequest(description=text, contact_name="张三", contact_phone=PHONE),
        router,
        now=MONDAY,
    )
    if order.status == "registered":
        dispatch_work_order(
            session, order.number, order.category.code, "agent-li", now=MONDAY
        )
    order.unit_name = unit
    if sign_due:
        order.sign_due_date = sign_due
    if due:
        order.due_date = due
    session.flush()
    return order.number


def _act(session, number, action, unit=OURS, **fields):
    return act(session, unit, "张科员", number, action, now=MONDAY, **fields)


def test_queue_holds_only_the_units_open_orders_nearest_deadline_first(session, router):
    unsigned = _order(session, router, sign_due=dt.date(2026, 12, 9))
    handling = _order(session, router, due=dt.date(2026, 12, 8))
    later = _order(session, router, due=dt.date(2026, 12, 20))
    for number in (handling, later):
        _act(session, number, "sign")
    _act(session, later, "start")
    done = _order(session, router)
    _act(session, done, "sign")
    _act(session, done, "complete", note="已处理")
    theirs = _order(session, router, THEIRS)

    queue = unit_queue(session, OURS, today=MONDAY.date())

    numbers = [entry.order.number for entry in queue.entries]
    assert numbers == [handling, unsigned, later]
    assert queue.total == 3 and theirs not in numbers and done not in numbers
    assert [entry.deadline.kind for entry in queue.entries] == [
        "handle",
        "sign",
        "handle",
    ]


def test_queue_shows_no_personal_data_in_clear(session, router):
    _order(session, router, "测试街道办事处")
    (entry,) = unit_queue(session, "测试街道办事处").entries
    assert PHONE not in entry.excerpt and "张三" not in entry.excerpt


def test_queue_is_bounded_and_counts_beyond_its_limit(session, router):
    for _ in range(3):
        _order(session, router, "测试镇人民政府")
    queue = unit_queue(session, "测试镇人民政府", limit=2)
    assert len(queue.entries) == 2 and queue.total == 3
    for limit in (0, department_desk.MAX_LIMIT + 1):
        with pytest.raises(ValidationFailed, match="limit"):
            unit_queue(session, OURS, limit=limit)


@pytest.mark.parametrize(
    ("due", "urgency"),
    [
        (dt.date(2026, 12, 10), "overdue"),
        (FRIDAY, "near"),
        # Monday is the next working day after a Friday: near, across the weekend.
        (dt.date(2026, 12, 14), "near"),
        (dt.date(2026, 12, 15), "on_time"),
    ],
)
def test_deadline_marks_overdue_and_near_by_working_days(session, router, due, urgency):
    order = find_work_order(session, _order(session, router, due=due))
    _act(session, order.number, "sign")
    assert deadline(order, FRIDAY) == department_desk.Deadline("handle", due, urgency)


def test_an_unsigned_orders_deadline_is_its_signing_deadline(session, router):
    order = find_work_order(session, _order(session, router, sign_due=FRIDAY))
    assert deadline(order, FRIDAY).kind == "sign"
    assert deadline(order, FRIDAY).due == FRIDAY


def test_another_units_order_is_not_found_like_a_number_that_does_not_exist(
    session, router
):
    theirs = _order(session, router, THEIRS)
    with pytest.raises(NotFoundError) as other:
        unit_view(session, OURS, theirs)
    with pytest.raises(NotFoundError) as missing:
        unit_view(session, OURS, "GD00000000000000")
    assert type(other.value) is type(missing.value)
    assert str(other.value).replace(theirs, "N") == str(missing.value).replace(
        "GD00000000000000", "N"
    )


def test_another_units_order_cannot_be_acted_on_and_is_left_unchanged(session, router):
    theirs = _order(session, router, THEIRS)
    for action, fields in (
        ("sign", {}),
        ("return", {"note": "不属本单位"}),
        ("approve_extension", {}),
    ):
        with pytest.raises(NotFoundError):
            _act(session, theirs, action, **fields)
    assert find_work_order(session, theirs).status == "dispatched"


def test_an_order_still_in_the_review_queue_is_not_found_by_its_suggested_unit(
    session, router
):
    waiting = file_work_order(
        session,
        WorkOrderRequest(description="楼下饭店油烟太大", contact_phone=PHONE),
        router,
        now=MONDAY,
    )
    waiting.status, waiting.dispatch_method, waiting.unit_name = (
        "registered",
        None,
        OURS,
    )
    session.flush()
    with pytest.raises(NotFoundError):
        unit_view(session, OURS, waiting.number)
    with pytest.raises(NotFoundError):
        _act(session, waiting.number, "sign")
    assert find_work_order(session, waiting.number).status == "registered"


def test_contact_is_in_clear_only_while_the_unit_handles_the_order(session, router):
    number = _order(session, router)
    before = unit_view(session, OURS, number)
    assert before.contact.phone != PHONE and before.in_clear == ()
    assert PHONE not in before.description

    _act(session, number, "sign")
    handling = unit_view(session, OURS, number)
    assert handling.contact.phone == PHONE and handling.contact.name == "张三"
    assert PHONE in handling.description
    assert {"contact_name", "contact_phone", "description"} <= set(handling.in_clear)

    _act(session, number, "complete", note="已联系张三，饭店已加装净化器")
    after = unit_view(session, OURS, number)
    assert after.contact.phone != PHONE and after.in_clear == ()
    assert "张三" not in (after.result or "")


def test_the_unit_signs_starts_and_completes_with_its_result(session, router):
    number = _order(session, router)
    assert unit_view(session, OURS, number).actions == ["sign", "return"]
    _act(session, number, "sign")
    assert set(unit_view(session, OURS, number).actions) == {
        "start",
        "complete",
        "return",
        "request_extension",
    }
    _act(session, number, "start")
    order = _act(session, number, "complete", note="  已约谈饭店，加装油烟净化器  ")
    assert order.status == "completed" and order.result == "已约谈饭店，加装油烟净化器"
    assert [u.action for u in order.updates][-3:] == ["sign", "start", "complete"]
    assert order.updates[-1].actor == f"{OURS} 张科员"
    assert view_of(order).actions == [] and view_of(order).deadline is None


def test_the_unit_returns_an_order_with_its_reason(session, router):
    number = _order(session, router)
    with pytest.raises(ValidationFailed, match="needs a reason"):
        _act(session, number, "return", note="   ")
    order = _act(session, number, "return", note="油烟问题属市场监管，不属本局")
    assert order.status == "returned"
    assert order.updates[-1].note == "油烟问题属市场监管，不属本局"


def test_the_unit_asks_for_an_extension_the_centre_decides(session, router):
    number = _order(session, router)
    _act(session, number, "sign")
    order = _act(session, number, "request_extension", days=5, note="需联系产权单位")
    assert order.extension_days == 5
    assert "request_extension" not in view_of(order).actions
    due = order.due_date
    apply(session, number, Step("approve_extension", "王丽", CENTRE), MONDAY)
    assert order.due_date > due and order.extension_days is None


def test_the_unit_cannot_take_the_centres_actions(session, router):
    number = _order(session, router)
    _act(session, number, "sign")
    for action in ("approve_extension", "supervise", "close", "dispatch"):
        with pytest.raises(ValidationFailed, match="one of sign"):
            _act(session, number, action)


def test_an_action_the_state_does_not_allow_is_refused(session, router):
    number = _order(session, router)
    with pytest.raises(ValidationFailed, match="cannot complete a dispatched"):
        _act(session, number, "complete", note="已处理")


def test_unit_has_orders_tells_a_misspelt_unit(session, router):
    _order(session, router, "测试新区生态环境局")
    assert department_desk.unit_has_orders(session, "测试新区生态环境局")
    assert not department_desk.unit_has_orders(session, "测试新区生态环保局")
