"""Guides change through review: drafted, reviewed by someone else, published, kept.

A guide is one service, bundle or office (``kind``, ``code``); a service's guide holds
its FAQs, district variants and example questions, a bundle's its FAQs. Every change
is a numbered version (``GuideVersion``) whose content is the guide in the catalogue
import format. Only a published version answers citizens: publishing writes its
content to the live tables through the importer and raises the catalogue's revision,
which every process follows. A guide that is live but has no history yet (imported
with ``hotline kb import``) gets its live content recorded as version 1 the first time
it is drafted, so the diff, history and rollback hold from then on.

Two people see every change: an editor drafts and submits, a reviewer other than the
author approves or sends it back with a comment. A rollback and an administrator's
direct write publish at once, by design: a rollback restores text that was reviewed
before, and the administrator's JSON routes predate the workbench (their versions say
so in their reason).

Validation errors (no steps, a material without a name, a link that is no web
address) refuse a submission; warnings (English left behind where the Chinese
changed) must be acknowledged by the reviewer. Messages are in Chinese, for the
centre's editors.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from foundation import clock
from foundation.errors import (
    CatalogueError,
    Conflict,
    Forbidden,
    NotFoundError,
    ValidationFailed,
)
from knowledge_base.catalogue import (
    BundleRecord,
    Catalogue,
    FAQRecord,
    OfficeRecord,
    ServiceRecord,
)
from knowledge_base.importers.catalogue import apply_guide, export_guides
from knowledge_base.models import Bundle, GuideBatch, GuideVersion, Office, Service
from knowledge_base.offices import sync_street_centres
from knowledge_base.repositories import departments
from knowledge_base.repositories import guide_versions as versions
from knowledge_base.repositories import services as service_rows
from knowledge_base.repositories.catalogue_revision import mark_catalogue_changed

KINDS = ("service", "bundle", "office")
# The author of the version that records a guide as it was live before any history.
CATALOGUE_AUTHOR = "catalogue"
DIRECT_REASON = "管理员直接修改"
_RECORDS: dict[str, Any] = {
    "service": ServiceRecord,
    "bundle": BundleRecord,
    "office": OfficeRecord,
}
# Facts about the live guide rather than its text: kept on the live row and the
# version, never in content, so they do not show up as changes in a diff.
_NOT_CONTENT = ("verified_at", "verified_by")
_LINK = re.compile(r"^https?://[^\s/?#.]+(\.[^\s/?#.]+)+(:\d+)?([/?#]\S*)?$")


class GuideInvalid(ValidationFailed):
    """A guide with validation errors; ``errors`` lists each, in Chinese."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("content", "；".join(errors))
        self.errors = errors


@dataclasses.dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any

    @property
    def label(self) -> str:
        """The field as an editor names it: "materials[2].name" is 申请材料·第3项·名称."""
        loc = tuple(
            int(part) if part.isdigit() else part
            for part in re.findall(r"[^.\[\]]+", self.field)
        )
        return _field_label(loc)


@dataclasses.dataclass
class Findings:
    errors: list[str] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclasses.dataclass
class BatchReport:
    """What a bulk step did: how many versions moved, and the guides it left behind
    with their reasons (``(kind, code, [reason, ...])``)."""

    batch_id: int
    moved: int = 0
    refused: list[tuple[str, str, list[str]]] = dataclasses.field(default_factory=list)
    with_warnings: int = 0


# --- reading ---------------------------------------------------------------------


def get_version(session: Session, version_id: int) -> GuideVersion:
    version = versions.get_version(session, version_id)
    if version is None:
        raise NotFoundError("guide version", str(version_id))
    return version


def history(session: Session, *, kind: str, code: str) -> list[GuideVersion]:
    """Every version of the guide, oldest first; empty for a guide never drafted."""
    _check_kind(kind)
    return versions.versions_of(session, kind, code)


def published_content(
    session: Session, *, kind: str, code: str
) -> dict[str, Any] | None:
    """What citizens are told now: the published version's content, or the live
    tables' for a guide without history; None for a guide not live."""
    _check_kind(kind)
    published = versions.published_version(session, kind, code)
    if published is not None:
        return dict(published.content)
    if versions.last_number(session, kind, code):
        return None  # withdrawn: its history has no published version
    return _live_content(session, kind, code)


def _live_content(session: Session, kind: str, code: str) -> dict[str, Any] | None:
    found = export_guides(session, kind, [code]).get(code)
    return _normalised(kind, found) if found is not None else None


# --- one guide -------------------------------------------------------------------


