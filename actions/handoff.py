"""Hand-off to a person: the conversation joins the agents' queue, or, outside their
hours, the citizen is offered a callback at once (``contact_centre.handoff``)."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import db_session, language_of, politely
from contact_centre.handoff import AgentsAway, ask_for_person
from contracts.rasa_gateway import handoff_payload


class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    @politely
    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list:
        language = language_of(tracker)
        with db_session() as session:
            place = ask_for_person(
                session,
                tracker.sender_id,
                reason=tracker.latest_message.get("text"),
                language=language,
                channel=tracker.get_latest_input_channel() or "web",
            )
        if isinstance(place, AgentsAway):
            reply = place.reply(language)
            dispatcher.utter_message(text=reply["text"], buttons=reply["buttons"])
            return []
        dispatcher.utter_message(
            response="utter_handoff_queued", position=place.position
        )
        # The gateway reads it to show that a person will answer.
        dispatcher.utter_message(json_message=handoff_payload())
        return [SlotSet("handoff", True)]
