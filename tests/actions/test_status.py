"""Asking for a tracking number, and a way out for a citizen who has none."""

from __future__ import annotations

from rasa_sdk.events import SlotSet

from actions.status import ActionAskTrackingNumber
from tests.actions.conftest import make_tracker

DESCRIBED = "干洗店把我的西装洗得全是褶子，只肯退一半的钱"


def _report_buttons(dispatcher) -> list[dict]:
    return [
        button
        for message in dispatcher.messages
        for button in message.get("buttons") or []
        if button["payload"] == "/file_complaint"
    ]


def test_a_problem_taken_for_a_progress_check_is_offered_to_be_reported(dispatcher):
    tracker = make_tracker(
        text=DESCRIBED, intent="check_work_order_status", active_loop="status_form"
    )
    events = ActionAskTrackingNumber().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["response"] == "utter_ask_tracking_number"
    assert [b["title"] for b in _report_buttons(dispatcher)] == [
        "不是查进度，登记这个问题"
    ]
    assert SlotSet("problem_described", DESCRIBED) in events


def test_the_offer_to_report_instead_is_in_english_for_an_expat(dispatcher):
    tracker = make_tracker(
        text="The dry cleaner ruined my suit and will only refund half",
        intent="check_work_order_status",
        slots={"language": "en"},
    )
    ActionAskTrackingNumber().run(dispatcher, tracker, {})
    assert [b["title"] for b in _report_buttons(dispatcher)] == [
        "Not a progress check: report this problem"
    ]


def test_a_plain_progress_question_is_only_asked_for_its_number(dispatcher):
    for text in ("我的工单处理得怎么样了", "查一下GD20261123000456 噪音的那个"):
        events = ActionAskTrackingNumber().run(
            dispatcher, make_tracker(text=text, intent="check_work_order_status"), {}
        )
        assert SlotSet("problem_described", None) in events
    assert not _report_buttons(dispatcher)
    assert len(dispatcher.messages) == 2
