"""What every action module shares: the knowledge base handle and polite failure."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from cases.access import AttemptLimit, attempt_limit
from cases.routing.classify import complaint_classifier
from contact_centre.assist import reads_as_a_report
from foundation.db import get_engine, session_scope
from foundation.errors import ExternalServiceError
from knowledge_base.search.engine import SearchEngine

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def search_engine() -> SearchEngine:
    return SearchEngine(get_engine())


@functools.lru_cache(maxsize=1)
def case_attempts() -> AttemptLimit:
    """Failed status checks per number, shared with the gateways in production."""
    return attempt_limit()


def db_session():
    return session_scope(get_engine())


def language_of(tracker: Tracker) -> str:
    return tracker.get_slot("language") or "zh"


def latest_intent(tracker: Tracker) -> str | None:
    return tracker.latest_message.get("intent", {}).get("name")


def is_button_payload(text: str) -> bool:
    """Whether a message is a button's payload (/intent{...}), which answers no
    question in words: it is never taken as a description, a name or a comment."""
    return text.startswith("/")


def typed_text(tracker: Tracker) -> str:
    """What the citizen typed or said; a button's payload is not text."""
    text = tracker.latest_message.get("text") or ""
    return "" if is_button_payload(text) else text


def pressed_button(tracker: Tracker, intent: str) -> bool:
    """Whether the latest message is a button's payload for ``intent``."""
    text = tracker.latest_message.get("text") or ""
    return text == f"/{intent}" or text.startswith((f"/{intent}{{", f"/{intent} "))


def describes_a_problem(tracker: Tracker) -> bool:
    """Whether what the citizen typed names a problem to report (a work-order category's
    words) or tells what happened to them and asks nothing, whatever the NLU made of it.
    """
    return reads_as_a_report(complaint_classifier(search_engine()), typed_text(tracker))


def entity_values(tracker: Tracker, entity: str) -> list[str]:
    return [str(value) for value in tracker.get_latest_entity_values(entity) if value]


def normalised_or_asked_again(
    slot: str,
    value: Any,
    normalise: Callable[[str], str | None],
    invalid_response: str,
    dispatcher: CollectingDispatcher,
) -> dict:
    """A form's slot in canonical form; unreadable, it is emptied and asked again with
    ``invalid_response`` saying why."""
    normalised = normalise(str(value or ""))
    if normalised is None:
        dispatcher.utter_message(response=invalid_response)
    return {slot: normalised}


def politely(run: Callable[..., Any]) -> Callable[..., Any]:
    """If the database or a department's system fails, apologise instead of going silent."""

    @functools.wraps(run)
    def wrapper(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list:
        try:
            return run(self, dispatcher, tracker, domain)
        except (SQLAlchemyError, ExternalServiceError, OSError):
            logger.error("action %s failed", self.name(), exc_info=True)
            dispatcher.utter_message(response="utter_service_unavailable")
            return []

    return wrapper


def form_started_at(tracker: Tracker, form: str) -> float:
    """When the current run of ``form`` began: one idempotency key per form run."""
    for event in reversed(tracker.events):
        if event.get("event") == "active_loop" and event.get("name") == form:
            return event.get("timestamp", 0.0)
    return 0.0
