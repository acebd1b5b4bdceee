"""Sessions issued by the gateway, over real HTTP: a citizen's client is given one, keeps
it, and it alone reads and writes its conversation (issue 25, deliverable 3). The
attacks it stops: ``test_chat_session_attacks.py``."""

from __future__ import annotations

import datetime as dt
import uuid

import httpx
import pytest
from sqlalchemy import select

from api.main import create_app
from api.rasa_client import RasaClient
from cases.models import WorkOrder
from contact_centre.conversations import messages, open_handoff, record_message
from contact_centre.models import Feedback
from foundation import clock
from foundation.db import session_scope
from privacy import chat_sessions
from privacy.chat_sessions import MINIPROGRAM, WEB, new_session
from tests.support.chat import MINIPROGRAM_DOOR, Citizen, issued_session, stored_id
from tests.support.fake_rasa import HandoffRasa
from tests.support.live import serve

SAID = "我的电话是13812345678"


@pytest.fixture(scope="module")
def rasa(engine):
    fake = HandoffRasa(engine)
    with serve(fake.app) as url:
        fake.url = url
        yield fake


@pytest.fixture(scope="module")
def api(engine, rasa):
    with (
        serve(create_app(engine, rasa=RasaClient(rasa.url, "unchecked"))) as url,
        httpx.Client(base_url=url, timeout=30) as client,
    ):
        yield client


@pytest.fixture
def agent(api, agent_token):
    with httpx.Client(
        base_url=str(api.base_url),
        timeout=30,
        headers={"Authorization": f"Bearer {agent_token}"},
    ) as client:
        yield client


def _channels(rasa, session_id: str) -> list[str]:
    return [r.channel for r in rasa.received if r.sender == session_id]


def test_a_first_message_is_given_a_session_that_the_next_one_continues(api, rasa):
    citizen = Citizen(api)
    first = citizen.say("你好")
    assert first["session_id"].startswith("web:")
    session_id = citizen.session_id
    second = citizen.say(SAID)
    assert stored_id(second["session_id"]) == session_id
    # Rasa, the database and agents know the conversation by its id, never the token.
    assert _channels(rasa, session_id) == ["web", "web"]
    assert citizen.token not in rasa.senders()


def test_the_holder_reads_its_conversation_in_clear(api):
    citizen = Citizen(api)
    citizen.say(SAID)
    polled = citizen.poll()
    assert polled.status_code == 200, polled.text
    body = polled.json()
    assert [(m["sender"], m["text"]) for m in body["messages"]] == [
        ("citizen", SAID),
        ("bot", f"已收到：{SAID}"),
    ]
    assert body["handoff"] == "none"
    assert stored_id(body["session_id"]) == citizen.session_id


def test_a_session_reads_only_its_own_conversation(api):
    mine, theirs = Citizen(api), Citizen(api)
    mine.say("你好")
    theirs.say(SAID)
    shown = mine.poll().json()["messages"]
    assert SAID not in [m["text"] for m in shown]


def test_an_altered_token_reads_nothing(api):
    citizen = Citizen(api)
    citizen.say(SAID)
    token = citizen.token
    for altered in (
        token[:-1] + ("A" if token[-1] != "A" else "B"),  # the signature
        token.replace(".", ".1", 1),  # the day
        token[:4] + ("A" if token[4] != "A" else "B") + token[5:],  # the id
    ):
        response = api.get(f"/api/v1/chat/{altered}/messages")
        assert response.status_code == 404, altered
        assert "13812345678" not in response.text


def test_an_older_widgets_own_id_is_replaced_by_a_new_session(api, engine, rasa):
    kept = f"web-{uuid.uuid4()}"
    with session_scope(engine) as db:
        record_message(db, kept, "citizen", "以前说的话")
    polled = api.get(f"/api/v1/chat/{kept}/messages")
    assert polled.status_code == 404 and polled.json()["detail"]
    answered = api.post("/api/v1/chat", json={"session_id": kept, "text": "你好"})
    assert answered.status_code == 200, answered.text
    fresh = answered.json()["session_id"]
    assert fresh.startswith("web:") and stored_id(fresh) != kept
    assert answered.json()["replies"][0]["text"] == "已收到：你好"
    with session_scope(engine) as db:
        assert [m.text for m in messages(db, kept)] == ["以前说的话"]


