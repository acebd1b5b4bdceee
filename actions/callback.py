"""A callback request: the citizen leaves a number and the hotline phones back.

It is a work order like any other (category 其他, the 12345 office), so it is numbered,
has a time limit and shows in the department's list; what it is about is the question
the citizen asked before choosing a callback.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    db_session,
    form_started_at,
    is_button_payload,
    language_of,
    normalised_or_asked_again,
    politely,
    search_engine,
)
from cases.idempotency import session_scope
from cases.routing.router import complaint_router
from cases.work_orders import WorkOrderRequest, callback_description, file_work_order
from foundation.errors import ValidationFailed
from privacy.identity import normalise_phone

CALLBACK_INTENT = "request_callback"


class ValidateCallbackForm(FormValidationAction):
    def name(self) -> str:
        return "validate_callback_form"

    def validate_phone(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict,
    ) -> dict:
        return normalised_or_asked_again(
            "phone", value, normalise_phone, "utter_invalid_phone", dispatcher
        )


class ActionFileCallback(Action):
    def name(self) -> str:
        return "action_file_callback"

    @politely
    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list:
        request = WorkOrderRequest(
            description=callback_description(_question_before_request(tracker)),
            category_code="other",
            contact_phone=tracker.get_slot("phone"),
            channel=tracker.get_latest_input_channel() or "web",
            session_id=tracker.sender_id,
            language=language_of(tracker),
            idempotency_key=f"{tracker.sender_id}:{form_started_at(tracker, 'callback_form')}",
            idempotency_scope=session_scope(tracker.sender_id),
        )
        try:
            with db_session() as session:
                order = file_work_order(
                    session, request, complaint_router(search_engine())
                )
                dispatcher.utter_message(
                    response="utter_callback_filed",
                    number=order.number,
                    due_date=order.due_date.isoformat(),
                )
        except ValidationFailed:
            dispatcher.utter_message(response="utter_default")
        return [SlotSet("phone", None)]


def _question_before_request(tracker: Tracker) -> str | None:
    """What the citizen asked before asking to be called back: typed, not a button."""
    asked_for_callback = False
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = (event.get("parse_data") or {}).get("intent", {}).get("name")
        if intent == CALLBACK_INTENT:
            asked_for_callback = True
            continue
        text = event.get("text") or ""
        if asked_for_callback and text and not is_button_payload(text):
            return text
    return None
