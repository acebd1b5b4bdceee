"""Actions run in-process against the session's test database (HOTLINE_DATABASE_URL)."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher


def make_tracker(
    *,
    text: str = "",
    intent: str = "inform",
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    sender_id: str = "test-citizen",
    active_loop: str | None = None,
    events: list[dict] | None = None,
) -> Tracker:
    return Tracker.from_dict(
        {
            "sender_id": sender_id,
            "slots": {"language": "zh", **(slots or {})},
            "latest_message": {
                "text": text,
                "intent": {"name": intent, "confidence": 1.0},
                "entities": entities or [],
            },
            "events": events or [],
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": active_loop} if active_loop else {},
            "latest_action_name": "action_listen",
        }
    )


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture(autouse=True)
def _seeded(engine):
    """Actions find the curated catalogue in the shared test database."""
