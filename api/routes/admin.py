"""What admins read about staff: the audit log of access to citizens' personal data."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from sqlalchemy.orm import Session

from api.deps import get_db, require_admin
from api.schemas import LocalTime
from privacy.audit import DEFAULT_LIMIT, MAX_LIMIT, RECORD_KINDS, query_access
from privacy.models import ApiToken

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])
KIND_PATTERN = "^(" + "|".join(RECORD_KINDS) + ")$"


class AccessOut(BaseModel):
    id: int
    at: LocalTime
    # None for an operator at the command line (role "operator"), who holds no token.
    token_id: int | None
    actor: str
    role: str
    kind: str
    record: str
    fields: list[str]
    client_address: str | None
    via: str | None


class AuditOut(BaseModel):
    entries: list[AccessOut]
    limit: int


@router.get("/audit", response_model=AuditOut)
def read_audit_log(
    record: str | None = Query(
        None, max_length=128, description="a case's number or a hand-off's id"
    ),
    kind: str | None = Query(None, pattern=KIND_PATTERN),
    actor: str | None = Query(None, max_length=100, description="a staff name"),
    token_id: int | None = Query(None, ge=1, le=2**31 - 1),
    since: dt.datetime | dt.date | None = Query(
        None, description="from this day or time on (Shanghai time without offset)"
    ),
    until: dt.datetime | dt.date | None = Query(None, description="before this"),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    db: Session = Depends(get_db, scope="function"),
    admin: ApiToken = Depends(require_admin),
) -> AuditOut:
    """Who was shown which personal fields of which record, when and from where;
    newest first. For admins only."""
    entries = query_access(
        db,
        record=record,
        kind=kind,
        actor=actor,
        token_id=token_id,
        since=since,
        until=until,
        limit=limit,
    )
    return AuditOut(
        entries=[
            AccessOut(
                id=e.id,
                at=e.at,
                token_id=e.token_id,
                actor=e.actor_name,
                role=e.actor_role,
                kind=e.record_kind,
                record=e.record,
                fields=e.fields,
                client_address=e.client_address,
                via=e.via,
            )
            for e in entries
        ],
        limit=limit,
    )
