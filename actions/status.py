"""Progress of an application or a work order, by its tracking number and proof.

The form asks for the number, then for the last four digits of the phone given when
filing (or the query code of a record filed without one); ``cases.access.open_case``
decides, and a wrong proof gets the same reply as an unknown number. A citizen asked
for a number who came to report a problem is offered the complaint form
(``actions.session.ActionTakeComplaintInstead``). One who has lost the number is told
where to find it and that an agent can look it up by the phone given when filing
(``ActionExplainLostNumber``), rather than being asked for it again.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    case_attempts,
    db_session,
    describes_a_problem,
    language_of,
    politely,
    typed_text,
)
from cases.access import open_case, proof_in
from cases.applications import STATUS_TEXT as APPLICATION_STATUS
from cases.lifecycle import handled_order, status_text
from cases.models import Application
from cases.routing.units import unit_as_read
from cases.tracking import find_numbers, normalise_number
from foundation.errors import NotFoundError, TooManyAttempts
from knowledge_base.answers import service_name
from understanding.status_queries import (
    forgets_what_was_asked,
    lost_number_intent,
    names_the_query_code,
)


class ValidateStatusForm(FormValidationAction):
    def name(self) -> str:
        return "validate_status_form"

    def validate_tracking_number(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict,
    ) -> dict:
        number = normalise_number(str(value or ""))
        if number is None and forgets_what_was_asked(str(value or "")):
            # Asking again would leave the citizen where they were: the check ends
            # with where the number is (action_check_status then has none to check).
            dispatcher.utter_message(response="utter_tracking_number_lost")
            return {"tracking_number": None, "requested_slot": None}
        if number is None:
            dispatcher.utter_message(response="utter_invalid_tracking_number")
        return {"tracking_number": number}

    def validate_tracking_proof(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict,
    ) -> dict:
        said = str(value or "")
        proof = proof_in(said)
        if proof is None and (forgets_what_was_asked(said) or lost_number_intent(said)):
            # "查询码忘了": asked again, the citizen would be where they were. The check
            # ends with where the code is (action_check_status then has nothing to check).
            dispatcher.utter_message(response="utter_query_code_lost")
            return {
                "tracking_proof": None,
                "tracking_number": None,
                "requested_slot": None,
            }
        if proof is None:
            dispatcher.utter_message(response="utter_invalid_tracking_proof")
        return {"tracking_proof": proof}


class ActionAskTrackingNumber(Action):
    """Asks for the tracking number, with a way out for a citizen who has none to give.

    The NLU can take a problem for a progress check ("洗衣店把我的大衣洗缩水了，只肯赔
    五十块"): asked for a number they never had, such a citizen would be stuck. A
    message that describes a problem and gives no number is offered to be reported.
    """

    def name(self) -> str:
        return "action_ask_tracking_number"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list:
        text = typed_text(tracker)
        if find_numbers(text) or not describes_a_problem(tracker):
            dispatcher.utter_message(response="utter_ask_tracking_number")
            return [SlotSet("problem_described", None)]
        english = language_of(tracker) == "en"
        report = {
            "title": "Not a progress check: report this problem"
            if english
            else "不是查进度，登记这个问题",
            "payload": "/file_complaint",
        }
        dispatcher.utter_message(response="utter_ask_tracking_number", buttons=[report])
        return [SlotSet("problem_described", text)]


class ActionExplainLostNumber(Action):
    """Where a lost tracking number is, and the way round it: an agent finds a caller's
    cases by the phone given when filing (``contact_centre.caller_cases``). Asking
    for the number again would leave the citizen where they were."""

    def name(self) -> str:
        return "action_explain_lost_number"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list[EventType]:
        return explain_lost_number(dispatcher, tracker)


def explain_lost_number(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType]:
    """Says where to find the number (or the query code, when that is what was lost),
    and ends a progress check that waited for it."""
    said = tracker.latest_message.get("text") or ""
    asked_for_proof = tracker.get_slot("requested_slot") == "tracking_proof"
    lost_code = asked_for_proof or names_the_query_code(said)
    dispatcher.utter_message(
        response="utter_query_code_lost" if lost_code else "utter_tracking_number_lost"
    )
    if tracker.active_loop.get("name") != "status_form":
        return []
    return [
        ActiveLoop(None),
        SlotSet("requested_slot", None),
        SlotSet("tracking_number", None),
        SlotSet("tracking_proof", None),
    ]


class ActionCheckStatus(Action):
    def name(self) -> str:
        return "action_check_status"

    @politely
    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list:
        lang = language_of(tracker)
        number = tracker.get_slot("tracking_number")
        if not number:
            return []  # the check ended without one: the citizen had lost it
        proof = tracker.get_slot("tracking_proof")
        with db_session() as session:
            try:
                case = open_case(session, number, proof, case_attempts())
                if isinstance(case, Application):
                    dispatcher.utter_message(
                        response="utter_application_status",
                        number=case.number,
                        service=service_name(case.service, lang),
                        status=APPLICATION_STATUS[lang][case.status],
                        updated=case.updated_at.strftime("%Y-%m-%d %H:%M"),
                    )
                else:
                    handled = handled_order(case)
                    dispatcher.utter_message(
                        response="utter_work_order_status",
                        number=case.number,
                        category=case.category.name_en
                        if lang == "en"
                        else case.category.name,
                        status=status_text(case, lang),
                        department=unit_as_read(
                            handled.unit_level,
                            handled.unit_name,
                            handled.department,
                            lang,
                        ),
                        due_date=handled.due_date.isoformat(),
                    )
            except NotFoundError:
                dispatcher.utter_message(
                    response="utter_tracking_not_found", number=number
                )
            except TooManyAttempts:
                dispatcher.utter_message(
                    response="utter_tracking_locked", number=number
                )
        return [SlotSet("tracking_number", None), SlotSet("tracking_proof", None)]
