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

from actions.applications import APPLICATION_SLOTS
from actions.common import db_session, language_of, latest_intent
from actions.complaints import COMPLAINT_SLOTS
from knowledge_base.answers import service_name
from knowledge_base.services import get_service

CARRIED_OVER = ("language", "service", "district", "street")


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


HALF_FILLED = (
    *APPLICATION_SLOTS,
    *COMPLAINT_SLOTS,
    "rating",
    "tracking_number",
    "tracking_proof",
    "requested_slot",
)


class ActionResetForms(Action):
    """Cancelling stops any form and forgets what was half-filled.

    Asked for a person, it only says that nothing was submitted: the hand-over follows
    at once, so "anything else I can help with?" would be a question nobody answers.
    """

    def name(self) -> str:
        return "action_reset_forms"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list[EventType]:
        if latest_intent(tracker) == "request_human":
            dispatcher.utter_message(response="utter_stopped_for_handoff")
        else:
            dispatcher.utter_message(response="utter_cancelled")
        return [ActiveLoop(None), *(SlotSet(slot, None) for slot in HALF_FILLED)]


class ActionSetApplicationAside(Action):
    """A complaint raised in the middle of an application comes first.

    The half-filled application is dropped, personal details included, so that a
    later application asks for them again rather than reusing them unseen.
    """

    def name(self) -> str:
        return "action_set_application_aside"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_application_set_aside")
        return [
            ActiveLoop(None),
            SlotSet("requested_slot", None),
            *(SlotSet(slot, None) for slot in APPLICATION_SLOTS),
            # The complaint form starts from what was just said instead of asking again.
            SlotSet("complaint_text", tracker.latest_message.get("text")),
        ]
