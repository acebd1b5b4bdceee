"""The knowledge workbench (/knowledge): editors draft changes to the guides, reviewers
publish them.

An ``editor`` token drafts, changes and submits; a ``reviewer`` token approves,
rejects, rolls back and records 最近核验; nobody publishes their own change
(``knowledge_base.editorial`` refuses it). An admin may read everything here and
change nothing. What a change does — versions, validation, publishing into the live
catalogue and raising its revision — is ``editorial``'s; these routes translate it
into JSON and its refusals into a 4xx whose detail says in Chinese and English what
to do. Guides hold no citizen's personal data, so nothing here is audited; the gap
report, which shows masked questions, is ``api/routes/knowledge_gaps.py``'s.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from enum import Enum
from typing import Any, TypeVar

import yaml
from anyio import to_thread
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from api.deps import get_db, require_editor, require_knowledge_reader, require_reviewer
from api.params import DB_ID_MAX, CalendarDay
from api.schemas import LocalTime
from foundation import clock
from foundation.errors import (
    CatalogueError,
    Conflict,
    Forbidden,
    HotlineError,
    NotFoundError,
    ValidationFailed,
)
from knowledge_base import editorial, workbench
from knowledge_base.catalogue import Catalogue, parse_catalogue
from knowledge_base.examples import check_draft
from knowledge_base.models import GuideVersion
from privacy.models import ApiToken

router = APIRouter(prefix="/api/v1/knowledge", tags=["knowledge"])

AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "no valid bearer token"},
    403: {"description": "the token's role may not do this, or it is one's own change"},
    404: {"description": "no such guide, version or batch"},
    409: {"description": "the version is not in the state this needs"},
    422: {"description": "the content or a parameter is refused, with the reasons"},
}
_KIND_TEXT = {"service": "办事指南", "bundle": "一件事", "office": "办事地点"}
_T = TypeVar("_T")


class StaffOut(BaseModel):
    name: str
    role: str


class GuideKind(str, Enum):
    service = "service"
    bundle = "bundle"
    office = "office"


# ------------------------------------------------------------------ schemas


class GuideSummaryOut(BaseModel):
    kind: str
    code: str
    name: str
    # None: the guide is as the catalogue was loaded, never changed in the workbench.
    published_number: int | None
    open_version_id: int | None
    open_status: str | None
    effective_date: dt.date | None
    verified_at: dt.date | None
    verified_by: str | None
    stale: bool


class GuideListOut(BaseModel):
    guides: list[GuideSummaryOut]
    stale_days: int


class VersionSummaryOut(BaseModel):
    id: int
    kind: str
    code: str
    number: int
    status: str
    author: str
    reason: str
    created_at: LocalTime
    submitted_at: LocalTime | None
    reviewer: str | None
    review_comment: str | None
    reviewed_at: LocalTime | None
    published_at: LocalTime | None
    effective_date: dt.date | None
    warnings: list[str]
    warnings_acknowledged: bool
    batch_id: int | None
    based_on: int | None


class GuideOut(BaseModel):
    kind: str
    code: str
    name: str
    # What citizens are told now, in the catalogue format; None for a new guide.
    published: dict[str, Any] | None
    published_number: int | None
    effective_date: dt.date | None
    verified_at: dt.date | None
    verified_by: str | None
    stale: bool
    stale_days: int
    history: list[VersionSummaryOut]


class FieldChangeOut(BaseModel):
    field: str
    label: str
    old: Any
    new: Any


class FindingsOut(BaseModel):
    errors: list[str]
    warnings: list[str]


class ExampleResultOut(BaseModel):
    code: str
    question: str
    found_code: str | None
    passed: bool


class VersionOut(VersionSummaryOut):
    content: dict[str, Any]


class VersionDetailOut(VersionOut):
    name: str
    published_number: int | None
    diff: list[FieldChangeOut]
    findings: FindingsOut
    examples: list[ExampleResultOut]


class QueuedVersionOut(BaseModel):
    id: int
    kind: str
    code: str
    name: str
    number: int
    status: str
    author: str
    reason: str
    submitted_at: LocalTime | None
    warnings: list[str]


class QueueOut(BaseModel):
    versions: list[QueuedVersionOut]


class DraftIn(BaseModel):
    content: dict[str, Any] = Field(
        ...,
        description="the guide in the catalogue format, with faqs/variants/examples",
    )
    reason: str = Field(..., min_length=1, max_length=2000)


class ApproveIn(BaseModel):
    comment: str = Field("", max_length=2000)
    acknowledge_warnings: bool = False
    effective_date: CalendarDay | None = None


class RejectIn(BaseModel):
    comment: str = Field(..., min_length=1, max_length=2000)


class RollbackIn(BaseModel):
    to_number: int = Field(..., ge=1, le=DB_ID_MAX)
    reason: str = Field(..., min_length=1, max_length=2000)


class VerifyIn(BaseModel):
    on: CalendarDay | None = None


class RefusedGuideOut(BaseModel):
    kind: str
    code: str
    reasons: list[str]


class BatchOut(BaseModel):
    id: int
    author: str
    reason: str
    created_at: LocalTime
    # Versions of the batch by status: {"draft": 3622} after an import.
    counts: dict[str, int]
    # After a submit or an approval: how many moved, and the guides left behind.
    moved: int | None = None
    with_warnings: int | None = None
    refused: list[RefusedGuideOut] = []


class BatchApproveIn(BaseModel):
    comment: str = Field("", max_length=2000)
    acknowledge_warnings: bool = False
    effective_date: CalendarDay | None = None


# ------------------------------------------------------------------ guides


@router.get("/me", response_model=StaffOut, responses=AUTH_RESPONSES)
def who_signed_in(token: ApiToken = Depends(require_knowledge_reader)) -> StaffOut:
    """Whose token this is: the page shows an editor's and a reviewer's controls."""
    return StaffOut(name=token.name, role=token.role)


@router.get("/guides", response_model=GuideListOut, responses=AUTH_RESPONSES)
def search_guides(
    q: str = Query("", max_length=100, description="part of a code or name"),
    kind: GuideKind | None = Query(None),
    limit: int = Query(50, ge=1, le=200),
    db: Session = Depends(get_db, scope="function"),
    token: ApiToken = Depends(require_knowledge_reader),
) -> GuideListOut:
    """Services, bundles and offices whose code or name holds ``q``, with whether a
    draft is open and whether 最近核验 is past the staleness setting."""
    guides = workbench.list_guides(
        db, q=q, kind=kind.value if kind else None, limit=limit
    )
    return GuideListOut(
        guides=[GuideSummaryOut(**g.__dict__) for g in guides],
        stale_days=workbench.stale_days(),
    )


@router.get("/guides/{kind}/{code}", response_model=GuideOut, responses=AUTH_RESPONSES)
def read_guide(
    kind: str,
    code: str = Path(..., max_length=64),
    db: Session = Depends(get_db, scope="function"),
    token: ApiToken = Depends(require_knowledge_reader),
) -> GuideOut:
    """The published content and every version, newest first."""
    return _guide(db, _kind(kind), code)


@router.post(
    "/guides/{kind}/{code}/drafts",
    response_model=VersionOut,
    status_code=201,
    responses=AUTH_RESPONSES,
)
def start_draft(
    body: DraftIn,
    kind: str,
    code: str = Path(..., max_length=64),
    db: Session = Depends(get_db, scope="function"),
    token: ApiToken = Depends(require_editor),
) -> VersionOut:
    """A new draft of a guide (or of a new guide, under a code not yet used)."""
    guide_kind = _kind(kind)
    content = _content_for(guide_kind, code, body.content)
    version = _translate(
        lambda: editorial.start_draft(
            db,
            kind=guide_kind,
            code=code,
            content=content,
            author=token.name,
            reason=body.reason,
        ),
        f"起草{_KIND_TEXT[guide_kind]} {code}",
        f"draft {kind} {code!r}",
    )
    return _version_out(version)


@router.post(
    "/guides/{kind}/{code}/rollback",
    response_model=VersionOut,
    responses=AUTH_RESPONSES,
)
def roll_back(
    body: RollbackIn,
    kind: str,
    code: str = Path(..., max_length=64),
    db: Session = Depends(get_db, scope="function"),
    token: ApiToken = Depends(require_reviewer),
) -> VersionOut:
    """Publishes a copy of an earlier version in one step; the current one retires."""
    guide_kind = _kind(kind)
    version = _translate(
        lambda: editorial.rollback(
            db,
            kind=guide_kind,
            code=code,
            to_number=body.to_number,
            actor=token.name,
            reason=body.reason,
        ),
        f"将{_KIND_TEXT[guide_kind]} {code} 回退到第 {body.to_number} 版",
        f"roll {kind} {code!r} back to version {body.to_number}",
    )
    return _version_out(version)


@router.post(
    "/guides/{kind}/{code}/verify", response_model=GuideOut, responses=AUTH_RESPONSES
)
def verify_guide(
    body: VerifyIn,
    kind: str,
    code: str = Path(..., max_length=64),
    db: Session = Depends(get_db, scope="function"),
    token: ApiToken = Depends(require_reviewer),
) -> GuideOut:
    """Records 最近核验 (today, unless ``on`` says otherwise) without changing content."""
    guide_kind = _kind(kind)
    if body.on is not None and body.on > _today():
        _refuse(
            422,
            "核验日期不能晚于今天",
            "the verification date cannot be in the future",
        )
    _translate(
        lambda: editorial.verify(
            db, kind=guide_kind, code=code, verifier=token.name, on=body.on
        ),
        f"核验{_KIND_TEXT[guide_kind]} {code}",
        f"verify {kind} {code!r}",
    )
    db.flush()
    return _guide(db, guide_kind, code)


# ------------------------------------------------------------------ versions


@router.get("/versions", response_model=QueueOut, responses=AUTH_RESPONSES)
def review_queue(
    db: Session = Depends(get_db, scope="function"),
    token: ApiToken = Depends(require_knowledge_reader),
) -> QueueOut:
    """The versions waiting for a reviewer, the longest waiting first."""
    return QueueOut(
        versions=[QueuedVersionOut(**v.__dict__) for v in workbench.review_queue(db)]
    )


@router.get(
    "/versions/{version_id}", response_model=VersionDetailOut, responses=AUTH_RESPONSES
)
def read_version(
    version_id: int = Path(..., ge=1, le=DB_ID_MAX),
    db: Session = Depends(get_db, scope="function"),
    token: ApiToken = Depends(require_knowledge_reader),
) -> VersionDetailOut:
    """A version with its diff against the published guide, what validation finds and
    whether its example questions still find it first: what a reviewer decides on."""
    version = _version(db, version_id)
    published = editorial.published_content(db, kind=version.kind, code=version.code)
    findings = editorial.validate(
        version.kind,
        version.content,
        published,
        imported=version.batch_id is not None,
    )
    # The draft's own examples, and any other guide's the draft would now outrank.
    examples = [
        e
        for e in check_draft(db, version.content, kind=version.kind)
        if e.code == version.code or not e.passed
    ]
    history = editorial.history(db, kind=version.kind, code=version.code)
    live = [v.number for v in history if v.status == "published"]
    return VersionDetailOut(
        **_version_out(version).dict(),
        name=str(version.content.get("name") or version.code),
        published_number=live[-1] if live else None,
        diff=[
            FieldChangeOut(field=c.field, label=c.label, old=c.old, new=c.new)
            for c in editorial.diff(published, version.content)
        ],
        findings=FindingsOut(
            errors=list(findings.errors), warnings=list(findings.warnings)
        ),
        examples=[
            ExampleResultOut(
                code=e.code,
                question=e.question,
                found_code=e.found_code,
                passed=e.passed,
            )
            for e in examples
        ],
    )


@router.put(
    "/versions/{version_id}", response_model=VersionOut, responses=AUTH_RESPONSES
)
def update_draft(
    body: DraftIn,
    version_id: int = Path(..., ge=1, le=DB_ID_MAX),
    db: Session = Depends(get_db, scope="function"),
    token: ApiToken = Depends(require_editor),
) -> VersionOut:
    """Changes a draft: its author's only, and only while it is a draft."""
    version = _version(db, version_id)
    content = _content_for(version.kind, version.code, body.content)
    updated = _translate(
        lambda: editorial.update_draft(
            db, version_id, content=content, author=token.name, reason=body.reason
        ),
        f"修改草稿 {version_id}",
        f"change draft {version_id}",
    )
    return _version_out(updated)