def start_draft(
    session: Session,
    *,
    kind: str,
    code: str,
    content: dict[str, Any],
    author: str,
    reason: str,
    batch: GuideBatch | None = None,
) -> GuideVersion:
    """A new draft of a guide, or of a new guide when ``code`` is not live.

    Raises:
        Conflict: the guide already has a draft or a version in review.
        ValidationFailed: the content names another code, or is not a guide at all.
    """
    _check_kind(kind)
    content = _draft_content(kind, code, content)
    _check_words(author=author, reason=reason)
    published = _ensure_history(session, kind, code)
    in_hand = versions.open_version(session, kind, code)
    if in_hand is not None:
        raise Conflict(
            f"{code} 已有第{in_hand.number}版{_STATUS_NAMES[in_hand.status]}"
            f"（{in_hand.author}），请在其上修改"
        )
    version = GuideVersion(
        kind=kind,
        code=code,
        number=versions.last_number(session, kind, code) + 1,
        status="draft",
        content=content,
        author=author,
        reason=reason,
        created_at=clock.now(),
        effective_date=_effective_date(content),
        warnings=[],
        warnings_acknowledged=False,
        batch_id=batch.id if batch is not None else None,
        based_on=published.number if published is not None else None,
    )
    return versions.add_version(session, version)


def update_draft(
    session: Session,
    version_id: int,
    *,
    content: dict[str, Any],
    author: str,
    reason: str,
) -> GuideVersion:
    """Replace a draft's content; a draft sent back keeps the reviewer's comment.

    Raises:
        Forbidden: someone other than its author.
        Conflict: the version is no longer a draft.
    """
    version = get_version(session, version_id)
    if version.author != author:
        raise Forbidden(
            f"第{version.number}版由{version.author}起草，只有起草人可以修改"
        )
    _require_status(version, "draft")
    _check_words(author=author, reason=reason)
    version.content = _draft_content(version.kind, version.code, content)
    version.reason = reason
    version.effective_date = _effective_date(version.content)
    version.warnings = []
    version.warnings_acknowledged = False
    session.flush()
    return version


def submit(session: Session, version_id: int, *, actor: str) -> GuideVersion:
    """Send a draft to review; its warnings are recorded for the reviewer.

    Raises:
        GuideInvalid: validation found errors (each listed).
        Forbidden: someone other than its author.
        Conflict: the version is not a draft.
    """
    version = get_version(session, version_id)
    if version.author != actor:
        raise Forbidden(
            f"第{version.number}版由{version.author}起草，只有起草人可以提交"
        )
    _require_status(version, "draft")
    findings = _findings(session, version)
    if findings.errors:
        raise GuideInvalid(findings.errors)
    version.status = "in_review"
    version.submitted_at = clock.now()
    version.warnings = findings.warnings
    version.warnings_acknowledged = False
    session.flush()
    return version


def approve(
    session: Session,
    version_id: int,
    *,
    reviewer: str,
    comment: str,
    acknowledge_warnings: bool = False,
    effective_date: dt.date | None = None,
) -> GuideVersion:
    """Publish a version in review: the live guide becomes its content, verified today
    by the reviewer, and every process follows through the catalogue's revision.

    Raises:
        Forbidden: the reviewer wrote it.
        ValidationFailed: it has warnings the reviewer did not acknowledge, or its
            content cannot be written (a department or service it names is gone).
        Conflict: the version is not in review.
    """
    version = get_version(session, version_id)
    _require_status(version, "in_review")
    _check_reviewer(version, reviewer)
    if version.warnings and not acknowledge_warnings:
        raise ValidationFailed(
            "acknowledge_warnings",
            f"第{version.number}版有{len(version.warnings)}条提示须先确认："
            + "；".join(version.warnings),
        )
    if effective_date is not None:
        version.effective_date = effective_date
    now = clock.now()
    version.reviewer = reviewer
    version.review_comment = comment
    version.reviewed_at = now
    version.warnings_acknowledged = bool(version.warnings)
    _publish(session, [version], verifier=reviewer, on=now)
    return version


def reject(
    session: Session, version_id: int, *, reviewer: str, comment: str
) -> GuideVersion:
    """Send a version in review back to its author as a draft, with the reason.

    Raises:
        ValidationFailed: no comment (the author must learn what to change).
        Conflict: the version is not in review.
    """
    version = get_version(session, version_id)
    _require_status(version, "in_review")
    if not comment or not comment.strip():
        raise ValidationFailed("comment", "退回时请写明需要修改的地方")
    version.status = "draft"
    version.reviewer = reviewer
    version.review_comment = comment.strip()
    version.reviewed_at = clock.now()
    session.flush()
    return version


