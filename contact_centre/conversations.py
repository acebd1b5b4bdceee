"""Transcripts and hand-offs: when the bot steps aside and a person takes over.

An emergency comes before everything (``answer_emergency``): whatever state the
conversation is in, the citizen is told the number to call, and a person joins at once.
"""

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
from foundation.errors import Forbidden, NotFoundError, ValidationFailed
from privacy.auth import Staff
from privacy.identity import mask_personal_data
from safety import Emergency, emergency_reply

# What the transcript and the gateway say the assistant made of an emergency message.
EMERGENCY_INTENT = "emergency"


@dataclass(frozen=True)
class QueuePlace:
    handoff: Handoff
    position: int


@dataclass(frozen=True)
class EmergencyAnswer:
    """What the citizen is told of an emergency, and the urgent hand-off it made.

    Attributes:
        replies: the first reply, ``[{"text", "buttons"}]``, the number to call first.
        place: the urgent hand-off and its place in the agents' queue.
        opened: whether the hand-off is new (else one waiting or active was marked).
    """

    replies: list[dict[str, Any]]
    place: QueuePlace
    opened: bool


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
    emergency: str | None = None,
    now: dt.datetime | None = None,
) -> QueuePlace:
    """Put the conversation in the agents' queue (once) and tell its place in it (1 = next).

    Args:
        emergency: the kind of emergency the citizen reported (a ``safety.Kind``
            value). The hand-off is then urgent, at the head of the queue behind only
            earlier urgent ones; one already waiting or active is marked urgent, and
            keeps the first emergency it was marked with.

    Returns:
        The hand-off and its place among those waiting (0 once an agent has it).
    """
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
                urgent=emergency is not None,
                emergency=emergency,
                requested_at=now or clock.now(),
            ),
        )
    elif emergency is not None and not handoff.urgent:
        handoff.urgent = True
        handoff.emergency = emergency
        session.flush()
    position = (
        repository.waiting_before(session, handoff) + 1
        if handoff.status == "waiting"
        else 0
    )
    return QueuePlace(handoff, position)


def answer_emergency(
    session: Session,
    session_id: str,
    text: str,
    emergency: Emergency,
    *,
    language: str = "zh",
    channel: str = "web",
    now: dt.datetime | None = None,
) -> EmergencyAnswer:
    """Answer an emergency message first, whatever the conversation's state.

    The reply names the number to call first (``safety.emergency_reply``); the turn is
    recorded like any bot turn; the conversation gets an urgent hand-off at the head of
    the queue, or its waiting or active one is marked urgent. The bot is not asked, so
    no form starts and an open one waits until the agent hands the conversation back.

    Args:
        emergency: what ``safety.triage`` found in ``text``.
        language: the language of ``text`` (``"en"`` or ``"zh"``), the reply's.
    """
    at = now or clock.now()
    replies: list[dict[str, Any]] = [
        {"text": emergency_reply(emergency, language), "buttons": []}
    ]
    opened = repository.open_handoff(session, session_id) is None
    place = request_handoff(
        session,
        session_id,
        reason=text,
        language=language,
        channel=channel,
        emergency=emergency.kind.value,
        now=at,
    )
    record_turn(
        session,
        session_id,
        text,
        replies,
        intent=EMERGENCY_INTENT,
        confidence=1.0,
        now=at,
    )
    return EmergencyAnswer(replies, place, opened)


def is_with_agent(session: Session, session_id: str) -> bool:
    """While a person handles (or is about to handle) a conversation, the bot stays quiet."""
    return repository.has_open_handoff(session, session_id)


def take_handoff(
    session: Session, handoff_id: int, agent: Staff, now: dt.datetime | None = None
) -> Handoff:
    """``agent`` takes the conversation: from now on it is theirs, by their token.

    Taking one's own again changes nothing. One that nobody owns by token (taken before
    ownership was recorded) is claimed.

    Raises:
        Forbidden: another agent has taken it.
        ValidationFailed: it was handed back to the assistant already.
    """
    handoff = _handoff(session, handoff_id)
    if handoff.status == "returned":
        raise ValidationFailed(
            "handoff", "this conversation was already handed back to the assistant"
        )
    if handoff.status == "active" and handoff.agent_token_id not in (
        None,
        agent.token_id,
    ):
        raise Forbidden(
            f"conversation {handoff.id} is already taken by {handoff.agent}; "
            "only they or an admin may act on it"
        )
    handoff.status = "active"
    handoff.agent = agent.name
    handoff.agent_token_id = agent.token_id
    handoff.taken_at = handoff.taken_at or now or clock.now()
    session.flush()
    return handoff


def agent_reply(
    session: Session,
    handoff_id: int,
    agent: Staff,
    text: str,
    now: dt.datetime | None = None,
) -> ConversationMessage:
    """The owner's (or an admin's) reply to the citizen.

    Raises:
        Forbidden: another agent has taken the conversation.
        ValidationFailed: nobody has taken it (take it first), or the text is empty.
    """
    handoff = _handoff(session, handoff_id)
    if handoff.status != "active" or (
        handoff.agent_token_id is None and not agent.supervises
    ):
        raise ValidationFailed("handoff", "take the conversation before replying")
    _require_owner(handoff, agent, "reply to it")
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("text", "the reply is empty")
    return record_message(session, handoff.session_id, "agent", text, now=now)


def return_to_bot(
    session: Session, handoff_id: int, agent: Staff, now: dt.datetime | None = None
) -> Handoff:
    """The conversation goes back to the assistant.

    One still waiting may be handed back by any agent; a taken one only by its owner
    or an admin.

    Raises:
        Forbidden: another agent has taken it.
    """
    handoff = _handoff(session, handoff_id)
    if handoff.status == "active":
        _require_owner(handoff, agent, "hand it back")
    handoff.status = "returned"
    handoff.closed_at = now or clock.now()
    session.flush()
    return handoff


def _require_owner(handoff: Handoff, agent: Staff, doing: str) -> None:
    if agent.supervises or handoff.agent_token_id == agent.token_id:
        return
    if handoff.agent_token_id is None:
        raise Forbidden(
            f"conversation {handoff.id} has no owner on record; take it before you "
            f"{doing}"
        )
    raise Forbidden(
        f"conversation {handoff.id} is handled by {handoff.agent}; only they or an "
        f"admin may {doing}"
    )


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
