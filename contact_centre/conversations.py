"""Transcripts and hand-offs: when the bot steps aside and a person takes over."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from contact_centre.models import ConversationMessage, Handoff
from contact_centre.repositories import conversations as repository

# What the gateway reads of transcripts and hand-offs is the repository's answer as is.
from contact_centre.repositories.conversations import (
    buttons_since_the_citizen_wrote as buttons_since_the_citizen_wrote,
)
from contact_centre.repositories.conversations import (
    handoffs_by_status as handoffs_by_status,
)
from contact_centre.repositories.conversations import messages as messages
from contact_centre.repositories.conversations import open_handoff as open_handoff
from foundation import clock
from foundation.errors import NotFoundError, ValidationFailed
from privacy.identity import mask_personal_data


@dataclass(frozen=True)
class QueuePlace:
    handoff: Handoff
    position: int


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
    now: dt.datetime | None = None,
) -> None:
    """The citizen's message and the bot's replies (each ``{"text", "buttons"}``)."""
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

    citizen = row("citizen", text, intent=intent, confidence=confidence)
    bot = [
        row(
            "bot",
            reply["text"],
            payload={"buttons": reply["buttons"]} if reply["buttons"] else None,
        )
        for reply in replies
    ]
    repository.add_messages(session, [citizen, *bot])


def request_handoff(
    session: Session,
    session_id: str,
    *,
    reason: str | None = None,
    language: str = "zh",
    channel: str = "web",
    now: dt.datetime | None = None,
) -> QueuePlace:
    """Put the conversation in the agents' queue (once) and tell its place in it (1 = next)."""
    handoff = repository.open_handoff(session, session_id)
    if handoff is None:
        handoff = repository.add_handoff(
            session,
            Handoff(
                session_id=session_id,
                status="waiting",
                reason=reason,
                language=language,
                channel=channel,
                requested_at=now or clock.now(),
            ),
        )
    position = (
        repository.waiting_before(session, handoff) + 1
        if handoff.status == "waiting"
        else 0
    )
    return QueuePlace(handoff, position)


def is_with_agent(session: Session, session_id: str) -> bool:
    """While a person handles (or is about to handle) a conversation, the bot stays quiet."""
    return repository.has_open_handoff(session, session_id)


def take_handoff(
    session: Session, handoff_id: int, agent: str, now: dt.datetime | None = None
) -> Handoff:
    handoff = _handoff(session, handoff_id)
    if handoff.status == "returned":
        raise ValidationFailed(
            "handoff", "this conversation was already handed back to the assistant"
        )
    if handoff.status == "active" and handoff.agent != agent:
        raise ValidationFailed("handoff", f"already taken by {handoff.agent}")
    handoff.status = "active"
    handoff.agent = agent
    handoff.taken_at = handoff.taken_at or now or clock.now()
    session.flush()
    return handoff


def agent_reply(
    session: Session,
    handoff_id: int,
    agent: str,
    text: str,
    now: dt.datetime | None = None,
) -> ConversationMessage:
    handoff = _handoff(session, handoff_id)
    if handoff.status != "active" or handoff.agent != agent:
        raise ValidationFailed("handoff", "take the conversation before replying")
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("text", "the reply is empty")
    return record_message(session, handoff.session_id, "agent", text, now=now)


def return_to_bot(
    session: Session, handoff_id: int, now: dt.datetime | None = None
) -> Handoff:
    handoff = _handoff(session, handoff_id)
    handoff.status = "returned"
    handoff.closed_at = now or clock.now()
    session.flush()
    return handoff


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


def _handoff(session: Session, handoff_id: int) -> Handoff:
    handoff = repository.get_handoff(session, handoff_id)
    if handoff is None:
        raise NotFoundError("handoff", str(handoff_id))
    return handoff
