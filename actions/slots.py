"""Slots filled from every message, whatever the dialogue is doing (custom mappings)."""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from sqlalchemy.exc import SQLAlchemyError

from actions.common import (
    db_session,
    entity_values,
    is_button_payload,
    language_of,
    latest_intent,
    search_engine,
    typed_text,
)
from cases.routing.classify import complaint_classifier
from cases.tracking import find_numbers, normalise_number
from foundation.errors import NotFoundError
from knowledge_base.answers import INTENT_ASPECTS
from knowledge_base.locations import Location, locate
from knowledge_base.places import normalise_district
from knowledge_base.resolution import resolve_subject
from privacy.identity import normalise_id_number, normalise_phone
from understanding.language import detect_language
from understanding.ratings import parse_rating
from understanding.status_queries import forgets_what_was_asked

logger = logging.getLogger(__name__)

ANONYMOUS = "anonymous"
# Words of a citizen who will not leave a number: the complaint is filed anonymously.
DECLINING_CONTACT = ("匿名", "不留", "不想留", "anonymous", "rather not")


def declines_contact(text: str) -> bool:
    return any(word in text.lower() for word in DECLINING_CONTACT)


# Words of a citizen who cannot tell which kind of problem theirs is, or where.
UNSURE = (
    "不知道",
    "不清楚",
    "不确定",
    "说不清",
    "搞不清",
    "不懂",
    "随便",
    "看着办",
    "你们定",
    "not sure",
    "don't know",
    "dont know",
    "no idea",
)


def is_unsure(text: str) -> bool:
    return any(word in text.lower() for word in UNSURE)


# Inside a form these have rules of their own (bot/rules/forms.yml): a question, a
# complaint or a request for a person is not an attempt at the number the form asked for.
ANSWERED_BY_A_RULE = frozenset(
    {*INTENT_ASPECTS, "file_complaint", "cancel", "request_human", "chitchat"}
)
# Inside the complaint form more of the story has no rule: it is an answer like any other.
NO_ANSWER_IN_THE_COMPLAINT_FORM = ANSWERED_BY_A_RULE - {"file_complaint"}


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
        """The language the citizen writes in wins over the widget's 中/EN switch.

        The switch (metadata ``lang``), or without it the conversation's language so
        far, decides only a message written in neither: "ok", a tracking number.
        """
        text = tracker.latest_message.get("text") or ""
        chosen = (tracker.latest_message.get("metadata") or {}).get("lang")
        default = chosen if chosen in ("zh", "en") else language_of(tracker)
        return {"language": detect_language(text, default=default)}

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
        location = _located(tracker)  # "我住在浦东张江" names no district entity
        if location:
            return {"district": location.district.name}
        # "我也不清楚是哪个区" answers the question, however the NLU reads it: the form
        # asks again, for a road or a landmark instead.
        text = tracker.latest_message.get("text") or ""
        if _asked_for(tracker, "district") and is_unsure(text):
            return {"district": text}
        return {}

    def extract_street(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        """The citizen's street or town, as a division code, from what they said.

        A message that places them in another district without a street forgets the
        street they gave before: it is no longer where they are.
        """
        location = _located(tracker)
        if location is None:
            return {}
        if location.street is not None:
            return {"street": location.street.code}
        known = tracker.get_slot("street")
        if known and not str(known).startswith(location.district.code):
            return {"street": None}
        return {}

    def extract_tracking_number(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        for value in entity_values(tracker, "tracking_number"):
            number = normalise_number(value)
            if number:
                return {"tracking_number": number}
        text = tracker.latest_message.get("text") or ""
        numbers = find_numbers(text)
        if numbers:
            return {"tracking_number": numbers[0]}
        # "忘了" is an answer to the question: the form tells where the number is.
        if _asked_for(tracker, "tracking_number") and forgets_what_was_asked(text):
            return {"tracking_number": text}
        return {}

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
        text = tracker.latest_message.get("text") or ""
        # A citizen need not know how the centre files problems: one who cannot say
        # ("我也不知道算哪一类") keeps the guess, which an agent reviews, rather than
        # being asked again or told the assistant cannot answer.
        unsure = is_unsure(text)
        if (intent == "affirm" or unsure) and tracker.get_slot("category_guess"):
            return {"category": tracker.get_slot("category_guess")}
        if intent == "deny":
            return {"category": None, "category_guess": None}
        if intent == "inform":  # "是噪音的问题": the kind named in a sentence
            named = classifier.category_named(text)
            if named:
                return {"category": named.code}
        # A citizen who goes on with the district, the address or more of the story
        # takes the guess: asked again at each answer, they would be asked forever.
        if intent not in NO_ANSWER_IN_THE_COMPLAINT_FORM:
            return {"category": tracker.get_slot("category_guess")}
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
        if (
            tracker.get_slot("requested_slot") != "contact"
            or latest_intent(tracker) in NO_ANSWER_IN_THE_COMPLAINT_FORM
        ):
            return {}
        text = tracker.latest_message.get("text") or ""
        if is_button_payload(text):
            return {}  # a button of an earlier message is no attempt at a number
        intent = latest_intent(tracker)
        if intent == "deny" or declines_contact(text):
            return {"contact": ANONYMOUS}
        # Anything else said to the question is an attempt at a number: the form's
        # validator asks again, rather than the assistant saying it cannot answer.
        return {"contact": normalise_phone(text) or text.strip()}

    def extract_rating(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        for value in entity_values(tracker, "rating"):
            rating = parse_rating(value)
            if rating:
                return {"rating": float(rating)}
        intent = latest_intent(tracker)
        if (
            tracker.get_slot("requested_slot") == "rating"
            or intent == "give_feedback"
            or _answers(tracker, "utter_ask_rating")
        ):
            rating = parse_rating(tracker.latest_message.get("text") or "")
            if rating:
                return {"rating": float(rating)}
        return {}


_LOCATED_KEPT = 64
_located_messages: OrderedDict[tuple[str, str], Location | None] = OrderedDict()


def _located(tracker: Tracker) -> Location | None:
    """Where the latest message places the citizen, read as dispatch reads places.

    Not while a form waits for another answer: a name (张江) or an address given for
    a complaint is not where the citizen is. Without an imported list of divisions,
    or with the database down, nothing is read rather than the message failing.
    The district and the street are both read from one reading, kept for the message:
    every message of every conversation passes through here.
    """
    if tracker.get_slot("requested_slot") not in (None, "district"):
        return None
    text = typed_text(tracker)
    if not text:
        return None
    key = (tracker.sender_id, str(tracker.latest_message.get("message_id") or text))
    if key in _located_messages:
        return _located_messages[key]
    location = _read_location(text)
    _located_messages[key] = location
    if len(_located_messages) > _LOCATED_KEPT:
        _located_messages.popitem(last=False)
    return location


def _read_location(text: str) -> Location | None:
    try:
        with db_session() as session:
            return locate(text, session=session)
    except NotFoundError:
        return None
    except SQLAlchemyError:
        logger.warning("could not read where the citizen is", exc_info=True)
        return None


def _answers(tracker: Tracker, question: str) -> bool:
    """Whether the latest message answers the bot's action ``question`` ("4" said to
    the rating question is a score, whatever the NLU made of it)."""
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") != "action_listen":
            return event.get("name") == question
    return False


def _asked_for(tracker: Tracker, slot: str) -> bool:
    """Whether the message answers the form's question for ``slot``."""
    intent = latest_intent(tracker)
    return (
        tracker.get_slot("requested_slot") == slot and intent not in ANSWERED_BY_A_RULE
    )
