"""The catalogue file format: validation of records before anything touches the database.

The shapes are documented in ``docs/catalogue-format.md``. Every problem is reported with
the file, the record (index and code) and the field, so an operator can fix a whole file
in one pass.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    Field,
    ValidationError,
    conint,
    constr,
    root_validator,
    validator,
)

from foundation.errors import CatalogueError
from knowledge_base.places import normalise_district

if TYPE_CHECKING:
    # Mypy cannot read pydantic's constrained types as types; what they hold is a plain
    # str or int, so that is what the type checker is told.
    Code = str
    Text = str
    MaterialCount = int
    DaysByLaw = int
    TimeLimitDays = int
else:
    Code = constr(strip_whitespace=True, regex=r"^[a-z0-9][a-z0-9._-]{0,63}$")
    Text = constr(strip_whitespace=True, min_length=1)
    MaterialCount = conint(ge=1, le=1000)
    DaysByLaw = conint(ge=0, le=3650)
    TimeLimitDays = conint(ge=1, le=365)

Audience = Literal["individual", "enterprise", "both"]


class _Record(BaseModel):
    class Config:
        extra = "forbid"
        anystr_strip_whitespace = True


class DepartmentRecord(_Record):
    code: Code
    name: Text
    name_en: str = ""
    phone: str | None = None
    website: str | None = None
    parent_code: Code | None = None
    district_unit: str | None = None

    @validator("district_unit")
    def _names_the_district(cls, value: str | None) -> str | None:
        if value is not None and "{district}" not in value and "{short}" not in value:
            raise ValueError("must contain {district} or {short}")
        return value


class StepRecord(_Record):
    title: Text
    detail: str = ""
    title_en: str | None = None
    detail_en: str | None = None


class MaterialRecord(_Record):
    name: Text
    name_en: str | None = None
    required: bool = True
    form: Literal["original", "copy", "original_and_copy", "electronic"] = "original"
    count: MaterialCount = 1
    notes: str | None = None
    notes_en: str | None = None


class VariantRecord(_Record):
    """What differs for one district (docs/catalogue-format.md): a field left out means
    the city-wide guide holds there; ``extra_materials`` come after the city's list.

    A place is named, never given an address or a phone that no source records.
    """

    district: Text
    offline_where: str | None = None
    offline_where_en: str | None = None
    hours: str | None = None
    hours_en: str | None = None
    phone: str | None = None
    online_url: str | None = None
    extra_materials: list[MaterialRecord] = Field(default_factory=list)

    @validator("district")
    def _official_district(cls, value: str) -> str:
        # Answers match the citizen's district slot, which holds the official name.
        official = normalise_district(value)
        if official is None:
            raise ValueError(f"{value!r} is not a district of Shanghai")
        return official

    @root_validator(skip_on_failure=True)
    def _varies_something(cls, values: dict[str, Any]) -> dict[str, Any]:
        for english in ("offline_where_en", "hours_en"):
            if values.get(english) and not values.get(english.removesuffix("_en")):
                raise ValueError(f"{english} given without its Chinese")
        fields = ("offline_where", "hours", "phone", "online_url", "extra_materials")
        if not any(values.get(field) for field in fields):
            raise ValueError("a variant must set at least one field")
        return values


class ServiceRecord(_Record):
    code: Code
    name: Text
    name_en: str = ""
    department: Code
    category: Text
    audience: Audience = "individual"
    region: Text = "上海市"
    aliases: list[Text] = Field(default_factory=list)
    aliases_en: list[Text] = Field(default_factory=list)
    keywords: list[Text] = Field(default_factory=list)
    # Questions citizens ask that must find this service first (knowledge_base.examples):
    # tests of the guide, never indexed for search, which would make them pass by rote.
    examples: list[Text] = Field(default_factory=list)
    summary: str = ""
    summary_en: str = ""
    eligibility: str = ""
    eligibility_en: str | None = None
    steps: list[StepRecord] = Field(default_factory=list)
    materials: list[MaterialRecord] = Field(default_factory=list)
    fees: str = ""
    fees_en: str | None = None
    is_free: bool = True
    statutory_days: DaysByLaw | None = None
    promised_days: DaysByLaw | None = None
    time_limit_note: str | None = None
    time_limit_note_en: str | None = None
    online_url: str | None = None
    online_available: bool = False
    offline_where: str = ""
    offline_where_en: str | None = None
    # Levels whose offices handle it in person; "street" links it to every street's
    # community centre derived from the division list (knowledge_base.offices).
    handled_at: list[Literal["city", "district", "street"]] = Field(
        default_factory=list
    )
    hours: str | None = None
    hours_en: str | None = None
    phone: str | None = None
    legal_basis: str | None = None
    legal_basis_en: str | None = None
    source: Text
    source_en: str | None = None
    source_url: str | None = None
    notice: Text
    updated_at: dt.date
    # 施行日期, and 最近核验 with who verified: answers show the date, and a guide
    # verified too long ago says so (knowledge_base/provenance.py).
    effective_date: dt.date | None = None
    verified_at: dt.date | None = None
    verified_by: str | None = None
    variants: list[VariantRecord] = Field(default_factory=list)

    @validator("variants")
    def _one_variant_per_district(
        cls, value: list[VariantRecord]
    ) -> list[VariantRecord]:
        districts = [variant.district for variant in value]
        repeated = sorted({d for d in districts if districts.count(d) > 1})
        if repeated:
            raise ValueError(f"more than one variant for {'、'.join(repeated)}")
        return value

    @root_validator(skip_on_failure=True)
    def _promise_within_statute(cls, values: dict[str, Any]) -> dict[str, Any]:
        statutory, promised = values.get("statutory_days"), values.get("promised_days")
        if statutory is not None and promised is not None and promised > statutory:
            raise ValueError("promised_days cannot exceed statutory_days")
        return values


class OfficeRecord(_Record):
    """A city office or district centre. Street centres are not catalogue records:
    they are derived from the division list (``knowledge_base.offices``).

    An address, hours or phone not taken from a recorded source is left out (None),
    never filled in by guess; the answer then says it is not in our records.
    """

    code: Code
    name: Text
    name_en: Text
    level: Literal["city", "district"] = "district"
    district: Text | None = None
    address: Text | None = None
    address_en: str | None = None
    hours: Text | None = None
    hours_en: str | None = None
    phone: str | None = None
    transport: str | None = None
    services: list[Code] = Field(default_factory=list)
    source: Text
    notice: Text

    @root_validator(skip_on_failure=True)
    def _district_office_has_district(cls, values: dict[str, Any]) -> dict[str, Any]:
        if values.get("level") == "district" and not values.get("district"):
            raise ValueError("a district office needs its district")
        return values


class BundleRecord(_Record):
    code: Code
    name: Text
    name_en: Text
    summary: Text
    summary_en: Text
    aliases: list[Text] = Field(default_factory=list)
    services: list[Code] = Field(min_items=2)
    steps: list[StepRecord] = Field(min_items=1)
    online_url: str | None = None
    source: Text
    notice: Text


class FAQRecord(_Record):
    service: Code | None = None
    bundle: Code | None = None
    question: Text
    answer: Text
    question_en: str | None = None
    answer_en: str | None = None

    @root_validator(skip_on_failure=True)
    def _exactly_one_subject(cls, values: dict[str, Any]) -> dict[str, Any]:
        if (values.get("service") is None) == (values.get("bundle") is None):
            raise ValueError("give exactly one of service or bundle")
        return values


class WorkOrderCategoryRecord(_Record):
    code: Code
    name: Text
    name_en: Text
    department: Code
    time_limit_days: TimeLimitDays
    keywords: list[Text] = Field(min_items=1)
    keywords_en: list[Text] = Field(default_factory=list)
    description: str = ""
    level: Literal["city", "district", "street"] = "district"
    assisting: list[Code] = Field(default_factory=list)
    duty: str = ""


RECORD_TYPES: dict[str, type[_Record]] = {
    "departments": DepartmentRecord,
    "services": ServiceRecord,
    "offices": OfficeRecord,
    "bundles": BundleRecord,
    "faqs": FAQRecord,
    "work_order_categories": WorkOrderCategoryRecord,
}


class Catalogue(BaseModel):
    """A validated set of records, in the order they must be written."""

    departments: list[DepartmentRecord] = Field(default_factory=list)
    services: list[ServiceRecord] = Field(default_factory=list)
    offices: list[OfficeRecord] = Field(default_factory=list)
    bundles: list[BundleRecord] = Field(default_factory=list)
    faqs: list[FAQRecord] = Field(default_factory=list)
    work_order_categories: list[WorkOrderCategoryRecord] = Field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {kind: len(getattr(self, kind)) for kind in RECORD_TYPES}


def read_document(path: Path) -> Any:
    """Parse one YAML or JSON file; syntax and encoding errors become CatalogueError."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogueError(
            [f"{path.name}: not UTF-8 text ({exc.reason} at byte {exc.start})"]
        ) from exc
    except OSError as exc:
        raise CatalogueError([f"{path.name}: cannot read ({exc.strerror})"]) from exc
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        kind = "JSON" if path.suffix.lower() == ".json" else "YAML"
        raise CatalogueError([f"{path.name}: not valid {kind}: {exc}"]) from exc


