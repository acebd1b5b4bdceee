"""Database schema of the service catalogue.

SQLAlchemy 1.4 classic declarative models, queried only in the 2.0 style so the upgrade
stays mechanical. Codes are the stable keys: imports upsert by them and URLs use them.
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
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, relationship

from foundation.orm import Base

AUDIENCES = ("individual", "enterprise", "both")
MATERIAL_FORMS = ("original", "copy", "original_and_copy", "electronic")
OFFICE_LEVELS = ("city", "district", "street")
GUIDE_KINDS = ("service", "bundle", "office")
GUIDE_STATUSES = ("draft", "in_review", "published", "retired")


class Department(Base):
    __tablename__ = "departments"

    id: Mapped[int] = Column(Integer, primary_key=True)
    code: Mapped[str] = Column(String(64), nullable=False, unique=True)
    name: Mapped[str] = Column(String(200), nullable=False)
    name_en: Mapped[str] = Column(String(200), nullable=False)
    phone = Column(String(64))
    website = Column(String(500))
    # The department above it (交通警察总队 under 公安局): units form a hierarchy.
    parent_code = Column(String(64))
    # Its district counterpart's name, "{district}生态环境局"; None where the catalogue
    # records none, and the city department handles or forwards.
    district_unit = Column(String(200))

    services: Mapped[list[Service]] = relationship(
        "Service", back_populates="department"
    )


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

    id: Mapped[int] = Column(Integer, primary_key=True)
    code: Mapped[str] = Column(String(64), nullable=False, unique=True)
    name: Mapped[str] = Column(String(200), nullable=False)
    name_en: Mapped[str] = Column(String(300), nullable=False, default="")
    department_id: Mapped[int] = Column(
        ForeignKey("departments.id"), nullable=False, index=True
    )
    category: Mapped[str] = Column(String(64), nullable=False)
    audience: Mapped[str] = Column(String(16), nullable=False, default="individual")
    region: Mapped[str] = Column(String(64), nullable=False, default="上海市")
    aliases: Mapped[list[str]] = Column(JSON, nullable=False, default=list)
    aliases_en: Mapped[list[str]] = Column(JSON, nullable=False, default=list)
    keywords: Mapped[list[str]] = Column(JSON, nullable=False, default=list)
    summary: Mapped[str] = Column(Text, nullable=False, default="")
    summary_en: Mapped[str] = Column(Text, nullable=False, default="")
    eligibility: Mapped[str] = Column(Text, nullable=False, default="")
    eligibility_en = Column(Text)
    fees: Mapped[str] = Column(Text, nullable=False, default="")
    fees_en = Column(Text)
    is_free: Mapped[bool] = Column(Boolean, nullable=False, default=True)
    statutory_days = Column(Integer)
    promised_days = Column(Integer)
    time_limit_note = Column(Text)
    time_limit_note_en = Column(Text)
    online_url = Column(String(1000))
    online_available: Mapped[bool] = Column(Boolean, nullable=False, default=False)
    offline_where: Mapped[str] = Column(Text, nullable=False, default="")
    offline_where_en = Column(Text)
    # The levels whose offices handle it in person ("street": each 街道/镇's community
    # affairs acceptance centre), stated in the catalogue, not guessed from the text.
    handled_at: Mapped[list[str]] = Column(JSON, nullable=False, default=list)
    hours = Column(Text)
    hours_en = Column(Text)
    phone = Column(Text)
    legal_basis = Column(Text)
    legal_basis_en = Column(Text)
    source: Mapped[str] = Column(Text, nullable=False)
    source_en = Column(Text)
    source_url = Column(String(1000))
    notice: Mapped[str] = Column(Text, nullable=False)
    updated_at: Mapped[dt.date] = Column(Date, nullable=False)
    # 施行日期, and 最近核验: when and by whom the published guide was last checked.
    effective_date = Column(Date)
    verified_at = Column(Date)
    verified_by = Column(String(100))
    # Questions a citizen might ask that must find this service first (tested like code).
    examples: Mapped[list[str]] = Column(JSON, nullable=False, default=list)

    department: Mapped[Department] = relationship(
        "Department", back_populates="services"
    )
    steps: Mapped[list[ServiceStep]] = relationship(
        "ServiceStep", order_by="ServiceStep.position", cascade="all, delete-orphan"
    )
    materials: Mapped[list[ServiceMaterial]] = relationship(
        "ServiceMaterial",
        order_by="ServiceMaterial.position",
        cascade="all, delete-orphan",
    )
    offices: Mapped[list[Office]] = relationship(
        "Office", secondary=office_services, back_populates="services"
    )
    faqs: Mapped[list[FAQ]] = relationship(
        "FAQ", back_populates="service", cascade="all, delete-orphan"
    )
    variants: Mapped[list[ServiceVariant]] = relationship(
        "ServiceVariant",
        order_by="ServiceVariant.district",
        cascade="all, delete-orphan",
    )


class _StepColumns:
    """Ordered step of a service or a bundle; both read the same way to a citizen."""

    id: Mapped[int] = Column(Integer, primary_key=True)
    position: Mapped[int] = Column(Integer, nullable=False)
    title: Mapped[str] = Column(String(300), nullable=False)
    detail: Mapped[str] = Column(Text, nullable=False, default="")
    title_en = Column(String(300))
    detail_en = Column(Text)


class ServiceStep(_StepColumns, Base):
    __tablename__ = "service_steps"
    __table_args__ = (UniqueConstraint("service_id", "position"),)

    service_id: Mapped[int] = Column(
        ForeignKey("services.id", ondelete="CASCADE"), nullable=False
    )


class ServiceMaterial(Base):
    __tablename__ = "service_materials"
    __table_args__ = (
        UniqueConstraint("service_id", "position"),
        CheckConstraint(f"form IN {MATERIAL_FORMS}", name="form"),
        CheckConstraint("count >= 1", name="count"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    service_id: Mapped[int] = Column(
        ForeignKey("services.id", ondelete="CASCADE"), nullable=False
    )
    position: Mapped[int] = Column(Integer, nullable=False)
    name: Mapped[str] = Column(String(300), nullable=False)
    name_en = Column(String(300))
    required: Mapped[bool] = Column(Boolean, nullable=False, default=True)
    form: Mapped[str] = Column(String(32), nullable=False, default="original")
    count: Mapped[int] = Column(Integer, nullable=False, default=1)
    notes = Column(Text)
    notes_en = Column(Text)


class ServiceVariant(Base):
    """What differs in one district: where to go, its hours, phone, online link and
    the materials it asks for on top of the city's list. A field left None means the
    city-wide guide holds there."""

    __tablename__ = "service_variants"
    __table_args__ = (UniqueConstraint("service_id", "district"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    service_id: Mapped[int] = Column(
        ForeignKey("services.id", ondelete="CASCADE"), nullable=False
    )
    # The official district name, as the division lists spell it (徐汇区).
    district: Mapped[str] = Column(String(32), nullable=False)
    offline_where = Column(Text)
    offline_where_en = Column(Text)
    hours = Column(Text)
    hours_en = Column(Text)
    phone = Column(String(64))
    online_url = Column(String(1000))
    # [{name, name_en, form, count, required, notes, notes_en}], as materials read.
    extra_materials: Mapped[list[dict[str, Any]] | None] = Column(JSON, default=list)


class Office(Base):
    """Where a citizen goes in person: a city office, a district centre, or the
    community affairs acceptance centre of one street or town.

    Street centres are derived from the official list of divisions, and we hold no
    recorded address, hours or phone for them: those stay None rather than guessed,
    and the answer says so.
    """

    __tablename__ = "offices"
    __table_args__ = (
        CheckConstraint(f"level IN {OFFICE_LEVELS}", name="level"),
        CheckConstraint("level = 'city' OR district IS NOT NULL", name="district"),
        CheckConstraint("(level = 'street') = (street IS NOT NULL)", name="street"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    code: Mapped[str] = Column(String(64), nullable=False, unique=True)
    name: Mapped[str] = Column(String(200), nullable=False)
    name_en: Mapped[str] = Column(String(300), nullable=False)
    level: Mapped[str] = Column(String(8), nullable=False, default="district")
    district = Column(String(32), index=True)
    # The division code of the street or town a street centre serves.
    street = Column(String(12), index=True)
    address = Column(Text)
    address_en = Column(Text)
    hours = Column(Text)
    hours_en = Column(Text)
    phone = Column(String(64))
    transport = Column(Text)
    source: Mapped[str] = Column(Text, nullable=False)
    notice: Mapped[str] = Column(Text, nullable=False)
    effective_date = Column(Date)
    verified_at = Column(Date)
    verified_by = Column(String(100))

    services: Mapped[list[Service]] = relationship(
        "Service", secondary=office_services, back_populates="offices"
    )

    @property
    def address_known(self) -> bool:
        return self.address is not None


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

    id: Mapped[int] = Column(Integer, primary_key=True)
    code: Mapped[str] = Column(String(64), nullable=False, unique=True)
    name: Mapped[str] = Column(String(200), nullable=False)
    name_en: Mapped[str] = Column(String(300), nullable=False)
    summary: Mapped[str] = Column(Text, nullable=False)
    summary_en: Mapped[str] = Column(Text, nullable=False)
    aliases: Mapped[list[str]] = Column(JSON, nullable=False, default=list)
    online_url = Column(String(1000))
    source: Mapped[str] = Column(Text, nullable=False)
    notice: Mapped[str] = Column(Text, nullable=False)
    effective_date = Column(Date)
    verified_at = Column(Date)
    verified_by = Column(String(100))

    services: Mapped[list[Service]] = relationship(
        "Service", secondary=bundle_services, order_by=bundle_services.c.position
    )
    steps: Mapped[list[BundleStep]] = relationship(
        "BundleStep", order_by="BundleStep.position", cascade="all, delete-orphan"
    )
    faqs: Mapped[list[FAQ]] = relationship(
        "FAQ", back_populates="bundle", cascade="all, delete-orphan"
    )


class BundleStep(_StepColumns, Base):
    __tablename__ = "bundle_steps"
    __table_args__ = (UniqueConstraint("bundle_id", "position"),)

    bundle_id: Mapped[int] = Column(
        ForeignKey("bundles.id", ondelete="CASCADE"), nullable=False
    )


class FAQ(Base):
    __tablename__ = "faqs"
    __table_args__ = (
        CheckConstraint(
            "(service_id IS NULL) <> (bundle_id IS NULL)", name="one_subject"
        ),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    service_id: Mapped[int | None] = Column(
        ForeignKey("services.id", ondelete="CASCADE"), index=True
    )
    bundle_id: Mapped[int | None] = Column(
        ForeignKey("bundles.id", ondelete="CASCADE"), index=True
    )
    question: Mapped[str] = Column(Text, nullable=False)
    answer: Mapped[str] = Column(Text, nullable=False)
    question_en = Column(Text)
    answer_en = Column(Text)

    service: Mapped[Service | None] = relationship("Service", back_populates="faqs")
    bundle: Mapped[Bundle | None] = relationship("Bundle", back_populates="faqs")


class WorkOrderCategory(Base):
    __tablename__ = "work_order_categories"
    __table_args__ = (
        CheckConstraint("time_limit_days > 0", name="time_limit"),
        CheckConstraint("level IN ('city', 'district', 'street')", name="level"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    code: Mapped[str] = Column(String(64), nullable=False, unique=True)
    name: Mapped[str] = Column(String(100), nullable=False)
    name_en: Mapped[str] = Column(String(200), nullable=False)
    department_id: Mapped[int] = Column(ForeignKey("departments.id"), nullable=False)
    time_limit_days: Mapped[int] = Column(Integer, nullable=False)
    keywords: Mapped[list[str]] = Column(JSON, nullable=False, default=list)
    # The words expats use for it in English, matched as whole words.
    keywords_en: Mapped[list[str]] = Column(JSON, nullable=False, default=list)
    description: Mapped[str] = Column(Text, nullable=False, default="")
    # Which level handles it (属地): the city department, its district counterpart, or
    # the street office or town government where it happened.
    level: Mapped[str] = Column(String(8), nullable=False, default="district")
    # Department codes that assist (协办) the lead (主办) department.
    assisting: Mapped[list[str]] = Column(JSON, nullable=False, default=list)
    # What the handling unit is responsible for here (职责), shown with each dispatch.
    duty: Mapped[str] = Column(Text, nullable=False, default="")

    department: Mapped[Department] = relationship("Department")


class GuideBatch(Base):
    """Versions drafted together (a whole catalogue imported for review), so they are
    submitted and published in one go."""

    __tablename__ = "guide_batches"

    id: Mapped[int] = Column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False)
    author: Mapped[str] = Column(String(100), nullable=False)
    reason: Mapped[str] = Column(Text, nullable=False)


class GuideVersion(Base):
    """One numbered version of a service's, bundle's or office's guide.

    ``content`` is the guide in the catalogue import format (a service's with its
    ``faqs``, ``variants`` and ``examples``). Only a published version is live: its
    content is what the catalogue tables hold. A draft goes to review, and a reviewer
    other than its author publishes it or sends it back; publishing retires the
    version published before. ``based_on`` is the published number it was drafted
    from, so a reviewer sees whether the live guide moved on meanwhile.
    """

    __tablename__ = "guide_versions"
    __table_args__ = (
        UniqueConstraint("kind", "code", "number"),
        CheckConstraint(f"kind IN {GUIDE_KINDS}", name="kind"),
        CheckConstraint(f"status IN {GUIDE_STATUSES}", name="status"),
        CheckConstraint("number >= 1", name="number"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    kind: Mapped[str] = Column(String(8), nullable=False)
    code: Mapped[str] = Column(String(64), nullable=False)
    number: Mapped[int] = Column(Integer, nullable=False)
    status: Mapped[str] = Column(String(16), nullable=False, index=True)
    content: Mapped[dict[str, Any]] = Column(JSON, nullable=False)
    author: Mapped[str] = Column(String(100), nullable=False)
    reason: Mapped[str] = Column(Text, nullable=False)
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False)
    submitted_at = Column(DateTime)
    reviewer = Column(String(100))
    review_comment = Column(Text)
    reviewed_at = Column(DateTime)
    published_at = Column(DateTime)
    effective_date = Column(Date)
    warnings: Mapped[list[str]] = Column(JSON, nullable=False, default=list)
    warnings_acknowledged: Mapped[bool] = Column(Boolean, nullable=False, default=False)
    batch_id: Mapped[int | None] = Column(
        ForeignKey("guide_batches.id", ondelete="SET NULL"), index=True
    )
    based_on = Column(Integer)


class CatalogueRevision(Base):
    """One row counting the catalogue's changes, raised in each change's own transaction.

    Every process that keeps the catalogue in memory (gateway replicas, the action
    server) reads it every few seconds, so a change through the admin API, a
    ``hotline kb import`` or a seed reaches them all, with or without Redis.
    """

    __tablename__ = "catalogue_revision"

    id: Mapped[int] = Column(Integer, primary_key=True)
    number: Mapped[int] = Column(Integer, nullable=False)
    changed_at: Mapped[dt.datetime] = Column(DateTime, nullable=False)


class DivisionList(Base):
    """One imported edition of Shanghai's official list of districts and streets.

    Streets merge and are renamed now and then, so each list keeps where it came from
    and the date it describes; the one describing the latest date is the current one,
    and older editions stay for the orders that were placed by them.
    """

    __tablename__ = "division_lists"
    __table_args__ = (UniqueConstraint("source", "as_of"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    source: Mapped[str] = Column(Text, nullable=False)
    as_of: Mapped[dt.date] = Column(Date, nullable=False)
    imported_at: Mapped[dt.datetime] = Column(DateTime, nullable=False)

    divisions: Mapped[list[Division]] = relationship(
        "Division", order_by="Division.code", cascade="all, delete-orphan"
    )


class Division(Base):
    """A street, town or township-level zone (街道/镇/乡, 开发区) with its district."""

    __tablename__ = "divisions"
    __table_args__ = (UniqueConstraint("list_id", "code"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    list_id: Mapped[int] = Column(
        ForeignKey("division_lists.id", ondelete="CASCADE"), nullable=False
    )
    code: Mapped[str] = Column(String(12), nullable=False)
    name: Mapped[str] = Column(String(100), nullable=False)
    district_code: Mapped[str] = Column(String(6), nullable=False)
    district: Mapped[str] = Column(String(32), nullable=False)
