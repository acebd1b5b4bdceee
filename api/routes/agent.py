"""What hotline agents use: suggestions while on a call, and the hand-off queue."""

from __future__ import annotations

import asyncio

from anyio import from_thread
from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from api.deps import get_db, get_rasa, get_search, require_agent
from api.rasa_client import RasaClient
from api.schemas import (
    AgentReply,
    HandoffList,
    HandoffOut,
    MessageOut,
    MessagesOut,
    SuggestRequest,
    SuggestResponse,
)
from cases.routing.classify import complaint_classifier
from contact_centre import conversations
from contact_centre.assist import suggest
from contact_centre.conversations import handoffs_by_status, messages
from contact_centre.models import Handoff
from foundation.errors import ExternalServiceError
from knowledge_base.search.engine import SearchEngine
from privacy.identity import mask_personal_data
from privacy.models import ApiToken

router = APIRouter(prefix="/api/v1/agent", tags=["agent"])


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
    answers and a work order.

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
            complaint_classifier(search),
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
    emergency) first, then oldest first."""
    return HandoffList(
        handoffs=[
            _handoff_out(db, h) for h in handoffs_by_status(db, ("waiting", "active"))
        ]
    )


@router.post("/handoffs/{handoff_id}/take", response_model=HandoffOut)
def take(
    handoff_id: int,
    db: Session = Depends(get_db, scope="function"),
    agent: ApiToken = Depends(require_agent),
) -> HandoffOut:
    return _handoff_out(db, conversations.take_handoff(db, handoff_id, agent.name))


@router.get("/handoffs/{handoff_id}/transcript", response_model=MessagesOut)
def transcript(
    handoff_id: int,
    after: int = 0,
    db: Session = Depends(get_db, scope="function"),
    agent: ApiToken = Depends(require_agent),
) -> MessagesOut:
    """The conversation with personal data masked."""
    handoff = db.get(Handoff, handoff_id)
    if handoff is None:
        raise HTTPException(404, f"handoff {handoff_id} not found")
    found = conversations.transcript(
        db, handoff.session_id, after_id=after, masked=True
    )
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
    message = conversations.agent_reply(db, handoff_id, agent.name, body.text)
    return MessageOut(
        id=message.id,
        sender=message.sender,
        text=message.text,
        created_at=message.created_at,
    )


@router.post("/handoffs/{handoff_id}/return", response_model=HandoffOut)
def hand_back(
    handoff_id: int,
    db: Session = Depends(get_db, scope="function"),
    agent: ApiToken = Depends(require_agent),
) -> HandoffOut:
    """The conversation goes back to the assistant."""
    return _handoff_out(db, conversations.return_to_bot(db, handoff_id))
