"""Asking for a tracking number, and a way out for a citizen who has none."""

from __future__ import annotations

from rasa_sdk.events import ActiveLoop, SlotSet

from actions.status import (
    ActionAskTrackingNumber,
    ActionCheckStatus,
    ActionExplainLostNumber,
    ValidateStatusForm,
)
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


def test_a_lost_number_ends_the_progress_check_with_where_to_find_it(dispatcher):
    tracker = make_tracker(
        text="编号忘了",
        intent="lost_tracking_number",
        slots={"requested_slot": "tracking_number"},
        active_loop="status_form",
    )
    events = ActionExplainLostNumber().run(dispatcher, tracker, {})
    assert [m["response"] for m in dispatcher.messages] == [
        "utter_tracking_number_lost"
    ]
    assert ActiveLoop(None) in events
    assert SlotSet("requested_slot", None) in events


def test_a_lost_number_asked_outside_a_form_touches_no_form(dispatcher):
    tracker = make_tracker(text="工单号找不到了", intent="lost_tracking_number")
    assert ActionExplainLostNumber().run(dispatcher, tracker, {}) == []
    assert dispatcher.messages[0]["response"] == "utter_tracking_number_lost"


def test_a_bare_i_forgot_to_the_number_question_ends_the_check_with_where_it_is(
    dispatcher,
):
    tracker = make_tracker(
        text="不记得了",
        slots={"requested_slot": "tracking_number"},
        active_loop="status_form",
    )
    validated = ValidateStatusForm().validate_tracking_number(
        "不记得了", dispatcher, tracker, {}
    )
    assert validated == {"tracking_number": None, "requested_slot": None}
    assert [m["response"] for m in dispatcher.messages] == [
        "utter_tracking_number_lost"
    ]


def test_a_check_ended_without_a_number_looks_nothing_up(dispatcher):
    tracker = make_tracker(text="不记得了", slots={"tracking_number": None})
    assert ActionCheckStatus().run(dispatcher, tracker, {}) == []
    assert dispatcher.messages == []


def test_a_mistyped_number_is_still_called_wrong(dispatcher):
    tracker = make_tracker(text="GD2026", active_loop="status_form")
    ValidateStatusForm().validate_tracking_number("GD2026", dispatcher, tracker, {})
    assert dispatcher.messages[0]["response"] == "utter_invalid_tracking_number"