def rollback(
    session: Session,
    *,
    kind: str,
    code: str,
    to_number: int,
    actor: str,
    reason: str,
) -> GuideVersion:
    """Publish again, in one step, the content of an earlier version, as a new
    version; the current one is retired. Also brings back a withdrawn guide.

    Raises:
        NotFoundError: the guide has no such version.
        Conflict: that version is the one published now.
    """
    _check_kind(kind)
    _check_words(author=actor, reason=reason)
    target = versions.version_by_number(session, kind, code, to_number)
    if target is None:
        raise NotFoundError("guide version", f"{kind}/{code} #{to_number}")
    if target.status == "published":
        raise Conflict(f"第{to_number}版就是现行版本，无需回滚")
    current = versions.published_version(session, kind, code)
    now = clock.now()
    version = versions.add_version(
        session,
        GuideVersion(
            kind=kind,
            code=code,
            number=versions.last_number(session, kind, code) + 1,
            status="in_review",
            content=dict(target.content),
            author=actor,
            reason=reason,
            created_at=now,
            submitted_at=now,
            reviewer=actor,
            review_comment=f"回滚至第{to_number}版",
            reviewed_at=now,
            effective_date=target.effective_date,
            warnings=[],
            warnings_acknowledged=False,
            based_on=current.number if current is not None else None,
        ),
    )
    _publish(session, [version], verifier=actor, on=now)
    return version


def verify(
    session: Session,
    *,
    kind: str,
    code: str,
    verifier: str,
    on: dt.date | None = None,
) -> None:
    """Record that someone checked the live guide against its source (最近核验),
    without changing its content.

    Raises:
        NotFoundError: the guide is not live.
    """
    _check_kind(kind)
    if not verifier or not verifier.strip():
        raise ValidationFailed("verifier", "请写明核验人")
    row = _live_row(session, kind, code)
    if row is None:
        raise NotFoundError(kind, code)
    row.verified_at = on or clock.now().date()
    row.verified_by = verifier
    mark_catalogue_changed(session)
    session.flush()


def publish_direct(
    session: Session,
    *,
    kind: str,
    code: str,
    content: dict[str, Any],
    actor: str,
    reason: str | None = None,
) -> GuideVersion:
    """An administrator's direct write (the JSON routes), recorded as a version and
    published at once, so the history stays complete.

    Raises:
        GuideInvalid: the content is not a valid guide.
        ValidationFailed: it cannot be written.
    """
    _check_kind(kind)
    reason = (reason or "").strip() or DIRECT_REASON
    content = _draft_content(kind, code, content)
    published = _ensure_history(session, kind, code)
    findings = validate(
        kind, content, published.content if published is not None else None
    )
    if findings.errors:
        raise GuideInvalid(findings.errors)
    now = clock.now()
    version = versions.add_version(
        session,
        GuideVersion(
            kind=kind,
            code=code,
            number=versions.last_number(session, kind, code) + 1,
            status="in_review",
            content=content,
            author=actor,
            reason=reason,
            created_at=now,
            submitted_at=now,
            reviewer=actor,
            review_comment=DIRECT_REASON,
            reviewed_at=now,
            effective_date=_effective_date(content),
            warnings=findings.warnings,
            warnings_acknowledged=bool(findings.warnings),
            based_on=published.number if published is not None else None,
        ),
    )
    _publish(session, [version], verifier=actor, on=now)
    return version


def withdraw(
    session: Session, *, kind: str, code: str, actor: str, reason: str | None = None
) -> GuideVersion:
    """Take a guide off the live catalogue; its published version is retired, and a
    rollback brings it back.

    Returns:
        The retired version.

    Raises:
        NotFoundError: the guide is not live.
    """
    _check_kind(kind)
    published = _ensure_history(session, kind, code)
    row = _live_row(session, kind, code)
    if published is None or row is None:
        raise NotFoundError(kind, code)
    if kind == "service":
        # Its bundles' and offices' links go with it, by the foreign keys' cascade; the
        # citizens' applications for it keep it, and are kept.
        try:
            with session.begin_nested():
                service_rows.delete_service(session, code)
        except IntegrityError as refused:
            raise Conflict(
                f"“{row.name}”已有市民的申请记录，不能下线；如需停办，请修改指南说明"
                f"后发布。{kind} {code} has applications: it cannot be withdrawn"
            ) from refused
        session.expire_all()
        sync_street_centres(session)
    else:
        session.delete(row)
    published.status = "retired"
    published.review_comment = f"{actor}下线：{(reason or '').strip() or DIRECT_REASON}"
    session.flush()
    mark_catalogue_changed(session)
    return published