@router.post(
    "/versions/{version_id}/submit", response_model=VersionOut, responses=AUTH_RESPONSES
)
def submit_version(
    version_id: int = Path(..., ge=1, le=DB_ID_MAX),
    db: Session = Depends(get_db, scope="function"),
    token: ApiToken = Depends(require_editor),
) -> VersionOut:
    """Sends a draft for review; refused while validation finds errors."""
    _version(db, version_id)
    version = _translate(
        lambda: editorial.submit(db, version_id, actor=token.name),
        f"提交第 {version_id} 号草稿审核",
        f"submit version {version_id} for review",
    )
    return _version_out(version)


@router.post(
    "/versions/{version_id}/approve",
    response_model=VersionOut,
    responses=AUTH_RESPONSES,
)
def approve_version(
    body: ApproveIn,
    version_id: int = Path(..., ge=1, le=DB_ID_MAX),
    db: Session = Depends(get_db, scope="function"),
    token: ApiToken = Depends(require_reviewer),
) -> VersionOut:
    """Publishes the version: citizens and agents are answered from it from now on."""
    _version(db, version_id)
    version = _translate(
        lambda: editorial.approve(
            db,
            version_id,
            reviewer=token.name,
            comment=body.comment,
            acknowledge_warnings=body.acknowledge_warnings,
            effective_date=body.effective_date,
        ),
        f"审核通过第 {version_id} 号版本",
        f"approve version {version_id}",
    )
    return _version_out(version)


