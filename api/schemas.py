"""Request and response bodies of the public API."""

from __future__ import annotations

from pydantic import BaseModel


class ServiceHit(BaseModel):
    code: str
    kind: str
    name: str
    name_en: str
    score: float


class SearchResults(BaseModel):
    query: str
    results: list[ServiceHit]


class StepOut(BaseModel):
    title: str
    detail: str


class MaterialOut(BaseModel):
    name: str
    required: bool
    form: str
    count: int
    notes: str | None


class DepartmentOut(BaseModel):
    code: str
    name: str
    name_en: str


class ServicePublic(BaseModel):
    code: str
    name: str
    name_en: str
    department: DepartmentOut
    category: str
    audience: str
    region: str
    summary: str
    eligibility: str
    steps: list[StepOut]
    materials: list[MaterialOut]
    fees: str
    is_free: bool
    statutory_days: int | None
    promised_days: int | None
    time_limit: str
    online_available: bool
    online_url: str | None
    offline_where: str
    hours: str | None
    phone: str | None
    legal_basis: str | None
    source: str
    source_url: str | None
    notice: str
    updated_at: str


class Health(BaseModel):
    status: str
    checks: dict[str, str]


class ErrorBody(BaseModel):
    error: str
    detail: str | list | dict | None = None
