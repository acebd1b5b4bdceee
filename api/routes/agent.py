"""What hotline agents use: suggestions while on a call, the hand-off queue, the
dispatch review, and the orders units send back to the centre (``/centre-queue``:
returned, extension requests, overdue and escalated, 回访 and 结案 to do)."""

from __future__ import annotations

import asyncio
from dataclasses import asdict

from anyio import from_thread
from fastapi import APIRouter, Depends, HTTPException, Query
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from api.audit import StaffAccess, staff_access
from api.deps import get_db, get_rasa, get_search, require_agent
from api.rasa_client import RasaClient
from api.routes.cases import work_order_public
from api.schemas import (
    AgentReply,
    CallerCaseOut,
    CallerCasesOut,
    CallerLookupIn,
    CategoryList,
    CategoryOut,
    CentreActionIn,
    CentreQueue,
    CentreQueueItem,
    CentreReason,
    CentreRemarkOut,
    DeadlineOut,
    DispatchDecision,
    DuplicateOut,
    DuplicatesOut,
    HandoffList,
    HandoffOut,
    MergeIn,
    MessageOut,
    MessagesOut,
    ReviewOrderOut,
    ReviewQueue,
    SplitIn,
    SuggestRequest,
    SuggestResponse,
    WorkOrderPublic,
)
from cases import centre_desk, merging
from cases.centre_desk import CentreEntry, Remark
from cases.duplicates import Match
from cases.lifecycle import CENTRE, STATUS_TEXT, Step, apply, status_text
from cases.models import WorkOrder
from cases.routing.router import complaint_router
from cases.work_orders import dispatch_work_order, find_work_order, review_queue
from contact_centre import conversations
from contact_centre.assist import suggest
from contact_centre.caller_cases import caller_cases
from contact_centre.conversations import messages
from contact_centre.handoff import (
    agent_reply,
    agents_queue,
    return_to_bot,
    take_handoff,
)
from contact_centre.models import Handoff
from foundation.errors import ExternalServiceError
from knowledge_base.search.engine import SearchEngine
from privacy.auth import Staff
from privacy.identity import mask_personal_data, normalise_phone
from privacy.models import ApiToken

router = APIRouter(prefix="/api/v1/agent", tags=["agent"])
# A caller with more cases than this is asked which one they mean by its subject.
MOST_CALLER_CASES = 50


@router.post("/suggest", response_model=SuggestResponse)
async def suggest_answers(
    body: SuggestRequest,
    rasa: RasaClient = Depends(get_rasa),
    search: SearchEngine = Depends(get_search),
    agent: ApiToken = Depends(require_agent),
    db: Session = Depends(get_db, scope="function"),
) -> SuggestResponse:
    """Answers for what the caller just said; the NLU's intent picks the aspect.

    An emergency gets a banner (``emergency``: kind, numbers, advice) instead of
    answers and a work order. A complaint or a pasted call transcript gets a
    ``draft`` of its work order.

    The NLU runs while the catalogue is searched and read, through the session that
    authenticated the agent: a second one would hold two of the pool's connections.
    """
    parsing = asyncio.ensure_future(_intent(rasa, body.text))

    async def parsed() -> dict | None:
        return await parsing

    def intent_name() -> str | None:
        # Called in the worker thread: waits on the event loop for the NLU's answer.
        intent = from_thread.run(parsed)
        return intent and intent["name"]

    def run():
        return suggest(
            db,
            search.index,
            complaint_router(search),
            body.text,
            body.top_k,
            intent_name,
            search.remembered,
        )

    assistance = await run_in_threadpool(run)
    return SuggestResponse(
        intent=await parsing,
        suggestions=[s.__dict__ for s in assistance.suggestions],
        work_order=assistance.work_order.__dict__ if assistance.work_order else None,
        emergency=assistance.emergency.__dict__ if assistance.emergency else None,
        not_held=assistance.not_held,
        draft=asdict(assistance.draft) if assistance.draft else None,
    )


async def _intent(rasa: RasaClient, text: str) -> dict | None:
    """The NLU's intent, or None when Rasa cannot say: suggestions come without it."""
    try:
        parsed = await rasa.parse(text)
        return {
            "name": parsed["intent"]["name"],
            "confidence": round(float(parsed["intent"]["confidence"]), 4),
        }
    except (ExternalServiceError, KeyError, TypeError):
        return None


