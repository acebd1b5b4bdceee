"""Database schema of cases: applications and work orders with their history.

A case refers to the catalogue (an application's service, a work order's category and
department), so the catalogue's tables are mapped first.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, relationship

from foundation.orm import Base

# Importing them also maps the catalogue's tables, which cases refer to.
from knowledge_base.models import Department, Service, WorkOrderCategory

APPLICATION_STATUSES = (
    "submitted",
    "accepted",
    "in_review",
    "completed",
    "rejected",
    "withdrawn",
)
WORK_ORDER_STATUSES = ("registered", "dispatched", "in_progress", "replied", "closed")


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
    applicant_name: Mapped[str] = Column(String(100), nullable=False)
    id_number: Mapped[str] = Column(String(18), nullable=False)
    phone: Mapped[str] = Column(String(20), nullable=False)
    # The keyed hash of the query code a record without a phone is read by (cases.access).
    query_code_hash = Column(String(64))
    district: Mapped[str] = Column(String(32), nullable=False)
    consent: Mapped[bool] = Column(Boolean, nullable=False)
    status: Mapped[str] = Column(String(16), nullable=False, default="submitted")
    channel: Mapped[str] = Column(String(32), nullable=False, default="web")
    session_id = Column(String(128), index=True)
    idempotency_key = Column(String(128), unique=True)
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False)
    updated_at: Mapped[dt.datetime] = Column(DateTime, nullable=False)

    service: Mapped[Service] = relationship("Service")


class WorkOrder(Base):
    """A hotline work order (工单): a complaint or report routed to a department."""

    __tablename__ = "work_orders"
    __table_args__ = (
        CheckConstraint(f"status IN {WORK_ORDER_STATUSES}", name="status"),
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
    address = Column(Text)
    occurred_at = Column(String(100))
    description: Mapped[str] = Column(Text, nullable=False)
    contact_name = Column(String(100))
    contact_phone = Column(String(20))
    # The keyed hash of the query code an order without a phone is read by (cases.access).
    query_code_hash = Column(String(64))
    anonymous: Mapped[bool] = Column(Boolean, nullable=False, default=False)
    status: Mapped[str] = Column(String(16), nullable=False, default="registered")
    due_date: Mapped[dt.date] = Column(Date, nullable=False)
    channel: Mapped[str] = Column(String(32), nullable=False, default="web")
    session_id = Column(String(128), index=True)
    idempotency_key = Column(String(128), unique=True)
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False)
    updated_at: Mapped[dt.datetime] = Column(DateTime, nullable=False)

    category: Mapped[WorkOrderCategory] = relationship("WorkOrderCategory")
    department: Mapped[Department] = relationship("Department")
    updates: Mapped[list[WorkOrderUpdate]] = relationship(
        "WorkOrderUpdate", order_by="WorkOrderUpdate.id", cascade="all, delete-orphan"
    )


class WorkOrderUpdate(Base):
    """One step in a work order's history: who moved it to which status, and why."""

    __tablename__ = "work_order_updates"

    id: Mapped[int] = Column(Integer, primary_key=True)
    work_order_id: Mapped[int] = Column(
        ForeignKey("work_orders.id", ondelete="CASCADE"), nullable=False, index=True
    )
    status: Mapped[str] = Column(String(16), nullable=False)
    note = Column(Text)
    actor: Mapped[str] = Column(String(100), nullable=False)
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False)
