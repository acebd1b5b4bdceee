"""Satisfaction ratings at the end of a conversation."""

from __future__ import annotations

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import db_session, is_button_payload, politely
from contact_centre.feedback import record_feedback


class ValidateFeedbackForm(FormValidationAction):
    def name(self) -> str:
        return "validate_feedback_form"


class ActionRecordFeedback(Action):
    def name(self) -> str:
        return "action_record_feedback"

    @politely
    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list:
        rating = int(tracker.get_slot("rating"))
        text = tracker.latest_message.get("text") or ""
        comment = None if is_button_payload(text) else text
        with db_session() as session:
            record_feedback(
                session,
                rating,
                comment,
                session_id=tracker.sender_id,
                channel=tracker.get_latest_input_channel() or "web",
            )
        dispatcher.utter_message(response="utter_feedback_thanks")
        return [SlotSet("rating", None)]
