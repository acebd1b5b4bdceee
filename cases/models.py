"""Database schema of cases: applications and work orders with their history.

A case refers to the catalogue (an application's service, a work order's category and
department), so the catalogue's tables are mapped first.

Names, phone and ID numbers, and the free texts about a work order (its description,
address, time, result, history notes and notices) are encrypted at rest
(``privacy.columns.EncryptedText``, docs/privacy.md): the tables hold tokens, the ORM
gives clear text. An encrypted column
cannot be compared with a value; a phone or ID number is found by the keyed hash kept
beside it (``*_hash``, ``privacy.keys.personal_hash``), which follows the value
whenever it is set through the ORM.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, relationship, validates

from foundation.orm import Base

# Importing them also maps the catalogue's tables, which cases refer to.
from knowledge_base.models import Department, Service, WorkOrderCategory
from privacy.columns import EncryptedText
from privacy.keys import personal_hash

APPLICATION_STATUSES = (
    "submitted",
    "accepted",
    "in_review",
    "completed",
    "rejected",
    "withdrawn",
)
# The life cycle of cases.lifecycle: 已受理, 已派单, 已签收, 处理中, 已办结, 已回访, 已结案,
# 已退回 by the unit, and 已合并: a report joined to the open order of the same event
# (cases.merging).
WORK_ORDER_STATUSES = (
    "registered",
    "dispatched",
    "signed",
    "in_progress",
    "completed",
    "visited",
    "closed",
    "returned",
    "merged",
)
# How an order reached its unit: by the model alone above its threshold, or by an agent
# who kept or changed the suggestion. None while it waits in the review queue.
DISPATCH_METHODS = ("automatic", "agent-confirmed", "agent-corrected")
# What the citizen brought (诉求类型): a problem for the unit to solve, or praise of it
# (表扬, cases.praise), which asks nothing of the unit.
PROBLEM, PRAISE = "problem", "praise"
APPEAL_KINDS = (PROBLEM, PRAISE)
# The language the citizen is told of their order in; staff read it in Chinese.
WORK_ORDER_LANGUAGES = ("zh", "en")


class Application(Base):
    """An application a citizen started through the assistant, tracked by its number."""

    __tablename__ = "applications"
    __table_args__ = (
        CheckConstraint(f"status IN {APPLICATION_STATUSES}", name="status"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    number: Mapped[str] = Column(String(32), nullable=False, unique=True)
    service_id: Mapped[int] = Column(
        ForeignKey("services.id"), nullable=False, index=True
    )
    applicant_name: Mapped[str] = Column(EncryptedText, nullable=False)
    id_number: Mapped[str] = Column(EncryptedText, nullable=False)
    phone: Mapped[str] = Column(EncryptedText, nullable=False)
    # Keyed hashes of the two, to find an applicant's records by either.
    id_number_hash = Column(String(64), index=True)
    phone_hash = Column(String(64), index=True)
    # The keyed hash of the query code a record without a phone is read by (cases.access).
    query_code_hash = Column(String(64))
    district: Mapped[str] = Column(String(32), nullable=False)
    consent: Mapped[bool] = Column(Boolean, nullable=False)
    status: Mapped[str] = Column(String(16), nullable=False, default="submitted")
    channel: Mapped[str] = Column(String(32), nullable=False, default="web")
    session_id = Column(String(128), index=True)
    # The keyed hash of the client's scope and its Idempotency-Key, and of the request
    # it came with (cases.idempotency): a retry matches both, another request gets 409.
    idempotency_key = Column(String(128), unique=True)
    request_fingerprint = Column(String(64))
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False)
    updated_at: Mapped[dt.datetime] = Column(DateTime, nullable=False)
    # When its personal data was anonymised (contact_centre.retention): the purge after
    # the retention period, or an erasure. The facts stay, for statistics.
    anonymised_at = Column(DateTime)

    service: Mapped[Service] = relationship("Service")

    # The stubs leave validates untyped; it returns the method as it is.
    @validates("id_number", "phone")  # type: ignore[untyped-decorator]
    def _hash_beside(self, key: str, value: str) -> str:
        setattr(self, f"{key}_hash", personal_hash(value))
        return value


class WorkOrder(Base):
    """A hotline work order (工单): a complaint or report routed to a department."""

    __tablename__ = "work_orders"
    __table_args__ = (
        CheckConstraint(f"status IN {WORK_ORDER_STATUSES}", name="status"),
        CheckConstraint(
            f"dispatch_method IN {DISPATCH_METHODS}", name="dispatch_method"
        ),
        CheckConstraint(f"language IN {WORK_ORDER_LANGUAGES}", name="language"),
        CheckConstraint(f"appeal_kind IN {APPEAL_KINDS}", name="appeal_kind"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    number: Mapped[str] = Column(String(32), nullable=False, unique=True)
    category_id: Mapped[int] = Column(
        ForeignKey("work_order_categories.id"), nullable=False
    )
    department_id: Mapped[int] = Column(
        ForeignKey("departments.id"), nullable=False, index=True
    )
    district = Column(String(32))
    # The citizen's own words, encrypted at rest like the contact (privacy.columns):
    # they carry phone numbers, names and addresses as often as not.
    address = Column(EncryptedText)
    occurred_at = Column(EncryptedText)
    description: Mapped[str] = Column(EncryptedText, nullable=False)
    contact_name = Column(EncryptedText)
    contact_phone = Column(EncryptedText)
    # The keyed hash of the phone, to find a caller's orders by it.
    contact_phone_hash = Column(String(64), index=True)
    # The keyed hash of the query code an order without a phone is read by (cases.access).
    query_code_hash = Column(String(64))
    anonymous: Mapped[bool] = Column(Boolean, nullable=False, default=False)
    appeal_kind: Mapped[str] = Column(
        String(16), nullable=False, default=PROBLEM, server_default=PROBLEM
    )
    status: Mapped[str] = Column(String(16), nullable=False, default="registered")
    due_date: Mapped[dt.date] = Column(Date, nullable=False)
    channel: Mapped[str] = Column(String(32), nullable=False, default="web")
    session_id = Column(String(128), index=True)
    language: Mapped[str] = Column(
        String(2), nullable=False, default="zh", server_default="zh"
    )
    # The keyed hash of the client's scope and its Idempotency-Key, and of the request
    # it came with (cases.idempotency): a retry matches both, another request gets 409.
    idempotency_key = Column(String(128), unique=True)
    request_fingerprint = Column(String(64))
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False)
    updated_at: Mapped[dt.datetime] = Column(DateTime, nullable=False)
    # How it was routed (cases.routing.router): the top-level category, the routing's
    # confidence, the learned model's version (None: the curated classifier), the top
    # three suggestions an agent reviews, and how it was dispatched.
    top_level = Column(String(16))
    routing_confidence = Column(Float)
    routing_model = Column(String(40))
    routing_suggestions: Mapped[list[dict[str, Any]] | None] = Column(JSON)
    dispatch_method = Column(String(24))
    # The handling unit (cases.routing.units): its level (city, district, street) and
    # name, and the street or town the complaint was located in.
    unit_level = Column(String(8))
    unit_name = Column(String(200), index=True)
    street_code = Column(String(12), index=True)
    street = Column(String(100))
    # A report of an event already open (cases.merging): the order that is handled for
    # it, and how similar the two were found.
    merged_into_id: Mapped[int | None] = Column(
        ForeignKey("work_orders.id", ondelete="SET NULL"), index=True
    )
    duplicate_score = Column(Float)
    # Its life after dispatch (cases.lifecycle): when the unit must sign and signed,
    # the result and when, a pending extension request (working days), 督办, 重办 and
    # the 回访's satisfaction.
    sign_due_date = Column(Date)
    signed_at = Column(DateTime)
    result = Column(EncryptedText)
    completed_at = Column(DateTime)
    extension_days = Column(Integer)
    supervised_at = Column(DateTime)
    supervision_count: Mapped[int] = Column(Integer, nullable=False, default=0)
    reopened_count: Mapped[int] = Column(Integer, nullable=False, default=0)
    satisfaction = Column(String(24))
    visited_at = Column(DateTime)
    # When its personal data was anonymised (contact_centre.retention): the purge after
    # the retention period, or an erasure of a finished order. The facts stay.
    anonymised_at = Column(DateTime)

    category: Mapped[WorkOrderCategory] = relationship("WorkOrderCategory")
    department: Mapped[Department] = relationship("Department")
    updates: Mapped[list[WorkOrderUpdate]] = relationship(
        "WorkOrderUpdate", order_by="WorkOrderUpdate.id", cascade="all, delete-orphan"
    )
    merged_into: Mapped[WorkOrder | None] = relationship(
        "WorkOrder",
        remote_side=[id],
        foreign_keys=[merged_into_id],
        back_populates="joined",
    )
    # The reports merged into this order, each with its own reporter.
    joined: Mapped[list[WorkOrder]] = relationship(
        "WorkOrder",
        foreign_keys=[merged_into_id],
        back_populates="merged_into",
        order_by="WorkOrder.id",
    )

    @validates("contact_phone")  # type: ignore[untyped-decorator]
    def _hash_beside(self, key: str, value: str | None) -> str | None:
        self.contact_phone_hash = personal_hash(value)
        return value


class WorkOrderUpdate(Base):
    """One step in a work order's history: who moved it to which status, and why."""

    __tablename__ = "work_order_updates"

    id: Mapped[int] = Column(Integer, primary_key=True)
    work_order_id: Mapped[int] = Column(
        ForeignKey("work_orders.id", ondelete="CASCADE"), nullable=False, index=True
    )
    status: Mapped[str] = Column(String(16), nullable=False)
    # The lifecycle action taken (sign, return, request_extension, …); None for steps
    # recorded before actions were.
    action = Column(String(32))
    note = Column(EncryptedText)
    actor: Mapped[str] = Column(String(100), nullable=False)
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False)


