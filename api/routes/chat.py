"""The citizens' conversation: send a message, and poll for what agents write back.

The route decides the channel, never a header: ``/api/v1/chat`` is the web widget's
(``web``), ``/api/v1/miniprogram/chat`` the mini-program's (``miniprogram``); WeChat's
customer-service messages come through ``api/routes/wechat.py`` (``wechat``).

The gateway issues the sessions (``privacy.chat_sessions``): a first message without a
``session_id`` is answered with a new signed one, which the client sends with its later
messages and its polls. A session id the gateway did not issue for this route (an old
client's own, one altered, or one older than the retention period) starts a new
session instead, so that no client can write into another's conversation and no
citizen's widget is stuck with an id that no longer counts. A ``wx:`` id is refused:
those are WeChat's, and no client is ever given one. Only the holder of a session's
token reads its messages; agents read conversations through their own, audited route
(``/api/v1/agent/handoffs/{id}/transcript``).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from sqlalchemy.orm import Session

from api.conversation import converse
from api.deps import get_db, get_rasa
from api.params import DB_ID_MAX
from api.rasa_client import RasaClient
from api.schemas import (
    ChatMessagesOut,
    ChatRequest,
    ChatResponse,
    MessageOut,
    SessionId,
)
from contact_centre.conversations import messages
from contact_centre.handoff import standing
from privacy.chat_sessions import (
    MINIPROGRAM,
    WEB,
    is_wechat,
    new_session,
    open_session,
)

router = APIRouter(tags=["chat"])
# The door of each client, and the channel its conversations are on.
DOORS = {"/api/v1/chat": WEB, "/api/v1/miniprogram/chat": MINIPROGRAM}
UNKNOWN_SESSION = (
    "no conversation for this session id here: it was not issued by this gateway for "
    "this channel, or has expired. Send a message without one to start a session"
)
WECHAT_ID = (
    "session ids starting with wx: are WeChat's own; send a message without a "
    "session_id to be given one"
)
CHAT_RESPONSES: dict[int | str, dict] = {
    400: {"description": "a wx: session id, which only WeChat's route uses"},
    429: {"description": "too many messages in this conversation"},
}
POLL_RESPONSES: dict[int | str, dict] = {
    404: {"description": "a session id this gateway did not issue for this channel"}
}


def _add_door(prefix: str, channel: str) -> None:
    @router.post(prefix, response_model=ChatResponse, responses=CHAT_RESPONSES)
    async def chat(
        body: ChatRequest, request: Request, rasa: RasaClient = Depends(get_rasa)
    ) -> ChatResponse:
        """One citizen message; the replies come back at once (agents' replies: poll
        messages). Keep the answer's ``session_id`` and send it with the next one."""
        if body.session_id is not None and is_wechat(body.session_id):
            raise HTTPException(400, WECHAT_ID)
        session = open_session(body.session_id, channel) or new_session(channel)
        state = request.app.state
        if not await state.limits.allow_session(session.id):
            raise HTTPException(
                429,
                "too many messages in this conversation; please wait a moment",
                headers={"Retry-After": "60"},
            )
        result = await converse(
            state.engine,
            state.search,
            rasa,
            session.id,
            body.text,
            body.lang,
            channel,
        )
        return ChatResponse(**{**result.__dict__, "session_id": session.token})

    @router.get(
        prefix + "/{session_id}/messages",
        response_model=ChatMessagesOut,
        responses=POLL_RESPONSES,
    )
    def poll_messages(
        session_id: SessionId,
        after: int = Query(
            0, ge=0, le=DB_ID_MAX, description="id of the last message already shown"
        ),
        db: Session = Depends(get_db, scope="function"),
    ) -> ChatMessagesOut:
        """Messages after ``after``, agents' replies included, the hand-off's state
        (``none``, ``waiting``, ``active``) and, while it waits, the citizen's place in
        the queue, for the holder of the session's id. A request past its time expires
        here, its apology among the messages. Keep the answer's ``session_id``."""
        session = open_session(session_id, channel)
        if session is None:
            raise HTTPException(404, UNKNOWN_SESSION)
        stand = standing(db, session.id)
        found = messages(db, session.id, after_id=after)
        return ChatMessagesOut(
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
            handoff=stand.status,
            queue_position=stand.position,
            session_id=session.token,
        )


for _prefix, _channel in DOORS.items():
    _add_door(_prefix, _channel)
