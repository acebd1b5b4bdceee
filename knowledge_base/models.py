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