def _handoff_out(db: Session, handoff: Handoff) -> HandoffOut:
    last = messages(db, handoff.session_id, sender="citizen")
    return HandoffOut(
        id=handoff.id,
        session_id=handoff.session_id,
        status=handoff.status,
        language=handoff.language,
        channel=handoff.channel,
        urgent=handoff.urgent,
        emergency=handoff.emergency,
        agent=handoff.agent,
        agent_id=handoff.agent_token_id,
        requested_at=handoff.requested_at,
        taken_at=handoff.taken_at,
        last_message=mask_personal_data(last[-1].text) if last else None,
    )


@router.get("/handoffs", response_model=HandoffList)
def list_handoffs(
    db: Session = Depends(get_db, scope="function"),
    agent: ApiToken = Depends(require_agent),
) -> HandoffList:
    """Conversations waiting for a person or handled by one: urgent ones (an
    emergency) first, then oldest first. One the citizen left, or that waited past
    its time, is not listed."""
    return HandoffList(handoffs=[_handoff_out(db, h) for h in agents_queue(db)])


@router.post("/handoffs/{handoff_id}/take", response_model=HandoffOut)
def take(
    handoff_id: int,
    db: Session = Depends(get_db, scope="function"),
    agent: ApiToken = Depends(require_agent),
) -> HandoffOut:
    """The conversation becomes this token's: only its holder (or an admin) replies
    and hands it back. 403 if another agent has it; 409 if the citizen left or the
    request expired."""
    return _handoff_out(db, take_handoff(db, handoff_id, Staff.of(agent)))


@router.get("/handoffs/{handoff_id}/transcript", response_model=MessagesOut)
def transcript(
    handoff_id: int,
    after: int = 0,
    db: Session = Depends(get_db, scope="function"),
    audit: StaffAccess = Depends(staff_access),
) -> MessagesOut:
    """The conversation with personal data masked; each read that returns messages
    is in the audit log."""
    handoff = db.get(Handoff, handoff_id)
    if handoff is None:
        raise HTTPException(404, f"handoff {handoff_id} not found")
    found = conversations.transcript(
        db, handoff.session_id, after_id=after, masked=True
    )
    if found:
        audit.handoff(handoff.id, ("transcript",))
    return MessagesOut(
        messages=[
            MessageOut(
                id=m.id,
                sender=m.sender,
                text=m.text,
                buttons=(m.payload or {}).get("buttons", []),
                created_at=m.created_at,
            )
            for m in found
        ],
        handoff=handoff.status,
    )


@router.post("/handoffs/{handoff_id}/reply", response_model=MessageOut)
def reply(
    handoff_id: int,
    body: AgentReply,
    db: Session = Depends(get_db, scope="function"),
    agent: ApiToken = Depends(require_agent),
) -> MessageOut:
    """A reply to the citizen, by the agent who took the conversation or an admin."""
    message = agent_reply(db, handoff_id, Staff.of(agent), body.text)
    return MessageOut(
        id=message.id,
        sender=message.sender,
        text=message.text,
        created_at=message.created_at,
    )


@router.get("/dispatch-queue", response_model=ReviewQueue)
def dispatch_queue(
    limit: int = Query(50, ge=1, le=200),
    db: Session = Depends(get_db, scope="function"),
    agent: ApiToken = Depends(require_agent),
) -> ReviewQueue:
    """Work orders the router was not sure enough of, oldest first, each with its top
    three suggestions; personal data masked."""
    return ReviewQueue(
        orders=[
            ReviewOrderOut(
                number=order.number,
                description=mask_personal_data(order.description),
                district=order.district,
                address=mask_personal_data(order.address) if order.address else None,
                created_at=order.created_at,
                category=order.category.code,
                top_level=order.top_level,
                confidence=order.routing_confidence,
                model_version=order.routing_model,
                suggestions=order.routing_suggestions or [],
                unit_level=order.unit_level,
                unit_name=order.unit_name,
                street=order.street,
            )
            for order in review_queue(db, limit)
        ]
    )


@router.post("/work-orders/{number}/dispatch", response_model=WorkOrderPublic)
def dispatch(
    number: str,
    body: DispatchDecision,
    db: Session = Depends(get_db, scope="function"),
    agent: ApiToken = Depends(require_agent),
) -> WorkOrderPublic:
    """Send a waiting order to a category's unit: the suggested one confirms the
    routing, another corrects it (kept for retraining). 409 if it has gone already.

    The order comes back masked, as the queue showed it: dispatching needs no
    personal data (reading it in full is a separate, audited request)."""
    order = dispatch_work_order(db, number, body.category, agent.name)
    return work_order_public(order)


