"""Emergencies through the real gateway over HTTP, with a fake Rasa that records what
reaches it: the number to call comes first, in every state of a conversation, and the
bot never sees the message. With the real Rasa: ``test_gateway_live.py``."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI, Request

from api.main import create_app
from api.rasa_client import RasaClient
from contact_centre.handoff import QUEUE_LINE, request_handoff, take_handoff
from contracts.rasa_gateway import (
    WEBHOOK_PATH,
    intent_to_wire,
    reply_to_wire,
    request_from_wire,
)
from foundation.db import session_scope
from knowledge_base.answers import WITH_AGENT
from privacy.auth import Staff, authenticate
from privacy.chat_sessions import ChatSession
from tests.support.chat import issued_session
from tests.support.live import serve

CRISIS_LINE = "12356"


class RecordingRasa:
    """Answers every message "已收到：…" and remembers the texts it was sent."""

    def __init__(self) -> None:
        self.received: list[str] = []
        self.app = FastAPI()
        self.app.post(WEBHOOK_PATH)(self._handle)

    async def _handle(self, request: Request) -> dict:
        text = request_from_wire(await request.json())["message"]
        self.received.append(text)
        return reply_to_wire(
            [{"text": f"已收到：{text}"}], intent_to_wire("ask_service_guide", 0.9), {}
        )


@pytest.fixture(scope="module")
def rasa():
    fake = RecordingRasa()
    with serve(fake.app) as url:
        fake.url = url
        yield fake


@pytest.fixture(scope="module")
def gateway(engine, rasa):
    with serve(
        create_app(engine, rasa=RasaClient(rasa.url, "unchecked-by-the-fake"))
    ) as url:
        yield url


@pytest.fixture
def api(gateway):
    with httpx.Client(base_url=gateway, timeout=30) as client:
        yield client


@pytest.fixture
def agent(gateway, agent_token):
    with httpx.Client(
        base_url=gateway,
        timeout=30,
        headers={"Authorization": f"Bearer {agent_token}"},
    ) as client:
        yield client


def _session() -> ChatSession:
    """Issued before the first message: some tests put it in the queue first."""
    return issued_session()


def _chat(api, session: ChatSession, text: str, **extra) -> dict:
    response = api.post(
        "/api/v1/chat", json={"session_id": session.token, "text": text, **extra}
    )
    assert response.status_code == 200, response.text
    assert response.json()["session_id"].startswith(session.id + ".")
    return response.json()


def _first_reply(body: dict) -> str:
    return body["replies"][0]["text"]


def _queue(agent) -> list[dict]:
    response = agent.get("/api/v1/agent/handoffs")
    assert response.status_code == 200, response.text
    return response.json()["handoffs"]


def _queued(agent, session: ChatSession) -> tuple[int, dict, list[dict]]:
    queue = _queue(agent)
    index = next(i for i, h in enumerate(queue) if h["session_id"] == session.id)
    return index, queue[index], queue


def _assert_at_the_head(agent, session: ChatSession) -> dict:
    """Only urgent hand-offs requested no later than this one come before it."""
    index, mine, queue = _queued(agent, session)
    assert mine["urgent"] is True
    assert all(
        h["urgent"] and h["requested_at"] <= mine["requested_at"] for h in queue[:index]
    ), queue[: index + 1]
    return mine


def _handoff_waiting(engine, session: ChatSession) -> int:
    """A hand-off as ``action_handoff`` leaves it: the citizen asked for a person."""
    with session_scope(engine) as db:
        return request_handoff(db, session.id, reason="转人工").handoff.id


def test_fire_in_a_fresh_conversation_gets_119_first_and_never_reaches_the_bot(
    api, agent, rasa
):
    session = _session()
    body = _chat(api, session, "楼下着火了，好多烟")
    first = _first_reply(body)
    assert "119" in first.split("。")[0]
    assert body["handoff"] is True and body["intent"]["name"] == "emergency"
    assert "楼下着火了，好多烟" not in rasa.received
    handoff = _assert_at_the_head(agent, session)
    assert handoff["emergency"] == "fire" and handoff["status"] == "waiting"


def test_fire_in_english_is_answered_with_119_in_english(api, agent, rasa):
    session = _session()
    # The widget is set to Chinese; the citizen wrote English.
    body = _chat(api, session, "There is a fire in my building", lang="zh")
    first = _first_reply(body)
    assert first.startswith("Please call 119")
    assert "There is a fire in my building" not in rasa.received
    _, handoff, _ = _queued(agent, session)
    assert handoff["language"] == "en" and handoff["emergency"] == "fire"


@pytest.mark.parametrize("text", ["火车票怎么退", "120急救车收费太贵了我要投诉"])
def test_ordinary_messages_sharing_emergency_words_reach_the_bot(
    api, agent, rasa, text
):
    session = _session()
    body = _chat(api, session, text)
    assert _first_reply(body) == f"已收到：{text}"
    assert body["handoff"] is False and text in rasa.received
    assert all(h["session_id"] != session.id for h in _queue(agent))


def test_crisis_talk_while_a_handoff_waits_gets_the_crisis_line_and_goes_first(
    api, agent, engine, rasa
):
    before = _session()
    _handoff_waiting(engine, before)
    session = _session()
    handoff_id = _handoff_waiting(engine, session)
    body = _chat(api, session, "我不想活了")
    assert CRISIS_LINE in _first_reply(body)
    assert _first_reply(body) != WITH_AGENT["zh"]
    assert body["handoff"] is True and "我不想活了" not in rasa.received
    handoff = _assert_at_the_head(agent, session)
    assert handoff["id"] == handoff_id and handoff["emergency"] == "self_harm"
    index, _, queue = _queued(agent, session)
    assert index < next(i for i, h in enumerate(queue) if h["session_id"] == before.id)
    # An ordinary message while the urgent request waits is the bot's, with the place.
    waiting = _chat(api, session, "请问还要等多久")
    assert _first_reply(waiting) == "已收到：请问还要等多久"
    # Behind only earlier urgent ones, as the queue shows.
    index, _, queue = _queued(agent, session)
    position = 1 + sum(h["status"] == "waiting" for h in queue[:index])
    assert waiting["replies"][-1]["text"] == QUEUE_LINE["zh"].format(position=position)
    assert waiting["handoff"] is True


def test_crisis_talk_while_an_agent_holds_the_conversation_gets_the_crisis_line(
    api, agent, agent_token, engine, rasa
):
    session = _session()
    handoff_id = _handoff_waiting(engine, session)
    with session_scope(engine) as db:
        take_handoff(db, handoff_id, Staff.of(authenticate(db, agent_token)))
    body = _chat(api, session, "我不想活了")
    assert CRISIS_LINE in _first_reply(body) and body["handoff"] is True
    assert "我不想活了" not in rasa.received
    handoff = _assert_at_the_head(agent, session)
    assert handoff["status"] == "active" and handoff["agent"] == "王丽"
    transcript = agent.get(f"/api/v1/agent/handoffs/{handoff_id}/transcript").json()
    said = [(m["sender"], m["text"]) for m in transcript["messages"]]
    assert said[-2:] == [("citizen", "我不想活了"), ("bot", _first_reply(body))]


def test_agent_suggestions_show_an_emergency_banner_instead_of_a_work_order(agent):
    response = agent.post("/api/v1/agent/suggest", json={"text": "楼下着火了，好多烟"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["emergency"]["kind"] == "fire"
    assert body["emergency"]["numbers"][0] == "119"
    assert "119" in body["emergency"]["advice"]
    assert body["work_order"] is None and body["suggestions"] == []


def test_agent_suggestions_for_an_ordinary_question_have_no_banner(agent):
    body = agent.post("/api/v1/agent/suggest", json={"text": "居住证怎么办"}).json()
    assert body["emergency"] is None and body["suggestions"]
