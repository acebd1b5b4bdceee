"""A citizen answers the 回访 in the chat: the gateway takes it before the assistant."""

from __future__ import annotations

from cases.lifecycle import UNIT, Step, apply
from cases.work_orders import WorkOrderRequest, dispatch_work_order, file_work_order
from foundation.db import session_scope
from tests.support.chat import Citizen, issued_session


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
    issued = issued_session()
    with session_scope(engine) as session:
        number = _completed(session, router, issued.id)
    body = Citizen(client, session=issued).say("基本满意")
    assert body["intent"]["name"] == "answer_visit"
    assert number in body["replies"][0]["text"]


def test_a_satisfaction_word_without_a_waiting_visit_goes_to_the_assistant(client):
    response = Citizen(client).post("满意")
    assert response.status_code == 200
    # Rasa is absent in these tests: the assistant's polite "unavailable" answers.
    assert response.json()["intent"] is None