# --- bulk --------------------------------------------------------------------------


def import_batch(
    session: Session, catalogue: Catalogue, *, author: str, reason: str
) -> GuideBatch:
    """A whole catalogue file as one batch of drafts, one per service, bundle and
    office (FAQs go into their subject's draft).

    Departments are not guides: the new ones are written at once so the drafts can
    name them; existing departments and work-order categories are left as they are
    (``hotline kb import`` changes those).

    Raises:
        Conflict: a guide in the file already has a draft or a version in review.
    """
    _check_words(author=author, reason=reason)
    now = clock.now()
    batch = versions.add_batch(
        session, GuideBatch(created_at=now, author=author, reason=reason)
    )
    for department in catalogue.departments:
        if departments.get_department(session, department.code) is None:
            departments.upsert_department(session, department)
    faqs: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for faq in catalogue.faqs:
        key = ("service", faq.service) if faq.service else ("bundle", faq.bundle or "")
        faqs.setdefault(key, []).append(
            faq.dict(exclude={"service", "bundle"}, exclude_none=True)
        )
    guides: list[tuple[str, str, dict[str, Any]]] = []
    for kind, records in (
        ("service", catalogue.services),
        ("office", catalogue.offices),
        ("bundle", catalogue.bundles),
    ):
        for record in records:
            content = json.loads(record.json(exclude_none=True))
            if kind != "office":
                content["faqs"] = faqs.get((kind, record.code), [])
            guides.append((kind, record.code, content))

    new_versions: list[GuideVersion] = []
    for kind in KINDS:
        codes = [code for k, code, _ in guides if k == kind]
        if not codes:
            continue
        standing = versions.standing(session, kind, codes)
        busy = sorted(code for code, (_, _, in_hand) in standing.items() if in_hand)
        if busy:
            raise Conflict(
                f"{len(busy)}份指南已有草稿或在审版本：{'、'.join(busy[:10])}"
                + ("等" if len(busy) > 10 else "")
            )
        untracked = [code for code in codes if code not in standing]
        live = export_guides(session, kind, untracked) if untracked else {}
        for code, live_record in live.items():
            new_versions.append(_catalogue_version(kind, code, live_record, now))
            standing[code] = (1, 1, False)
        for k, code, content in guides:
            if k != kind:
                continue
            last, published, _ = standing.get(code, (0, None, False))
            content = _draft_content(kind, code, content)
            new_versions.append(
                GuideVersion(
                    kind=kind,
                    code=code,
                    number=last + 1,
                    status="draft",
                    content=content,
                    author=author,
                    reason=reason,
                    created_at=now,
                    effective_date=_effective_date(content),
                    warnings=[],
                    warnings_acknowledged=False,
                    batch_id=batch.id,
                    based_on=published,
                )
            )
            standing[code] = (last + 1, published, True)
    versions.add_versions(session, new_versions)
    return batch


def submit_batch(session: Session, batch_id: int, *, actor: str) -> BatchReport:
    """Send a batch's drafts to review; those with errors stay drafts and are listed.

    Raises:
        NotFoundError: no such batch.
        Forbidden: someone other than the batch's author.
    """
    batch = _batch(session, batch_id)
    if batch.author != actor:
        raise Forbidden(f"这批草稿由{batch.author}导入，只有导入人可以提交")
    drafts = versions.versions_in_batch(session, batch_id, status="draft")
    previous = _published_contents(session, drafts)
    report = BatchReport(batch_id=batch_id)
    now = clock.now()
    for version in drafts:
        findings = validate(
            version.kind,
            version.content,
            previous.get((version.kind, version.code)),
            imported=True,
        )
        if findings.errors:
            report.refused.append((version.kind, version.code, findings.errors))
            continue
        version.status = "in_review"
        version.submitted_at = now
        version.warnings = findings.warnings
        version.warnings_acknowledged = False
        report.moved += 1
        report.with_warnings += bool(findings.warnings)
    session.flush()
    return report


