"""What the knowledge workbench lists: the guides an editor looks for, and the versions
waiting for a reviewer.

``editorial`` changes guides one at a time; an editor first has to find the guide
among thousands, and a reviewer needs the queue. Both are read here, from the live
tables (what citizens are told now) and ``guide_versions`` (what is in hand), so
that the workbench shows in one line whether a guide has a draft open and whether
its 最近核验 date is past ``HOTLINE_GUIDE_STALE_DAYS``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from knowledge_base import provenance
from knowledge_base.models import Bundle, GuideBatch, GuideVersion, Office, Service

KINDS = ("service", "bundle", "office")
_MODELS: dict[str, Any] = {"service": Service, "bundle": Bundle, "office": Office}
# The versions still in hand: an editor's draft, or one waiting for a reviewer.
OPEN_STATUSES = ("draft", "in_review")


@dataclasses.dataclass(frozen=True)
class GuideSummary:
    kind: str
    code: str
    name: str
    published_number: int | None
    open_version_id: int | None
    open_status: str | None
    effective_date: dt.date | None
    verified_at: dt.date | None
    verified_by: str | None
    stale: bool


@dataclasses.dataclass(frozen=True)
class QueuedVersion:
    id: int
    kind: str
    code: str
    name: str
    number: int
    status: str
    author: str
    reason: str
    submitted_at: dt.datetime | None
    warnings: list[str]


def stale_days() -> int:
    return provenance.stale_days()


def is_stale(record: Any | None) -> bool:
    """As citizens' answers reckon it (``provenance``): from 最近核验, or the guide's
    own date when nobody has verified it yet."""
    return record is not None and provenance.is_stale(provenance.checked_on(record))


def list_guides(
    session: Session, *, q: str = "", kind: str | None = None, limit: int = 50
) -> list[GuideSummary]:
    """Guides whose code or name (Chinese or English) holds ``q``, services first.

    New guides that exist only as a draft are listed too, so that an editor finds
    their own work again.
    """
    kinds = [kind] if kind else list(KINDS)
    needle = q.strip()
    found: list[tuple[str, str, str, Any]] = []
    for each in kinds:
        model = _MODELS[each]
        query = select(model).order_by(model.code).limit(limit)
        if each == "office":
            # Street centres come from the division list, not from the workbench.
            query = query.where(model.level != "street")
        if needle:
            pattern = f"%{needle}%"
            query = query.where(
                or_(
                    model.code.ilike(pattern),
                    model.name.ilike(pattern),
                    model.name_en.ilike(pattern),
                )
            )
        found.extend((each, r.code, r.name, r) for r in session.scalars(query))
    known = {(k, c) for k, c, _, _ in found}
    for version in _new_guides(session, kinds, needle, limit):
        if (version.kind, version.code) not in known:
            name = str((version.content or {}).get("name") or version.code)
            found.append((version.kind, version.code, name, None))
            known.add((version.kind, version.code))
    found = found[:limit]
    state = _version_state(session, [(k, c) for k, c, _, _ in found])
    return [
        GuideSummary(
            kind=k,
            code=c,
            name=name,
            published_number=state.get((k, c), {}).get("published"),
            open_version_id=state.get((k, c), {}).get("open_id"),
            open_status=state.get((k, c), {}).get("open_status"),
            effective_date=getattr(record, "effective_date", None),
            verified_at=getattr(record, "verified_at", None),
            verified_by=getattr(record, "verified_by", None),
            stale=is_stale(record),
        )
        for k, c, name, record in found
    ]


def live_guide(session: Session, kind: str, code: str) -> Any | None:
    """The live record a guide answers from (a Service, Bundle or Office), if any."""
    model = _MODELS[kind]
    return session.scalars(select(model).where(model.code == code)).first()


def review_queue(session: Session, *, limit: int = 200) -> list[QueuedVersion]:
    """The versions waiting for a reviewer, the longest waiting first."""
    versions = session.scalars(
        select(GuideVersion)
        .where(GuideVersion.status == "in_review")
        .order_by(GuideVersion.submitted_at, GuideVersion.id)
        .limit(limit)
    ).all()
    return [
        QueuedVersion(
            id=v.id,
            kind=v.kind,
            code=v.code,
            name=str((v.content or {}).get("name") or v.code),
            number=v.number,
            status=v.status,
            author=v.author,
            reason=v.reason or "",
            submitted_at=v.submitted_at,
            warnings=list(v.warnings or []),
        )
        for v in versions
    ]


@dataclasses.dataclass(frozen=True)
class BatchSummary:
    id: int
    author: str
    reason: str
    created_at: dt.datetime
    # Versions of the batch by status: {"draft": 3622} after an import.
    counts: dict[str, int]


def batch_summary(session: Session, batch_id: int) -> BatchSummary | None:
    batch = session.get(GuideBatch, batch_id)
    if batch is None:
        return None
    rows = session.execute(
        select(GuideVersion.status, func.count())
        .where(GuideVersion.batch_id == batch_id)
        .group_by(GuideVersion.status)
    ).all()
    return BatchSummary(
        id=batch.id,
        author=batch.author,
        reason=batch.reason,
        created_at=batch.created_at,
        counts={status: count for status, count in rows},
    )


def _new_guides(
    session: Session, kinds: list[str], needle: str, limit: int
) -> list[GuideVersion]:
    query = (
        select(GuideVersion)
        .where(GuideVersion.kind.in_(kinds), GuideVersion.status.in_(OPEN_STATUSES))
        .order_by(GuideVersion.id.desc())
        .limit(limit)
    )
    if needle:
        query = query.where(GuideVersion.code.ilike(f"%{needle}%"))
    return list(session.scalars(query))


def _version_state(
    session: Session, guides: list[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, Any]]:
    if not guides:
        return {}
    codes = {code for _, code in guides}
    rows = session.execute(
        select(
            GuideVersion.kind,
            GuideVersion.code,
            GuideVersion.id,
            GuideVersion.number,
            GuideVersion.status,
        )
        .where(GuideVersion.code.in_(codes))
        .order_by(GuideVersion.number)
    ).all()
    state: dict[tuple[str, str], dict[str, Any]] = {}
    for kind, code, version_id, number, status in rows:
        entry = state.setdefault((kind, code), {})
        if status == "published":
            entry["published"] = number
        elif status in OPEN_STATUSES:
            entry["open_id"], entry["open_status"] = version_id, status
    return state
