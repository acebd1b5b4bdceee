"""Import and export of the catalogue in our own format (YAML, JSON, CSV export).

An import is all or nothing: records are validated first, references are resolved against
the file and the database, and the caller's single transaction is rolled back on any
problem, so nothing is ever half-imported. A successful import raises the catalogue's
revision in that transaction, which tells every running process to rebuild.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import yaml
from sqlalchemy import delete as sa_delete
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from foundation.errors import CatalogueError
from knowledge_base.catalogue import (
    BundleRecord,
    Catalogue,
    FAQRecord,
    OfficeRecord,
    ServiceRecord,
)
from knowledge_base.models import FAQ, Bundle, Office, Service, ServiceVariant
from knowledge_base.offices import sync_street_centres
from knowledge_base.repositories import (
    bundles,
    departments,
    faqs,
    offices,
    services,
    work_order_categories,
)
from knowledge_base.repositories.catalogue_revision import mark_catalogue_changed

EXPORT_FORMATS = ("yaml", "json", "csv")


def import_catalogue(session: Session, catalogue: Catalogue) -> dict[str, int]:
    """Upsert every record by its code, in dependency order.

    Returns:
        How many records of each kind were written.

    Raises:
        CatalogueError: a record refers to a code found neither in the file nor in the
            database. The session is left dirty; the caller's transaction must roll back.
    """
    problems: list[str] = []
    for department_record in catalogue.departments:
        departments.upsert_department(session, department_record)
    session.flush()
    for index, department_record in enumerate(catalogue.departments):
        parent = department_record.parent_code
        if parent is not None and departments.get_department(session, parent) is None:
            problems.append(
                _unknown(
                    f"departments[{index}] ({department_record.code})",
                    "parent department",
                    parent,
                )
            )

    for index, service_record in enumerate(catalogue.services):
        department = departments.get_department(session, service_record.department)
        if department is None:
            problems.append(
                _unknown(
                    f"services[{index}] ({service_record.code})",
                    "department",
                    service_record.department,
                )
            )
            continue
        services.upsert_service(session, service_record, department)

    for index, office_record in enumerate(catalogue.offices):
        members = _resolve_services(
            session,
            office_record.services,
            f"offices[{index}] ({office_record.code})",
            problems,
        )
        offices.upsert_office(session, office_record, members)

    for index, bundle_record in enumerate(catalogue.bundles):
        members = _resolve_services(
            session,
            bundle_record.services,
            f"bundles[{index}] ({bundle_record.code})",
            problems,
        )
        bundles.upsert_bundle(session, bundle_record, members)

    for index, faq_record in enumerate(catalogue.faqs):
        where = f"faqs[{index}]"
        if faq_record.service:
            service = services.get_service(session, faq_record.service)
            if service is None:
                problems.append(_unknown(where, "service", faq_record.service))
                continue
            faqs.upsert_faq(session, faq_record, service=service)
        else:
            assert faq_record.bundle is not None  # a FAQRecord has exactly one subject
            bundle = bundles.get_bundle(session, faq_record.bundle)
            if bundle is None:
                problems.append(_unknown(where, "bundle", faq_record.bundle))
                continue
            faqs.upsert_faq(session, faq_record, bundle=bundle)

    for index, category_record in enumerate(catalogue.work_order_categories):
        department = departments.get_department(session, category_record.department)
        if department is None:
            problems.append(
                _unknown(
                    f"work_order_categories[{index}] ({category_record.code})",
                    "department",
                    category_record.department,
                )
            )
            continue
        where = f"work_order_categories[{index}] ({category_record.code})"
        unknown_assisting = [
            code
            for code in category_record.assisting
            if departments.get_department(session, code) is None
        ]
        if unknown_assisting:
            problems.extend(
                _unknown(where, "assisting department", code)
                for code in unknown_assisting
            )
            continue
        work_order_categories.upsert_category(session, category_record, department)

    if problems:
        raise CatalogueError(problems)
    # Which services the street centres handle may have changed with the services.
    sync_street_centres(session)
    mark_catalogue_changed(session)
    session.flush()
    return catalogue.counts()


def _resolve_services(
    session: Session, codes: list[str], where: str, problems: list[str]
) -> list[Service]:
    found = services.get_services(session, codes)
    known = {service.code for service in found}
    problems.extend(
        _unknown(where, "services", code) for code in codes if code not in known
    )
    return found


def _unknown(where: str, field: str, code: str) -> str:
    return f"{where}: {field}: unknown code {code!r}"


GUIDE_KINDS = ("service", "bundle", "office")


def apply_guide(
    session: Session,
    kind: str,
    record: ServiceRecord | BundleRecord | OfficeRecord,
    *,
    faqs: list[FAQRecord] | None = None,
) -> Service | Bundle | Office:
    """Write one service, bundle or office (with its FAQs, which replace the ones it
    had) as an import writes it, for a guide version being published.

    Raises nothing about the revision: the caller raises it once, however many guides
    it publishes, and runs ``sync_street_centres`` once after services changed.

    Raises:
        CatalogueError: the department or a service it names is not in the database.
    """
    where = f"{kind} {record.code}"
    problems: list[str] = []
    written: Service | Bundle | Office
    if isinstance(record, ServiceRecord):
        department = departments.get_department(session, record.department)
        if department is None:
            raise CatalogueError([_unknown(where, "department", record.department)])
        written = services.upsert_service(session, record, department)
    elif isinstance(record, BundleRecord):
        members = _resolve_services(session, record.services, where, problems)
        if problems:
            raise CatalogueError(problems)
        written = bundles.upsert_bundle(session, record, members)
    else:
        members = _resolve_services(session, record.services, where, problems)
        if problems:
            raise CatalogueError(problems)
        written = offices.upsert_office(session, record, members)
    if faqs is not None and not isinstance(written, Office):
        subject = FAQ.service_id if isinstance(written, Service) else FAQ.bundle_id
        session.execute(sa_delete(FAQ).where(subject == written.id))
        session.expire(written, ["faqs"])
        for faq in faqs:
            session.add(_faq(faq, written))
    session.flush()
    return written


def _faq(record: FAQRecord, subject: Service | Bundle) -> FAQ:
    faq = FAQ(
        question=record.question,
        answer=record.answer,
        question_en=record.question_en,
        answer_en=record.answer_en,
    )
    if isinstance(subject, Service):
        faq.service_id = subject.id
    else:
        faq.bundle_id = subject.id
    return faq


def export_guides(
    session: Session, kind: str, codes: list[str] | None = None
) -> dict[str, dict[str, Any]]:
    """Live guides in the import format, by code: a service or bundle with its FAQs
    under ``faqs`` (no subject key: the guide is the subject).

    Args:
        codes: these guides only (unknown codes are left out); None for all of them.
    """
    model: Any = {"service": Service, "bundle": Bundle, "office": Office}[kind]
    statement = select(model).order_by(model.code)
    if codes is not None:
        statement = statement.where(model.code.in_(codes))
    if kind == "service":
        statement = statement.options(
            selectinload(Service.department),
            selectinload(Service.steps),
            selectinload(Service.materials),
            selectinload(Service.variants),
            selectinload(Service.faqs),
        )
    elif kind == "bundle":
        statement = statement.options(
            selectinload(Bundle.services),
            selectinload(Bundle.steps),
            selectinload(Bundle.faqs),
        )
    else:
        statement = statement.where(Office.level != "street").options(
            selectinload(Office.services)
        )
    guides: dict[str, dict[str, Any]] = {}
    for row in session.scalars(statement):
        if kind == "service":
            record = _service_record(row)
        elif kind == "bundle":
            record = _bundle_record(row)
        else:
            record = _office_record(row)
        if kind != "office":
            record["faqs"] = [
                _drop_empty(
                    {
                        "question": f.question,
                        "answer": f.answer,
                        "question_en": f.question_en,
                        "answer_en": f.answer_en,
                    }
                )
                for f in sorted(row.faqs, key=lambda faq: faq.id)
            ]
        guides[row.code] = record
    return guides


def export_catalogue(session: Session) -> dict[str, list[dict[str, Any]]]:
    """The whole catalogue in the import format, so an export imports back unchanged."""
    return {
        "departments": [
            _drop_empty(
                {
                    "code": d.code,
                    "name": d.name,
                    "name_en": d.name_en,
                    "phone": d.phone,
                    "website": d.website,
                    "parent_code": d.parent_code,
                    "district_unit": d.district_unit,
                }
            )
            for d in departments.list_departments(session)
        ],
        "services": [_service_record(s) for s in services.list_services(session)],
        # Street centres come from the division list, not from the catalogue file.
        "offices": [
            _office_record(o)
            for o in offices.list_offices(session)
            if o.level != "street"
        ],
        "bundles": [_bundle_record(b) for b in bundles.list_bundles(session)],
        "faqs": [
            _drop_empty(
                {
                    "service": f.service.code if f.service else None,
                    "bundle": f.bundle.code if f.bundle else None,
                    "question": f.question,
                    "answer": f.answer,
                    "question_en": f.question_en,
                    "answer_en": f.answer_en,
                }
            )
            for f in faqs.list_faqs(session)
        ],
        "work_order_categories": [
            {
                "code": c.code,
                "name": c.name,
                "name_en": c.name_en,
                "department": c.department.code,
                "time_limit_days": c.time_limit_days,
                "keywords": list(c.keywords),
                "keywords_en": list(c.keywords_en),
                "description": c.description,
                "level": c.level,
                "assisting": list(c.assisting),
                "duty": c.duty,
            }
            for c in work_order_categories.list_categories(session)
        ],
    }


_SERVICE_FIELDS = [
    "name",
    "name_en",
    "category",
    "audience",
    "region",
    "aliases",
    "aliases_en",
    "keywords",
    "examples",
    "summary",
    "summary_en",
    "eligibility",
    "eligibility_en",
    "fees",
    "fees_en",
    "is_free",
    "statutory_days",
    "promised_days",
    "time_limit_note",
    "time_limit_note_en",
    "online_url",
    "online_available",
    "offline_where",
    "offline_where_en",
    "handled_at",
    "hours",
    "hours_en",
    "phone",
    "legal_basis",
    "legal_basis_en",
    "source",
    "source_en",
    "source_url",
    "notice",
    "updated_at",
    "effective_date",
    "verified_at",
    "verified_by",
]
_STEP_FIELDS = ("title", "detail", "title_en", "detail_en")
_MATERIAL_FIELDS = (
    "name",
    "name_en",
    "required",
    "form",
    "count",
    "notes",
    "notes_en",
)
_VARIANT_FIELDS = (
    "district",
    "offline_where",
    "offline_where_en",
    "hours",
    "hours_en",
    "phone",
    "online_url",
)


def _service_record(service: Service) -> dict[str, Any]:
    record: dict[str, Any] = {
        "code": service.code,
        "department": service.department.code,
    }
    record.update({field: getattr(service, field) for field in _SERVICE_FIELDS})
    record["steps"] = [
        _drop_empty({f: getattr(step, f) for f in _STEP_FIELDS})
        for step in service.steps
    ]
    record["materials"] = [
        _drop_empty({f: getattr(m, f) for f in _MATERIAL_FIELDS})
        for m in service.materials
    ]
    record["variants"] = [_variant_record(variant) for variant in service.variants]
    return _drop_empty(record)


def _variant_record(variant: ServiceVariant) -> dict[str, Any]:
    record: dict[str, Any] = {f: getattr(variant, f) for f in _VARIANT_FIELDS}
    if variant.extra_materials:
        record["extra_materials"] = [
            _drop_empty(material) for material in variant.extra_materials
        ]
    return _drop_empty(record)


def _office_record(office: Office) -> dict[str, Any]:
    fields = (
        "code",
        "name",
        "name_en",
        "level",
        "district",
        "address",
        "address_en",
        "hours",
        "hours_en",
        "phone",
        "transport",
        "source",
        "notice",
    )
    record = {field: getattr(office, field) for field in fields}
    record["services"] = sorted(service.code for service in office.services)
    return _drop_empty(record)


def _bundle_record(bundle: Bundle) -> dict[str, Any]:
    fields = (
        "code",
        "name",
        "name_en",
        "summary",
        "summary_en",
        "aliases",
        "online_url",
        "source",
        "notice",
    )
    record = {field: getattr(bundle, field) for field in fields}
    record["services"] = [service.code for service in bundle.services]
    record["steps"] = [
        _drop_empty({f: getattr(step, f) for f in _STEP_FIELDS})
        for step in bundle.steps
    ]
    return _drop_empty(record)


def _drop_empty(record: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if value is not None}


def render_export(data: dict[str, list[dict[str, Any]]], fmt: str) -> str:
    """Serialise an export; CSV is one row per service, for spreadsheets."""
    if fmt == "yaml":
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2, default=str)
    if fmt == "csv":
        return _services_csv(data["services"])
    raise ValueError(
        f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}"
    )


def _services_csv(records: list[dict[str, Any]]) -> str:
    columns = ["code", "department", *_SERVICE_FIELDS, "steps", "materials"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for record in records:
        row = dict(record)
        for key in ("aliases", "aliases_en", "keywords", "examples"):
            row[key] = "；".join(row.get(key, []))
        row["steps"] = "\n".join(
            f"{i}. {s['title']}：{s.get('detail', '')}"
            for i, s in enumerate(record.get("steps", []), 1)
        )
        row["materials"] = "\n".join(m["name"] for m in record.get("materials", []))
        writer.writerow(row)
    return buffer.getvalue()
