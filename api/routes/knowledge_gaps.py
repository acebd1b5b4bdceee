"""The gap report of the knowledge workbench: what citizens asked that the guides could
not answer (``contact_centre.knowledge_gaps``), for editors, reviewers and admins.

The examples are citizens' own words, masked; reading them is still a staff read of
what citizens wrote, so every read is in the audit log as a ``report``
(``knowledge_gaps``), like a manager's read of the performance figures.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session

from api.audit import StaffAccess
from api.deps import get_db, get_search, require_knowledge_reader
from contact_centre.knowledge_gaps import MAX_LIMIT, knowledge_gaps, period_start
from foundation import clock
from knowledge_base.search.engine import SearchEngine
from privacy.models import ApiToken

router = APIRouter(prefix="/api/v1/knowledge", tags=["knowledge"])


class GapOut(BaseModel):
    kind: str
    title: str
    count: int
    examples: list[str]
    service_code: str | None
    sample_question: str


class GapReportOut(BaseModel):
    since: dt.datetime
    until: dt.datetime
    gaps: list[GapOut]


@router.get(
    "/gaps",
    response_model=GapReportOut,
    responses={
        401: {"description": "no valid bearer token"},
        403: {"description": "not an editor's, a reviewer's or an admin's token"},
        422: {"description": "since, until or limit not understood, with the reason"},
    },
)
def read_gaps(
    request: Request,
    since: str = Query("7d", max_length=32, description="7d, 24h or a date"),
    until: str | None = Query(None, max_length=32, description="as since; now"),
    limit: int = Query(50, ge=1, le=MAX_LIMIT),
    db: Session = Depends(get_db, scope="function"),
    token: ApiToken = Depends(require_knowledge_reader),
    search: SearchEngine = Depends(get_search),
) -> GapReportOut:
    """Clusters of like questions, most asked first, each with masked examples."""
    now = clock.now()
    start = period_start(since, now=now)
    end = _until(until, now)
    gaps = knowledge_gaps(db, since=start, until=end, limit=limit, index=search.index)
    StaffAccess(db, token, request).report(
        "knowledge_gaps", ("examples",) if gaps else ()
    )
    return GapReportOut(
        since=start,
        until=end,
        gaps=[
            GapOut(
                kind=g.kind,
                title=g.title,
                count=g.count,
                examples=list(g.examples),
                service_code=g.service_code,
                sample_question=g.sample_question,
            )
            for g in gaps
        ],
    )


def _until(value: str | None, now: dt.datetime) -> dt.datetime:
    """``until`` reads as ``since`` does: "1d" ends the period a day ago."""
    return now if value is None else period_start(value, now=now, name="until")
