"""Applications, work orders and feedback: what citizens and agents create and track.

Creating accepts an ``Idempotency-Key`` header: a client that retries after a timeout gets
the record it already created, never a second one. A key counts only for the client
that sent it (its bearer token if it has a valid one, else its address as the gateway
sees it), and only with the same body: the same key with another body gets 409
(``cases.idempotency``).

Reading a case (``cases.access``): a citizen posts its number with the last four digits
of the phone given when filing, or the query code a record without a phone was given
once, to ``…/lookup`` (in the body, so neither reaches an address bar, a proxy's log or
a ``Referer``); a wrong proof and an unknown number get the same 404, and a number that
failed too often (five times in an hour, ten in a day) gets 429 whoever asks.
``GET …/{number}`` is for agents and admins with their bearer token, and shows the
record in full.

A filing (or a rating) is linked to a chat conversation by ``session_id`` only with
proof: the session id the gateway issued to the chat client (``privacy.chat_sessions``),
or, from an agent or admin with their bearer token, the id a conversation is stored
under (the console files for the conversation it holds). Anything else is refused
with 422: a citizen's progress notices must never be sent into someone else's
conversation. The channel is the linked conversation's (``web``, ``miniprogram``,
``wechat``), or ``api`` for a filing linked to none; no header decides it.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Depends, Header, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from api.audit import StaffAccess, staff_access
from api.deps import get_case_attempts, get_db, get_search, require_agent
from api.schemas import (
    ApplicationCreate,
    ApplicationCreated,
    ApplicationPublic,
    CaseLookup,
    FeedbackCreate,
    FeedbackOut,
    WorkOrderCreate,
    WorkOrderCreated,
    WorkOrderPublic,
    WorkOrderUpdateIn,
)
from cases.access import (
    AttemptLimit,
    issue_query_code,
    open_application,
    open_work_order,
)
from cases.applications import STATUS_TEXT as APPLICATION_STATUS
from cases.applications import (
    ApplicationRequest,
    find_application,
    next_steps,
    submit_application,
)
from cases.disclosure import applicant_shown, contact_shown, work_order_text_shown
from cases.idempotency import address_scope, token_scope
from cases.lifecycle import status_text
from cases.models import PRAISE, Application, WorkOrder
from cases.praise import pass_on_praise
from cases.routing.router import complaint_router
from cases.work_orders import (
    WorkOrderRequest,
    change_status,
    file_work_order,
    find_work_order,
)
from contact_centre.feedback import record_feedback
from knowledge_base.search.engine import SearchEngine
from privacy.auth import authenticate
from privacy.chat_sessions import MINIPROGRAM, WEB, channel_of, open_session
from privacy.models import CENTRE_ROLES, ApiToken

router = APIRouter(prefix="/api/v1", tags=["cases"])
IdempotencyKey = Header(None, alias="Idempotency-Key", max_length=128)
LOOKUP_RESPONSES: dict[int | str, dict] = {
    404: {
        "description": "no such number, or the proof does not match: the same answer"
    },
    422: {"description": "neither or both of phone_last4 and query_code given"},
    429: {
        "description": "this number failed too often lately (5 in an hour, "
        "10 in a day): refused for everyone until Retry-After seconds have passed"
    },
}
STAFF_RESPONSES: dict[int | str, dict] = {
    401: {"description": "no valid bearer token: citizens use the lookup"}
}
CREATE_RESPONSES: dict[int | str, dict] = {
    409: {
        "description": "this client already used the Idempotency-Key with another body"
    },
    422: {
        "description": "among others: a session_id the client cannot show is its own"
    },
}
# The channel of what is filed through the API without a conversation.
API_CHANNEL = "api"
UNPROVEN_SESSION = (
    "not a session id this gateway issued to a chat client (or it has expired); "
    "leave it out to file without linking a conversation"
)
_optional_bearer = HTTPBearer(auto_error=False)


def caller_token(
    credentials: HTTPAuthorizationCredentials | None = Depends(_optional_bearer),
    db: Session = Depends(get_db, scope="function"),
) -> ApiToken | None:
    """The valid bearer token the request came with, if any; anonymous otherwise."""
    if credentials is None:
        return None
    return authenticate(db, credentials.credentials)


def idempotency_scope(
    request: Request, token: ApiToken | None = Depends(caller_token)
) -> str:
    """Whose Idempotency-Key this is: something the client cannot claim for another.

    A signed-in agent's keys are its token's; anyone else's are its address's (from
    ``X-Forwarded-For`` only when a trusted proxy connects). Not the body's session id,
    which the client chooses.
    """
    if token is not None:
        return token_scope(token.id)
    return address_scope(request.client.host if request.client else "unknown")


@dataclass(frozen=True)
class Origin:
    """The conversation a filing is linked to, if any, and the channel it came by."""

    session_id: str | None
    channel: str


def origin(given: str | None, token: ApiToken | None) -> Origin:
    """Where a filing comes from: the conversation ``given`` proves, or none.

    Raises:
        HTTPException: 422, ``given`` is neither a session the gateway issued nor,
            with an agent's or admin's token, a stored conversation's id.
    """
    if given is None:
        return Origin(None, API_CHANNEL)
    for channel in (WEB, MINIPROGRAM):
        session = open_session(given, channel)
        if session is not None:
            return Origin(session.id, channel)
    if token is not None and token.role in CENTRE_ROLES:
        return Origin(given, channel_of(given))
    raise HTTPException(
        422, [{"field": "body.session_id", "message": UNPROVEN_SESSION}]
    )


def application_public(
    application: Application, lang: str = "zh", *, staff: bool = False
) -> ApplicationPublic:
    applicant = applicant_shown(application, staff=staff)
    return ApplicationPublic(
        number=application.number,
        service={"code": application.service.code, "name": application.service.name},
        applicant_name=applicant.name,
        id_number=applicant.id_number,
        phone=applicant.phone,
        district=application.district,
        status=application.status,
        status_text=APPLICATION_STATUS[lang][application.status],
        next_steps=next_steps(application, lang),
        created_at=application.created_at,
        updated_at=application.updated_at,
    )


def work_order_public(
    order: WorkOrder, lang: str = "zh", *, staff: bool = False
) -> WorkOrderPublic:
    contact = contact_shown(order, staff=staff)
    return WorkOrderPublic(
        number=order.number,
        category=order.category.code,
        category_name=order.category.name,
        department=order.department.code,
        department_name=order.department.name,
        district=order.district,
        address=work_order_text_shown(order, order.address, staff=staff),
        occurred_at=order.occurred_at,
        description=work_order_text_shown(order, order.description, staff=staff) or "",
        contact_name=contact.name,
        contact_phone=contact.phone,
        anonymous=order.anonymous,
        status=order.status,
        status_text=status_text(order, lang),
        due_date=order.due_date,
        created_at=order.created_at,
        top_level=order.top_level,
        dispatch_method=order.dispatch_method,
        routing_confidence=order.routing_confidence,
        routing_model=order.routing_model,
        unit_level=order.unit_level,
        unit_name=order.unit_name,
        street=order.street,
        merged_into=order.merged_into.number if order.merged_into else None,
        kind=order.appeal_kind,
        history=[
            {
                "status": u.status,
                "note": work_order_text_shown(order, u.note, staff=staff),
                "actor": u.actor,
                "created_at": u.created_at,
            }
            for u in order.updates
        ],
    )


@router.post(
    "/applications",
    response_model=ApplicationCreated,
    status_code=201,
    responses=CREATE_RESPONSES,
)
def create_application(
    body: ApplicationCreate,
    idempotency_key: str | None = IdempotencyKey,
    scope: str = Depends(idempotency_scope),
    token: ApiToken | None = Depends(caller_token),
    db: Session = Depends(get_db, scope="function"),
) -> ApplicationCreated:
    came = origin(body.session_id, token)
    application = submit_application(
        db,
        ApplicationRequest(
            service_code=body.service_code,
            applicant_name=body.applicant_name,
            id_number=body.id_number,
            phone=body.phone,
            district=body.district,
            consent=body.consent,
            channel=came.channel,
            session_id=came.session_id,
            idempotency_key=idempotency_key,
            idempotency_scope=scope,
        ),
    )
    code = issue_query_code(application)
    return ApplicationCreated(**application_public(application).dict(), query_code=code)


@router.post(
    "/applications/lookup",
    response_model=ApplicationPublic,
    responses=LOOKUP_RESPONSES,
)
def look_up_application(
    body: CaseLookup,
    db: Session = Depends(get_db, scope="function"),
    attempts: AttemptLimit = Depends(get_case_attempts),
) -> ApplicationPublic:
    """An application, for its owner: its number and the last four digits of the
    phone given when applying. Personal fields are masked."""
    return application_public(open_application(db, body.number, body.proof, attempts))


@router.get(
    "/applications/{number}",
    response_model=ApplicationPublic,
    responses=STAFF_RESPONSES,
)
def read_application(
    number: str,
    db: Session = Depends(get_db, scope="function"),
    staff: ApiToken = Depends(require_agent),
    audit: StaffAccess = Depends(staff_access),
) -> ApplicationPublic:
    """An application in full, for agents and admins (bearer token); audited."""
    application = audit.application(find_application(db, number.upper()))
    return application_public(application, staff=True)


@router.post(
    "/work-orders",
    response_model=WorkOrderCreated,
    status_code=201,
    responses=CREATE_RESPONSES,
)
def create_work_order(
    body: WorkOrderCreate,
    idempotency_key: str | None = IdempotencyKey,
    scope: str = Depends(idempotency_scope),
    token: ApiToken | None = Depends(caller_token),
    db: Session = Depends(get_db, scope="function"),
    search: SearchEngine = Depends(get_search),
) -> WorkOrderCreated:
    """File a work order. One filed without a phone gets a query code, in this
    response only: its owner needs it to read the order."""
    came = origin(body.session_id, token)
    file = pass_on_praise if body.kind == PRAISE else file_work_order
    order = file(
        db,
        WorkOrderRequest(
            description=body.description,
            category_code=body.category,
            district=body.district,
            address=body.address,
            occurred_at=body.occurred_at,
            contact_name=body.contact_name,
            contact_phone=body.contact_phone,
            anonymous=body.anonymous,
            channel=came.channel,
            session_id=came.session_id,
            language=body.language,
            idempotency_key=idempotency_key,
            idempotency_scope=scope,
            join_duplicates=body.join_duplicates,
        ),
        complaint_router(search),
    )
    code = issue_query_code(order)
    return WorkOrderCreated(**work_order_public(order).dict(), query_code=code)


@router.post(
    "/work-orders/lookup", response_model=WorkOrderPublic, responses=LOOKUP_RESPONSES
)
def look_up_work_order(
    body: CaseLookup,
    db: Session = Depends(get_db, scope="function"),
    attempts: AttemptLimit = Depends(get_case_attempts),
) -> WorkOrderPublic:
    """A work order, for its owner: its number and the last four digits of the
    phone given when filing, or the query code an order without a phone was given.
    Personal data is masked, in the free text too."""
    return work_order_public(open_work_order(db, body.number, body.proof, attempts))


@router.get(
    "/work-orders/{number}", response_model=WorkOrderPublic, responses=STAFF_RESPONSES
)
def read_work_order(
    number: str,
    db: Session = Depends(get_db, scope="function"),
    staff: ApiToken = Depends(require_agent),
    audit: StaffAccess = Depends(staff_access),
) -> WorkOrderPublic:
    """A work order in full, for agents and admins (bearer token); audited."""
    return work_order_public(
        audit.work_order(find_work_order(db, number.upper())), staff=True
    )


@router.patch("/work-orders/{number}", response_model=WorkOrderPublic)
def update_work_order(
    number: str,
    body: WorkOrderUpdateIn,
    db: Session = Depends(get_db, scope="function"),
    agent: ApiToken = Depends(require_agent),
    audit: StaffAccess = Depends(staff_access),
) -> WorkOrderPublic:
    return work_order_public(
        audit.work_order(
            change_status(
                db, number.upper(), body.status, actor=agent.name, note=body.note
            )
        ),
        staff=True,
    )


@router.post("/feedback", response_model=FeedbackOut, status_code=201)
def create_feedback(
    body: FeedbackCreate,
    token: ApiToken | None = Depends(caller_token),
    db: Session = Depends(get_db, scope="function"),
) -> FeedbackOut:
    """A rating, of the conversation ``session_id`` proves (the widget's), or of none."""
    came = origin(body.session_id, token)
    feedback = record_feedback(
        db,
        body.rating,
        body.comment,
        session_id=came.session_id,
        channel=came.channel,
    )
    return FeedbackOut(
        id=feedback.id, rating=feedback.rating, created_at=feedback.created_at
    )
