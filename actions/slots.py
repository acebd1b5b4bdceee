"""Slots filled from every message, whatever the dialogue is doing (custom mappings)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction

from actions.common import entity_values, language_of, latest_intent, search_engine
from cases.routing.classify import complaint_classifier
from cases.tracking import find_numbers, normalise_number
from knowledge_base.answers import INTENT_ASPECTS
from knowledge_base.places import normalise_district
from knowledge_base.resolution import resolve_subject
from privacy.identity import normalise_id_number, normalise_phone
from understanding.language import detect_language
from understanding.ratings import parse_rating

ANONYMOUS = "anonymous"
# Inside a form these have rules of their own (bot/rules/forms.yml): a question, a
# complaint or a request for a person is not an attempt at the number the form asked for.
ANSWERED_BY_A_RULE = frozenset(
    {*INTENT_ASPECTS, "file_complaint", "cancel", "request_human", "chitchat"}
)


class ValidateSlotMappings(ValidationAction):
    """``action_validate_slot_mappings``: runs after each user message."""

    def name(self) -> str:
        return "action_validate_slot_mappings"

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list[EventType]:
        """What was extracted, as it was: each ``extract_`` method checks its own value.

        rasa-sdk would look for a ``validate_`` method as well, and log a warning for
        each slot without one, the language among them, on every message.
        """
        mapped = await self.required_slots(
            self.domain_slots(domain), dispatcher, tracker, domain
        )
        return [
            SlotSet(slot, value)
            for slot, value in tracker.slots_to_validate().items()
            if slot in mapped
        ]

    def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        text = tracker.latest_message.get("text") or ""
        metadata = tracker.latest_message.get("metadata") or {}
        if metadata.get("lang") in ("zh", "en"):
            return {"language": metadata["lang"]}
        return {"language": detect_language(text, default=language_of(tracker))}

    def extract_service(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        mentions = entity_values(tracker, "service")
        if not mentions:
            return {}
        resolution = resolve_subject(search_engine().index, mentions=mentions)
        return {"service": resolution.code} if resolution.is_clear else {}

    def extract_district(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        for value in entity_values(tracker, "district"):
            district = normalise_district(value)
            if district:
                return {"district": district}
        return {}

    def extract_tracking_number(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        for value in entity_values(tracker, "tracking_number"):
            number = normalise_number(value)
            if number:
                return {"tracking_number": number}
        numbers = find_numbers(tracker.latest_message.get("text") or "")
        return {"tracking_number": numbers[0]} if numbers else {}

    def extract_tracking_proof(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        # Only as the answer to the form's question: four digits said elsewhere are not
        # meant as proof that a case is one's own.
        if not _asked_for(tracker, "tracking_proof"):
            return {}
        return {"tracking_proof": tracker.latest_message.get("text") or ""}

    def extract_id_number(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        values = entity_values(tracker, "id_number")
        if not values and _asked_for(tracker, "id_number"):
            values = [tracker.latest_message.get("text") or ""]
        for value in values:
            return {"id_number": normalise_id_number(value) or value.strip()}
        return {}

    def extract_phone(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        values = entity_values(tracker, "phone")
        if not values and _asked_for(tracker, "phone"):
            values = [tracker.latest_message.get("text") or ""]
        for value in values:
            return {"phone": normalise_phone(value) or value.strip()}
        return {}

    def extract_category(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        if tracker.active_loop.get("name") != "complaint_form":
            return {}
        classifier = complaint_classifier(search_engine())
        for value in entity_values(tracker, "category"):
            named = classifier.category_named(value)
            if named:
                return {"category": named.code}
        if tracker.get_slot("requested_slot") != "category":
            return {}
        intent = latest_intent(tracker)
        if intent == "affirm" and tracker.get_slot("category_guess"):
            return {"category": tracker.get_slot("category_guess")}
        if intent == "deny":
            return {"category": None, "category_guess": None}
        if intent == "inform":  # "是噪音的问题": the kind named in a sentence
            named = classifier.category_named(tracker.latest_message.get("text") or "")
            if named:
                return {"category": named.code}
        return {}

    def extract_contact(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        if tracker.active_loop.get("name") != "complaint_form":
            return {}
        if ANONYMOUS in entity_values(tracker, "contact"):
            return {"contact": ANONYMOUS}
        for value in entity_values(tracker, "phone"):
            phone = normalise_phone(value)
            if phone:
                return {"contact": phone}
        if tracker.get_slot("requested_slot") != "contact":
            return {}
        text = tracker.latest_message.get("text") or ""
        intent = latest_intent(tracker)
        if intent == "deny" or any(
            word in text.lower() for word in ("匿名", "不留", "anonymous")
        ):
            return {"contact": ANONYMOUS}
        phone = normalise_phone(text)
        return {"contact": phone} if phone else {}

    def extract_rating(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        for value in entity_values(tracker, "rating"):
            rating = parse_rating(value)
            if rating:
                return {"rating": float(rating)}
        intent = latest_intent(tracker)
        if tracker.get_slot("requested_slot") == "rating" or intent == "give_feedback":
            rating = parse_rating(tracker.latest_message.get("text") or "")
            if rating:
                return {"rating": float(rating)}
        return {}


def _asked_for(tracker: Tracker, slot: str) -> bool:
    """Whether the message answers the form's question for ``slot``."""
    intent = latest_intent(tracker)
    return (
        tracker.get_slot("requested_slot") == slot and intent not in ANSWERED_BY_A_RULE
    )
