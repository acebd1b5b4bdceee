"""Transcripts: what citizens, the assistant and agents said, for agents to read and
widgets to poll. Hand-offs to agents are ``contact_centre.handoff``'s."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from contact_centre.models import ConversationMessage
from contact_centre.repositories import conversations as repository

# What the gateway reads of transcripts and hand-offs is the repository's answer as is.
from contact_centre.repositories.conversations import (
    buttons_since_the_citizen_wrote as buttons_since_the_citizen_wrote,
)
from contact_centre.repositories.conversations import messages as messages
from contact_centre.repositories.conversations import open_handoff as open_handoff
from foundation import clock
from privacy.identity import mask_personal_data


def record_message(
    session: Session,
    session_id: str,
    sender: str,
    text: str,
    *,
    payload: dict[str, Any] | None = None,
    intent: str | None = None,
    confidence: float | None = None,
    now: dt.datetime | None = None,
) -> ConversationMessage:
    return repository.add_message(
        session,
        ConversationMessage(
            session_id=session_id,
            sender=sender,
            text=text,
            payload=payload,
            intent=intent,
            confidence=confidence,
            created_at=now or clock.now(),
        ),
    )


def record_turn(
    session: Session,
    session_id: str,
    text: str,
    replies: list[dict[str, Any]],
    *,
    intent: str | None = None,
    confidence: float | None = None,
    service: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """The citizen's message and the bot's replies (each ``{"text", "buttons"}``).

    ``service`` is the code of the service the conversation is about after the turn
    (Rasa's slot), kept in the citizen's row's payload: the gap report
    (``knowledge_gaps``) reads a follow-up such as "那要带啥？" in its context.
    """
    at = now or clock.now()

    def row(sender: str, body: str, **columns: object) -> dict[str, object]:
        defaults: dict[str, object] = {
            "payload": None,
            "intent": None,
            "confidence": None,
        }
        return {
            "session_id": session_id,
            "sender": sender,
            "text": body,
            "created_at": at,
            **defaults,
            **columns,
        }

    citizen = row(
        "citizen",
        text,
        intent=intent,
        confidence=confidence,
        payload={"service": service} if service else None,
    )
    bot = [
        row(
            "bot",
            reply["text"],
            payload={"buttons": reply["buttons"]} if reply["buttons"] else None,
        )
        for reply in replies
    ]
    repository.add_messages(session, [citizen, *bot])


def transcript(
    session: Session, session_id: str, *, after_id: int = 0, masked: bool = True
) -> list[ConversationMessage]:
    """The conversation's messages; masked copies are detached, so nothing masked is saved."""
    found = repository.messages(session, session_id, after_id=after_id)
    if not masked:
        return found
    return [
        ConversationMessage(
            id=m.id,
            session_id=m.session_id,
            sender=m.sender,
            text=mask_personal_data(m.text),
            payload=m.payload,
            intent=m.intent,
            confidence=m.confidence,
            created_at=m.created_at,
        )
        for m in found
    ]
