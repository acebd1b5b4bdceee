"""Staff access over real HTTP (issue 25, deliverable 5): tokens expire and can be
revoked, a taken hand-off is its agent's by token, and every showing of a citizen's
personal data to staff is in the audit log that admins read."""

from __future__ import annotations

import datetime as dt
import uuid

import httpx
import pytest

from contact_centre.conversations import record_message
from contact_centre.handoff import request_handoff
from foundation import clock
from foundation.db import session_scope
from privacy.audit import record_operator_access
from privacy.auth import authenticate, create_token, revoke_token

PHONE = "13700002222"


def _client(base_url: str, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=base_url, timeout=30, headers=headers)


def _token(engine, role: str, name: str, **made) -> str:
    with session_scope(engine) as db:
        return create_token(db, role, name, **made)


def _token_id(engine, token: str) -> int:
    with session_scope(engine) as db:
        return authenticate(db, token).id


@pytest.fixture
def agent(base_url, agent_token):
    with _client(base_url, agent_token) as client:
        yield client


@pytest.fixture
def admin(base_url, admin_token):
    with _client(base_url, admin_token) as client:
        yield client


@pytest.fixture
def namesake(base_url, engine):
    """Another agent, who happens to share the name of the agent_token's holder."""
    with _client(base_url, _token(engine, "agent", "王丽")) as client:
        yield client


@pytest.fixture
def citizen(base_url):
    with _client(base_url) as client:
        yield client


def _handoff(engine, *said: str) -> int:
    session_id = f"web-{uuid.uuid4().hex}"
    with session_scope(engine) as db:
        for text in said:
            record_message(db, session_id, "citizen", text)
        return request_handoff(db, session_id, reason="citizen asked").handoff.id


