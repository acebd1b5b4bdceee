"""Duplicates over HTTP: a filing may join the open order of its event, and agents see
the candidates of an order, merge two orders and split a report out again."""

from __future__ import annotations

import uuid

import httpx
import pytest

# Places of Changning: other tests file elsewhere, so only these orders match.
LIGHT = "{road}{cross}路口的路灯坏了，晚上一片漆黑，老人过马路很危险，电话13912345678"
SAME_LIGHT = "{cross}{road}交叉口那盏路灯好几天不亮了，晚上走路看不见"
JUNCTIONS = iter(
    [
        ("愚园路", "江苏路"),
        ("天山路", "娄山关路"),
        ("仙霞路", "威宁路"),
        ("延安西路", "番禺路"),
        ("长宁路", "凯旋路"),
        ("虹古路", "剑河路"),
    ]
)


@pytest.fixture
def agent(base_url, agent_token):
    with httpx.Client(
        base_url=base_url,
        headers={"Authorization": f"Bearer {agent_token}"},
        timeout=30,
    ) as client:
        yield client


@pytest.fixture
def junction():
    road, cross = next(JUNCTIONS)
    return {"road": road, "cross": cross}


def _file(client, text: str, junction: dict, join: bool = False) -> dict:
    response = client.post(
        "/api/v1/work-orders",
        json={
            "description": text.format(**junction),
            "category": "roads-municipal",
            "district": "长宁区",
            "address": f"{junction['road']}{junction['cross']}路口",
            "contact_phone": "13912345678",
            "join_duplicates": join,
        },
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_a_filing_asked_to_join_is_merged_into_the_open_order_of_its_event(
    client, junction
):
    first = _file(client, LIGHT, junction)
    second = _file(client, SAME_LIGHT, junction, join=True)
    assert second["status"] == "merged" and second["merged_into"] == first["number"]
    assert (
        second["status_text"]
        == f"已与工单 {first['number']} 合并办理，" + (first["status_text"])
    )


def test_an_agent_sees_the_candidates_masked_with_their_similarity(
    client, agent, junction
):
    first = _file(client, LIGHT, junction)
    second = _file(client, SAME_LIGHT, junction)
    found = agent.get(f"/api/v1/agent/work-orders/{second['number']}/duplicates")
    assert found.status_code == 200, found.text
    body = found.json()
    assert body["merged_into"] is None and body["joined"] == []
    best = body["candidates"][0]
    assert best["number"] == first["number"]
    assert 0.6 <= best["score"] <= 1 and best["reasons"]
    assert "13912345678" not in best["description"]


def test_an_agent_merges_and_splits_and_the_report_returns_to_review(
    client, agent, junction
):
    first = _file(client, LIGHT, junction)
    second = _file(client, SAME_LIGHT, junction)
    merged = agent.post(
        f"/api/v1/agent/work-orders/{second['number']}/merge",
        json={"into": first["number"].lower()},
    )
    assert merged.status_code == 200, merged.text
    assert merged.json()["merged_into"] == first["number"]
    seen = agent.get(f"/api/v1/agent/work-orders/{first['number']}/duplicates").json()
    assert [j["number"] for j in seen["joined"]] == [second["number"]]
    split = agent.post(
        f"/api/v1/agent/work-orders/{second['number']}/split",
        json={"note": "不是同一盏灯"},
    )
    assert split.status_code == 200, split.text
    assert split.json()["status"] == "registered"
    assert split.json()["merged_into"] is None
    queue = agent.get("/api/v1/agent/dispatch-queue", params={"limit": 200}).json()
    assert second["number"] in [o["number"] for o in queue["orders"]]


def test_bad_merges_and_splits_get_a_clear_4xx(client, agent, junction):
    first = _file(client, LIGHT, junction)
    number = first["number"]
    itself = agent.post(
        f"/api/v1/agent/work-orders/{number}/merge", json={"into": number}
    )
    assert itself.status_code == 422 and "itself" in itself.text
    unknown = agent.post(
        f"/api/v1/agent/work-orders/{number}/merge", json={"into": "GD26120700000000"}
    )
    assert unknown.status_code == 404
    malformed = agent.post(
        f"/api/v1/agent/work-orders/{number}/merge", json={"into": 7}
    )
    assert malformed.status_code == 422
    not_merged = agent.post(f"/api/v1/agent/work-orders/{number}/split", json={})
    assert not_merged.status_code == 422 and "not merged" in not_merged.text
    missing = agent.get("/api/v1/agent/work-orders/GD26120700000000/duplicates")
    assert missing.status_code == 404


def test_citizens_and_units_cannot_merge(client, junction):
    first = _file(client, LIGHT, junction)
    response = client.post(
        f"/api/v1/agent/work-orders/{first['number']}/merge",
        json={"into": first["number"]},
    )
    assert response.status_code == 401
    assert (
        client.get(
            f"/api/v1/agent/work-orders/{first['number']}/duplicates"
        ).status_code
        == 401
    )
