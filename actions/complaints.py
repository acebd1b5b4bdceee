"""The complaint form: what, which kind (guessed, then confirmed), where, when, who."""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    db_session,
    form_started_at,
    is_button_payload,
    language_of,
    latest_intent,
    normalised_or_asked_again,
    politely,
    pressed_button,
    search_engine,
)
from actions.slots import ANONYMOUS, is_unsure
from cases import lifecycle
from cases.access import issue_query_code
from cases.idempotency import session_scope
from cases.merging import separate_latest
from cases.routing.classify import complaint_classifier
from cases.routing.router import complaint_router
from cases.routing.units import unit_as_read, unit_where_it_happens
from cases.work_orders import WorkOrderRequest, file_work_order, planned_unit
from foundation.errors import ValidationFailed
from knowledge_base.places import normalise_district
from privacy.identity import normalise_phone
from understanding.dates import tells_when

COMPLAINT_SLOTS = (
    "complaint_text",
    "category",
    "category_guess",
    "address",
    "occurred_at",
    "contact",
)
ALTERNATIVES = 3


class ValidateComplaintForm(FormValidationAction):
    def name(self) -> str:
        return "validate_complaint_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list[EventType]:
        events = await super().run(dispatcher, tracker, domain)
        # The report button of an earlier message pressed in the middle of the form
        # answers nothing, yet is no reason to say the assistant cannot help: one slot
        # set to what it was keeps the form, which asks its question again.
        answered = any(
            event.get("event") == "slot" and event.get("name") != "requested_slot"
            for event in events
        )
        if not answered and pressed_button(tracker, "file_complaint"):
            events.append(
                SlotSet("problem_described", tracker.get_slot("problem_described"))
            )
        return events

    def validate_complaint_text(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict,
    ) -> dict:
        text = str(value or "").strip()
        # A button ("/file_complaint") is no description: the problem is the one the
        # citizen described when it was offered, or it is asked for.
        if is_button_payload(text):
            text = tracker.get_slot("problem_described") or ""
        # "我要投诉" alone says nothing about the problem: ask for the details.
        if (
            len(text) < 6
            and not complaint_classifier(search_engine()).classify(text).scores
        ):
            return {"complaint_text": None, "problem_described": None}
        return {"complaint_text": text, "problem_described": None}

    def validate_district(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict,
    ) -> dict:
        # Unsure of the district is no wrong district: the question, asked again,
        # says that a road or a landmark will do.
        told = str(value or "")
        if is_unsure(told) and normalise_district(told) is None:
            return {"district": None}
        return normalised_or_asked_again(
            "district", value, normalise_district, "utter_invalid_district", dispatcher
        )

    def validate_address(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict,
    ) -> dict:
        return {"address": as_told(value)}

    def extract_occurred_at(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        """An answer to when it happened that the model took for small talk or a
        question ("每天都这样", "最近一直") is still the answer: asked again, the
        citizen could only say it again."""
        if (
            tracker.get_slot("requested_slot") != "occurred_at"
            or tracker.get_slot("occurred_at")
            or latest_intent(tracker) in ("cancel", "request_human")
        ):
            return {}
        text = (tracker.latest_message.get("text") or "").strip()
        return {"occurred_at": text} if tells_when(text) else {}

    def validate_occurred_at(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict,
    ) -> dict:
        return {"occurred_at": as_told(value)}

    def validate_contact(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict,
    ) -> dict:
        """A mobile number or anonymity; anything else is asked for again."""
        if value == ANONYMOUS:
            return {"contact": ANONYMOUS}
        return normalised_or_asked_again(
            "contact", value, normalise_phone, "utter_invalid_contact", dispatcher
        )


def as_told(value: Any) -> str | None:
    """A free-text answer as told; a button's payload ("/file_complaint") is none, and
    the form asks again."""
    text = str(value or "").strip()
    return None if not text or is_button_payload(text) else text


class ActionAskCategory(Action):
    """Asks the citizen to confirm the guessed category, or to pick another."""

    def name(self) -> str:
        return "action_ask_category"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list:
        lang = language_of(tracker)
        router = complaint_router(search_engine())
        text = tracker.get_slot("complaint_text") or ""
        result = router.route(text)
        by_code = {c.code: c for c in router.curated.categories}
        # The router's runners-up first, then what the curated vocabulary also saw.
        evidence = router.curated.classify(text).scores
        ranked = [s.category for s in result.suggestions[1:]] + sorted(
            evidence, key=evidence.__getitem__, reverse=True
        )
        alternatives = list(dict.fromkeys(c for c in ranked if c != result.category))[
            :ALTERNATIVES
        ]
        if "other" not in alternatives and result.category != "other":
            alternatives.append("other")
        buttons = [{"title": "对" if lang == "zh" else "Yes", "payload": "/affirm"}] + [
            {
                "title": by_code[code].name_en if lang == "en" else by_code[code].name,
                "payload": "/inform" + json.dumps({"category": code}),
            }
            for code in alternatives
        ]
        guess = by_code[result.category]
        # Where it happened decides who handles it (属地): the unit the order would
        # go to, as the filed order will say it.
        with db_session() as session:
            unit = planned_unit(
                session, result.category, text, tracker.get_slot("district")
            )
        if unit.awaiting_place:
            department = unit_where_it_happens(unit.awaiting_place, lang)
        else:
            department = unit.name_en if lang == "en" else unit.name
        dispatcher.utter_message(
            response="utter_ask_category",
            category=guess.name_en if lang == "en" else guess.name,
            department=department,
            buttons=buttons,
        )
        return [SlotSet("category_guess", result.category)]


class ActionFileWorkOrder(Action):
    def name(self) -> str:
        return "action_file_work_order"

    @politely
    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list:
        lang = language_of(tracker)
        contact = tracker.get_slot("contact")
        request = WorkOrderRequest(
            description=tracker.get_slot("complaint_text") or "",
            category_code=tracker.get_slot("category"),
            district=tracker.get_slot("district"),
            address=tracker.get_slot("address"),
            occurred_at=tracker.get_slot("occurred_at"),
            contact_phone=None if contact in (None, ANONYMOUS) else contact,
            anonymous=contact == ANONYMOUS,
            channel=tracker.get_latest_input_channel() or "web",
            session_id=tracker.sender_id,
            language=language_of(tracker),
            idempotency_key=f"{tracker.sender_id}:{form_started_at(tracker, 'complaint_form')}",
            idempotency_scope=session_scope(tracker.sender_id),
            join_duplicates=True,
        )
        try:
            with db_session() as session:
                order = file_work_order(
                    session, request, complaint_router(search_engine())
                )
                if order.merged_into is not None:
                    dispatcher.utter_message(
                        response="utter_work_order_joined_before_dispatch"
                        if order.merged_into.status in lifecycle.AWAITING_DISPATCH
                        else "utter_work_order_joined",
                        number=order.number,
                        joined_to=order.merged_into.number,
                        department=unit_as_read(
                            order.unit_level, order.unit_name, order.department, lang
                        ),
                    )
                else:
                    dispatcher.utter_message(
                        response="utter_work_order_filed",
                        number=order.number,
                        category=order.category.name_en
                        if lang == "en"
                        else order.category.name,
                        # The unit where it happened (属地).
                        department=unit_as_read(
                            order.unit_level, order.unit_name, order.department, lang
                        ),
                        due_date=order.due_date.isoformat(),
                    )
                code = issue_query_code(order)
                if code:
                    dispatcher.utter_message(
                        response="utter_work_order_query_code", code=code
                    )
        except ValidationFailed:
            dispatcher.utter_message(response="utter_default")
        return [SlotSet(slot, None) for slot in COMPLAINT_SLOTS]


class ActionFileSeparately(Action):
    """The citizen told their report was joined to an open order insists on their own."""

    def name(self) -> str:
        return "action_file_separately"

    @politely
    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list:
        with db_session() as session:
            order = separate_latest(session, tracker.sender_id)
            if order is None:
                dispatcher.utter_message(response="utter_nothing_to_separate")
            else:
                dispatcher.utter_message(
                    response="utter_work_order_separated",
                    number=order.number,
                    due_date=order.due_date.isoformat(),
                )
        return []
