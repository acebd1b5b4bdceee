"""WeChat's server callback for the mini-program's customer-service messages.

WeChat waits five seconds for an answer and then retries, so a message is acknowledged
with ``success`` at once and answered afterwards through the customer-service API.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException, Request
from fastapi.responses import PlainTextResponse
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from api.conversation import converse
from api.deps import get_rasa
from api.middleware import RateLimits
from api.rasa_client import RasaClient
from api.schemas import MAX_MESSAGE_CHARS
from api.wechat import (
    CallbackRejected,
    CallbackVerifier,
    InboundMessage,
    WeChatSender,
    button_number,
    chosen_button,
    render_replies,
)
from contact_centre.conversations import buttons_since_the_citizen_wrote
from foundation.db import session_scope
from foundation.settings import get_settings
from knowledge_base.search.engine import SearchEngine
from privacy.chat_sessions import WECHAT, wechat_session_id

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1/wechat", tags=["wechat"])

# What the bot says to what it cannot read; candidates for knowledge_base/answers.py.
GREETING = (
    "您好，这里是12345市民服务热线智能助手。请直接输入您想咨询或反映的问题；"
    "需要人工服务时，请回复“转人工”。"
)
TEXT_ONLY = "抱歉，目前只能识别文字消息。请用文字描述您的问题，我们会尽快为您解答。"
_ACK = "success"


# The dependencies below are ``async`` on purpose: they then run on the event loop
# without awaiting, so two first requests cannot each build their own nonce store.
async def get_verifier(request: Request) -> CallbackVerifier:
    state = request.app.state
    verifier = getattr(state, "wechat_verifier", None)
    if verifier is None:
        settings = get_settings()
        if not settings.wechat_token:
            raise HTTPException(403, "WeChat callbacks are not configured here")
        try:
            verifier = CallbackVerifier(
                settings.wechat_token,
                app_id=settings.wechat_app_id,
                aes_key=settings.wechat_aes_key,
                max_clock_skew_s=settings.wechat_max_clock_skew_s,
            )
        except ValueError:
            logger.error("the WeChat channel is misconfigured", exc_info=True)
            raise HTTPException(
                403, "WeChat callbacks are not configured correctly here"
            ) from None
        state.wechat_verifier = verifier
    return verifier


async def get_sender(request: Request) -> WeChatSender:
    state = request.app.state
    sender = getattr(state, "wechat_sender", None)
    if sender is None:
        settings = get_settings()
        sender = WeChatSender(
            settings.wechat_app_id,
            settings.wechat_app_secret,
            base_url=settings.wechat_api_base_url,
        )
        state.wechat_sender = sender
    return sender


@router.get("", response_class=PlainTextResponse)
async def verify_url(
    request: Request, verifier: CallbackVerifier = Depends(get_verifier)
) -> PlainTextResponse:
    """WeChat's URL verification: answer the signed ``echostr`` as it came."""
    try:
        echostr = verifier.verify_url(request.query_params)
    except CallbackRejected as exc:
        raise HTTPException(exc.status, exc.detail) from None
    return PlainTextResponse(echostr, headers={"X-Content-Type-Options": "nosniff"})


@router.post("", response_class=PlainTextResponse)
async def receive(
    request: Request,
    background: BackgroundTasks,
    verifier: CallbackVerifier = Depends(get_verifier),
    sender: WeChatSender = Depends(get_sender),
    rasa: RasaClient = Depends(get_rasa),
) -> PlainTextResponse:
    """A pushed message: acknowledged now, answered through the customer-service API."""
    body = await request.body()
    try:
        message = verifier.open_message(
            request.query_params, request.headers.get("content-type"), body
        )
    except CallbackRejected as exc:
        raise HTTPException(exc.status, exc.detail) from None
    if verifier.first_delivery(message):
        background.add_task(
            _answer,
            message,
            engine=request.app.state.engine,
            search=request.app.state.search,
            limits=request.app.state.limits,
            rasa=rasa,
            sender=sender,
        )
    return PlainTextResponse(_ACK)


async def _answer(
    message: InboundMessage,
    *,
    engine: Engine,
    search: SearchEngine,
    limits: RateLimits,
    rasa: RasaClient,
    sender: WeChatSender,
) -> None:
    # Runs after the response is sent: nothing may escape, and nobody is left to tell.
    try:
        if message.msg_type == "text":
            texts = await _converse(message, engine, search, limits, rasa)
        elif message.msg_type == "event":
            texts = [GREETING] if message.event == "user_enter_tempsession" else []
        else:
            texts = [TEXT_ONLY]
        if texts:
            await sender.send_texts(message.openid, texts)
    except Exception:
        logger.warning("could not answer a WeChat message", exc_info=True)


async def _converse(
    message: InboundMessage,
    engine: Engine,
    search: SearchEngine,
    limits: RateLimits,
    rasa: RasaClient,
) -> list[str]:
    # The openid is WeChat's, from a callback whose signature was checked: this route
    # alone makes wx: sessions (the chat routes refuse them).
    session_id = wechat_session_id(message.openid)
    if not await limits.allow_session(session_id):
        logger.info("WeChat conversation over its message rate; message dropped")
        return []
    text = message.content.strip()[:MAX_MESSAGE_CHARS]
    number = button_number(text)
    if number is not None:
        shown = await run_in_threadpool(_buttons_shown, engine, session_id)
        text = chosen_button(number, shown, text)
    result = await converse(engine, search, rasa, session_id, text, None, WECHAT)
    return render_replies(result.replies)


def _buttons_shown(engine: Engine, session_id: str) -> list[dict]:
    with session_scope(engine) as session:
        return buttons_since_the_citizen_wrote(session, session_id)
