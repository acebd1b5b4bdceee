"""Database schema of the knowledge base.

SQLAlchemy 1.4 classic declarative models, queried only in the 2.0 style so the upgrade
stays mechanical. Codes are the stable keys: imports upsert by them and URLs use them.
"""

from __future__ import annotations

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
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base, relationship

# Named constraints keep migrations portable between SQLite (batch mode) and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
Base = declarative_base(metadata=MetaData(naming_convention=NAMING_CONVENTION))

AUDIENCES = ("individual", "enterprise", "both")
MATERIAL_FORMS = ("original", "copy", "original_and_copy", "electronic")


class Department(Base):
    __tablename__ = "departments"

    id = Column(Integer, primary_key=True)
    code = Column(String(64), nullable=False, unique=True)
    name = Column(String(200), nullable=False)
    name_en = Column(String(200), nullable=False)
    phone = Column(String(64))
    website = Column(String(500))

    services = relationship("Service", back_populates="department")


office_services = Table(
    "office_services",
    Base.metadata,
    Column("office_id", ForeignKey("offices.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "service_id", ForeignKey("services.id", ondelete="CASCADE"), primary_key=True
    ),
)


class Service(Base):
    __tablename__ = "services"
    __table_args__ = (
        CheckConstraint(f"audience IN {AUDIENCES}", name="audience"),
        CheckConstraint(
            "statutory_days IS NULL OR statutory_days >= 0", name="statutory_days"
        ),
        CheckConstraint(
            "promised_days IS NULL OR promised_days >= 0", name="promised_days"
        ),
    )

    id = Column(Integer, primary_key=True)
    code = Column(String(64), nullable=False, unique=True)
    name = Column(String(200), nullable=False)
    name_en = Column(String(300), nullable=False, default="")
    department_id = Column(ForeignKey("departments.id"), nullable=False, index=True)
    category = Column(String(64), nullable=False)
    audience = Column(String(16), nullable=False, default="individual")
    region = Column(String(64), nullable=False, default="上海市")
    aliases = Column(JSON, nullable=False, default=list)
    aliases_en = Column(JSON, nullable=False, default=list)
    keywords = Column(JSON, nullable=False, default=list)
    summary = Column(Text, nullable=False, default="")
    summary_en = Column(Text, nullable=False, default="")
    eligibility = Column(Text, nullable=False, default="")
    eligibility_en = Column(Text)
    fees = Column(Text, nullable=False, default="")
    fees_en = Column(Text)
    is_free = Column(Boolean, nullable=False, default=True)
    statutory_days = Column(Integer)
    promised_days = Column(Integer)
    time_limit_note = Column(Text)
    online_url = Column(String(1000))
    online_available = Column(Boolean, nullable=False, default=False)
    offline_where = Column(Text, nullable=False, default="")
    offline_where_en = Column(Text)
    hours = Column(Text)
    phone = Column(String(64))
    legal_basis = Column(Text)
    source = Column(Text, nullable=False)
    source_url = Column(String(1000))
    notice = Column(Text, nullable=False)
    updated_at = Column(Date, nullable=False)

    department = relationship("Department", back_populates="services")
    steps = relationship(
        "ServiceStep", order_by="ServiceStep.position", cascade="all, delete-orphan"
    )
    materials = relationship(
        "ServiceMaterial",
        order_by="ServiceMaterial.position",
        cascade="all, delete-orphan",
    )
    offices = relationship(
        "Office", secondary=office_services, back_populates="services"
    )
    faqs = relationship("FAQ", back_populates="service", cascade="all, delete-orphan")


class _StepColumns:
    """Ordered step of a service or a bundle; both read the same way to a citizen."""

    id = Column(Integer, primary_key=True)
    position = Column(Integer, nullable=False)
    title = Column(String(300), nullable=False)
    detail = Column(Text, nullable=False, default="")
    title_en = Column(String(300))
    detail_en = Column(Text)


class ServiceStep(_StepColumns, Base):
    __tablename__ = "service_steps"
    __table_args__ = (UniqueConstraint("service_id", "position"),)

    service_id = Column(ForeignKey("services.id", ondelete="CASCADE"), nullable=False)


class ServiceMaterial(Base):
    __tablename__ = "service_materials"
    __table_args__ = (
        UniqueConstraint("service_id", "position"),
        CheckConstraint(f"form IN {MATERIAL_FORMS}", name="form"),
        CheckConstraint("count >= 1", name="count"),
    )

    id = Column(Integer, primary_key=True)
    service_id = Column(ForeignKey("services.id", ondelete="CASCADE"), nullable=False)
    position = Column(Integer, nullable=False)
    name = Column(String(300), nullable=False)
    name_en = Column(String(300))
    required = Column(Boolean, nullable=False, default=True)
    form = Column(String(32), nullable=False, default="original")
    count = Column(Integer, nullable=False, default=1)
    notes = Column(Text)


class Office(Base):
    __tablename__ = "offices"

    id = Column(Integer, primary_key=True)
    code = Column(String(64), nullable=False, unique=True)
    name = Column(String(200), nullable=False)
    name_en = Column(String(300), nullable=False)
    district = Column(String(32), nullable=False, index=True)
    address = Column(Text, nullable=False)
    address_en = Column(Text)
    hours = Column(Text, nullable=False)
    hours_en = Column(Text)
    phone = Column(String(64))
    transport = Column(Text)
    source = Column(Text, nullable=False)
    notice = Column(Text, nullable=False)

    services = relationship(
        "Service", secondary=office_services, back_populates="offices"
    )


bundle_services = Table(
    "bundle_services",
    Base.metadata,
    Column("bundle_id", ForeignKey("bundles.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "service_id", ForeignKey("services.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("position", Integer, nullable=False),
)


class Bundle(Base):
    """一件事: several services a citizen completes as one journey."""

    __tablename__ = "bundles"

    id = Column(Integer, primary_key=True)
    code = Column(String(64), nullable=False, unique=True)
    name = Column(String(200), nullable=False)
    name_en = Column(String(300), nullable=False)
    summary = Column(Text, nullable=False)
    summary_en = Column(Text, nullable=False)
    aliases = Column(JSON, nullable=False, default=list)
    online_url = Column(String(1000))
    source = Column(Text, nullable=False)
    notice = Column(Text, nullable=False)

    services = relationship(
        "Service", secondary=bundle_services, order_by=bundle_services.c.position
    )
    steps = relationship(
        "BundleStep", order_by="BundleStep.position", cascade="all, delete-orphan"
    )
    faqs = relationship("FAQ", back_populates="bundle", cascade="all, delete-orphan")


class BundleStep(_StepColumns, Base):
    __tablename__ = "bundle_steps"
    __table_args__ = (UniqueConstraint("bundle_id", "position"),)

    bundle_id = Column(ForeignKey("bundles.id", ondelete="CASCADE"), nullable=False)


class FAQ(Base):
    __tablename__ = "faqs"
    __table_args__ = (
        CheckConstraint(
            "(service_id IS NULL) <> (bundle_id IS NULL)", name="one_subject"
        ),
    )

    id = Column(Integer, primary_key=True)
    service_id = Column(ForeignKey("services.id", ondelete="CASCADE"), index=True)
    bundle_id = Column(ForeignKey("bundles.id", ondelete="CASCADE"), index=True)
    question = Column(Text, nullable=False)
    answer = Column(Text, nullable=False)
    question_en = Column(Text)
    answer_en = Column(Text)

    service = relationship("Service", back_populates="faqs")
    bundle = relationship("Bundle", back_populates="faqs")


class WorkOrderCategory(Base):
    __tablename__ = "work_order_categories"
    __table_args__ = (CheckConstraint("time_limit_days > 0", name="time_limit"),)

    id = Column(Integer, primary_key=True)
    code = Column(String(64), nullable=False, unique=True)
    name = Column(String(100), nullable=False)
    name_en = Column(String(200), nullable=False)
    department_id = Column(ForeignKey("departments.id"), nullable=False)
    time_limit_days = Column(Integer, nullable=False)
    keywords = Column(JSON, nullable=False, default=list)
    description = Column(Text, nullable=False, default="")

    department = relationship("Department")


APPLICATION_STATUSES = (
    "submitted",
    "accepted",
    "in_review",
    "completed",
    "rejected",
    "withdrawn",
)
WORK_ORDER_STATUSES = ("registered", "dispatched", "in_progress", "replied", "closed")
HANDOFF_STATUSES = ("waiting", "active", "returned")
SENDERS = ("citizen", "bot", "agent")
ROLES = ("agent", "admin")


class Application(Base):
    """An application a citizen started through the assistant, tracked by its number."""

    __tablename__ = "applications"
    __table_args__ = (
        CheckConstraint(f"status IN {APPLICATION_STATUSES}", name="status"),
    )

    id = Column(Integer, primary_key=True)
    number = Column(String(32), nullable=False, unique=True)
    service_id = Column(ForeignKey("services.id"), nullable=False, index=True)
    applicant_name = Column(String(100), nullable=False)
    id_number = Column(String(18), nullable=False)
    phone = Column(String(20), nullable=False)
    district = Column(String(32), nullable=False)
    consent = Column(Boolean, nullable=False)
    status = Column(String(16), nullable=False, default="submitted")
    channel = Column(String(32), nullable=False, default="web")
    session_id = Column(String(128), index=True)
    idempotency_key = Column(String(128), unique=True)
    created_at = Column(DateTime, nullable=False)
    updated_at = Column(DateTime, nullable=False)

    service = relationship("Service")


class WorkOrder(Base):
    """A hotline work order (工单): a complaint or report routed to a department."""

    __tablename__ = "work_orders"
    __table_args__ = (
        CheckConstraint(f"status IN {WORK_ORDER_STATUSES}", name="status"),
    )

    id = Column(Integer, primary_key=True)
    number = Column(String(32), nullable=False, unique=True)
    category_id = Column(ForeignKey("work_order_categories.id"), nullable=False)
    department_id = Column(ForeignKey("departments.id"), nullable=False, index=True)
    district = Column(String(32))
    address = Column(Text)
    occurred_at = Column(String(100))
    description = Column(Text, nullable=False)
    contact_name = Column(String(100))
    contact_phone = Column(String(20))
    anonymous = Column(Boolean, nullable=False, default=False)
    status = Column(String(16), nullable=False, default="registered")
    due_date = Column(Date, nullable=False)
    channel = Column(String(32), nullable=False, default="web")
    session_id = Column(String(128), index=True)
    idempotency_key = Column(String(128), unique=True)
    created_at = Column(DateTime, nullable=False)
    updated_at = Column(DateTime, nullable=False)

    category = relationship("WorkOrderCategory")
    department = relationship("Department")
    updates = relationship(
        "WorkOrderUpdate", order_by="WorkOrderUpdate.id", cascade="all, delete-orphan"
    )


class WorkOrderUpdate(Base):
    """One step in a work order's history: who moved it to which status, and why."""

    __tablename__ = "work_order_updates"

    id = Column(Integer, primary_key=True)
    work_order_id = Column(
        ForeignKey("work_orders.id", ondelete="CASCADE"), nullable=False, index=True
    )
    status = Column(String(16), nullable=False)
    note = Column(Text)
    actor = Column(String(100), nullable=False)
    created_at = Column(DateTime, nullable=False)


class Feedback(Base):
    __tablename__ = "feedback"
    __table_args__ = (CheckConstraint("rating BETWEEN 1 AND 5", name="rating"),)

    id = Column(Integer, primary_key=True)
    session_id = Column(String(128), index=True)
    rating = Column(Integer, nullable=False)
    comment = Column(Text)
    channel = Column(String(32), nullable=False, default="web")
    created_at = Column(DateTime, nullable=False)


class Handoff(Base):
    """A conversation a citizen asked to continue with a person."""

    __tablename__ = "handoffs"
    __table_args__ = (CheckConstraint(f"status IN {HANDOFF_STATUSES}", name="status"),)

    id = Column(Integer, primary_key=True)
    session_id = Column(String(128), nullable=False, index=True)
    status = Column(String(16), nullable=False, default="waiting")
    reason = Column(Text)
    language = Column(String(8), nullable=False, default="zh")
    channel = Column(String(32), nullable=False, default="web")
    agent = Column(String(100))
    requested_at = Column(DateTime, nullable=False)
    taken_at = Column(DateTime)
    closed_at = Column(DateTime)


class ConversationMessage(Base):
    """Every turn of a conversation, so agents can read it and widgets can poll replies."""

    __tablename__ = "conversation_messages"
    __table_args__ = (CheckConstraint(f"sender IN {SENDERS}", name="sender"),)

    id = Column(Integer, primary_key=True)
    session_id = Column(String(128), nullable=False, index=True)
    sender = Column(String(16), nullable=False)
    text = Column(Text, nullable=False)
    payload = Column(JSON)
    intent = Column(String(64))
    confidence = Column(Float)
    created_at = Column(DateTime, nullable=False, index=True)


class ApiToken(Base):
    """A bearer token for an agent or an admin; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint(f"role IN {ROLES}", name="role"),)

    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    role = Column(String(16), nullable=False)
    name = Column(String(100), nullable=False)
    created_at = Column(DateTime, nullable=False)
    revoked_at = Column(DateTime)


class CatalogueRevision(Base):
    """One row counting the catalogue's changes, raised in each change's own transaction.

    Every process that keeps the catalogue in memory (gateway replicas, the action
    server) reads it every few seconds, so a change through the admin API, a
    ``hotline kb import`` or a seed reaches them all, with or without Redis.
    """

    __tablename__ = "catalogue_revision"

    id = Column(Integer, primary_key=True)
    number = Column(Integer, nullable=False)
    changed_at = Column(DateTime, nullable=False)