class RoutingModel(Base):
    """A routing model trained on the centre's archive, with its cross-validated metrics.

    Kept in the database rather than on a replica's disk, so every replica and the action
    server load the same active model; activating one raises the catalogue revision they
    already follow.
    """

    __tablename__ = "routing_models"

    id: Mapped[int] = Column(Integer, primary_key=True)
    version: Mapped[str] = Column(String(40), nullable=False, unique=True)
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False)
    source: Mapped[str] = Column(Text, nullable=False)
    # "category" (our work-order codes) or "top_level" (the 7 top-level names).
    label_kind: Mapped[str] = Column(String(16), nullable=False)
    training_size: Mapped[int] = Column(Integer, nullable=False)
    threshold: Mapped[float] = Column(Float, nullable=False)
    metrics: Mapped[dict[str, Any]] = Column(JSON, nullable=False)
    payload: Mapped[bytes] = Column(LargeBinary, nullable=False)
    active: Mapped[bool] = Column(Boolean, nullable=False, default=False)


class RoutingCorrection(Base):
    """An agent's change of a work order's category: training data for the next model.

    The text is the description with personal data masked: it is kept to train on.
    """

    __tablename__ = "routing_corrections"

    id: Mapped[int] = Column(Integer, primary_key=True)
    work_order_id: Mapped[int] = Column(
        ForeignKey("work_orders.id", ondelete="CASCADE"), nullable=False
    )
    text: Mapped[str] = Column(Text, nullable=False)
    suggested_category: Mapped[str] = Column(String(32), nullable=False)
    category: Mapped[str] = Column(String(32), nullable=False)
    agent: Mapped[str] = Column(String(100), nullable=False)
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False)


class Notification(Base):
    """A message owed about a work order: to the citizen on their channel (progress, the
    回访 question) or to the unit (a time limit near or passed).

    An outbox: written in the same transaction as what it reports, and unique per order,
    kind and key, so a sweep repeated after a worker restart never owes it twice; the
    sender marks it sent, so one that failed is tried again.
    """

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("work_order_id", "kind", "key"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    work_order_id: Mapped[int] = Column(
        ForeignKey("work_orders.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # status, visit_request, sign_overdue, due_warning, overdue
    kind: Mapped[str] = Column(String(24), nullable=False)
    # What makes it one of a kind: the step it reports, or the due date it warns of.
    key: Mapped[str] = Column(String(64), nullable=False)
    # "citizen" or "unit"
    audience: Mapped[str] = Column(String(16), nullable=False)
    # The citizen's channel (web, wechat, …) and who there (the session id); the unit's
    # name for a unit.
    channel: Mapped[str] = Column(String(32), nullable=False)
    recipient = Column(String(200))
    text: Mapped[str] = Column(EncryptedText, nullable=False)
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False)
    sent_at = Column(DateTime, index=True)
    attempts: Mapped[int] = Column(Integer, nullable=False, default=0)
    last_error = Column(Text)
