"""Starting, cancelling and setting aside forms."""

from __future__ import annotations

from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet

from actions.session import (
    ActionResetForms,
    ActionSetApplicationAside,
    ActionTakeComplaintInstead,
)
from tests.actions.conftest import make_tracker

HALF_FILLED_APPLICATION = {
    "service": "passport",
    "applicant_name": "张伟",
    "id_number": "310104199001011233",
    "requested_slot": "phone",
}


def test_setting_an_application_aside_forgets_its_details_and_takes_the_complaint(
    dispatcher,
):
    tracker = make_tracker(
        text="小区门口的路灯坏了",
        intent="file_complaint",
        slots=HALF_FILLED_APPLICATION,
        active_loop="application_form",
    )
    events = ActionSetApplicationAside().run(dispatcher, tracker, {})
    cleared = {
        e["name"] for e in events if isinstance(e, dict) and e.get("value") is None
    }
    assert ActiveLoop(None) in events
    assert {"applicant_name", "id_number", "phone", "requested_slot"} <= cleared
    assert SlotSet("complaint_text", "小区门口的路灯坏了") in events
    assert "service" not in cleared
    assert dispatcher.messages[0]["response"] == "utter_application_set_aside"


def test_cancelling_forgets_everything_half_filled(dispatcher):
    tracker = make_tracker(
        intent="cancel",
        slots={**HALF_FILLED_APPLICATION, "complaint_text": "小区门口的路灯坏了"},
        active_loop="application_form",
    )
    events = ActionResetForms().run(dispatcher, tracker, {})
    assert SlotSet("complaint_text", None) in events
    assert SlotSet("applicant_name", None) in events
    assert dispatcher.messages[0]["response"] == "utter_cancelled"


def test_declining_to_leave_a_number_files_the_complaint_instead_of_cancelling(
    dispatcher,
):
    tracker = make_tracker(
        text="不留了",
        intent="cancel",
        slots={"complaint_text": "楼下饭店油烟太大", "requested_slot": "contact"},
        active_loop="complaint_form",
    )
    events = ActionResetForms().run(dispatcher, tracker, {})
    assert events == [SlotSet("contact", "anonymous"), FollowupAction("complaint_form")]
    assert dispatcher.messages == []


def test_cancelling_at_the_contact_question_still_cancels(dispatcher):
    tracker = make_tracker(
        text="算了，不办了",
        intent="cancel",
        slots={"complaint_text": "楼下饭店油烟太大", "requested_slot": "contact"},
        active_loop="complaint_form",
    )
    events = ActionResetForms().run(dispatcher, tracker, {})
    assert ActiveLoop(None) in events and SlotSet("complaint_text", None) in events


def test_asking_for_a_person_inside_a_form_does_not_ask_what_else_is_needed(dispatcher):
    tracker = make_tracker(
        intent="request_human",
        slots=HALF_FILLED_APPLICATION,
        active_loop="application_form",
    )
    events = ActionResetForms().run(dispatcher, tracker, {})
    assert ActiveLoop(None) in events
    assert SlotSet("applicant_name", None) in events
    assert [m["response"] for m in dispatcher.messages] == ["utter_stopped_for_handoff"]


DESCRIBED = "干洗店把我的西装洗得全是褶子，只肯退一半的钱"


def test_a_complaint_instead_of_a_tracking_number_files_the_problem_described(
    dispatcher,
):
    tracker = make_tracker(
        text="/file_complaint",
        intent="file_complaint",
        slots={"problem_described": DESCRIBED, "requested_slot": "tracking_number"},
        active_loop="status_form",
    )
    events = ActionTakeComplaintInstead().run(dispatcher, tracker, {})
    assert ActiveLoop(None) in events
    assert SlotSet("requested_slot", None) in events
    assert SlotSet("complaint_text", DESCRIBED) in events
    assert SlotSet("problem_described", None) in events
    assert dispatcher.messages[0]["response"] == "utter_complaint_taken_instead"


def test_what_the_citizen_adds_about_the_problem_joins_its_description(dispatcher):
    tracker = make_tracker(
        text="我不是查进度，我要投诉这家干洗店",
        intent="file_complaint",
        slots={"problem_described": DESCRIBED + "。"},
        active_loop="status_form",
    )
    events = ActionTakeComplaintInstead().run(dispatcher, tracker, {})
    assert (
        SlotSet("complaint_text", DESCRIBED + "。我不是查进度，我要投诉这家干洗店")
        in events
    )


def test_a_complaint_instead_of_a_rating_forgets_the_rating_asked_for(dispatcher):
    said = "楼下烧烤店的油烟天天往我家窗户里灌"
    tracker = make_tracker(
        text=said,
        intent="file_complaint",
        slots={"requested_slot": "rating"},
        active_loop="feedback_form",
    )
    events = ActionTakeComplaintInstead().run(dispatcher, tracker, {})
    assert ActiveLoop(None) in events and SlotSet("requested_slot", None) in events
    assert SlotSet("complaint_text", said) in events


def test_a_bare_wish_to_complain_keeps_the_problem_described_alone(dispatcher):
    tracker = make_tracker(
        text="我要投诉",
        intent="file_complaint",
        slots={"problem_described": DESCRIBED},
        active_loop="status_form",
    )
    events = ActionTakeComplaintInstead().run(dispatcher, tracker, {})
    assert SlotSet("complaint_text", DESCRIBED) in events


def test_a_complaint_with_nothing_described_before_is_taken_as_said(dispatcher):
    said = "楼下酒吧每天放音乐到凌晨两点"
    tracker = make_tracker(
        text=said, intent="file_complaint", active_loop="status_form"
    )
    events = ActionTakeComplaintInstead().run(dispatcher, tracker, {})
    assert SlotSet("complaint_text", said) in events


def test_a_button_with_nothing_described_leaves_the_problem_to_be_asked(dispatcher):
    tracker = make_tracker(
        text="/file_complaint", intent="file_complaint", active_loop="status_form"
    )
    events = ActionTakeComplaintInstead().run(dispatcher, tracker, {})
    assert SlotSet("complaint_text", None) in events


def test_i_forgot_read_as_cancel_at_the_number_question_says_where_the_number_is(
    dispatcher,
):
    tracker = make_tracker(
        text="不记得了",
        intent="cancel",
        slots={"requested_slot": "tracking_number"},
        active_loop="status_form",
    )
    events = ActionResetForms().run(dispatcher, tracker, {})
    assert [m["response"] for m in dispatcher.messages] == [
        "utter_tracking_number_lost"
    ]
    assert ActiveLoop(None) in events


def test_asking_for_a_person_in_a_progress_check_mentions_nothing_unsubmitted(
    dispatcher,
):
    tracker = make_tracker(
        text="转人工",
        intent="request_human",
        slots={"requested_slot": "tracking_number"},
        active_loop="status_form",
    )
    events = ActionResetForms().run(dispatcher, tracker, {})
    assert dispatcher.messages == []
    assert ActiveLoop(None) in events