def approve_batch(
    session: Session,
    batch_id: int,
    *,
    reviewer: str,
    comment: str,
    acknowledge_warnings: bool = False,
    effective_date: dt.date | None = None,
) -> BatchReport:
    """Publish every version of the batch in review, in the caller's transaction,
    raising the catalogue's revision once.

    Raises:
        NotFoundError: no such batch.
        Forbidden: the reviewer wrote the versions.
        ValidationFailed: some have warnings the reviewer did not acknowledge, or
            cannot be written; nothing is published then.
    """
    _batch(session, batch_id)
    pending = versions.versions_in_batch(session, batch_id, status="in_review")
    for version in pending:
        _check_reviewer(version, reviewer)
    warned = [v for v in pending if v.warnings]
    if warned and not acknowledge_warnings:
        raise ValidationFailed(
            "acknowledge_warnings",
            f"本批有{len(warned)}份指南带提示须先确认，例如{warned[0].code}："
            + "；".join(warned[0].warnings),
        )
    now = clock.now()
    for version in pending:
        version.reviewer = reviewer
        version.review_comment = comment
        version.reviewed_at = now
        version.warnings_acknowledged = bool(version.warnings)
        if effective_date is not None:
            version.effective_date = effective_date
    _publish(session, pending, verifier=reviewer, on=now)
    return BatchReport(batch_id=batch_id, moved=len(pending), with_warnings=len(warned))


# --- comparing and checking ----------------------------------------------------


def diff(old: dict[str, Any] | None, new: dict[str, Any]) -> list[FieldChange]:
    """Field by field, in the order of the new content: list items by position
    (``materials[2].name``); an item added or removed is one change."""
    changes: list[FieldChange] = []
    _walk("", old or {}, new, changes)
    return changes


def _walk(path: str, old: Any, new: Any, out: list[FieldChange]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*new, *(k for k in old if k not in new)]:
            _walk(f"{path}.{key}" if path else key, old.get(key), new.get(key), out)
    elif (
        isinstance(old, list)
        and isinstance(new, list)
        and any(isinstance(item, dict) for item in [*old, *new])
    ):
        for index in range(max(len(old), len(new))):
            _walk(
                f"{path}[{index}]",
                old[index] if index < len(old) else None,
                new[index] if index < len(new) else None,
                out,
            )
    elif _blank_as_none(old) != _blank_as_none(new):
        out.append(FieldChange(path, old, new))


def _blank_as_none(value: Any) -> Any:
    return None if value in (None, "", [], {}) else value


def validate(
    kind: str,
    content: dict[str, Any],
    previous: dict[str, Any] | None = None,
    *,
    imported: bool = False,
) -> Findings:
    """Errors refuse a guide; warnings are for the reviewer to acknowledge.

    Args:
        previous: the published content it replaces, to tell which Chinese changed.
        imported: a guide from a bulk import of a source file: a source without steps
            (Guangdong's portal has no step field) is a warning there, since nothing
            may be invented, and the editors add steps afterwards.
    """
    _check_kind(kind)
    findings = Findings()
    reported: set[tuple[Any, ...]] = set()
    if kind in ("service", "bundle") and not _items(content.get("steps")):
        if imported:
            findings.warnings.append("来源数据没有办理步骤，发布后请补写")
        else:
            findings.errors.append("没有办理步骤：请至少写一步")
        reported.add(("steps",))
    for index, material in enumerate(_items(content.get("materials"))):
        if not _text(material.get("name")):
            findings.errors.append(f"申请材料第{index + 1}项没有名称")
            reported.add(("materials", index, "name"))
    for field in ("online_url", "source_url"):
        _check_link(findings, _FIELD_NAMES[field], content.get(field))
    for index, variant in enumerate(_items(content.get("variants"))):
        where = f"{variant.get('district') or f'第{index + 1}个'}区县差异"
        _check_link(findings, f"{where}的网上办理链接", variant.get("online_url"))
        for number, material in enumerate(_items(variant.get("extra_materials"))):
            if not _text(material.get("name")):
                findings.errors.append(f"{where}的补充材料第{number + 1}项没有名称")
                reported.add(("variants", index, "extra_materials", number, "name"))
    for index, faq in enumerate(_items(content.get("faqs"))):
        for field, name in (("question", "问题"), ("answer", "回答")):
            if not _text(faq.get(field)):
                findings.errors.append(f"常见问题第{index + 1}条没有{name}")
                reported.add(("faqs", index, field))
    for index, example in enumerate(content.get("examples") or []):
        if not isinstance(example, str) or not example.strip():
            findings.errors.append(f"测试问句第{index + 1}条是空的")
    findings.errors.extend(_record_errors(kind, content, reported))
    findings.warnings.extend(_english_warnings(kind, content, previous))
    return findings


