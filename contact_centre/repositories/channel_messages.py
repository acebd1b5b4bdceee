"""The outbox of messages owed to citizens on push channels; only
``contact_centre.channel_messages`` calls it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from contact_centre.models import ChannelMessage, ConversationMessage


def add_once(session: Session, message: ChannelMessage) -> bool:
    """Add it unless one of its session, kind and key is there already."""
    try:
        with session.begin_nested():
            session.add(message)
            session.flush()
    except IntegrityError:
        return False
    return True


def pending(
    session: Session, channels: Sequence[str], limit: int
) -> list[ChannelMessage]:
    """Messages still to send on these channels, oldest first."""
    statement = (
        select(ChannelMessage)
        .where(ChannelMessage.status == "pending", ChannelMessage.channel.in_(channels))
        .order_by(ChannelMessage.id)
        .limit(limit)
    )
    return list(session.scalars(statement))


def take_attempt(session: Session, message: ChannelMessage) -> bool:
    """Count one more try, unless another process counted it since ``message`` was
    read (or settled it): one conditional UPDATE, so two never both succeed."""
    taken = session.execute(
        update(ChannelMessage)
        .where(
            ChannelMessage.id == message.id,
            ChannelMessage.status == "pending",
            ChannelMessage.attempts == message.attempts,
        )
        .values(attempts=message.attempts + 1)
        .execution_options(synchronize_session="evaluate")
    )
    return bool(taken.rowcount)  # type: ignore[attr-defined]


def last_citizen_message_at(session: Session, session_id: str) -> dt.datetime | None:
    """When the citizen last wrote in this conversation; None if they never did."""
    heard: dt.datetime | None = session.scalar(
        select(func.max(ConversationMessage.created_at)).where(
            ConversationMessage.session_id == session_id,
            ConversationMessage.sender == "citizen",
        )
    )
    return heard
