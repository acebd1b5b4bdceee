"""The gateway over real HTTP with the real Rasa server, action server and trained model."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import uuid

import httpx
import pytest

from foundation.db import session_scope
from knowledge_base import editorial
from privacy.chat_sessions import ChatSession
from tests.conftest import METRICS_TOKEN
from tests.support.chat import issued_session

pytestmark = pytest.mark.slow
VALID_ID = "310104199001011233"
PASSPORT_APPLICATION = {
    "service_code": "passport",
    "applicant_name": "李娜",
    "id_number": VALID_ID,
    "phone": "13912345678",
    "district": "浦东",
    "consent": True,
}


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


def _session() -> ChatSession:
    """A session issued as the gateway issues them (its first answer would give one)."""
    return issued_session()


def _text(body) -> str:
    """Rasa's REST channel sends a long answer as one reply per paragraph."""
    return "\n\n".join(reply["text"] for reply in body["replies"])


def _chat(api, session: ChatSession, text, **extra):
    response = api.post(
        "/api/v1/chat", json={"session_id": session.token, "text": text, **extra}
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_healthz_is_ok_when_model_and_action_server_are_up(api):
    response = api.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert (
        body["checks"]["model"] == "loaded" and body["checks"]["action_server"] == "ok"
    )


def test_chat_answers_guidance_and_names_the_service(api):
    session = _session()
    body = _chat(api, session, "刚来上海工作，居住证要怎么办")
    assert body["service"] == {"code": "residence-permit", "name": "上海市居住证办理"}
    assert body["intent"]["name"] == "ask_service_guide"
    assert "办理步骤" in _text(body)
    follow_up = _chat(api, session, "那要带啥？")
    assert follow_up["service"]["code"] == "residence-permit"
    assert "材料" in _text(follow_up)


def test_chat_in_english_is_answered_in_english_and_names_the_service_in_english(api):
    body = _chat(
        api,
        _session(),
        "What documents do I need for a foreigner work permit?",
        lang="en",
    )
    assert _text(body).startswith("Documents for")
    assert body["service"] == {
        "code": "foreigner-work-permit",
        "name": "Work Permit for Foreigners in China",
    }


def test_handoff_round_trip_between_citizen_and_agent(api, agent):
    session = _session()
    _chat(api, session, "我的手机号是13812345678，身份证310104199001011233")
    body = _chat(api, session, "转人工")
    assert body["handoff"] is True
    queue = agent.get("/api/v1/agent/handoffs").json()["handoffs"]
    handoff = next(h for h in queue if h["session_id"] == session.id)
    assert handoff["status"] == "waiting" and handoff["channel"] == "web"
    assert (
        agent.post(f"/api/v1/agent/handoffs/{handoff['id']}/take").json()["status"]
        == "active"
    )
    transcript = agent.get(f"/api/v1/agent/handoffs/{handoff['id']}/transcript").json()[
        "messages"
    ]
    shown = json.dumps(transcript, ensure_ascii=False)
    assert (
        "138****5678" in shown and "13812345678" not in shown and VALID_ID not in shown
    )
    quiet = _chat(api, session, "请问还要等多久")
    assert quiet["handoff"] is True and "人工" in _text(quiet)
    agent.post(
        f"/api/v1/agent/handoffs/{handoff['id']}/reply",
        json={"text": "您好，我是12345话务员小王，请讲。"},
    )
    messages = api.get(f"/api/v1/chat/{session.token}/messages").json()
    assert messages["handoff"] == "active"
    assert any(
        m["sender"] == "agent" and "小王" in m["text"] for m in messages["messages"]
    )
    last = messages["messages"][-1]["id"]
    assert (
        api.get(
            f"/api/v1/chat/{session.token}/messages", params={"after": last}
        ).json()["messages"]
        == []
    )
    assert (
        agent.post(f"/api/v1/agent/handoffs/{handoff['id']}/return").json()["status"]
        == "returned"
    )
    assert _chat(api, session, "护照怎么办")["handoff"] is False


def test_each_turn_of_a_form_reports_its_own_intent_and_the_service(api):
    session = _session()
    asked = _chat(api, session, "我要在线申请居住证")
    # Consent comes before anything personal is asked (issue 25).
    assert asked["intent"]["name"] == "start_application" and "是否同意" in _text(asked)
    assert "姓名" in _text(_chat(api, session, "同意"))
    turns = [
        _chat(api, session, text)
        for text in ("张伟", "310104199001011233", "13812345678", "办这个要交钱吗")
    ]
    assert [t["intent"]["name"] for t in turns[:3]] == ["inform"] * 3
    assert turns[3]["intent"]["name"] == "ask_fee"
    assert all(t["service"]["code"] == "residence-permit" for t in turns)


def test_agent_suggest_gives_readable_answers_and_routes_complaints(agent):
    started = time.perf_counter()
    body = agent.post(
        "/api/v1/agent/suggest", json={"text": "来电人问办护照要带什么材料", "top_k": 3}
    ).json()
    assert time.perf_counter() - started < 5
    first = body["suggestions"][0]
    assert (
        first["service_code"] == "passport" and first["materials"] and first["answer"]
    )
    complaint = agent.post(
        "/api/v1/agent/suggest", json={"text": "楼下饭店油烟太大，熏得窗户都不能开"}
    ).json()
    assert complaint["work_order"]["category"] == "pollution"


def test_agent_endpoints_require_a_valid_token(api):
    assert api.post("/api/v1/agent/suggest", json={"text": "护照"}).status_code == 401
    bad = api.get(
        "/api/v1/agent/handoffs", headers={"Authorization": "Bearer not-a-token"}
    )
    assert bad.status_code == 401 and bad.json()["error"] == "unauthorized"


def test_application_is_created_once_per_idempotency_key_and_read_back_masked(api):
    key = {"Idempotency-Key": uuid.uuid4().hex}
    first = api.post("/api/v1/applications", json=PASSPORT_APPLICATION, headers=key)
    second = api.post("/api/v1/applications", json=PASSPORT_APPLICATION, headers=key)
    assert first.status_code == second.status_code == 201
    assert first.json()["number"] == second.json()["number"]
    # Read back by its owner: the number and the phone's last four digits (issue 25).
    read = api.post(
        "/api/v1/applications/lookup",
        json={"number": first.json()["number"], "phone_last4": "5678"},
    ).json()
    assert (
        read["district"] == "浦东新区"
        and read["phone"] == "139****5678"
        and read["applicant_name"] == "李*"
    )


def test_times_are_sent_with_shanghais_offset(api):
    created = api.post("/api/v1/applications", json=PASSPORT_APPLICATION).json()
    sent = created["created_at"]
    assert sent.endswith("+08:00")
    moment = dt.datetime.fromisoformat(sent)
    assert abs(moment - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(minutes=5)


def test_application_with_bad_id_number_is_a_clear_422(api):
    body = {
        "service_code": "passport",
        "applicant_name": "李娜",
        "id_number": "310104199001011234",
        "phone": "13912345678",
        "district": "浦东",
        "consent": True,
    }
    response = api.post("/api/v1/applications", json=body)
    assert response.status_code == 422
    assert response.json()["detail"].startswith("id_number")


def test_work_order_lifecycle_with_agent_status_changes(api, agent):
    key = {"Idempotency-Key": uuid.uuid4().hex}
    body = {
        "description": "小区门口共享单车乱停，盲道都被占了",
        "district": "杨浦区",
        "address": "国权路",
        "contact_phone": "13700001111",
    }
    created = api.post("/api/v1/work-orders", json=body, headers=key).json()
    assert re.fullmatch(r"GD\d{14}", created["number"]) and created["department"]
    assert (
        api.post("/api/v1/work-orders", json=body, headers=key).json()["number"]
        == created["number"]
    )
    number = created["number"]
    assert (
        api.patch(
            f"/api/v1/work-orders/{number}", json={"status": "dispatched"}
        ).status_code
        == 401
    )
    moved = agent.patch(
        f"/api/v1/work-orders/{number}", json={"status": "dispatched", "note": "已派单"}
    ).json()
    assert moved["status"] == "dispatched" and [
        h["status"] for h in moved["history"]
    ] == ["registered", "dispatched"]
    agent.patch(f"/api/v1/work-orders/{number}", json={"status": "closed"})
    reopened = agent.patch(
        f"/api/v1/work-orders/{number}", json={"status": "in_progress"}
    )
    assert reopened.status_code == 422
    assert (
        api.post(
            "/api/v1/work-orders/lookup", json={"number": number, "phone_last4": "1111"}
        ).json()["contact_phone"]
        == "137****1111"
    )


def test_feedback_is_stored_and_validated(api):
    assert (
        api.post(
            "/api/v1/feedback", json={"rating": 5, "comment": "很耐心"}
        ).status_code
        == 201
    )
    assert api.post("/api/v1/feedback", json={"rating": 6}).status_code == 422
    assert api.post("/api/v1/feedback", json={"rating": "5"}).status_code == 422


def test_admin_manages_services_and_search_sees_them(
    live_app, admin_token, agent_token, engine
):
    record = {
        "code": "test-boat-licence",
        "name": "游船驾驶证核发",
        "department": "transport",
        "category": "交通出行",
        "aliases": ["游船驾照"],
        "summary": "游船驾驶人员申领驾驶证。",
        "steps": [{"title": "测试：提交申请"}],
        "source": "测试",
        "notice": "以官方指南为准",
        "updated_at": "2026-11-01",
    }
    with httpx.Client(base_url=live_app, timeout=30) as client:
        as_agent = {"Authorization": f"Bearer {agent_token}"}
        as_admin = {"Authorization": f"Bearer {admin_token}"}
        assert (
            client.post("/api/v1/services", json=record, headers=as_agent).status_code
            == 403
        )
        assert (
            client.post("/api/v1/services", json=record, headers=as_admin).status_code
            == 201
        )
        assert (
            client.post("/api/v1/services", json=record, headers=as_admin).status_code
            == 409
        )
        hits = client.get("/api/v1/services", params={"q": "游船驾照怎么办"}).json()[
            "results"
        ]
        assert hits[0]["code"] == "test-boat-licence"
        changed = client.put(
            "/api/v1/services/test-boat-licence",
            json={**record, "name": "游艇驾驶证核发"},
            params={"reason": "测试：更名"},
            headers=as_admin,
        )
        assert changed.json()["name"] == "游艇驾驶证核发"
        no_steps = client.put(
            "/api/v1/services/test-boat-licence",
            json={**record, "steps": []},
            headers=as_admin,
        )
        assert no_steps.status_code == 422
        assert "没有办理步骤" in str(no_steps.json())
        assert (
            client.delete(
                "/api/v1/services/test-boat-licence", headers=as_admin
            ).status_code
            == 204
        )
        assert client.get("/api/v1/services/test-boat-licence").status_code == 404
    with session_scope(engine) as session:
        kept = editorial.history(session, kind="service", code="test-boat-licence")
        assert [(v.number, v.status, v.author, v.reason) for v in kept] == [
            (1, "retired", "管理员", "管理员直接修改"),
            (2, "retired", "管理员", "测试：更名"),
        ]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"session_id": "s1", "text": ""}, 422),
        ({"session_id": "s1", "text": "居" * 20000}, 422),
        ({"session_id": "s1", "text": 12345}, 422),
        ({"session_id": "bad id with spaces", "text": "你好"}, 422),
        ({"session_id": "s1", "text": "你好", "lang": "fr"}, 422),
        ({"session_id": "", "text": "你好"}, 422),
        ({"session_id": "s1"}, 422),
    ],
)
def test_bad_chat_bodies_get_clear_4xx_json(api, body, status):
    response = api.post("/api/v1/chat", json=body)
    assert response.status_code == status
    assert response.json()["error"] == "invalid_request"