def parse_catalogue(documents: Iterable[tuple[str, Any]]) -> Catalogue:
    """Validate records from parsed documents, collecting every problem before failing.

    Args:
        documents: pairs of (source name used in messages, parsed YAML/JSON content).

    Returns:
        The validated catalogue, with records from all documents in file order.

    Raises:
        CatalogueError: listing each bad record by source, kind, index, code and field.
    """
    records: dict[str, list[_Record]] = {kind: [] for kind in RECORD_TYPES}
    problems: list[str] = []
    for source, content in documents:
        if not isinstance(content, dict):
            problems.append(
                f"{source}: expected a mapping with keys {', '.join(RECORD_TYPES)}"
            )
            continue
        for kind in content.keys() - RECORD_TYPES.keys():
            problems.append(f"{source}: unknown section {kind!r}")
        for kind, record_type in RECORD_TYPES.items():
            items = content.get(kind) or []
            if not isinstance(items, list):
                problems.append(f"{source}: {kind} must be a list")
                continue
            for index, item in enumerate(items):
                where = _describe(source, kind, index, item)
                if not isinstance(item, dict):
                    problems.append(
                        f"{where}: expected a mapping, got {type(item).__name__}"
                    )
                    continue
                try:
                    records[kind].append(record_type.parse_obj(item))
                except ValidationError as exc:
                    problems.extend(_format_errors(where, exc))
    problems.extend(_duplicate_codes(records))
    if problems:
        raise CatalogueError(problems)
    return Catalogue.parse_obj(records)