def _work_order(citizen) -> str:
    response = citizen.post(
        "/api/v1/work-orders",
        json={
            "description": "小区门口的路灯坏了一个月",
            "category": "noise",
            "district": "杨浦区",
            "address": "国权路100弄",
            "contact_name": "李娜",
            "contact_phone": PHONE,
        },
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert response.status_code == 201, response.text
    return response.json()["number"]


def _audit(admin, **query) -> list[dict]:
    response = admin.get("/api/v1/admin/audit", params=query)
    assert response.status_code == 200, response.text
    return response.json()["entries"]


# Tokens


def test_expired_token_is_refused_like_an_unknown_one(base_url, engine):
    expired = _token(
        engine, "agent", "过期坐席", now=clock.now() - dt.timedelta(days=366)
    )
    with _client(base_url, expired) as client:
        response = client.get("/api/v1/agent/handoffs")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_revoked_token_is_refused_from_the_next_request(base_url, engine):
    token = _token(engine, "agent", "将离职坐席")
    with _client(base_url, token) as client:
        assert client.get("/api/v1/agent/handoffs").status_code == 200
        with session_scope(engine) as db:
            revoke_token(db, _token_id(engine, token))
        assert client.get("/api/v1/agent/handoffs").status_code == 401


# Hand-off ownership


def test_take_handoff_records_the_token_id_and_shows_the_name(
    agent, engine, agent_token
):
    handoff_id = _handoff(engine, "我要找人工")
    taken = agent.post(f"/api/v1/agent/handoffs/{handoff_id}/take").json()
    assert taken["agent"] == "王丽"
    assert taken["agent_id"] == _token_id(engine, agent_token)


def test_another_agent_may_not_hand_back_a_taken_conversation(agent, namesake, engine):
    handoff_id = _handoff(engine, "我要找人工")
    agent.post(f"/api/v1/agent/handoffs/{handoff_id}/take")
    response = namesake.post(f"/api/v1/agent/handoffs/{handoff_id}/return")
    assert response.status_code == 403
    assert response.json() == {
        "error": "forbidden",
        "detail": f"conversation {handoff_id} is handled by 王丽; only they or an "
        "admin may hand it back",
    }
    status = agent.get("/api/v1/agent/handoffs").json()["handoffs"]
    assert any(h["id"] == handoff_id and h["status"] == "active" for h in status)


def test_another_agent_may_not_reply_in_a_taken_conversation(agent, namesake, engine):
    handoff_id = _handoff(engine, "我要找人工")
    agent.post(f"/api/v1/agent/handoffs/{handoff_id}/take")
    response = namesake.post(
        f"/api/v1/agent/handoffs/{handoff_id}/reply", json={"text": "您好"}
    )
    assert response.status_code == 403
    assert "handled by 王丽" in response.json()["detail"]


def test_another_agent_may_not_take_over_a_taken_conversation(agent, namesake, engine):
    handoff_id = _handoff(engine, "我要找人工")
    agent.post(f"/api/v1/agent/handoffs/{handoff_id}/take")
    response = namesake.post(f"/api/v1/agent/handoffs/{handoff_id}/take")
    assert response.status_code == 403
    assert "already taken by 王丽" in response.json()["detail"]


def test_owner_replies_and_hands_back_their_conversation(agent, engine):
    handoff_id = _handoff(engine, "我要找人工")
    agent.post(f"/api/v1/agent/handoffs/{handoff_id}/take")
    reply = agent.post(
        f"/api/v1/agent/handoffs/{handoff_id}/reply", json={"text": "您好，我是王丽"}
    )
    assert reply.status_code == 200, reply.text
    back = agent.post(f"/api/v1/agent/handoffs/{handoff_id}/return")
    assert back.status_code == 200 and back.json()["status"] == "returned"


def test_admin_hands_back_an_agents_conversation(agent, admin, engine):
    handoff_id = _handoff(engine, "我要找人工")
    agent.post(f"/api/v1/agent/handoffs/{handoff_id}/take")
    back = admin.post(f"/api/v1/agent/handoffs/{handoff_id}/return")
    assert back.status_code == 200 and back.json()["status"] == "returned"


# The audit log


def test_reading_a_work_order_in_full_is_audited_with_who_what_and_where(
    agent, admin, citizen, engine, agent_token
):
    number = _work_order(citizen)
    shown = agent.get(f"/api/v1/work-orders/{number}")
    assert shown.status_code == 200 and shown.json()["contact_phone"] == PHONE
    [entry] = _audit(admin, record=number)
    assert entry["token_id"] == _token_id(engine, agent_token)
    assert (entry["actor"], entry["role"], entry["kind"]) == (
        "王丽",
        "agent",
        "work_order",
    )
    assert set(entry["fields"]) == {
        "address",
        "contact_name",
        "contact_phone",
        "description",
    }
    assert entry["client_address"] == "127.0.0.1"
    assert entry["via"] == f"GET /api/v1/work-orders/{number}"


def test_updating_a_work_order_is_audited_as_it_returns_the_record(
    agent, admin, citizen
):
    number = _work_order(citizen)
    moved = agent.patch(
        f"/api/v1/work-orders/{number}",
        json={"status": "dispatched", "note": f"已联系李娜，电话{PHONE}"},
    )
    assert moved.status_code == 200, moved.text
    [entry] = _audit(admin, record=number)
    assert "notes" in entry["fields"] and entry["via"].startswith("PATCH ")


def test_a_citizens_own_lookup_is_not_staff_access_and_not_audited(admin, citizen):
    number = _work_order(citizen)
    found = citizen.post(
        "/api/v1/work-orders/lookup",
        json={"number": number, "phone_last4": PHONE[-4:]},
    )
    assert found.status_code == 200, found.text
    assert _audit(admin, record=number) == []


def test_reading_an_application_in_full_is_audited(agent, admin, citizen):
    created = citizen.post(
        "/api/v1/applications",
        json={
            "service_code": "passport",
            "applicant_name": "李娜",
            "id_number": "310104199001011233",
            "phone": "13912345678",
            "district": "浦东",
            "consent": True,
        },
    )
    assert created.status_code == 201, created.text
    number = created.json()["number"]
    assert agent.get(f"/api/v1/applications/{number}").status_code == 200
    [entry] = _audit(admin, record=number, kind="application")
    assert set(entry["fields"]) == {"applicant_name", "id_number", "phone"}


def test_reading_a_handoff_transcript_is_audited_but_an_empty_poll_is_not(
    agent, admin, engine
):
    handoff_id = _handoff(engine, f"我叫李娜，电话{PHONE}")
    first = agent.get(f"/api/v1/agent/handoffs/{handoff_id}/transcript").json()
    last_id = first["messages"][-1]["id"]
    polled = agent.get(
        f"/api/v1/agent/handoffs/{handoff_id}/transcript", params={"after": last_id}
    ).json()
    assert polled["messages"] == []
    [entry] = _audit(admin, record=str(handoff_id), kind="handoff")
    assert (entry["actor"], entry["fields"]) == ("王丽", ["transcript"])


def test_audit_log_filters_by_actor_and_since(agent, admin, citizen):
    number = _work_order(citizen)
    agent.get(f"/api/v1/work-orders/{number}")
    admin.get(f"/api/v1/work-orders/{number}")
    assert [e["actor"] for e in _audit(admin, record=number)] == ["管理员", "王丽"]
    assert [e["actor"] for e in _audit(admin, record=number, actor="王丽")] == ["王丽"]
    tomorrow = (clock.now() + dt.timedelta(days=1)).date().isoformat()
    assert _audit(admin, record=number, since=tomorrow) == []


def test_audit_log_is_for_admins_only(agent, citizen):
    assert agent.get("/api/v1/admin/audit").status_code == 403
    assert citizen.get("/api/v1/admin/audit").status_code == 401


@pytest.mark.parametrize("limit", [0, 1001])
def test_audit_log_limit_is_bounded(admin, limit):
    assert admin.get("/api/v1/admin/audit", params={"limit": limit}).status_code == 422


def test_audit_log_shows_an_operators_entry_without_a_token(engine, admin):
    number = f"GD{uuid.uuid4().int % 10**14:014d}"
    with session_scope(engine) as db:
        record_operator_access(
            db,
            "隐私专员",
            kind="work_order",
            record=number,
            fields=("contact_phone",),
            via="hotline privacy export",
        )
    [entry] = _audit(admin, record=number)
    assert (entry["token_id"], entry["role"], entry["actor"]) == (
        None,
        "operator",
        "隐私专员",
    )
