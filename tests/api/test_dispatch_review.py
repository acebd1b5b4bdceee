"""The agents' review queue: orders the router was not sure of wait there with three
suggestions, and an agent's choice dispatches them, confirmed or corrected."""

from __future__ import annotations

import uuid

import httpx
import pytest


@pytest.fixture
def agent(base_url, agent_token):
    with httpx.Client(
        base_url=base_url,
        headers={"Authorization": f"Bearer {agent_token}"},
        timeout=30,
    ) as client:
        yield client


def _file(client, description: str) -> dict:
    response = client.post(
        "/api/v1/work-orders",
        json={"description": description, "contact_phone": "13912345678"},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert response.status_code == 201, response.text
    return response.json()


def _queued(agent, number: str) -> dict | None:
    response = agent.get("/api/v1/agent/dispatch-queue", params={"limit": 200})
    assert response.status_code == 200, response.text
    return next((o for o in response.json()["orders"] if o["number"] == number), None)


def test_unsure_order_waits_with_suggestions_and_masked_text(client, agent):
    order = _file(client, "小区门口共享单车乱停，我电话13912345678，请处理")
    assert order["status"] == "registered" and order["dispatch_method"] is None
    queued = _queued(agent, order["number"])
    assert queued is not None
    assert "13912345678" not in queued["description"]
    assert queued["suggestions"] and queued["top_level"]


def test_correcting_an_order_dispatches_it_and_takes_it_off_the_queue(client, agent):
    order = _file(client, "楼上半夜装修电钻声很吵")
    assert order["category"] == "noise" and order["top_level"] == "环境保护"
    moved = agent.post(
        f"/api/v1/agent/work-orders/{order['number']}/dispatch",
        json={"category": "property-management"},
    )
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert body["category"] == "property-management"
    assert body["dispatch_method"] == "agent-corrected"
    assert body["status"] == "dispatched" and body["top_level"] == "城乡建设"
    assert _queued(agent, order["number"]) is None
    again = agent.post(
        f"/api/v1/agent/work-orders/{order['number']}/dispatch",
        json={"category": "noise"},
    )
    assert again.status_code == 409
    assert again.json()["error"] == "conflict"


def test_confirming_keeps_the_category(client, agent):
    order = _file(client, "楼下饭店油烟太大，窗户都不能开")
    moved = agent.post(
        f"/api/v1/agent/work-orders/{order['number']}/dispatch",
        json={"category": order["category"]},
    )
    assert moved.json()["dispatch_method"] == "agent-confirmed"


@pytest.mark.parametrize(
    ("body", "status"),
    [({"category": "no-such-category"}, 422), ({}, 422), ({"category": ""}, 422)],
)
def test_bad_dispatch_is_refused_and_the_order_keeps_waiting(
    client, agent, body, status
):
    order = _file(client, "路灯坏了好几天了，晚上很黑")
    response = agent.post(
        f"/api/v1/agent/work-orders/{order['number']}/dispatch", json=body
    )
    assert response.status_code == status, response.text
    assert "Traceback" not in response.text
    assert _queued(agent, order["number"]) is not None


def test_queue_and_dispatch_need_an_agent(client):
    assert client.get("/api/v1/agent/dispatch-queue").status_code == 401
    response = client.post(
        "/api/v1/agent/work-orders/GD26010112345678/dispatch",
        json={"category": "noise"},
    )
    assert response.status_code == 401


def test_dispatching_an_unknown_order_is_404(agent):
    response = agent.post(
        "/api/v1/agent/work-orders/GD26010112345678/dispatch",
        json={"category": "noise"},
    )
    assert response.status_code == 404
