"""The citizens' conversation: send a message, and poll for what agents write back."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from sqlalchemy.orm import Session

from api.conversation import converse
from api.deps import get_db, get_rasa
from api.params import DB_ID_MAX
from api.rasa_client import RasaClient
from api.schemas import ChatRequest, ChatResponse, MessageOut, MessagesOut, SessionId
from contact_centre.conversations import messages, open_handoff

router = APIRouter(prefix="/api/v1/chat", tags=["chat"])


@router.post("", response_model=ChatResponse)
async def chat(
    body: ChatRequest, request: Request, rasa: RasaClient = Depends(get_rasa)
) -> ChatResponse:
    """One citizen message; the replies come back at once (agents' replies: poll messages)."""
    if not await request.app.state.limits.allow_session(body.session_id):
        raise HTTPException(
            429,
            "too many messages in this conversation; please wait a moment",
            headers={"Retry-After": "60"},
        )
    channel = request.headers.get("X-Hotline-Channel", "web")[:32]
    state = request.app.state
    result = await converse(
        state.engine,
        state.search,
        rasa,
        body.session_id,
        body.text,
        body.lang,
        channel,
    )
    return ChatResponse(**result.__dict__)


@router.get("/{session_id}/messages", response_model=MessagesOut)
def poll_messages(
    session_id: SessionId,
    after: int = Query(
        0, ge=0, le=DB_ID_MAX, description="id of the last message already shown"
    ),
    db: Session = Depends(get_db, scope="function"),
) -> MessagesOut:
    """Messages after ``after``, agents' replies included, and the hand-off state."""
    found = messages(db, session_id, after_id=after)
    handoff = open_handoff(db, session_id)
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
        handoff=handoff.status if handoff else "none",
    )