@router.post(
    "/versions/{version_id}/reject", response_model=VersionOut, responses=AUTH_RESPONSES
)
def reject_version(
    body: RejectIn,
    version_id: int = Path(..., ge=1, le=DB_ID_MAX),
    db: Session = Depends(get_db, scope="function"),
    token: ApiToken = Depends(require_reviewer),
) -> VersionOut:
    """Sends the version back to its author as a draft, with the reviewer's comment."""
    _version(db, version_id)
    version = _translate(
        lambda: editorial.reject(
            db, version_id, reviewer=token.name, comment=body.comment
        ),
        f"退回第 {version_id} 号版本",
        f"reject version {version_id}",
    )
    return _version_out(version)


# ------------------------------------------------------------------ batches


@router.post(
    "/batches", response_model=BatchOut, status_code=201, responses=AUTH_RESPONSES
)
async def import_batch(
    request: Request,
    reason: str = Query(..., min_length=1, max_length=2000),
    token: ApiToken = Depends(require_editor),
) -> BatchOut:
    """A whole catalogue file (JSON, or YAML as ``application/yaml``) as one batch of
    drafts, one per guide, reviewed and published together."""
    body = await request.body()
    catalogue = _parse_catalogue_body(body, request.headers.get("content-type", ""))

    def draft(db: Session) -> BatchOut:
        batch = _translate(
            lambda: editorial.import_batch(
                db, catalogue, author=token.name, reason=reason
            ),
            "导入目录",
            "import the catalogue as a batch",
        )
        return _batch_out(db, batch.id)

    return await _in_transaction(request, draft)


