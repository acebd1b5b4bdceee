"""What a client could do with a session id it did not hold, or a channel it claimed,
before the gateway issued the sessions (issue 25, deliverable 3). Each of these
succeeded then; each must fail now.

The attacker knows the victim's stored id: agents see it in their queue, it was the
widget's own choice before, and a WeChat user's is ``wx:`` + an openid. The fake Rasa
handles a request for a person as ``action_handoff`` does, and remembers the channel
each message came on.
"""

from __future__ import annotations

import secrets
import uuid

import httpx
import pytest
from sqlalchemy import select

from api.main import create_app
from api.rasa_client import RasaClient
from cases.models import WorkOrder
from contact_centre.conversations import messages, open_handoff, record_message
from contact_centre.models import Feedback
from foundation.db import session_scope
from tests.support.fake_rasa import HandoffRasa
from tests.support.live import serve

SAID = "我住在幸福小区3号楼，电话13812345678"
WECHAT_USER = "wx:o6_bmjrPTlm6_2sgVt7hMZOPfL2M"


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


@pytest.fixture(params=["issued", "legacy"])
def victim(request, engine) -> str:
    """A citizen's conversation, by the id it is stored under: one the gateway issued
    (its signature kept by the citizen alone), or one an older widget chose itself."""
    if request.param == "issued":
        session_id = f"web:{secrets.token_urlsafe(16)}"
    else:
        session_id = f"web-{uuid.uuid4()}"
    with session_scope(engine) as db:
        record_message(db, session_id, "citizen", SAID)
    return session_id


def _stored(session_id: str) -> str:
    """The stored id of the session an answer names (its token, or the id itself)."""
    return session_id.rsplit(".", 2)[0]


def test_another_sessions_transcript_is_not_read_by_its_stored_id(api, victim):
    response = api.get(f"/api/v1/chat/{victim}/messages")
    assert response.status_code in (401, 404)
    assert "13812345678" not in response.text and "幸福小区" not in response.text
    assert response.json()["detail"]


def test_a_forged_request_for_a_person_leaves_the_victims_conversation_alone(
    api, engine, rasa, victim
):
    response = api.post("/api/v1/chat", json={"session_id": victim, "text": "转人工"})
    # Answered in a conversation of the attacker's own, if at all.
    if response.status_code == 200:
        assert _stored(response.json()["session_id"]) != victim
    assert victim not in rasa.senders()
    with session_scope(engine) as db:
        assert open_handoff(db, victim) is None
        assert [m.text for m in messages(db, victim)] == [SAID]


@pytest.mark.parametrize("claimed", ["wechat", "miniprogram", "api"])
def test_a_header_claiming_another_channel_does_not_change_a_web_message(
    api, engine, rasa, claimed
):
    response = api.post(
        "/api/v1/chat",
        json={"session_id": f"web-{uuid.uuid4()}", "text": "转人工"},
        headers={"X-Hotline-Channel": claimed},
    )
    assert response.status_code == 200, response.text
    stored = _stored(response.json()["session_id"])
    assert [r.channel for r in rasa.received if r.sender == stored] == ["web"]
    with session_scope(engine) as db:
        assert open_handoff(db, stored).channel == "web"


@pytest.mark.parametrize("door", ["/api/v1/chat", "/api/v1/miniprogram/chat"])
def test_a_client_chosen_wechat_id_is_refused(api, engine, rasa, door):
    response = api.post(door, json={"session_id": WECHAT_USER, "text": "转人工"})
    assert response.status_code == 400, response.text
    assert "wx:" in response.json()["detail"]
    assert WECHAT_USER not in rasa.senders()
    with session_scope(engine) as db:
        assert messages(db, WECHAT_USER) == []
        assert open_handoff(db, WECHAT_USER) is None


@pytest.mark.parametrize("target", ["victim", "wechat"])
def test_a_work_order_is_not_linked_to_someone_elses_conversation(
    api, engine, victim, target
):
    # Its progress notices would be written into that conversation, or sent to that
    # WeChat user by the hotline's account.
    session_id = victim if target == "victim" else WECHAT_USER
    response = api.post(
        "/api/v1/work-orders",
        json={
            "description": "小区门口垃圾堆了三天没人清运",
            "anonymous": True,
            "session_id": session_id,
        },
        headers={"X-Hotline-Channel": "wechat"},
    )
    assert response.status_code == 422, response.text
    assert "session_id" in str(response.json()["detail"])
    with session_scope(engine) as db:
        linked = db.scalars(
            select(WorkOrder).where(WorkOrder.session_id == session_id)
        ).all()
    assert linked == []


def test_a_rating_is_not_given_to_someone_elses_conversation(api, engine, victim):
    response = api.post("/api/v1/feedback", json={"rating": 1, "session_id": victim})
    assert response.status_code == 422, response.text
    with session_scope(engine) as db:
        assert (
            db.scalars(select(Feedback).where(Feedback.session_id == victim)).all()
            == []
        )


def test_a_header_does_not_set_the_channel_of_a_filing(api, engine):
    response = api.post(
        "/api/v1/work-orders",
        json={"description": "路灯坏了一个星期了", "anonymous": True},
        headers={"X-Hotline-Channel": "wechat"},
    )
    assert response.status_code == 201, response.text
    with session_scope(engine) as db:
        channel = db.scalars(
            select(WorkOrder.channel).where(
                WorkOrder.number == response.json()["number"]
            )
        ).one()
    assert channel == "api"