def load_catalogue(paths: Iterable[Path]) -> Catalogue:
    """Read and validate catalogue files; a folder contributes every YAML/JSON file in it."""
    documents: list[tuple[str, Any]] = []
    problems: list[str] = []
    for path in paths:
        files = (
            sorted(p for p in path.rglob("*") if p.suffix in {".yml", ".yaml", ".json"})
            if path.is_dir()
            else [path]
        )
        for file in files:
            try:
                documents.append((str(file), read_document(file)))
            except CatalogueError as exc:
                problems.extend(exc.problems)
    if problems:
        raise CatalogueError(problems)
    return parse_catalogue(documents)


def _describe(source: str, kind: str, index: int, item: Any) -> str:
    code = item.get("code") if isinstance(item, dict) else None
    return f"{source}: {kind}[{index}]" + (f" ({code})" if code else "")


def _format_errors(where: str, exc: ValidationError) -> list[str]:
    return [
        f"{where}: {'.'.join(str(part) for part in error['loc']) or 'record'}: {error['msg']}"
        for error in exc.errors()
    ]


def _duplicate_codes(records: dict[str, list[_Record]]) -> list[str]:
    problems = []
    for kind, items in records.items():
        seen: set[str] = set()
        for item in items:
            code = getattr(item, "code", None)
            if code is None:
                continue
            if code in seen:
                problems.append(f"{kind}: code {code!r} appears more than once")
            seen.add(code)
    return problems
