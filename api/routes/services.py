"""Service catalogue: search and details."""

from __future__ import annotations

import json

from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException, Query, Response
from sqlalchemy.orm import Session

from api.deps import get_db, get_search, require_admin
from api.schemas import SearchResults, ServiceHit, ServicePublic
from foundation.errors import ValidationFailed
from knowledge_base.answers import SAMPLE_NOTICE_EN
from knowledge_base.catalogue import ServiceRecord
from knowledge_base.editorial import (
    GuideInvalid,
    publish_direct,
    published_content,
    withdraw,
)
from knowledge_base.guidance import materials_of, steps_of, time_limit_text
from knowledge_base.models import Service
from knowledge_base.provenance import checked_on, is_stale
from knowledge_base.search.engine import SearchEngine
from knowledge_base.services import get_service
from privacy.models import ApiToken

router = APIRouter(prefix="/api/v1/services", tags=["services"])
_REASON = Query(
    None,
    max_length=500,
    description="why (kept in the guide's history); 管理员直接修改 when left out",
)


@router.get("", response_model=SearchResults)
def search_services(
    q: str = Query(
        ..., min_length=1, max_length=500, description="the citizen's question"
    ),
    limit: int = Query(5, ge=1, le=50),
    search: SearchEngine = Depends(get_search),
) -> SearchResults:
    hits = search.index.search(q, limit=limit)
    return SearchResults(query=q, results=[ServiceHit(**hit.__dict__) for hit in hits])


@router.get("/{code}", response_model=ServicePublic)
def read_service(
    code: str,
    lang: str = Query("zh", pattern="^(zh|en)$"),
    db: Session = Depends(get_db, scope="function"),
) -> ServicePublic:
    service = get_service(db, code)
    if service is None:
        raise HTTPException(status_code=404, detail=f"service {code!r} not found")
    return service_public(service, lang)


@router.post("", response_model=ServicePublic, status_code=201)
def create_service(
    record: ServiceRecord,
    background: BackgroundTasks,
    db: Session = Depends(get_db, scope="function"),
    search: SearchEngine = Depends(get_search),
    admin: ApiToken = Depends(require_admin),
    reason: str | None = _REASON,
) -> ServicePublic:
    """Add a service in the catalogue format (docs/catalogue-format.md)."""
    if get_service(db, record.code) is not None:
        raise HTTPException(
            status_code=409,
            detail=f"service {record.code!r} already exists; use PUT to change it",
        )
    return _save(db, search, record, background, admin, reason)


@router.put("/{code}", response_model=ServicePublic)
def replace_service(
    code: str,
    record: ServiceRecord,
    background: BackgroundTasks,
    db: Session = Depends(get_db, scope="function"),
    search: SearchEngine = Depends(get_search),
    admin: ApiToken = Depends(require_admin),
    reason: str | None = _REASON,
) -> ServicePublic:
    if record.code != code:
        raise HTTPException(
            status_code=422, detail="the code in the body must match the URL"
        )
    if get_service(db, code) is None:
        raise HTTPException(status_code=404, detail=f"service {code!r} not found")
    return _save(db, search, record, background, admin, reason)


@router.delete("/{code}", status_code=204, response_class=Response)
def remove_service(
    code: str,
    background: BackgroundTasks,
    db: Session = Depends(get_db, scope="function"),
    search: SearchEngine = Depends(get_search),
    admin: ApiToken = Depends(require_admin),
    reason: str | None = _REASON,
) -> Response:
    if get_service(db, code) is None:
        raise HTTPException(status_code=404, detail=f"service {code!r} not found")
    withdraw(db, kind="service", code=code, actor=admin.name, reason=reason)
    background.add_task(search.invalidate)
    return Response(status_code=204)


def _save(
    db: Session,
    search: SearchEngine,
    record: ServiceRecord,
    background: BackgroundTasks,
    admin: ApiToken,
    reason: str | None,
) -> ServicePublic:
    # Recorded as a version and published at once, so the guide's history stays whole.
    content = json.loads(record.json(exclude_none=True))
    live = get_service(db, record.code)
    if live is not None:
        # The JSON body is the service alone: its FAQs and example questions stay.
        kept = published_content(db, kind="service", code=record.code) or {}
        for key in ("faqs", "examples"):
            content.setdefault(key, kept.get(key, []))
    try:
        publish_direct(
            db,
            kind="service",
            code=record.code,
            content=content,
            actor=admin.name,
            reason=reason,
        )
    except GuideInvalid as exc:
        raise HTTPException(status_code=422, detail=exc.errors) from exc
    except ValidationFailed as exc:
        raise HTTPException(status_code=422, detail=exc.message) from exc
    # Rebuilt after the transaction commits, so no request indexes the old catalogue again.
    background.add_task(search.invalidate)
    return service_public(get_service(db, record.code))


def service_public(service: Service, lang: str = "zh") -> ServicePublic:
    english = lang == "en"
    return ServicePublic(
        code=service.code,
        name=service.name_en if english and service.name_en else service.name,
        name_en=service.name_en,
        department={
            "code": service.department.code,
            "name": service.department.name,
            "name_en": service.department.name_en,
        },
        category=service.category,
        audience=service.audience,
        region=service.region,
        summary=service.summary_en
        if english and service.summary_en
        else service.summary,
        eligibility=(service.eligibility_en or service.eligibility)
        if english
        else service.eligibility,
        steps=[s.__dict__ for s in steps_of(service, lang)],
        materials=[m.__dict__ for m in materials_of(service, lang)],
        fees=(service.fees_en or service.fees) if english else service.fees,
        is_free=service.is_free,
        statutory_days=service.statutory_days,
        promised_days=service.promised_days,
        time_limit=time_limit_text(service, lang),
        online_available=service.online_available,
        online_url=service.online_url,
        offline_where=(service.offline_where_en or service.offline_where)
        if english
        else service.offline_where,
        # In English a text with no English is left out rather than shown in Chinese;
        # the source, which every service has, falls back to the record as it is.
        hours=service.hours_en if english else service.hours,
        phone=service.phone,
        legal_basis=service.legal_basis_en if english else service.legal_basis,
        source=(service.source_en or service.source) if english else service.source,
        source_url=service.source_url,
        notice=SAMPLE_NOTICE_EN if english else service.notice,
        updated_at=service.updated_at.isoformat(),
        verified_at=service.verified_at.isoformat() if service.verified_at else None,
        stale=is_stale(checked_on(service)),
    )
