"""Conversation transcripts and hand-offs to people: one aggregate per session id."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, and_, func, insert, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from contact_centre.models import ConversationMessage, Handoff


def add_message(session: Session, message: ConversationMessage) -> ConversationMessage:
    session.add(message)
    session.flush()
    return message


def add_messages(session: Session, rows: list[dict[str, object]]) -> None:
    """A whole turn in one INSERT: the gateway writes one per citizen message."""
    session.execute(insert(ConversationMessage), rows)


def messages(
    session: Session,
    session_id: str,
    *,
    after_id: int = 0,
    sender: str | None = None,
    limit: int = 500,
) -> list[ConversationMessage]:
    statement = (
        select(ConversationMessage)
        .where(
            ConversationMessage.session_id == session_id,
            ConversationMessage.id > after_id,
        )
        .order_by(ConversationMessage.id)
        .limit(limit)
    )
    if sender:
        statement = statement.where(ConversationMessage.sender == sender)
    return list(session.scalars(statement))


def buttons_since_the_citizen_wrote(
    session: Session, session_id: str
) -> list[dict[str, Any]]:
    """The buttons of the replies after the citizen's latest message, in order."""
    latest = (
        select(func.max(ConversationMessage.id))
        .where(
            ConversationMessage.session_id == session_id,
            ConversationMessage.sender == "citizen",
        )
        .scalar_subquery()
    )
    statement = (
        select(ConversationMessage.payload)
        .where(
            ConversationMessage.session_id == session_id,
            ConversationMessage.id > func.coalesce(latest, 0),
        )
        .order_by(ConversationMessage.id)
    )
    return [
        button
        for payload in session.scalars(statement)
        for button in (payload or {}).get("buttons") or []
    ]


def _is_open(session_id: str) -> tuple[ColumnElement[Boolean], ColumnElement[Boolean]]:
    """A hand-off of this conversation that waits or is active."""
    return Handoff.session_id == session_id, Handoff.status.in_(("waiting", "active"))


def open_handoff(session: Session, session_id: str) -> Handoff | None:
    """The waiting or active hand-off of a conversation, if any."""
    statement = select(Handoff).where(*_is_open(session_id)).order_by(Handoff.id.desc())
    return session.scalars(statement).first()


def has_open_handoff(session: Session, session_id: str) -> bool:
    """Whether a hand-off waits or is active: one indexed lookup, no object loaded
    (the gateway asks on every citizen message)."""
    statement = select(Handoff.id).where(*_is_open(session_id)).limit(1)
    return session.scalar(statement) is not None


def get_handoff(session: Session, handoff_id: int) -> Handoff | None:
    return session.get(Handoff, handoff_id)


# The agents' queue: urgent hand-offs (an emergency) first, then by request time.
QUEUE_ORDER = (Handoff.urgent.desc(), Handoff.requested_at, Handoff.id)


def waiting_handoffs(session: Session) -> list[Handoff]:
    statement = (
        select(Handoff).where(Handoff.status == "waiting").order_by(*QUEUE_ORDER)
    )
    return list(session.scalars(statement))


def handoffs_by_status(session: Session, statuses: tuple[str, ...]) -> list[Handoff]:
    """Hand-offs in these statuses in queue order: urgent first, then oldest first."""
    statement = (
        select(Handoff).where(Handoff.status.in_(statuses)).order_by(*QUEUE_ORDER)
    )
    return list(session.scalars(statement))


def waiting_before(session: Session, handoff: Handoff) -> int:
    """How many waiting hand-offs the queue order puts before this one."""
    earlier = or_(
        Handoff.requested_at < handoff.requested_at,
        and_(Handoff.requested_at == handoff.requested_at, Handoff.id < handoff.id),
    )
    # An urgent hand-off waits only behind earlier urgent ones; any other behind
    # every urgent one and the earlier others.
    ahead = (
        and_(Handoff.urgent.is_(True), earlier)
        if handoff.urgent
        else or_(Handoff.urgent.is_(True), earlier)
    )
    statement = select(func.count(Handoff.id)).where(
        Handoff.status == "waiting", Handoff.id != handoff.id, ahead
    )
    return session.scalar(statement) or 0


def add_handoff(session: Session, handoff: Handoff) -> Handoff:
    session.add(handoff)
    session.flush()
    return handoff