def test_invalid_json_and_oversized_bodies_are_refused(api):
    broken = api.post(
        "/api/v1/chat",
        content=b'{"session_id": "s1", "text": ',
        headers={"Content-Type": "application/json"},
    )
    assert broken.status_code == 422 and broken.json()["error"] == "invalid_request"
    huge = api.post(
        "/api/v1/chat",
        content=b"x" * 200_000,
        headers={"Content-Type": "application/json"},
    )
    assert huge.status_code == 413 and huge.json()["error"] == "payload_too_large"
    wrong_encoding = api.post(
        "/api/v1/chat",
        content='{"session_id":"s1","text":"居住证"}'.encode("gbk"),
        headers={"Content-Type": "application/json"},
    )
    assert wrong_encoding.status_code in (400, 422) and wrong_encoding.json()[
        "error"
    ] in ("bad_request", "invalid_request")


def test_unknown_session_and_handoff_are_handled(api, agent):
    unknown = api.get("/api/v1/chat/never-seen/messages")
    assert unknown.status_code == 404 and unknown.json()["error"] == "not_found"
    assert agent.post("/api/v1/agent/handoffs/999999/take").status_code == 404


def test_metrics_count_intents_and_requests(api):
    _chat(api, _session(), "你好")
    text = api.get(
        "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
    ).text
    assert 'hotline_intents_total{intent="greet"}' in text
    assert "hotline_http_request_seconds_bucket" in text


