"""A hand-off that always ends well, through the real gateway, Rasa, action server and
trained model: the citizen waiting for a person is still answered and may leave; a
request nobody takes expires with a callback offer; outside agents' hours the callback
is offered at once."""

from __future__ import annotations

import datetime as dt
import os
from contextlib import contextmanager

import httpx
import pytest
from sqlalchemy import update

from contact_centre.handoff import (
    CALLBACK_BUTTON,
    CANCELLED_REPLY,
    EXPIRED_REPLY,
    QUEUE_LINE,
)
from contact_centre.models import Handoff
from foundation import clock
from foundation.db import session_scope
from privacy.chat_sessions import ChatSession
from tests.support.chat import issued_session

pytestmark = pytest.mark.slow
PHONE = "13812345678"


@pytest.fixture
def api(live_app):
    with httpx.Client(base_url=live_app, timeout=60) as client:
        yield client


@pytest.fixture
def agent(live_app, agent_token):
    with httpx.Client(
        base_url=live_app,
        timeout=60,
        headers={"Authorization": f"Bearer {agent_token}"},
    ) as client:
        yield client


def _chat(api, session: ChatSession, text: str) -> dict:
    response = api.post(
        "/api/v1/chat", json={"session_id": session.token, "text": text}
    )
    assert response.status_code == 200, response.text
    return response.json()


def _texts(body: dict) -> list[str]:
    return [reply["text"] for reply in body["replies"]]


def _poll(api, session: ChatSession) -> dict:
    response = api.get(f"/api/v1/chat/{session.token}/messages")
    assert response.status_code == 200, response.text
    return response.json()


def _queued(agent, session: ChatSession) -> dict | None:
    queue = agent.get("/api/v1/agent/handoffs").json()["handoffs"]
    return next((h for h in queue if h["session_id"] == session.id), None)


def _waited(engine, session: ChatSession, minutes: int) -> None:
    """As if the request had been made ``minutes`` ago."""
    with session_scope(engine) as db:
        db.execute(
            update(Handoff)
            .where(Handoff.session_id == session.id, Handoff.status == "waiting")
            .values(requested_at=clock.now() - dt.timedelta(minutes=minutes))
        )


def test_a_waiting_citizen_is_answered_with_the_queue_line_and_leaves_by_words(
    api, agent
):
    session = issued_session()
    assert _chat(api, session, "转人工")["handoff"] is True
    polled = _poll(api, session)
    assert polled["handoff"] == "waiting" and polled["queue_position"] >= 1
    position = polled["queue_position"]

    answered = _chat(api, session, "护照怎么办")
    assert answered["intent"]["name"] == "ask_service_guide"
    assert "护照" in "".join(_texts(answered)[:-1])
    assert _texts(answered)[-1] == QUEUE_LINE["zh"].format(position=position)
    assert answered["handoff"] is True
    handoff = _queued(agent, session)
    assert handoff is not None and handoff["status"] == "waiting"

    left = _chat(api, session, "算了不等了，我自己查")
    assert _texts(left) == [CANCELLED_REPLY["zh"]] and left["handoff"] is False
    assert _queued(agent, session) is None
    taken = agent.post(f"/api/v1/agent/handoffs/{handoff['id']}/take")
    assert taken.status_code == 409
    assert "the citizen ended" in taken.json()["detail"]
    seen = agent.get(f"/api/v1/agent/handoffs/{handoff['id']}/transcript").json()
    assert seen["handoff"] == "cancelled"

    after = _chat(api, session, "护照怎么办")
    assert after["handoff"] is False and after["intent"]["name"] == "ask_service_guide"
    assert not any("排队" in text for text in _texts(after))
    assert _poll(api, session)["handoff"] == "none"


