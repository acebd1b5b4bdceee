"""The NLU's emergency intent: full answer when the rules agree, numbers only if not."""

from __future__ import annotations

from actions.emergency import ActionEmergency
from contact_centre.repositories.conversations import open_handoff
from foundation.db import session_scope
from tests.actions.conftest import make_tracker


def test_emergency_the_rules_confirm_gets_its_number_and_an_urgent_handoff(
    engine, dispatcher
):
    tracker = make_tracker(
        text="楼下着火了，好多烟", intent="emergency", sender_id="citizen-fire"
    )
    events = ActionEmergency().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["text"].startswith("请立即拨打 119")
    with session_scope(engine) as session:
        handoff = open_handoff(session, "citizen-fire")
        assert handoff is not None and handoff.emergency == "fire"
    assert events[0]["name"] == "handoff" and events[0]["value"] is True


def test_ordinary_message_the_model_misread_gets_numbers_without_alarm(
    engine, dispatcher
):
    tracker = make_tracker(
        text="119消防验收怎么办理", intent="emergency", sender_id="citizen-inspection"
    )
    events = ActionEmergency().run(dispatcher, tracker, {})
    message = dispatcher.messages[0]
    assert "如果不是紧急情况" in message["text"]
    assert message["buttons"] == [{"title": "转人工", "payload": "/request_human"}]
    assert events == []
    with session_scope(engine) as session:
        assert open_handoff(session, "citizen-inspection") is None