def test_a_token_of_another_key_or_expired_starts_a_new_session(api, monkeypatch):
    expired = new_session(WEB, today=clock.now().date() - dt.timedelta(days=400)).token
    elsewhere = chat_sessions.get_settings().copy(update={"secret_key": "elsewhere"})
    monkeypatch.setattr(chat_sessions, "get_settings", lambda: elsewhere)
    foreign = new_session(WEB).token
    monkeypatch.undo()
    for token in (expired, foreign):
        assert api.get(f"/api/v1/chat/{token}/messages").status_code == 404
        answered = api.post("/api/v1/chat", json={"session_id": token, "text": "你好"})
        assert answered.status_code == 200
        assert stored_id(answered.json()["session_id"]) != stored_id(token)


def test_the_holder_asks_for_a_person_and_sees_the_hand_off(api, engine):
    citizen = Citizen(api)
    citizen.say("居住证怎么办")
    assert citizen.say("转人工")["handoff"] is True
    assert citizen.poll().json()["handoff"] == "waiting"
    with session_scope(engine) as db:
        assert open_handoff(db, citizen.session_id).channel == "web"


def test_the_mini_program_door_issues_its_own_sessions(api, rasa):
    citizen = Citizen(api, MINIPROGRAM_DOOR)
    body = citizen.say("你好")
    assert body["session_id"].startswith("mp:")
    assert _channels(rasa, citizen.session_id) == ["miniprogram"]
    assert citizen.poll().status_code == 200
    # Each door opens its own sessions only.
    assert api.get(f"/api/v1/chat/{citizen.token}/messages").status_code == 404
    web = api.post("/api/v1/chat", json={"session_id": citizen.token, "text": "你好"})
    assert web.json()["session_id"].startswith("web:")


def test_a_session_issued_before_the_first_message_is_taken(api, engine):
    session = issued_session(MINIPROGRAM)
    with session_scope(engine) as db:
        record_message(db, session.id, "bot", "您的工单已派至街道办理")
    citizen = Citizen(api, MINIPROGRAM_DOOR, session=session)
    shown = citizen.poll().json()["messages"]
    assert [m["text"] for m in shown] == ["您的工单已派至街道办理"]
    citizen.say("好的")
    assert citizen.session_id == session.id


def test_the_holders_filing_and_rating_are_linked_to_its_conversation(api, engine):
    citizen = Citizen(api)
    citizen.say("我要投诉")
    filed = api.post(
        "/api/v1/work-orders",
        json={
            "description": "楼下饭店油烟太大",
            "anonymous": True,
            "session_id": citizen.token,
        },
    )
    assert filed.status_code == 201, filed.text
    rated = api.post(
        "/api/v1/feedback", json={"rating": 5, "session_id": citizen.token}
    )
    assert rated.status_code == 201, rated.text
    with session_scope(engine) as db:
        order = db.scalars(
            select(WorkOrder).where(WorkOrder.number == filed.json()["number"])
        ).one()
        feedback = db.get(Feedback, rated.json()["id"])
        assert (order.session_id, order.channel) == (citizen.session_id, "web")
        assert (feedback.session_id, feedback.channel) == (citizen.session_id, "web")


def test_an_agent_files_for_the_conversation_it_holds_by_its_stored_id(agent, engine):
    held = f"mp:{uuid.uuid4().hex[:22]}"
    filed = agent.post(
        "/api/v1/work-orders",
        json={"description": "小区路灯不亮", "anonymous": True, "session_id": held},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert filed.status_code == 201, filed.text
    with session_scope(engine) as db:
        order = db.scalars(
            select(WorkOrder).where(WorkOrder.number == filed.json()["number"])
        ).one()
        assert (order.session_id, order.channel) == (held, "miniprogram")


def test_a_filing_without_a_conversation_is_the_apis(api, engine):
    rated = api.post("/api/v1/feedback", json={"rating": 4})
    assert rated.status_code == 201
    with session_scope(engine) as db:
        assert db.get(Feedback, rated.json()["id"]).channel == "api"