@router.post(
    "/batches/{batch_id}/submit", response_model=BatchOut, responses=AUTH_RESPONSES
)
def submit_batch(
    batch_id: int = Path(..., ge=1, le=DB_ID_MAX),
    db: Session = Depends(get_db, scope="function"),
    token: ApiToken = Depends(require_editor),
) -> BatchOut:
    _batch_out(db, batch_id)
    report = _translate(
        lambda: editorial.submit_batch(db, batch_id, actor=token.name),
        f"提交第 {batch_id} 批审核",
        f"submit batch {batch_id}",
    )
    return _batch_out(db, batch_id, report)


@router.post(
    "/batches/{batch_id}/approve", response_model=BatchOut, responses=AUTH_RESPONSES
)
def approve_batch(
    body: BatchApproveIn,
    batch_id: int = Path(..., ge=1, le=DB_ID_MAX),
    db: Session = Depends(get_db, scope="function"),
    token: ApiToken = Depends(require_reviewer),
) -> BatchOut:
    """Publishes every version of the batch in one transaction."""
    _batch_out(db, batch_id)
    report = _translate(
        lambda: editorial.approve_batch(
            db,
            batch_id,
            reviewer=token.name,
            comment=body.comment,
            acknowledge_warnings=body.acknowledge_warnings,
            effective_date=body.effective_date,
        ),
        f"审核通过第 {batch_id} 批",
        f"approve batch {batch_id}",
    )
    return _batch_out(db, batch_id, report)


# ------------------------------------------------------------------ helpers


def _refuse(status: int, chinese: str, english: str) -> None:
    raise HTTPException(status, f"{chinese}。{english}")


def _kind(kind: str) -> str:
    if kind not in workbench.KINDS:
        _refuse(
            404,
            f"没有“{kind}”这类指南，只有 service（办事指南）、bundle（一件事）、office（办事地点）",
            f"no guide kind {kind!r}; use service, bundle or office",
        )
    return kind


def _content_for(kind: str, code: str, content: dict[str, Any]) -> dict[str, Any]:
    """The code is the URL's; a body naming another guide is a mistake, not a rename."""
    given = content.get("code")
    if given is not None and given != code:
        _refuse(
            422,
            f"内容中的编码“{given}”与地址中的“{code}”不一致",
            f"the code in the content ({given!r}) must match the URL ({code!r})",
        )
    return {**content, "code": code}


def _translate(action: Callable[[], _T], chinese: str, english: str) -> _T:
    """The core's refusals as a 4xx whose detail says what failed, in both languages."""
    try:
        return action()
    except HotlineError as exc:
        status, reason, tag = _refusal(exc)
        raise HTTPException(
            status, f"{chinese}未成功：{reason}。{english}: {tag}"
        ) from exc


