"""Starting, cancelling and setting aside forms."""

from __future__ import annotations

from rasa_sdk.events import ActiveLoop, SlotSet

from actions.session import ActionResetForms, ActionSetApplicationAside
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
