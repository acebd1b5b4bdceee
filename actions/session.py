"""Starting and resetting conversations."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import (
    ActionExecuted,
    ActiveLoop,
    EventType,
    SessionStarted,
    SlotSet,
)
from rasa_sdk.executor import CollectingDispatcher

from actions.common import db_session, language_of
from knowledge_base.answers import service_name
from knowledge_base.repositories.services import get_service

CARRIED_OVER = ("language", "service", "district")


class ActionSessionStart(Action):
    """A citizen returning after a silence keeps their language and subject, and is told so."""

    def name(self) -> str:
        return "action_session_start"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list[EventType]:
        carried = [
            SlotSet(slot, tracker.get_slot(slot))
            for slot in CARRIED_OVER
            if tracker.get_slot(slot)
        ]
        events: list[EventType] = [SessionStarted(), *carried]
        code = tracker.get_slot("service")
        if code:
            with db_session() as session:
                service = get_service(session, code)
                if service is not None:
                    dispatcher.utter_message(
                        response="utter_welcome_back",
                        service=service_name(service, language_of(tracker)),
                    )
        return [*events, ActionExecuted("action_listen")]


class ActionResetForms(Action):
    """Cancelling stops any form and forgets what was half-filled."""

    def name(self) -> str:
        return "action_reset_forms"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list[EventType]:
        half_filled = (
            "applicant_name",
            "id_number",
            "phone",
            "consent",
            "complaint_text",
            "category",
            "category_guess",
            "address",
            "occurred_at",
            "contact",
            "rating",
            "tracking_number",
            "requested_slot",
        )
        dispatcher.utter_message(response="utter_cancelled")
        return [ActiveLoop(None), *(SlotSet(slot, None) for slot in half_filled)]
