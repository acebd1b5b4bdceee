"""The model's second line behind the gateway's emergency rules.

The gateway answers every emergency its rules recognise before Rasa sees the message
(``safety.triage``). When the NLU still hears one, either the rules see it in this
message after all (a button, say) and the full answer is given with an urgent
hand-off, or they do not, and the numbers are given without an alarm: an ordinary
message the model misread gets a harmless reply.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import db_session, language_of, politely, typed_text
from actions.guidance import talk_to_a_person
from contact_centre.handoff import request_handoff
from contracts.rasa_gateway import handoff_payload
from safety import emergency_reply, triage, unsure_emergency_reply


class ActionEmergency(Action):
    def name(self) -> str:
        return "action_emergency"

    @politely
    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list:
        lang = language_of(tracker)
        text = typed_text(tracker)
        emergency = triage(text)
        if emergency is None:
            dispatcher.utter_message(
                text=unsure_emergency_reply(lang), buttons=[talk_to_a_person(lang)]
            )
            return []
        with db_session() as session:
            request_handoff(
                session,
                tracker.sender_id,
                reason=text,
                language=lang,
                channel=tracker.get_latest_input_channel() or "web",
                emergency=emergency.kind.value,
            )
        dispatcher.utter_message(text=emergency_reply(emergency, lang))
        dispatcher.utter_message(json_message=handoff_payload())
        return [SlotSet("handoff", True)]