def _record_errors(
    kind: str, content: dict[str, Any], reported: set[tuple[Any, ...]]
) -> list[str]:
    record, faqs, _ = _split(kind, content)
    errors: list[str] = []
    try:
        _RECORDS[kind].parse_obj(record)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            if loc in reported or loc[:1] in reported and loc[0] == "steps":
                continue
            errors.append(f"{_field_label(loc)}：{_explain(error)}")
    for index, faq in enumerate(faqs):
        if ("faqs", index, "question") in reported or ("faqs", index, "answer") in (
            reported
        ):
            continue
        try:
            FAQRecord.parse_obj({**faq, kind: content.get("code")})
        except ValidationError as exc:
            for error in exc.errors():
                loc = ("faqs", index, *error["loc"])
                errors.append(f"{_field_label(loc)}：{_explain(error)}")
    return errors


def _check_link(findings: Findings, name: str, value: Any) -> None:
    if value in (None, ""):
        return
    if not isinstance(value, str) or not _LINK.match(value.strip()):
        findings.errors.append(
            f"{name}格式不对：「{value}」不是完整网址，应以 http:// 或 https:// 开头"
        )


# Chinese fields whose English must follow them, with how an editor calls them.
_ENGLISH_PAIRS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "service": (
        ("name", "name_en", "名称"),
        ("summary", "summary_en", "简介"),
        ("eligibility", "eligibility_en", "办理条件"),
        ("fees", "fees_en", "收费"),
        ("time_limit_note", "time_limit_note_en", "时限说明"),
        ("offline_where", "offline_where_en", "线下办理地点"),
        ("hours", "hours_en", "办公时间"),
        ("legal_basis", "legal_basis_en", "设定依据"),
        ("source", "source_en", "来源"),
    ),
    "bundle": (
        ("name", "name_en", "名称"),
        ("summary", "summary_en", "简介"),
    ),
    "office": (
        ("name", "name_en", "名称"),
        ("address", "address_en", "地址"),
        ("hours", "hours_en", "办公时间"),
    ),
}
_ITEM_PAIRS: tuple[tuple[str, str, tuple[tuple[str, str, str], ...]], ...] = (
    (
        "steps",
        "办理步骤",
        (("title", "title_en", "标题"), ("detail", "detail_en", "说明")),
    ),
    (
        "materials",
        "申请材料",
        (("name", "name_en", "名称"), ("notes", "notes_en", "备注")),
    ),
    (
        "faqs",
        "常见问题",
        (("question", "question_en", "问题"), ("answer", "answer_en", "回答")),
    ),
    (
        "variants",
        "区县差异",
        (
            ("offline_where", "offline_where_en", "办理地点"),
            ("hours", "hours_en", "办公时间"),
        ),
    ),
)


def _english_warnings(
    kind: str, content: dict[str, Any], previous: dict[str, Any] | None
) -> list[str]:
    warnings: list[str] = []

    def check(
        label: str, new: dict[str, Any], old: dict[str, Any], zh: str, en: str
    ) -> None:
        if not _text(new.get(zh)) or _text(new.get(zh)) == _text(old.get(zh)):
            return
        if not _text(new.get(en)):
            warnings.append(f"{label}的中文有改动，英文（{en}）缺失")
        elif old and _text(new.get(en)) == _text(old.get(en)):
            warnings.append(f"{label}的中文有改动，英文（{en}）未随之修改，请核对")

    before = previous or {}
    for zh, en, label in _ENGLISH_PAIRS[kind]:
        check(label, content, before, zh, en)
    for key, name, pairs in _ITEM_PAIRS:
        old_items = _items(before.get(key))
        for index, item in enumerate(_items(content.get(key))):
            old_item = old_items[index] if index < len(old_items) else {}
            for zh, en, label in pairs:
                check(f"{name}第{index + 1}项的{label}", item, old_item, zh, en)
    return warnings


# --- publishing ------------------------------------------------------------------


