"""One event, one case: a report of an open event joins its order, every reporter hears
of its progress and is asked for the 回访, and agents merge and split."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from cases import merging
from cases.lifecycle import CENTRE, UNIT, Step, apply, status_text
from cases.models import Notification
from cases.work_orders import (
    WorkOrderRequest,
    dispatch_work_order,
    file_work_order,
    find_work_order,
    review_queue,
)
from contact_centre.visits import answer_visit
from foundation.errors import NotFoundError, ValidationFailed

MONDAY = dt.datetime(2026, 12, 7, 9, 0)
# A junction of Xuhui per test: orders other tests leave behind are elsewhere.
JUNCTIONS = iter(
    [
        ("宜山路", "钦州路"),
        ("漕宝路", "桂林路"),
        ("田林路", "柳州路"),
        ("虹漕路", "桂平路"),
        ("天钥桥路", "南丹路"),
        ("肇嘉浜路", "枫林路"),
        ("龙华西路", "龙吴路"),
        ("零陵路", "宛平南路"),
        ("斜土路", "大木桥路"),
        ("中山南二路", "东安路"),
        ("吴中路", "虹梅路"),
        ("凯旋路", "虹桥路"),
        ("华山路", "广元路"),
        ("衡山路", "高安路"),
    ]
)


@pytest.fixture
def place():
    one, two = next(JUNCTIONS)
    return {
        "light": f"{one}{two}路口的路灯坏了，晚上一片漆黑，过马路很危险",
        "same_light": f"{two}{one}交叉口那盏路灯已经好几天不亮了，晚上走路看不见",
        "short": f"{one}{two}口路灯不亮",
        "address": f"{one}{two}路口",
        "other_address": f"{two}{one}口",
    }


def _file(
    session,
    router,
    text,
    *,
    join=True,
    district="徐汇区",
    address=None,
    session_id=None,
    language="zh",
    now=MONDAY,
    phone="13812345678",
):
    return file_work_order(
        session,
        WorkOrderRequest(
            description=text,
            category_code="roads-municipal",
            district=district,
            address=address,
            contact_phone=phone,
            session_id=session_id,
            channel="web",
            language=language,
            join_duplicates=join,
        ),
        router,
        now=now,
    )


def _event(session, router, place):
    first = _file(
        session,
        router,
        place["light"],
        join=False,
        address=place["address"],
        session_id="web:first",
    )
    if first.status == "registered":
        dispatch_work_order(
            session, first.number, "roads-municipal", "王丽", now=MONDAY
        )
    second = _file(
        session,
        router,
        place["same_light"],
        address=place["other_address"],
        session_id="web:second",
        language="en",
        now=MONDAY + dt.timedelta(hours=3),
    )
    return first, second


def _notices(session, order):
    return session.scalars(
        select(Notification)
        .where(Notification.work_order_id == order.id)
        .order_by(Notification.id)
    ).all()


def test_a_second_report_of_the_same_light_joins_the_open_order(session, router, place):
    first, second = _event(session, router, place)
    assert second.status == "merged" and second.merged_into is first
    assert second.unit_name == first.unit_name and second.due_date == first.due_date
    assert second.duplicate_score >= 0.6
    assert (
        "合并办理" in second.updates[-1].note
        and first.number in second.updates[-1].note
    )
    assert any(u.action == "join" and second.number in u.note for u in first.updates)
    # It is not an order of its own to dispatch.
    assert second.number not in [o.number for o in review_queue(session, 500)]
    assert status_text(second, "zh").startswith(f"已与工单 {first.number} 合并办理")


def test_without_joining_the_same_report_is_an_order_of_its_own(session, router, place):
    first = _file(session, router, place["light"], address=place["address"])
    second = _file(
        session, router, place["same_light"], join=False, address=place["other_address"]
    )
    assert second.status != "merged" and second.merged_into is None
    assert first.number != second.number


def test_the_same_problem_in_another_district_is_another_event(session, router, place):
    _file(session, router, place["light"], join=False, address=place["address"])
    elsewhere = _file(
        session,
        router,
        "长阳路上的路灯坏了，晚上一片漆黑，过马路很危险",
        district="杨浦区",
        address="长阳路",
    )
    assert elsewhere.merged_into is None


def test_a_report_after_the_event_was_handled_opens_a_new_order(session, router, place):
    first = _file(session, router, place["light"], join=False, address=place["address"])
    apply(session, first.number, Step("close", "王丽", CENTRE), MONDAY)
    again = _file(session, router, place["same_light"], address=place["other_address"])
    assert again.merged_into is None


def test_every_reporter_hears_each_step_in_their_own_language(session, router, place):
    first, second = _event(session, router, place)
    unit = first.unit_name
    apply(session, first.number, Step("sign", f"{unit} 张三", UNIT), MONDAY)
    apply(
        session,
        first.number,
        Step("complete", f"{unit} 张三", UNIT, note="已更换路灯灯泡"),
        MONDAY,
    )
    told = [(n.kind, n.text) for n in _notices(session, second)]
    assert [kind for kind, _ in told] == ["status", "visit_request"]
    assert (
        f"work order {second.number}, handled together with work order "
        f"{first.number}" in told[0][1]
    )
    assert "has accepted your report" in told[0][1]
    assert "已更换路灯灯泡" in told[1][1] and "How satisfied" in told[1][1]
    own = [n.kind for n in _notices(session, first)]
    assert own.count("visit_request") == 1
    assert all(n.recipient == "web:second" for n in _notices(session, second))


def test_a_joined_reporters_visit_is_kept_on_their_report_and_told_to_the_order(
    session, router, place
):
    first, second = _event(session, router, place)
    unit = first.unit_name
    apply(session, first.number, Step("sign", f"{unit} 张三", UNIT), MONDAY)
    apply(session, first.number, Step("complete", unit, UNIT, note="已修复"), MONDAY)
    later = MONDAY + dt.timedelta(days=1)
    answered = answer_visit(
        session, "web:second", "dissatisfied, still dark at night", later
    )
    assert answered.number == second.number and answered.satisfaction == "dissatisfied"
    assert "noted your view" in answered.reply
    assert second.satisfaction == "dissatisfied" and second.visited_at is not None
    assert first.status == "completed" and first.reopened_count == 0
    assert any(
        u.action == "joined_visit" and second.number in u.note and "不满意" in u.note
        for u in first.updates
    )
    # Answered once: the conversation has nothing more waiting.
    assert answer_visit(session, "web:second", "满意", later) is None
    # The first reporter's own 回访 still decides the order.
    assert answer_visit(session, "web:first", "满意", later).number == first.number


def test_a_citizen_who_insists_gets_an_order_of_their_own_in_the_review_queue(
    session, router, place
):
    first, second = _event(session, router, place)
    separated = merging.separate_latest(session, "web:second", MONDAY)
    assert separated is second and second.status == "registered"
    assert second.merged_into is None and second.dispatch_method is None
    assert second.number in [o.number for o in review_queue(session, 500)]
    assert any(u.action == "split" and second.number in u.note for u in first.updates)
    assert merging.separate_latest(session, "web:second", MONDAY) is None


def test_an_agent_merges_two_orders_of_one_event_and_their_reports_follow(
    session, router, place
):
    first = _file(session, router, place["light"], join=False, address=place["address"])
    second = _file(
        session,
        router,
        place["same_light"],
        join=False,
        address=place["other_address"],
        session_id="web:second",
    )
    third = _file(session, router, place["short"], address=place["address"])
    assert third.merged_into in (first, second)
    host = third.merged_into
    other = second if host is first else first
    merging.merge(session, host.number, other.number, "王丽", MONDAY)
    assert host.status == "merged" and host.merged_into is other
    assert third.merged_into is other
    joined = {r.number for r in merging.joined_reports(session, other.number)}
    assert joined == {host.number, third.number}


def test_an_agent_sees_the_other_report_of_an_event_filed_before_or_after(
    session, router, place
):
    first = _file(session, router, place["light"], join=False, address=place["address"])
    second = _file(
        session,
        router,
        place["same_light"],
        join=False,
        address=place["other_address"],
        now=MONDAY + dt.timedelta(hours=2),
    )
    for one, other in ((first, second), (second, first)):
        found = merging.duplicates_of(session, one.number)
        assert found[0].order is other and found[0].match.score >= 0.6
        assert found[0].match.reasons


@pytest.mark.parametrize("finish", ["close", None])
def test_merging_refuses_itself_and_orders_no_longer_handled(
    session, router, place, finish
):
    first = _file(session, router, place["light"], join=False)
    second = _file(session, router, place["same_light"], join=False)
    if finish:
        apply(session, second.number, Step(finish, "王丽", CENTRE), MONDAY)
        with pytest.raises(ValidationFailed, match="still being handled"):
            merging.merge(session, first.number, second.number, "王丽")
    else:
        with pytest.raises(ValidationFailed, match="itself"):
            merging.merge(session, first.number, first.number, "王丽")
    with pytest.raises(NotFoundError):
        merging.merge(session, first.number, "GD26120700000000", "王丽")
    with pytest.raises(ValidationFailed, match="not merged"):
        merging.split(session, first.number, "王丽")
    assert find_work_order(session, first.number).status != "merged"


def test_every_reporter_hears_when_the_centre_closes_the_event_unhandled(
    session, router, place
):
    first, second = _event(session, router, place)
    apply(
        session,
        first.number,
        Step("close", "王丽", CENTRE, note="该路灯已由电力公司抢修恢复"),
        MONDAY,
    )
    for order in (first, second):
        closed = _notices(session, order)[-1]
        assert closed.kind == "status" and "路灯已由电力公司抢修恢复" in closed.text
    assert "has been closed" in _notices(session, second)[-1].text
    assert "已结案" in _notices(session, first)[-1].text
