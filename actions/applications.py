"""The application form: who applies, validated, then submitted with a tracking number."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
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
from foundation.errors import NotFoundError, ValidationFailed
from knowledge_base.answers import service_name
from knowledge_base.places import normalise_district
from privacy.identity import (
    normalise_id_number,
    normalise_phone,
    plausible_name,
)

APPLICATION_SLOTS = ("applicant_name", "id_number", "phone", "consent")
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