def _compared(order: WorkOrder, match: Match | None = None) -> DuplicateOut:
    return DuplicateOut(
        number=order.number,
        status=order.status,
        status_text=status_text(order, "zh"),
        category_name=order.category.name,
        district=order.district,
        street=order.street,
        address=mask_personal_data(order.address) if order.address else None,
        description=mask_personal_data(order.description),
        created_at=order.created_at,
        unit_name=order.unit_name,
        score=match.score if match else order.duplicate_score,
        reasons=list(match.reasons) if match else [],
    )


@router.post("/caller-cases", response_model=CallerCasesOut)
def cases_of_caller(
    lookup: CallerLookupIn,
    audit: StaffAccess = Depends(staff_access),
    db: Session = Depends(get_db, scope="function"),
) -> CallerCasesOut:
    """The cases filed with a caller's mobile number, newest first, for a caller who
    has lost the tracking number: confirm who is calling before reading them out.
    The number is sent in the body, never in the address, which access logs keep;
    each case listed is in the audit log (422 for what is not a mobile number)."""
    found = caller_cases(db, lookup.phone)
    shown = found[:MOST_CALLER_CASES]
    for case in shown:
        if case.kind == "application":
            audit.application_fields(case.number, ("phone",))
        else:
            audit.work_order_fields(case.number, ("contact_phone",))
    return CallerCasesOut(
        phone=mask_personal_data(normalise_phone(lookup.phone) or ""),
        cases=[CallerCaseOut(**asdict(case)) for case in shown],
        more=len(found) > len(shown),
    )


@router.get("/work-orders/{number}/duplicates", response_model=DuplicatesOut)
def duplicates(
    number: str,
    limit: int = Query(5, ge=1, le=20),
    db: Session = Depends(get_db, scope="function"),
    agent: ApiToken = Depends(require_agent),
) -> DuplicatesOut:
    """The open orders this one may repeat, best first with their similarity, and the
    reports merged into it; personal data masked, as merging needs none."""
    order = find_work_order(db, number.upper())
    candidates = (
        merging.duplicates_of(db, order.number, limit)
        if order.status in merging.MERGEABLE
        else []
    )
    return DuplicatesOut(
        number=order.number,
        status=order.status,
        merged_into=order.merged_into.number if order.merged_into else None,
        candidates=[_compared(found.order, found.match) for found in candidates],
        joined=[
            _compared(joined) for joined in merging.joined_reports(db, order.number)
        ],
    )


@router.post("/work-orders/{number}/merge", response_model=WorkOrderPublic)
def merge(
    number: str,
    body: MergeIn,
    db: Session = Depends(get_db, scope="function"),
    agent: ApiToken = Depends(require_agent),
) -> WorkOrderPublic:
    """Merge this order (and the reports joined to it) into ``into``, an order about
    the same event still being handled; its citizen is told. 422 if either is
    finished or merged already."""
    return work_order_public(merging.merge(db, number.upper(), body.into, agent.name))


@router.post("/work-orders/{number}/split", response_model=WorkOrderPublic)
def split(
    number: str,
    body: SplitIn,
    db: Session = Depends(get_db, scope="function"),
    agent: ApiToken = Depends(require_agent),
) -> WorkOrderPublic:
    """A merged report becomes an order of its own, back in the dispatch review with
    a fresh time limit. 422 if it is not merged."""
    return work_order_public(merging.split(db, number.upper(), agent.name, body.note))


@router.post("/handoffs/{handoff_id}/return", response_model=HandoffOut)
def hand_back(
    handoff_id: int,
    db: Session = Depends(get_db, scope="function"),
    agent: ApiToken = Depends(require_agent),
) -> HandoffOut:
    """The conversation goes back to the assistant: a taken one by its agent or an
    admin only (403 for another agent)."""
    return _handoff_out(db, return_to_bot(db, handoff_id, Staff.of(agent)))


@router.post(
    "/work-orders/{number}/actions",
    response_model=WorkOrderPublic,
    summary="The centre's side of an order: extensions, 督办, 回访, closing",
    responses={
        404: {"description": "no such work order"},
        409: {"description": "the order moved on meanwhile"},
        422: {
            "description": "the action does not apply to the order's state, or "
            "lacks what it needs (a reason to refuse, a satisfaction to visit)"
        },
    },
)
def centre_action(
    number: str,
    body: CentreActionIn,
    db: Session = Depends(get_db, scope="function"),
    agent: ApiToken = Depends(require_agent),
) -> WorkOrderPublic:
    """An agent or admin acts on an order through the work-order lifecycle:

    - ``approve_extension`` / ``refuse_extension`` (the reason in ``note``) of the
      extension its unit asked for;
    - ``supervise`` (督办) an open order;
    - ``visit`` (回访) a completed one with the citizen's ``satisfaction``; 不满意
      sends it back to its unit once (重办), then escalates;
    - ``close`` (结案).

    Dispatching (派单, 改派) has its own route. The order comes back masked, as
    acting needs no personal data."""
    order = apply(
        db,
        number.upper(),
        Step(
            body.action,
            agent.name,
            CENTRE,
            note=body.note,
            days=body.days,
            satisfaction=body.satisfaction,
        ),
    )
    return work_order_public(order)


