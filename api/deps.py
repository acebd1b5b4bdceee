"""Dependencies shared by the routes: a session per request, search, Rasa, authentication."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterator

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from api.rasa_client import RasaClient
from cases.access import AttemptLimit
from knowledge_base.search.engine import SearchEngine
from privacy.auth import authenticate
from privacy.models import (
    CENTRE_ROLES,
    DEPARTMENT,
    EDITOR,
    MANAGER,
    REVIEWER,
    ApiToken,
)

_bearer = HTTPBearer(auto_error=False)


def get_db(request: Request) -> Iterator[Session]:
    """One transaction per request, committed when the route returns without error.

    Routes depend on it with ``scope="function"`` so the commit happens before the
    response is sent: a client never holds an acknowledgement for uncommitted data.
    """
    with Session(request.app.state.engine) as session, session.begin():
        yield session


def get_search(request: Request) -> SearchEngine:
    return request.app.state.search


def get_case_attempts(request: Request) -> AttemptLimit:
    return request.app.state.case_attempts


def get_rasa(request: Request) -> RasaClient:
    return request.app.state.rasa


# The token roles each kind of endpoint accepts. A department token is for its unit's
# desk only: it never reaches the centre's conversations, cases or dashboard. A manager
# reads the performance figures only, which admins may read too; no manager reaches a
# citizen's conversation or case.
_ACCEPTED_ROLES = {
    "agent": CENTRE_ROLES,
    "admin": ("admin",),
    DEPARTMENT: (DEPARTMENT,),
    MANAGER: (MANAGER, "admin"),
    # The knowledge workbench: editors draft guides, reviewers publish them, and
    # neither role is the other's; admins may read the workbench, not change guides.
    "knowledge": (EDITOR, REVIEWER, "admin"),
    EDITOR: (EDITOR,),
    REVIEWER: (REVIEWER,),
}


def require_role(role: str) -> Callable[..., ApiToken]:
    """Agents may use agent endpoints; admins may use agent, admin and manager
    endpoints; a handling unit's department token only department endpoints, and a
    manager's only manager endpoints."""
    accepted = _ACCEPTED_ROLES[role]

    def check(
        request: Request,
        credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
        db: Session = Depends(get_db, scope="function"),
    ) -> ApiToken:
        if credentials is None:
            raise HTTPException(
                401, "missing bearer token", headers={"WWW-Authenticate": "Bearer"}
            )
        token = authenticate(db, credentials.credentials)
        if token is None:
            request.app.state.limits.refused(credentials.credentials)
            raise HTTPException(
                401,
                "invalid, expired or revoked token",
                headers={"WWW-Authenticate": "Bearer"},
            )
        request.app.state.limits.accepted(credentials.credentials)
        if token.role not in accepted:
            raise HTTPException(403, f"{' or '.join(accepted)} role required")
        return token

    return check


require_agent = require_role("agent")
require_admin = require_role("admin")
require_department = require_role(DEPARTMENT)
require_manager = require_role(MANAGER)
require_knowledge_reader = require_role("knowledge")
require_editor = require_role(EDITOR)
require_reviewer = require_role(REVIEWER)


def require_metrics_token(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
) -> None:
    """Metrics are for the scraper holding ``HOTLINE_METRICS_TOKEN``, as its bearer: they
    tell anyone how busy the hotline is and what fails. Without that setting they are
    not served at all."""
    expected = request.app.state.metrics_token
    if expected is None:
        raise HTTPException(404, "Not Found")
    if credentials is None or not hmac.compare_digest(
        credentials.credentials.encode(), expected.get_secret_value().encode()
    ):
        raise HTTPException(
            401, "the metrics token is required", headers={"WWW-Authenticate": "Bearer"}
        )