def _publish(
    session: Session, publishing: list[GuideVersion], *, verifier: str, on: dt.datetime
) -> None:
    """Write the versions' content to the live tables, retire what they replace and
    raise the catalogue's revision once. Services first: offices and bundles name them.

    Raises:
        ValidationFailed: some content cannot be written (every problem listed).
    """
    problems: list[str] = []
    order = {"service": 0, "office": 1, "bundle": 2}
    by_kind: dict[str, list[GuideVersion]] = {}
    for version in publishing:
        by_kind.setdefault(version.kind, []).append(version)
    for kind, group in by_kind.items():
        versions.retire_published(session, kind, [v.code for v in group])
    for version in sorted(publishing, key=lambda v: order[v.kind]):
        record, faqs, examples = _split(version.kind, version.content)
        record = {**record}
        if "effective_date" in _RECORDS[version.kind].__fields__:
            record["effective_date"] = version.effective_date
        try:
            parsed = _RECORDS[version.kind].parse_obj(record)
            faq_records = [
                FAQRecord.parse_obj({**faq, version.kind: version.code}) for faq in faqs
            ]
            row = apply_guide(
                session,
                version.kind,
                parsed,
                faqs=faq_records if version.kind != "office" else None,
            )
        except ValidationError as exc:
            problems.append(f"{version.code}：{exc.errors()[0]['msg']}")
            continue
        except CatalogueError as exc:
            problems.extend(exc.problems)
            continue
        if version.kind == "service":
            row.examples = examples  # type: ignore[union-attr]
        row.effective_date = version.effective_date
        row.verified_at = on.date()
        row.verified_by = verifier
        version.status = "published"
        version.published_at = on
    if problems:
        raise ValidationFailed("content", "无法发布：" + "；".join(problems[:20]))
    if "service" in by_kind:
        # Which services the street centres handle may have changed.
        sync_street_centres(session)
    mark_catalogue_changed(session)
    session.flush()


def _findings(session: Session, version: GuideVersion) -> Findings:
    previous = published_content(session, kind=version.kind, code=version.code)
    return validate(
        version.kind,
        version.content,
        previous,
        imported=version.batch_id is not None,
    )


def _published_contents(
    session: Session, drafts: list[GuideVersion]
) -> dict[tuple[str, str], dict[str, Any]]:
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for kind in KINDS:
        codes = [v.code for v in drafts if v.kind == kind and v.based_on is not None]
        for start in range(0, len(codes), 500):
            for published in _published_of(session, kind, codes[start : start + 500]):
                found[(kind, published.code)] = published.content
    return found


def _published_of(session: Session, kind: str, codes: list[str]) -> list[GuideVersion]:
    return list(
        session.scalars(
            select(GuideVersion).where(
                GuideVersion.kind == kind,
                GuideVersion.code.in_(codes),
                GuideVersion.status == "published",
            )
        )
    )


# --- helpers ---------------------------------------------------------------------

_STATUS_NAMES = {
    "draft": "草稿",
    "in_review": "在审",
    "published": "现行",
    "retired": "已停用",
}
_FIELD_NAMES = {
    "code": "编码",
    "name": "名称",
    "name_en": "英文名称",
    "department": "主管部门",
    "category": "类别",
    "audience": "服务对象",
    "region": "适用地区",
    "summary": "简介",
    "eligibility": "办理条件",
    "steps": "办理步骤",
    "materials": "申请材料",
    "fees": "收费",
    "statutory_days": "法定时限",
    "promised_days": "承诺时限",
    "online_url": "网上办理链接",
    "offline_where": "线下办理地点",
    "handled_at": "办理层级",
    "hours": "办公时间",
    "phone": "咨询电话",
    "source": "来源",
    "source_url": "来源链接",
    "notice": "提示",
    "updated_at": "更新日期",
    "effective_date": "施行日期",
    "variants": "区县差异",
    "district": "区",
    "extra_materials": "补充材料",
    "faqs": "常见问题",
    "question": "问题",
    "answer": "回答",
    "title": "标题",
    "detail": "说明",
    "form": "形式",
    "count": "份数",
    "services": "包含事项",
    "address": "地址",
    "level": "层级",
    "examples": "测试问句",
    "__root__": "整体",
}


def _field_label(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"第{part + 1}项")
        else:
            parts.append(_field_name(str(part)))
    return "·".join(parts)


def _field_name(key: str) -> str:
    if key in _FIELD_NAMES:
        return _FIELD_NAMES[key]
    chinese = key.removesuffix("_en")
    if chinese != key and chinese in _FIELD_NAMES:
        return f"{_FIELD_NAMES[chinese]}（英文）"
    return key


