"""A callback request becomes a work order with the number to ring and the question."""

from __future__ import annotations

from actions.callback import ActionFileCallback, ValidateCallbackForm
from cases.repositories.work_orders import get_work_order
from foundation.db import session_scope
from tests.actions.conftest import make_tracker


def _user(text: str, intent: str) -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


CONVERSATION = [
    _user("火车票怎么退", "out_of_scope"),
    {"event": "bot", "text": "抱歉，这个问题不在…"},
    _user("/request_callback", "request_callback"),
    {"event": "active_loop", "name": "callback_form", "timestamp": 1700000100.0},
    _user("13912345678", "inform"),
]


def test_callback_is_filed_with_the_question_asked_before_and_the_phone(
    engine, dispatcher
):
    tracker = make_tracker(
        sender_id="citizen-callback",
        slots={"phone": "13912345678"},
        events=CONVERSATION,
    )
    events = ActionFileCallback().run(dispatcher, tracker, {})
    message = dispatcher.messages[0]
    assert message["response"] == "utter_callback_filed"
    with session_scope(engine) as session:
        order = get_work_order(session, message["number"])
        assert order.category.code == "other"
        assert order.contact_phone == "13912345678"
        assert order.description.endswith("咨询事项：火车票怎么退")
        assert order.due_date > order.created_at.date()
    assert {"event": "slot", "name": "phone", "value": None} in [
        {k: e[k] for k in ("event", "name", "value")} for e in events
    ]


def test_retried_callback_files_one_work_order(dispatcher):
    tracker = make_tracker(
        sender_id="citizen-callback-twice",
        slots={"phone": "13912345678"},
        events=CONVERSATION,
    )
    ActionFileCallback().run(dispatcher, tracker, {})
    ActionFileCallback().run(dispatcher, tracker, {})
    first, second = dispatcher.messages
    assert first["number"] == second["number"]


def test_callback_phone_must_be_a_mobile_number(dispatcher):
    result = ValidateCallbackForm().validate_phone(
        "12345", dispatcher, make_tracker(), {}
    )
    assert result == {"phone": None}
    assert dispatcher.messages[0]["response"] == "utter_invalid_phone"