def _refusal(exc: HotlineError) -> tuple[int, str, str]:
    if isinstance(exc, NotFoundError):
        return 404, "找不到该记录", str(exc)
    if isinstance(exc, Forbidden):
        return 403, str(exc), "forbidden"
    if isinstance(exc, Conflict):
        return 409, str(exc), "conflict"
    if isinstance(exc, ValidationFailed):
        return 422, exc.message, f"refused ({exc.field})"
    if isinstance(exc, CatalogueError):
        return 422, "；".join(exc.problems), "invalid content"
    return 422, str(exc), "refused"


def _version(db: Session, version_id: int) -> GuideVersion:
    return _translate(
        lambda: editorial.get_version(db, version_id),
        f"查看第 {version_id} 号版本",
        f"read version {version_id}",
    )


def _guide(db: Session, kind: str, code: str) -> GuideOut:
    live = workbench.live_guide(db, kind, code)
    history = editorial.history(db, kind=kind, code=code)
    if live is None and not history:
        _refuse(
            404,
            f"{_KIND_TEXT[kind]}“{code}”不存在",
            f"{kind} {code!r} not found",
        )
    published = editorial.published_content(db, kind=kind, code=code)
    numbers = [v.number for v in history if v.status == "published"]
    verified_at = getattr(live, "verified_at", None)
    name = (
        live.name
        if live is not None
        else str((history[-1].content or {}).get("name") or code)
    )
    return GuideOut(
        kind=kind,
        code=code,
        name=name,
        published=published,
        published_number=numbers[-1] if numbers else None,
        effective_date=getattr(live, "effective_date", None),
        verified_at=verified_at,
        verified_by=getattr(live, "verified_by", None),
        stale=workbench.is_stale(live),
        stale_days=workbench.stale_days(),
        history=[
            VersionSummaryOut(**_version_fields(v))
            for v in sorted(history, key=lambda v: v.number, reverse=True)
        ],
    )


def _version_fields(version: GuideVersion) -> dict[str, Any]:
    return {
        "id": version.id,
        "kind": version.kind,
        "code": version.code,
        "number": version.number,
        "status": version.status,
        "author": version.author,
        "reason": version.reason or "",
        "created_at": version.created_at,
        "submitted_at": version.submitted_at,
        "reviewer": version.reviewer,
        "review_comment": version.review_comment,
        "reviewed_at": version.reviewed_at,
        "published_at": version.published_at,
        "effective_date": version.effective_date,
        "warnings": list(version.warnings or []),
        "warnings_acknowledged": bool(version.warnings_acknowledged),
        "batch_id": version.batch_id,
        "based_on": version.based_on,
    }


def _version_out(version: GuideVersion) -> VersionOut:
    return VersionOut(**_version_fields(version), content=dict(version.content or {}))


def _batch_out(
    db: Session, batch_id: int, report: editorial.BatchReport | None = None
) -> BatchOut:
    batch = workbench.batch_summary(db, batch_id)
    if batch is None:
        _refuse(404, f"第 {batch_id} 批不存在", f"batch {batch_id} not found")
    assert batch is not None
    out = BatchOut(**batch.__dict__)
    if report is not None:
        out.moved, out.with_warnings = report.moved, report.with_warnings
        out.refused = [
            RefusedGuideOut(kind=kind, code=code, reasons=reasons)
            for kind, code, reasons in report.refused
        ]
    return out


def _parse_catalogue_body(body: bytes, content_type: str) -> Catalogue:
    if not body.strip():
        _refuse(422, "请求中没有目录内容", "the request body holds no catalogue")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        _refuse(422, "目录内容不是 UTF-8 文本", "the catalogue is not UTF-8 text")
    try:
        document = (
            json.loads(text)
            if "json" in content_type or not content_type
            else yaml.safe_load(text)
        )
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        _refuse(
            422,
            "目录内容无法解析，请检查 JSON 或 YAML 格式",
            f"the catalogue cannot be parsed: {exc}",
        )
    try:
        return parse_catalogue([("body", document)])
    except CatalogueError as exc:
        raise HTTPException(
            422,
            f"目录内容有误：{'；'.join(exc.problems[:20])}。the catalogue is invalid",
        ) from exc


async def _in_transaction(request: Request, work: Callable[[Session], _T]) -> _T:
    """A large import runs in a worker thread, in a transaction of its own."""

    def run() -> _T:
        with Session(request.app.state.engine) as db, db.begin():
            return work(db)

    return await to_thread.run_sync(run)


def _today() -> dt.date:
    return clock.now().date()