def _remark(remark: Remark | None) -> CentreRemarkOut | None:
    if remark is None:
        return None
    return CentreRemarkOut(actor=remark.actor, at=remark.at, note=remark.note)


def _centre_item(entry: CentreEntry) -> CentreQueueItem:
    order = entry.order
    deadline = entry.deadline
    return CentreQueueItem(
        number=order.number,
        category=order.category.code,
        category_name=order.category.name,
        department_name=order.department.name,
        unit_name=order.unit_name,
        unit_level=order.unit_level,
        district=order.district,
        street=order.street,
        status=order.status,
        status_text=STATUS_TEXT["zh"][order.status],
        excerpt=entry.excerpt,
        created_at=order.created_at,
        updated_at=order.updated_at,
        due_date=order.due_date,
        reasons=list(entry.reasons),
        returned=_remark(entry.returned),
        extension_days=order.extension_days,
        extension=_remark(entry.extension),
        extended_due=entry.extended_due,
        deadline=(
            DeadlineOut(kind=deadline.kind, due=deadline.due, urgency=deadline.urgency)
            if deadline
            else None
        ),
        supervision_count=order.supervision_count or 0,
        supervised_at=order.supervised_at,
        reopened_count=order.reopened_count or 0,
        result=entry.result,
        completed_at=order.completed_at,
        conversation=bool(order.session_id),
        satisfaction=order.satisfaction,
        suggestions=order.routing_suggestions or [],
        actions=list(entry.actions),
    )


@router.get(
    "/centre-queue",
    response_model=CentreQueue,
    summary="Orders waiting for the centre: 退回, 延期, 超期, 督办, 回访, 结案",
    responses={
        401: {"description": "no valid bearer token"},
        403: {"description": "not an agent's or admin's token"},
        422: {"description": "an unknown reason, or the limit out of bounds"},
    },
)
def centre_queue(
    reason: CentreReason | None = Query(
        None, description="only the orders waiting for this reason"
    ),
    limit: int = Query(centre_desk.DEFAULT_LIMIT, ge=1, le=centre_desk.MAX_LIMIT),
    db: Session = Depends(get_db, scope="function"),
    agent: ApiToken = Depends(require_agent),
) -> CentreQueue:
    """What units send back and time limits raise, for an agent to decide:

    - ``returned``: returned by its unit (退回) with the reason: dispatch it again
      (改派, ``POST …/dispatch`` with the same category or another) or close it;
    - ``extension``: the unit asks for working days (延期): ``approve_extension``, or
      ``refuse_extension`` with the reason;
    - ``overdue``: past its signing or handling time limit: ``supervise`` (督办);
    - ``supervised``: escalated and still open, followed until handled;
    - ``visit``: completed and the 回访 not recorded: at once for an order filed
      without a conversation, after two working days for a citizen asked in the chat;
      ``visit`` with the citizen's answer, or ``close``;
    - ``close``: visited, waiting to be closed (结案).

    Listed by reason in that order, the longest untouched first; each order once,
    with all its reasons. ``counts`` gives every reason's figure whatever was asked.
    Personal data masked: acting needs none (reading an order in full is the audited
    ``GET /api/v1/work-orders/{number}``)."""
    found = centre_desk.centre_queue(db, reason=reason, limit=limit)
    return CentreQueue(
        total=found.total,
        waiting=found.waiting,
        counts=found.counts,
        orders=[_centre_item(entry) for entry in found.entries],
    )


@router.get(
    "/categories",
    response_model=CategoryList,
    summary="The work-order categories an order may be dispatched to",
    responses={
        401: {"description": "no valid bearer token"},
        403: {"description": "not an agent's or admin's token"},
    },
)
def categories(
    db: Session = Depends(get_db, scope="function"),
    agent: ApiToken = Depends(require_agent),
) -> CategoryList:
    """Every category with its lead department, the level that handles it (city,
    district, street) and its time limit in working days: the choices of 改派."""
    return CategoryList(
        categories=[
            CategoryOut(
                code=category.code,
                name=category.name,
                department_name=category.department.name,
                level=category.level,
                time_limit_days=category.time_limit_days,
            )
            for category in centre_desk.dispatch_categories(db)
        ]
    )
