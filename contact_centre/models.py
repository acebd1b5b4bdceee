"""Database schema of the contact centre: transcripts, hand-offs, ratings, and the
outbox of messages owed to citizens on channels we push to (WeChat).

What citizens and the assistant said is encrypted at rest
(``privacy.columns.EncryptedText``, docs/privacy.md): a message's text, the message a
hand-off was asked with and an outbox message's text. None can be compared or searched
in SQL; read the rows and look at the text in Python.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, synonym

from foundation.orm import Base
from privacy.columns import EncryptedText

HANDOFF_STATUSES = ("waiting", "active", "returned", "cancelled", "expired")
SENDERS = ("citizen", "bot", "agent")
CHANNEL_MESSAGE_STATUSES = ("pending", "sent", "expired", "failed")


class Feedback(Base):
    __tablename__ = "feedback"
    __table_args__ = (CheckConstraint("rating BETWEEN 1 AND 5", name="rating"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    session_id = Column(String(128), index=True)
    rating: Mapped[int] = Column(Integer, nullable=False)
    comment = Column(EncryptedText)
    channel: Mapped[str] = Column(String(32), nullable=False, default="web")
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False)


class Handoff(Base):
    """A conversation a citizen asked to continue with a person.

    An urgent one (the citizen reported an emergency: ``emergency`` names its kind, a
    ``safety.Kind`` value) goes to the head of the agents' queue. Once taken, it is
    owned by the taking agent's token (``agent_token_id``), not by a name: two agents
    may share a name, and a name proves nothing.
    """

    __tablename__ = "handoffs"
    __table_args__ = (CheckConstraint(f"status IN {HANDOFF_STATUSES}", name="status"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    session_id: Mapped[str] = Column(String(128), nullable=False, index=True)
    status: Mapped[str] = Column(String(16), nullable=False, default="waiting")
    # What the citizen said when asking (an emergency's message): encrypted.
    reason = Column(EncryptedText)
    language: Mapped[str] = Column(String(8), nullable=False, default="zh")
    channel: Mapped[str] = Column(String(32), nullable=False, default="web")
    urgent: Mapped[bool] = Column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    emergency = Column(String(32))
    # Who has taken it: the token that owns it (only its holder, or an admin, replies
    # and hands it back) and that token's holder's name, for showing.
    agent = Column(String(100))
    agent_token_id: Mapped[int | None] = Column(ForeignKey("api_tokens.id"))
    requested_at: Mapped[dt.datetime] = Column(DateTime, nullable=False)
    taken_at = Column(DateTime)
    closed_at = Column(DateTime)
    # The place in the queue its citizen was last told (contact_centre.handoff): a
    # channel we push to hears of a new one only when it is worth a message.
    told_position = Column(Integer)


class ConversationMessage(Base):
    """Every turn of a conversation, so agents can read it and widgets can poll replies."""

    __tablename__ = "conversation_messages"
    __table_args__ = (CheckConstraint(f"sender IN {SENDERS}", name="sender"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    session_id: Mapped[str] = Column(String(128), nullable=False, index=True)
    sender: Mapped[str] = Column(String(16), nullable=False)
    text: Mapped[str] = Column(EncryptedText, nullable=False)
    payload: Mapped[dict[str, Any] | None] = Column(JSON)
    intent = Column(String(64))
    confidence = Column(Float)
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, index=True)


class ChannelMessage(Base):
    """A message owed to a citizen on a channel that only hears what we push to it
    (WeChat): an agent's reply, a change of queue place, the end of a hand-off.

    An outbox (``contact_centre.channel_messages``): written in the transaction of what
    it reports, unique per session, kind and key when it has a key, so a step repeated
    never owes it twice. ``status`` moves from ``pending`` to ``sent``, ``expired``
    (WeChat's 48-hour window closed: never sent) or ``failed`` (tried ``MAX_ATTEMPTS``
    times); ``last_error`` says why it is not sent.
    """

    __tablename__ = "channel_messages"
    __table_args__ = (
        UniqueConstraint("session_id", "kind", "key"),
        CheckConstraint(f"status IN {CHANNEL_MESSAGE_STATUSES}", name="status"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    session_id: Mapped[str] = Column(String(128), nullable=False, index=True)
    # The senders of both outboxes address a citizen by ``recipient``, as notifications do.
    recipient: Mapped[str] = synonym("session_id")
    channel: Mapped[str] = Column(String(32), nullable=False)
    # agent_reply, queue, handoff
    kind: Mapped[str] = Column(String(24), nullable=False)
    # What makes it one of a kind (an agent reply's message id); None: every one counts.
    key = Column(String(64))
    text: Mapped[str] = Column(EncryptedText, nullable=False)
    status: Mapped[str] = Column(
        String(16), nullable=False, default="pending", index=True
    )
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False)
    attempts: Mapped[int] = Column(Integer, nullable=False, default=0)
    settled_at = Column(DateTime)
    last_error = Column(Text)
