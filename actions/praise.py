"""Praise told to the assistant: asked for whom and what if not said, then passed on."""

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
    politely,
    search_engine,
)
from cases.idempotency import session_scope
from cases.praise import pass_on_praise
from cases.routing.router import complaint_router
from cases.routing.units import unit_as_read
from cases.work_orders import WorkOrderRequest
from foundation.errors import ValidationFailed
from understanding.praise import says_whom_or_what

PRAISE_SLOTS = ("praise_text",)


class ValidatePraiseForm(FormValidationAction):
    def name(self) -> str:
        return "validate_praise_form"

    def validate_praise_text(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict,
    ) -> dict:
        # "我要表扬" alone names nobody to pass it on to: ask for whom and what.
        text = str(value or "").strip()
        if is_button_payload(text) or not says_whom_or_what(text):
            return {"praise_text": None}
        return {"praise_text": text}


class ActionPassOnPraise(Action):
    def name(self) -> str:
        return "action_pass_on_praise"

    @politely
    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list:
        lang = language_of(tracker)
        request = WorkOrderRequest(
            description=tracker.get_slot("praise_text") or "",
            district=tracker.get_slot("district"),
            channel=tracker.get_latest_input_channel() or "web",
            session_id=tracker.sender_id,
            language=lang,
            idempotency_key=f"{tracker.sender_id}:{form_started_at(tracker, 'praise_form')}",
            idempotency_scope=session_scope(tracker.sender_id),
        )
        try:
            with db_session() as session:
                order = pass_on_praise(
                    session, request, complaint_router(search_engine())
                )
                dispatcher.utter_message(
                    response="utter_praise_passed_on",
                    number=order.number,
                    department=unit_as_read(
                        order.unit_level, order.unit_name, order.department, lang
                    ),
                )
        except ValidationFailed:
            dispatcher.utter_message(response="utter_default")
        return [SlotSet(slot, None) for slot in PRAISE_SLOTS]
