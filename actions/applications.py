"""The application form: consent first, then who applies, validated, shown back masked
and confirmed, then submitted with a tracking number.

Personal details count only when given to this form after consent: the form starts
with its personal slots empty, whatever ID or phone number was said before (about a
friend, for a callback, in an earlier application), and ignores any given before the
citizen agreed.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    db_session,
    form_started_at,
    language_of,
    latest_intent,
    normalised_or_asked_again,
    politely,
    search_engine,
)
from cases.applications import (
    ApplicationRequest,
    next_steps,
    submit_application,
)
from cases.idempotency import session_scope
from foundation.errors import NotFoundError, ValidationFailed
from knowledge_base.answers import service_name
from knowledge_base.places import normalise_district
from knowledge_base.services import get_service
from privacy.identity import (
    mask_id_number,
    mask_name,
    mask_phone,
    normalise_id_number,
    normalise_phone,
    plausible_name,
)

# Emptied when the form starts, and after it ends whichever way.
PERSONAL_SLOTS = ("applicant_name", "id_number", "phone")
APPLICATION_SLOTS = (*PERSONAL_SLOTS, "consent", "application_confirmed")
# A "no" to either ends the form at once: nothing more is asked, nothing submitted.
STOPPING_SLOTS = ("consent", "application_confirmed")
_NAME_PREFIXES = (
    "我叫",
    "我的名字是",
    "我的名字叫",
    "名字是",
    "姓名",
    "我是",
    "my name is",
    "i am",
    "i'm",
)


class ValidateApplicationForm(FormValidationAction):
    def name(self) -> str:
        return "validate_application_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict,
    ) -> list[str]:
        for slot in STOPPING_SLOTS:
            if tracker.get_slot(slot) is False and slot in domain_slots:
                return domain_slots[: domain_slots.index(slot) + 1]
        return domain_slots

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list[EventType]:
        events = await super().get_validation_events(dispatcher, tracker, domain)
        if not _starting(tracker, self.form_name()):
            return events
        # Rasa offers what the slots already hold when a form starts: none of it is
        # the applicant's until asked for, after consent.
        return [
            *(e for e in events if e.get("name") not in APPLICATION_SLOTS),
            *(SlotSet(slot, None) for slot in APPLICATION_SLOTS),
        ]

    def validate_service(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict,
    ) -> dict:
        codes = {
            doc.code for doc in search_engine().index.documents if doc.kind == "service"
        }
        if value in codes:
            return {"service": value}
        dispatcher.utter_message(response="utter_ask_which_service")
        return {"service": None}

    def validate_applicant_name(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict,
    ) -> dict:
        if not _consented(tracker, self.form_name()):
            return {"applicant_name": None}
        if latest_intent(tracker) == "start_application":
            # "我要申请" at the name prompt asks to apply, and would pass for a name.
            return {"applicant_name": None}
        name = str(value or "").strip().strip("。.!！")
        for prefix in _NAME_PREFIXES:
            if name.lower().startswith(prefix):
                name = name[len(prefix) :].strip(" :：")
        return {"applicant_name": plausible_name(name)}

    def validate_id_number(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict,
    ) -> dict:
        if not _consented(tracker, self.form_name()):
            return {"id_number": None}
        number = normalise_id_number(str(value or ""))
        if number is None:
            dispatcher.utter_message(response="utter_invalid_id_number")
        return {"id_number": number}

    def validate_phone(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict,
    ) -> dict:
        if not _consented(tracker, self.form_name()):
            return {"phone": None}
        return normalised_or_asked_again(
            "phone", value, normalise_phone, "utter_invalid_phone", dispatcher
        )

    def validate_district(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict,
    ) -> dict:
        return normalised_or_asked_again(
            "district", value, normalise_district, "utter_invalid_district", dispatcher
        )


def _starting(tracker: Tracker, form: str) -> bool:
    """Whether this validation is the form's activation: Rasa validates what the
    slots already hold before the form is recorded as active."""
    return tracker.active_loop.get("name") != form


def _consented(tracker: Tracker, form: str) -> bool:
    """Personal details are taken only once the citizen agreed, in this form run."""
    return not _starting(tracker, form) and tracker.get_slot("consent") is True


class ActionAskApplicationConfirmed(Action):
    """Shows what will be submitted, personal details masked, and asks to confirm."""

    def name(self) -> str:
        return "action_ask_application_confirmed"

    @politely
    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list:
        code = tracker.get_slot("service")
        with db_session() as session:
            service = get_service(session, code) if code else None
            name = service_name(service, language_of(tracker)) if service else code
        dispatcher.utter_message(
            response="utter_ask_application_confirmed",
            service=name or "",
            applicant_name=mask_name(tracker.get_slot("applicant_name") or ""),
            id_number=mask_id_number(tracker.get_slot("id_number") or ""),
            phone=mask_phone(tracker.get_slot("phone") or ""),
            district=tracker.get_slot("district") or "",
        )
        return []


class ActionSubmitApplication(Action):
    def name(self) -> str:
        return "action_submit_application"

    @politely
    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list:
        reset = [SlotSet(slot, None) for slot in APPLICATION_SLOTS]
        if not tracker.get_slot("consent"):
            dispatcher.utter_message(response="utter_consent_refused")
            return reset
        if tracker.get_slot("application_confirmed") is not True:
            dispatcher.utter_message(response="utter_application_not_confirmed")
            return reset
        lang = language_of(tracker)
        request = ApplicationRequest(
            service_code=tracker.get_slot("service"),
            applicant_name=tracker.get_slot("applicant_name"),
            id_number=tracker.get_slot("id_number"),
            phone=tracker.get_slot("phone"),
            district=tracker.get_slot("district"),
            consent=True,
            channel=(tracker.get_latest_input_channel() or "web"),
            session_id=tracker.sender_id,
            # One submission per form run: a retried action call must not file twice.
            idempotency_key=f"{tracker.sender_id}:{form_started_at(tracker, 'application_form')}",
            idempotency_scope=session_scope(tracker.sender_id),
        )
        try:
            with db_session() as session:
                application = submit_application(session, request)
                dispatcher.utter_message(
                    response="utter_application_submitted",
                    service=service_name(application.service, lang),
                    number=application.number,
                    next_steps=next_steps(application, lang),
                )
        except (ValidationFailed, NotFoundError):
            dispatcher.utter_message(response="utter_default")
        return reset
