"""Database schema of access and retention: the bearer tokens agents, admins, managers
and handling units sign in with, the audit log of what of citizens' personal data they were shown,
the tombstones of erasures, and the record of each day's purge."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped

from foundation.orm import Base

ROLES = ("agent", "admin", "department", "manager", "editor", "reviewer")
# The hotline centre's own staff: the agent console and the centre's side of a work
# order. A department token is a handling unit's (承办单位), scoped to its unit.
CENTRE_ROLES = ("agent", "admin")
DEPARTMENT = "department"
# The centre's managers: they read the performance figures (trends, on-time rates,
# 回访 satisfaction, hot topics) and no citizen's personal data beyond masked examples.
MANAGER = "manager"
# The knowledge workbench's staff: an editor drafts changes to the guides, a reviewer
# approves, publishes and rolls back; nobody publishes their own change.
EDITOR = "editor"
REVIEWER = "reviewer"
# Roles that may act on a conversation another agent has taken (reply, hand it back).
SUPERVISING_ROLES = ("admin",)
# The role the audit log gives an operator at the command line (``hotline privacy``),
# who holds no token.
OPERATOR = "operator"


class ApiToken(Base):
    """A bearer token for an agent, an admin, a manager or a handling unit; only its
    SHA-256 is stored.

    It is valid until ``expires_at`` (``HOTLINE_TOKEN_TTL_DAYS`` after it was made)
    unless revoked before (``revoked_at``). A department token names its ``unit`` as
    work orders record their handling unit (``WorkOrder.unit_name``), and sees only
    that unit's orders; the other roles have none.
    """

    __tablename__ = "api_tokens"
    __table_args__ = (
        CheckConstraint(f"role IN {ROLES}", name="role"),
        CheckConstraint(
            f"(role = '{DEPARTMENT}' AND unit IS NOT NULL)"
            f" OR (role <> '{DEPARTMENT}' AND unit IS NULL)",
            name="unit",
        ),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    token_hash: Mapped[str] = Column(String(64), nullable=False, unique=True)
    role: Mapped[str] = Column(String(16), nullable=False)
    name: Mapped[str] = Column(String(100), nullable=False)
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False)
    expires_at: Mapped[dt.datetime] = Column(DateTime, nullable=False)
    revoked_at = Column(DateTime)
    unit = Column(String(200))


class AccessRecord(Base):
    """One showing of a citizen's personal data to a member of staff.

    The actor's name and role are copied as they were at the time: the audit answers
    "who saw it" even after a token is revoked or renamed. An operator at the command
    line (an export, an erasure) has no token: ``token_id`` is None, the role
    ``OPERATOR``.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = Column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = Column(DateTime, nullable=False, index=True)
    token_id = Column(Integer, ForeignKey("api_tokens.id"), index=True)
    actor_name: Mapped[str] = Column(String(100), nullable=False, index=True)
    actor_role: Mapped[str] = Column(String(16), nullable=False)
    # What kind of record ("work_order", "application", "handoff") and which one (a
    # case's number, a hand-off's id).
    record_kind: Mapped[str] = Column(String(32), nullable=False)
    record: Mapped[str] = Column(String(128), nullable=False, index=True)
    fields: Mapped[list[str]] = Column(JSON, nullable=False)
    # Where from: the client's address (after trusted proxies) and the request made.
    client_address = Column(String(64))
    via = Column(String(200))


class Erasure(Base):
    """A tombstone: a citizen's personal data was erased at their request (PIPL art. 47).

    It holds no clear personal data: when, by whom and why (the reason masked), the
    numbers of the records erased, how many rows of each table, and the keyed hash of
    the phone it was asked for (``privacy.keys.personal_hash``), so that a repeated
    request is answered with what was done, and by whom.
    """

    __tablename__ = "erasures"

    id: Mapped[int] = Column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = Column(DateTime, nullable=False)
    operator: Mapped[str] = Column(String(100), nullable=False)
    reason: Mapped[str] = Column(Text, nullable=False)
    phone_hash: Mapped[str] = Column(String(64), nullable=False, index=True)
    records: Mapped[list[str]] = Column(JSON, nullable=False)
    counts: Mapped[dict[str, int]] = Column(JSON, nullable=False)


class PurgeRun(Base):
    """The retention purge of one day (Shanghai), run by the scheduler's lease holder.

    Its row says the day's purge has begun (``finished_at`` None: batches remain) or is
    done, so that it runs once a day whichever replica holds the lease; ``counts`` adds
    up the rows anonymised per table.
    """

    __tablename__ = "purge_runs"

    day: Mapped[dt.date] = Column(Date, primary_key=True)
    started_at: Mapped[dt.datetime] = Column(DateTime, nullable=False)
    finished_at = Column(DateTime)
    counts: Mapped[dict[str, int]] = Column(JSON, nullable=False)