# ------------------------------------------------------------------ emergencies first

CRISIS_LINE = "12356"


def _first_sentence(body) -> str:
    return body["replies"][0]["text"].split("。")[0]


def _queued(agent, session: ChatSession):
    queue = agent.get("/api/v1/agent/handoffs").json()["handoffs"]
    index = next(i for i, h in enumerate(queue) if h["session_id"] == session.id)
    return index, queue[index], queue


def _assert_urgent_at_the_head(agent, session: ChatSession) -> dict:
    """Only urgent hand-offs requested no later than this one come before it."""
    index, mine, queue = _queued(agent, session)
    assert mine["urgent"] is True
    assert all(
        h["urgent"] and h["requested_at"] <= mine["requested_at"] for h in queue[:index]
    )
    return mine


def _hand_back(agent, handoff_id) -> None:
    agent.post(f"/api/v1/agent/handoffs/{handoff_id}/take")
    assert (
        agent.post(f"/api/v1/agent/handoffs/{handoff_id}/return").json()["status"]
        == "returned"
    )


def test_fire_in_a_fresh_conversation_gets_119_in_the_first_reply(api, agent):
    session = _session()
    body = _chat(api, session, "楼下着火了，好多烟")
    assert "119" in _first_sentence(body)
    assert body["handoff"] is True and body["intent"]["name"] == "emergency"
    handoff = _assert_urgent_at_the_head(agent, session)
    assert handoff["emergency"] == "fire"
    _hand_back(agent, handoff["id"])


