"""Conversation transcripts and hand-offs to people: one aggregate per session id."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, and_, func, insert, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
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


# A hand-off is open while it waits for an agent or an agent has it.
OPEN = ("waiting", "active")


def _is_open(session_id: str) -> tuple[ColumnElement[Boolean], ColumnElement[Boolean]]:
    """A hand-off of this conversation that waits or is active."""
    return Handoff.session_id == session_id, Handoff.status.in_(OPEN)


def open_handoff(session: Session, session_id: str) -> Handoff | None:
    """The waiting or active hand-off of a conversation, if any."""
    statement = select(Handoff).where(*_is_open(session_id)).order_by(Handoff.id.desc())
    return session.scalars(statement).first()


def get_handoff(session: Session, handoff_id: int) -> Handoff | None:
    return session.get(Handoff, handoff_id)


# The agents' queue: urgent hand-offs (an emergency) first, then by request time.
QUEUE_ORDER = (Handoff.urgent.desc(), Handoff.requested_at, Handoff.id)


def _still_waiting(since: dt.datetime) -> ColumnElement[Boolean]:
    """Waiting, and not past its time: requested at ``since`` or later, or urgent
    (an urgent one never expires)."""
    return and_(
        Handoff.status == "waiting",
        or_(Handoff.urgent.is_(True), Handoff.requested_at >= since),
    )


def agents_queue(session: Session, since: dt.datetime) -> list[Handoff]:
    """What agents see, in queue order: the active hand-offs, and those waiting that
    are not past their time (requested at ``since`` or later, or urgent)."""
    statement = (
        select(Handoff)
        .where(or_(Handoff.status == "active", _still_waiting(since)))
        .order_by(*QUEUE_ORDER)
    )
    return list(session.scalars(statement))


def waiting_on_channels(session: Session, channels: tuple[str, ...]) -> list[Handoff]:
    statement = (
        select(Handoff)
        .where(Handoff.status == "waiting", Handoff.channel.in_(channels))
        .order_by(Handoff.id)
    )
    return list(session.scalars(statement))


def overdue(session: Session, since: dt.datetime) -> list[Handoff]:
    """Waiting hand-offs past their time: not urgent, requested before ``since``."""
    statement = (
        select(Handoff)
        .where(
            Handoff.status == "waiting",
            Handoff.urgent.is_(False),
            Handoff.requested_at < since,
        )
        .order_by(Handoff.id)
    )
    return list(session.scalars(statement))


def move(session: Session, handoff: Handoff, to: str, **values: object) -> bool:
    """Move a hand-off from the status it was read in to ``to``, unless another
    process (an agent taking it, the citizen leaving, the worker) moved it first.

    One conditional UPDATE, so two of them never both succeed; the object is updated
    in place either way (to what the other process left, when it was first).

    Returns:
        Whether this call moved it.
    """
    values = {"status": to, **values}
    moved = session.execute(
        update(Handoff)
        .where(Handoff.id == handoff.id, Handoff.status == handoff.status)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]  # an UPDATE's CursorResult
        session.refresh(handoff)
        return False
    # What the row now holds, without a read back and without marking it changed.
    for name, value in values.items():
        set_committed_value(handoff, name, value)
    return True


def waiting_before(session: Session, handoff: Handoff, since: dt.datetime) -> int:
    """How many waiting hand-offs the queue order puts before this one (those past
    their time left out: see ``_still_waiting``)."""
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
        _still_waiting(since), Handoff.id != handoff.id, ahead
    )
    return session.scalar(statement) or 0


def add_handoff(session: Session, handoff: Handoff) -> Handoff:
    session.add(handoff)
    session.flush()
    return handoff


def citizen_messages_between(
    session: Session, since: dt.datetime, until: dt.datetime
) -> list[ConversationMessage]:
    """What citizens wrote from ``since`` to before ``until``, each conversation's in
    order: the gap report reads every question of a period, and what followed it."""
    statement = (
        select(ConversationMessage)
        .where(
            ConversationMessage.sender == "citizen",
            ConversationMessage.created_at >= since,
            ConversationMessage.created_at < until,
        )
        .order_by(ConversationMessage.session_id, ConversationMessage.id)
    )
    return list(session.scalars(statement))