def _explain(error: Mapping[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "value_error.missing":
        return "必填"
    if kind == "value_error.extra":
        return "不是指南的字段"
    if kind in ("value_error.any_str.min_length", "type_error.none.not_allowed"):
        return "不能为空"
    if kind == "value_error.str.regex":
        return "只能用小写字母、数字和 . _ -，且以字母或数字开头"
    if kind == "value_error.list.min_items":
        return "至少要有一项"
    if kind.startswith("value_error.date") or kind == "type_error.date":
        return "日期格式应为 YYYY-MM-DD"
    if kind.startswith("type_error.integer") or kind.startswith("value_error.number"):
        return "应为合理的整数"
    return f"内容不对（{error.get('msg', '')}）"


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValidationFailed("kind", f"应为 {', '.join(KINDS)} 之一")


def _check_words(*, author: str, reason: str) -> None:
    if not author or not author.strip() or len(author) > 100:
        raise ValidationFailed("author", "请写明修改人（100字以内）")
    if not reason or not reason.strip():
        raise ValidationFailed("reason", "请写明修改原因")


def _require_status(version: GuideVersion, status: str) -> None:
    if version.status != status:
        raise Conflict(
            f"第{version.number}版现为{_STATUS_NAMES[version.status]}，"
            f"不是{_STATUS_NAMES[status]}"
        )


def _check_reviewer(version: GuideVersion, reviewer: str) -> None:
    if not reviewer or not reviewer.strip():
        raise ValidationFailed("reviewer", "请写明审核人")
    if reviewer == version.author:
        raise Forbidden(
            f"{version.code} 第{version.number}版由{reviewer}本人起草，须由他人审核发布"
        )


def _batch(session: Session, batch_id: int) -> GuideBatch:
    batch = versions.get_batch(session, batch_id)
    if batch is None:
        raise NotFoundError("guide batch", str(batch_id))
    return batch


def _live_row(session: Session, kind: str, code: str) -> Any:
    model: Any = {"service": Service, "bundle": Bundle, "office": Office}[kind]
    return session.scalars(select(model).where(model.code == code)).first()


def _ensure_history(session: Session, kind: str, code: str) -> GuideVersion | None:
    """The published version, recording the live guide as version 1 if it has none."""
    if versions.last_number(session, kind, code):
        return versions.published_version(session, kind, code)
    live = export_guides(session, kind, [code]).get(code)
    if live is None:
        return None
    return versions.add_version(
        session, _catalogue_version(kind, code, live, clock.now())
    )


def _catalogue_version(
    kind: str, code: str, live: dict[str, Any], now: dt.datetime
) -> GuideVersion:
    content = _normalised(kind, live)
    return GuideVersion(
        kind=kind,
        code=code,
        number=1,
        status="published",
        content=content,
        author=CATALOGUE_AUTHOR,
        reason="启用版本管理前的现行内容",
        created_at=now,
        published_at=now,
        effective_date=_effective_date(content),
        warnings=[],
        warnings_acknowledged=False,
    )


def _draft_content(kind: str, code: str, content: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(content, dict):
        raise ValidationFailed("content", "指南内容应为一个对象")
    if content.get("code") not in (None, code):
        raise ValidationFailed(
            "code", f"内容中的编码 {content.get('code')} 与 {code} 不一致"
        )
    content = _normalised(kind, {**content, "code": code})
    if kind == "service" and not content.get("updated_at"):
        content["updated_at"] = clock.now().date().isoformat()
    return content


def _normalised(kind: str, content: dict[str, Any]) -> dict[str, Any]:
    """JSON-safe (dates as ISO text), without the live row's verification facts, and
    with the lists a guide of its kind always holds."""
    safe: dict[str, Any] = json.loads(
        json.dumps(content, ensure_ascii=False, default=str)
    )
    for key in _NOT_CONTENT:
        safe.pop(key, None)
    if kind == "service":
        safe.setdefault("variants", [])
        safe.setdefault("examples", [])
    if kind != "office":
        safe.setdefault("faqs", [])
    return safe


def _split(
    kind: str, content: dict[str, Any]
) -> tuple[dict[str, Any], list[dict[str, Any]], list[str]]:
    """The import record's part of a guide, its FAQs and its example questions."""
    fields = _RECORDS[kind].__fields__
    record = {
        key: value
        for key, value in content.items()
        if key in fields
        or key not in ("faqs", "examples", "effective_date", "variants")
        or (key == "variants" and value)
    }
    faqs = [faq for faq in _items(content.get("faqs"))]
    examples = [e for e in content.get("examples") or [] if isinstance(e, str)]
    return record, faqs, examples


def _effective_date(content: dict[str, Any]) -> dt.date | None:
    value = content.get("effective_date")
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _items(value: Any) -> list[dict[str, Any]]:
    return (
        [item for item in value if isinstance(item, dict)]
        if isinstance(value, list)
        else []
    )


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
