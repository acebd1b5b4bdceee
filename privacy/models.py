"""Database schema of access: the bearer tokens agents and admins sign in with."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped

from foundation.orm import Base

ROLES = ("agent", "admin")


class ApiToken(Base):
    """A bearer token for an agent or an admin; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint(f"role IN {ROLES}", name="role"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    token_hash: Mapped[str] = Column(String(64), nullable=False, unique=True)
    role: Mapped[str] = Column(String(16), nullable=False)
    name: Mapped[str] = Column(String(100), nullable=False)
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False)
    revoked_at = Column(DateTime)
