"""One citizen message end to end: emergency triage, transcript, hand-off check, Rasa,
metrics.

Every channel (web widget, WeChat, mini-program) goes through ``converse`` so they all
behave the same: an emergency is answered first, in any state of the conversation;
a citizen waiting for a person is still answered by the bot, told their place, and
may leave the queue by a word or a button; only while an agent holds a conversation
does the bot stay quiet (``contact_centre.handoff``); and when Rasa is down the citizen
still gets a polite answer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from api import metrics
from api.rasa_client import BotTurn, RasaClient
from contact_centre.conversations import record_turn
from contact_centre.handoff import (
    ACTIVE,
    CANCEL_INTENT,
    EMERGENCY_INTENT,
    WAITING,
    EmergencyAnswer,
    Standing,
    answer_emergency,
    expiry_reply,
    is_cancel,
    leave,
    queue_line,
    standing,
)
from contact_centre.visits import VisitAnswer, answer_visit, satisfaction_in
from contracts.rasa_gateway import Intent
from foundation.db import session_scope, statement_scope
from foundation.errors import ExternalServiceError
from knowledge_base.answers import UNAVAILABLE, WITH_AGENT, localised_name
from knowledge_base.search.engine import SearchEngine
from knowledge_base.services import service_names
from safety import Emergency, triage
from safety.sensitive import sensitive_question, sensitive_reply
from understanding.language import detect_language

logger = logging.getLogger(__name__)

# Remembered for a code that names no service (``remembered`` keeps no None).
NO_SUCH_SERVICE = ("", "")
SENSITIVE_INTENT = "sensitive_question"
VISIT_INTENT = "answer_visit"
CANCEL_TURN: Intent = {"name": CANCEL_INTENT, "confidence": 1.0}
TALK_TO_A_PERSON = {
    "zh": {"title": "转人工", "payload": "/request_human"},
    "en": {"title": "Talk to a person", "payload": "/request_human"},
}


@dataclass
class ChatResult:
    session_id: str
    replies: list[dict] = field(default_factory=list)
    intent: Intent | None = None
    service: dict | None = None
    handoff: bool = False


async def converse(
    engine: Engine,
    search: SearchEngine,
    rasa: RasaClient,
    session_id: str,
    text: str,
    lang: str | None,
    channel: str,
) -> ChatResult:
    # Before the hand-off check and before Rasa: in a form, in the queue or with an
    # agent, an emergency gets the number to call. Rules over the text, run inline
    # (tens of microseconds): a thread hop would cost more.
    emergency = triage(text)
    if emergency is not None:
        return await _emergency(engine, session_id, text, emergency, lang, channel)
    # Written in English or Chinese, the reply follows; the widget's switch decides
    # only a message written in neither ("ok", a tracking number).
    language = detect_language(text, default=lang or "zh")
    # Before Rasa: a word or the button that leaves the hand-off, then where it stands
    # (one past its time expires here, the apology and callback offer in this answer).
    left, stand = await run_in_threadpool(
        _handoff_first, engine, session_id, text, language
    )
    if left is not None:
        metrics.INTENTS.labels(CANCEL_INTENT).inc()
        return ChatResult(session_id, replies=left, intent=CANCEL_TURN)
    if stand.status == ACTIVE:
        await run_in_threadpool(
            _record, engine, search, session_id, text, BotTurn(handoff=True), language
        )
        return ChatResult(
            session_id,
            replies=[{"text": WITH_AGENT[language], "buttons": []}],
            handoff=True,
        )
    # What the hand-off adds around the bot's answer: the apology for one that expired
    # first, the place in the queue of one still waiting last.
    before = [expiry_reply(language)] if stand.expired is not None else []
    after = [queue_line(stand.position, language)] if stand.position else []
    if sensitive_question(text) is not None:
        # Rules, not the model (safety.sensitive): a neutral answer and a person on
        # offer; Rasa never sees it, so an open form simply waits for its answer.
        turn = BotTurn(
            replies=[
                *before,
                {
                    "text": sensitive_reply(language),
                    "buttons": [TALK_TO_A_PERSON[language]],
                },
                *after,
            ],
            intent={"name": SENSITIVE_INTENT, "confidence": 1.0},
        )
        await run_in_threadpool(
            _record, engine, search, session_id, text, turn, language
        )
        metrics.INTENTS.labels(SENSITIVE_INTENT).inc()
        return ChatResult(session_id, replies=turn.replies, intent=turn.intent)
    if satisfaction_in(text) is not None:
        # A 回访 answered in the conversation (contact_centre.visits): only a message
        # that reads like one is looked up, then the order it answers moves on.
        visit = await run_in_threadpool(_answer_visit, engine, session_id, text)
        if visit is not None:
            turn = BotTurn(
                replies=[*before, {"text": visit.reply, "buttons": []}, *after],
                intent={"name": VISIT_INTENT, "confidence": 1.0},
            )
            await run_in_threadpool(
                _record, engine, search, session_id, text, turn, language
            )
            metrics.INTENTS.labels(VISIT_INTENT).inc()
            return ChatResult(session_id, replies=turn.replies, intent=turn.intent)
    try:
        turn = await rasa.send(session_id, text, lang, channel)
    except ExternalServiceError:
        logger.warning("rasa unavailable for a %s message", channel, exc_info=True)
        metrics.FAILURES.labels("rasa").inc()
        turn = BotTurn(replies=[{"text": UNAVAILABLE[language], "buttons": []}])
    if not turn.replies and not turn.handoff:
        # Rasa answers nothing when a custom action failed (the action server is down,
        # say): it logs the error and listens. The citizen must not face silence.
        logger.warning("rasa sent no reply to a %s message", channel)
        metrics.FAILURES.labels("rasa_no_reply").inc()
        turn.replies = [{"text": UNAVAILABLE[language], "buttons": []}]
    # Asked again for a person, the bot's answer tells the place already.
    turn.replies = [*before, *turn.replies, *([] if turn.handoff else after)]
    service = await run_in_threadpool(
        _record, engine, search, session_id, text, turn, language
    )
    if turn.intent:
        metrics.INTENTS.labels(turn.intent["name"]).inc()
        if turn.intent["name"] == "nlu_fallback":
            metrics.FALLBACKS.inc()
    if turn.handoff:
        metrics.HANDOFFS.inc()
    return ChatResult(
        session_id,
        replies=turn.replies,
        intent=turn.intent,
        service=service,
        handoff=turn.handoff or stand.status == WAITING,
    )


async def _emergency(
    engine: Engine,
    session_id: str,
    text: str,
    emergency: Emergency,
    lang: str | None,
    channel: str,
) -> ChatResult:
    """The number to call first, and an urgent hand-off; Rasa never sees the message,
    so no form starts and an open one waits until the agent hands the talk back."""
    # The language the citizen wrote in, even if the widget is set to the other one.
    language = detect_language(text, default=lang or "zh")
    answered = await run_in_threadpool(
        _answer_emergency, engine, session_id, text, emergency, language, channel
    )
    metrics.EMERGENCIES.labels(emergency.kind.value).inc()
    metrics.INTENTS.labels(EMERGENCY_INTENT).inc()
    if answered.opened:
        metrics.HANDOFFS.inc()
    return ChatResult(
        session_id,
        replies=answered.replies,
        intent={"name": EMERGENCY_INTENT, "confidence": 1.0},
        handoff=True,
    )


def _answer_emergency(
    engine: Engine,
    session_id: str,
    text: str,
    emergency: Emergency,
    language: str,
    channel: str,
) -> EmergencyAnswer:
    # Several statements (the hand-off, then the turn): one transaction.
    with session_scope(engine) as session:
        return answer_emergency(
            session,
            session_id,
            text,
            emergency,
            language=language,
            channel=channel,
        )


def _answer_visit(engine: Engine, session_id: str, text: str) -> VisitAnswer | None:
    with session_scope(engine) as session:
        return answer_visit(session, session_id, text)


def _handoff_first(
    engine: Engine, session_id: str, text: str, language: str
) -> tuple[list[dict] | None, Standing]:
    """The citizen's leaving (its replies), else where the hand-off stands.

    Leaving ends the hand-off and records the turn together, in one transaction. Any
    other message only reads where the hand-off stands (or expires one past its time,
    one conditional UPDATE), every statement standing alone: this runs for every
    message, and a transaction around it cost two more round trips to the database.
    """
    if is_cancel(text):
        with session_scope(engine) as session:
            left = leave(session, session_id, text, language=language)
        if left is not None:
            return left, Standing("none")
    with statement_scope(engine) as session:
        return None, standing(session, session_id, announce_expiry=False)


def _record(
    engine: Engine,
    search: SearchEngine,
    session_id: str,
    text: str,
    turn: BotTurn,
    language: str,
) -> dict | None:
    """Keep the turn for agents and analytics; return the service the talk is about,
    named in the citizen's language."""
    with statement_scope(engine) as session:
        intent = turn.intent or {}
        record_turn(
            session,
            session_id,
            text,
            turn.replies,
            intent=intent.get("name"),
            confidence=intent.get("confidence"),
            service=turn.service,
        )
        if not turn.service:
            return None
        # Most turns name a service; its names change only with the catalogue.
        names = search.remembered(
            ("service names", turn.service),
            lambda: service_names(session, turn.service) or NO_SUCH_SERVICE,
        )
    if names is NO_SUCH_SERVICE:
        return None
    return {"code": turn.service, "name": localised_name(*names, language)}