def test_fire_in_english_gets_119_in_english(api, agent):
    session = _session()
    body = _chat(api, session, "There is a fire in my building")
    assert body["replies"][0]["text"].startswith("Please call 119")
    _hand_back(agent, _queued(agent, session)[1]["id"])


def test_an_emergency_in_an_application_form_sets_the_form_aside_until_handed_back(
    api, agent
):
    session = _session()
    assert "是否同意" in _text(_chat(api, session, "我要在线申请居住证"))
    assert "姓名" in _text(_chat(api, session, "同意"))
    body = _chat(api, session, "楼下着火了，好多烟")
    assert "119" in _first_sentence(body) and body["handoff"] is True
    assert len(body["replies"]) == 1 and "姓名" not in _text(body)
    handoff = _assert_urgent_at_the_head(agent, session)
    # While the agent has it the form stays where it was, untouched.
    assert "人工" in _text(_chat(api, session, "张伟"))
    _hand_back(agent, handoff["id"])
    resumed = _chat(api, session, "张伟")
    assert resumed["handoff"] is False and "身份证" in _text(resumed)


def test_an_emergency_in_a_complaint_form_gets_the_number_not_the_next_question(
    api, agent
):
    session = _session()
    assert "对吗" in _text(_chat(api, session, "楼上每天半夜装修，电钻声吵得人睡不着"))
    body = _chat(api, session, "楼下着火了，好多烟")
    assert "119" in _first_sentence(body)
    assert len(body["replies"]) == 1 and "对吗" not in _text(body)
    assert "哪个区" not in _text(body)
    _hand_back(agent, _assert_urgent_at_the_head(agent, session)["id"])


def test_crisis_talk_while_waiting_and_with_an_agent_gets_the_crisis_line_first(
    api, agent
):
    session = _session()
    assert _chat(api, session, "转人工")["handoff"] is True
    _, waiting, _ = _queued(agent, session)
    assert waiting["urgent"] is False

    body = _chat(api, session, "我不想活了")
    assert CRISIS_LINE in _first_sentence(body)
    handoff = _assert_urgent_at_the_head(agent, session)
    assert handoff["id"] == waiting["id"] and handoff["emergency"] == "self_harm"

    agent.post(f"/api/v1/agent/handoffs/{handoff['id']}/take")
    body = _chat(api, session, "我不想活了")
    assert CRISIS_LINE in _first_sentence(body)
    assert _assert_urgent_at_the_head(agent, session)["status"] == "active"
    agent.post(f"/api/v1/agent/handoffs/{handoff['id']}/return")


@pytest.mark.parametrize("text", ["火车票怎么退", "120急救车收费太贵了我要投诉"])
def test_ordinary_messages_with_emergency_words_are_answered_by_the_bot(api, text):
    body = _chat(api, _session(), text)
    assert body["handoff"] is False
    assert (body["intent"] or {}).get("name") != "emergency"
    assert "请立即拨打" not in _text(body)
