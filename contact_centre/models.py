"""Database schema of the contact centre: transcripts, hand-offs and ratings.

What citizens and the assistant said is encrypted at rest
(``privacy.columns.EncryptedText``, docs/privacy.md): a message's text and the message a
hand-off was asked with. Neither can be compared or searched in SQL; read the rows and
look at the text in Python.
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
    false,
)
from sqlalchemy.orm import Mapped

from foundation.orm import Base
from privacy.columns import EncryptedText

HANDOFF_STATUSES = ("waiting", "active", "returned")
SENDERS = ("citizen", "bot", "agent")


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