def test_the_citizen_leaves_an_agent_who_then_sees_it_ended(api, agent):
    session = issued_session()
    _chat(api, session, "转人工")
    handoff = _queued(agent, session)
    agent.post(f"/api/v1/agent/handoffs/{handoff['id']}/take")
    assert _chat(api, session, "请问还要等多久")["handoff"] is True
    left = _chat(api, session, "不用了，谢谢")
    assert _texts(left) == [CANCELLED_REPLY["zh"]] and left["handoff"] is False
    reply = agent.post(
        f"/api/v1/agent/handoffs/{handoff['id']}/reply", json={"text": "您好"}
    )
    assert reply.status_code == 409
    answered = _chat(api, session, "护照怎么办")
    assert answered["intent"]["name"] == "ask_service_guide"


def test_an_expired_request_apologises_on_the_poll_and_the_callback_is_filed(
    api, agent, engine
):
    session = issued_session()
    _chat(api, session, "护照怎么办")
    _chat(api, session, "转人工")
    handoff = _queued(agent, session)
    _waited(engine, session, minutes=11)
    assert _queued(agent, session) is None

    polled = _poll(api, session)
    assert polled["handoff"] == "none" and polled["queue_position"] is None
    apology = polled["messages"][-1]
    assert (apology["sender"], apology["text"]) == ("bot", EXPIRED_REPLY["zh"])
    assert apology["buttons"] == [CALLBACK_BUTTON["zh"]]
    taken = agent.post(f"/api/v1/agent/handoffs/{handoff['id']}/take")
    assert taken.status_code == 409 and "expired" in taken.json()["detail"]

    asked = _chat(api, session, apology["buttons"][0]["payload"])
    assert "手机号码" in "".join(_texts(asked))
    filed = _chat(api, session, PHONE)
    assert "回电请求已登记" in "".join(_texts(filed))


def test_an_expired_request_apologises_first_in_the_answer_to_the_next_message(
    api, engine
):
    session = issued_session()
    _chat(api, session, "转人工")
    _waited(engine, session, minutes=11)
    answered = _chat(api, session, "护照怎么办")
    assert _texts(answered)[0] == EXPIRED_REPLY["zh"]
    assert answered["replies"][0]["buttons"] == [CALLBACK_BUTTON["zh"]]
    assert "护照" in "".join(_texts(answered)[1:])
    assert answered["handoff"] is False
    assert not any("排队" in text for text in _texts(answered))


@contextmanager
def _environment(**values: str):
    """Variables the processes started inside see; the test run's own come back after."""
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture(scope="module")
def after_hours_app(trained_model, engine, database_url, tmp_path_factory):
    """A gateway whose action server's agents are off duty now (their one minute is
    twelve hours away)."""
    from api.main import create_app
    from api.rasa_client import RasaClient
    from tests.support.live import serve
    from tests.support.stack import rasa_stack

    start = clock.now() + dt.timedelta(hours=12)
    hours = f"{start:%H:%M}-{start + dt.timedelta(minutes=1):%H:%M}"
    with _environment(HOTLINE_AGENT_HOURS=hours):
        stack = rasa_stack(
            trained_model, database_url, tmp_path_factory.mktemp("after-hours-logs")
        )
        running = stack.__enter__()
    try:
        with serve(
            create_app(
                engine,
                rasa=RasaClient(running.rasa_url, running.internal_token),
                action_server_url=running.action_server_url,
            )
        ) as url:
            yield url
    finally:
        stack.__exit__(None, None, None)


def test_outside_agents_hours_a_callback_is_offered_at_once_and_nothing_queued(
    after_hours_app, agent_token
):
    session = issued_session()
    with httpx.Client(base_url=after_hours_app, timeout=60) as api:
        body = _chat(api, session, "转人工")
        assert body["handoff"] is False
        [reply] = body["replies"]
        assert "人工客服的服务时间为每天" in reply["text"]
        assert reply["buttons"] == [CALLBACK_BUTTON["zh"]]
        assert _poll(api, session)["handoff"] == "none"
        asked = _chat(api, session, reply["buttons"][0]["payload"])
        assert "手机号码" in "".join(_texts(asked))
        with httpx.Client(
            base_url=after_hours_app,
            headers={"Authorization": f"Bearer {agent_token}"},
        ) as agent:
            assert _queued(agent, session) is None
