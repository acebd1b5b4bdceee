"""A citizen answers the 回访 in the chat: the gateway takes it before the assistant."""

from __future__ import annotations

import uuid

from cases.lifecycle import UNIT, Step, apply
from cases.work_orders import WorkOrderRequest, dispatch_work_order, file_work_order
from foundation.db import session_scope


def _completed(session, router, session_id: str) -> str:
    order = file_work_order(
        session,
        WorkOrderRequest(description="楼下饭店油烟太大", session_id=session_id),
        router,
    )
    dispatch_work_order(session, order.number, order.category.code, "agent-li")
    apply(session, order.number, Step("sign", "unit-1", UNIT))
    apply(session, order.number, Step("complete", "unit-1", UNIT, note="已整改"))
    return order.number


def test_the_chat_takes_the_answer_before_the_assistant(client, engine, router):
    session_id = f"visit-http-{uuid.uuid4().hex[:8]}"
    with session_scope(engine) as session:
        number = _completed(session, router, session_id)
    response = client.post(
        "/api/v1/chat", json={"session_id": session_id, "text": "基本满意"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["intent"]["name"] == "answer_visit"
    assert number in body["replies"][0]["text"]


def test_a_satisfaction_word_without_a_waiting_visit_goes_to_the_assistant(client):
    response = client.post(
        "/api/v1/chat",
        json={"session_id": f"visit-none-{uuid.uuid4().hex[:8]}", "text": "满意"},
    )
    assert response.status_code == 200
    # Rasa is absent in these tests: the assistant's polite "unavailable" answers.
    assert response.json()["intent"] is None
