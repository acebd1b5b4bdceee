"""Starting and resetting conversations."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import (
    ActionExecuted,
    ActiveLoop,
    EventType,
    FollowupAction,
    SessionStarted,
    SlotSet,
)
from rasa_sdk.executor import CollectingDispatcher

from actions.applications import APPLICATION_SLOTS
from actions.common import (
    db_session,
    describes_a_problem,
    language_of,
    latest_intent,
    typed_text,
)
from actions.complaints import COMPLAINT_SLOTS
from actions.praise import PRAISE_SLOTS
from actions.slots import ANONYMOUS, declines_contact
from actions.status import explain_lost_number
from knowledge_base.answers import service_name
from knowledge_base.services import get_service
from understanding.status_queries import forgets_what_was_asked

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


# What the forms a complaint replaces were waiting for.
SET_ASIDE = ("rating", "tracking_number", "tracking_proof", "requested_slot")
# Forms whose answers are not submitted anywhere: leaving them drops nothing.
ASKS_NOTHING_TO_SUBMIT = ("status_form", "feedback_form", "praise_form")
HALF_FILLED = (
    *APPLICATION_SLOTS,
    *COMPLAINT_SLOTS,
    *PRAISE_SLOTS,
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
        # "不留了" to the contact question declines the number, not the complaint: it is
        # filed anonymously rather than dropped with all that was told.
        if (
            tracker.active_loop.get("name") == "complaint_form"
            and tracker.get_slot("requested_slot") == "contact"
            and latest_intent(tracker) == "cancel"
            and declines_contact(tracker.latest_message.get("text") or "")
        ):
            return [SlotSet("contact", ANONYMOUS), FollowupAction("complaint_form")]
        # "不记得了" to the question for a tracking number or its proof is not giving up
        # but being stuck: the citizen is told where it is and how to do without it.
        if (
            tracker.active_loop.get("name") == "status_form"
            and tracker.get_slot("requested_slot")
            in ("tracking_number", "tracking_proof")
            and forgets_what_was_asked(tracker.latest_message.get("text") or "")
        ):
            return explain_lost_number(dispatcher, tracker)
        if latest_intent(tracker) == "request_human":
            # A progress check or a rating submits nothing: there is nothing to say
            # was stopped before the hand-over.
            if tracker.active_loop.get("name") not in ASKS_NOTHING_TO_SUBMIT:
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


class ActionTakeComplaintInstead(Action):
    """A complaint made while a progress check, a rating or a callback request waits
    for its answer is taken instead, as the citizen told it.

    The complaint is the problem described when it was offered to be reported (the
    NLU took "洗衣店把我的大衣洗缩水了" for a progress check), with what the citizen
    adds now ("我不是查进度，我要投诉这家洗衣店"); a bare "我要投诉" or the offer's
    button adds nothing, and a citizen who described nothing is asked.
    """

    def name(self) -> str:
        return "action_take_complaint_instead"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_complaint_taken_instead")
        described = tracker.get_slot("problem_described")
        said = typed_text(tracker)
        parts = [part for part in (described, said) if part]
        if described and not describes_a_problem(tracker):
            parts = [described]
        complaint = "。".join(part.rstrip("。.!！;；,，") for part in parts)
        return [
            ActiveLoop(None),
            *(SlotSet(slot, None) for slot in SET_ASIDE),
            SlotSet("complaint_text", complaint or None),
            SlotSet("problem_described", None),
        ]
