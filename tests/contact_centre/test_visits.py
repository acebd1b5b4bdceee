"""The 回访 answered in the chat: the citizen's words move the order on, and only an
answer to a waiting 回访 is taken as one."""

from __future__ import annotations

import pytest

from cases.lifecycle import UNIT, Step, apply
from cases.work_orders import (
    WorkOrderRequest,
    dispatch_work_order,
    file_work_order,
    find_work_order,
)
from contact_centre.visits import answer_visit, satisfaction_in


@pytest.mark.parametrize(
    ("text", "degree", "comment"),
    [
        ("满意", "satisfied", ""),
        ("非常满意！谢谢你们", "satisfied", "谢谢你们"),
        ("基本满意", "basically_satisfied", ""),
        ("一般吧", "basically_satisfied", ""),
        ("不满意，晚上还是很吵", "dissatisfied", "晚上还是很吵"),
        ("我觉得不太满意", "dissatisfied", ""),
        ("Not satisfied, still noisy", "dissatisfied", "still noisy"),
    ],
)
def test_an_answer_names_its_degree_and_keeps_the_comment(text, degree, comment):
    assert satisfaction_in(text) == (degree, comment)


@pytest.mark.parametrize(
    "text", ["满意度调查是什么", "我很满意你们的服务态度", "居住证怎么办", "满意" * 120]
)
def test_what_is_not_an_answer_is_left_to_the_assistant(text):
    assert satisfaction_in(text) is None


def _completed(session, router, session_id: str, language: str = "zh") -> str:
    order = file_work_order(
        session,
        WorkOrderRequest(
            description="楼下饭店油烟太大", session_id=session_id, language=language
        ),
        router,
    )
    dispatch_work_order(session, order.number, order.category.code, "agent-li")
    apply(session, order.number, Step("sign", "unit-1", UNIT))
    apply(session, order.number, Step("complete", "unit-1", UNIT, note="已整改"))
    return order.number


def test_satisfied_closes_the_visit_and_thanks(session, router):
    number = _completed(session, router, "visit-chat-1")
    answer = answer_visit(session, "visit-chat-1", "满意")
    assert answer is not None and answer.number == number
    assert "感谢" in answer.reply
    order = find_work_order(session, number)
    assert order.status == "visited" and order.satisfaction == "satisfied"


def test_dissatisfied_reopens_once_then_escalates(session, router):
    number = _completed(session, router, "visit-chat-2")
    first = answer_visit(session, "visit-chat-2", "不满意，还是有油烟")
    assert "重新办理" in first.reply
    apply(session, number, Step("sign", "unit-1", UNIT))
    apply(session, number, Step("complete", "unit-1", UNIT, note="再次整改"))
    second = answer_visit(session, "visit-chat-2", "不满意")
    assert "督办" in second.reply


def test_no_waiting_visit_means_no_answer(session, router):
    assert answer_visit(session, "visit-chat-none", "满意") is None


def test_an_english_answer_to_an_english_visit_is_thanked_in_english(session, router):
    number = _completed(session, router, "visit-chat-en", language="en")
    answer = answer_visit(session, "visit-chat-en", "Not satisfied, the fumes are back")
    assert answer is not None and answer.satisfaction == "dissatisfied"
    assert answer.reply.startswith("Thank you; we have noted your view.")
    assert f"Work order {number} goes back to the handling unit" in answer.reply
    assert not any("\u4e00" <= char <= "\u9fff" for char in answer.reply)
