"""The agent console's suggestions come with a work-order draft for a pasted call."""

from __future__ import annotations


def test_suggest_returns_the_work_order_draft_of_a_pasted_transcript(
    client, agent_token
):
    response = client.post(
        "/api/v1/agent/suggest",
        headers={"Authorization": f"Bearer {agent_token}"},
        json={
            "text": "坐席：您好，12345。\n"
            "市民：漕溪北路1200号有家饭店油烟太大，这两个礼拜每天晚上都熏得窗都不能开。\n"
            "坐席：您希望怎么处理？\n"
            "市民：希望环保部门来检查一下。"
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["intent"] is None  # no Rasa here
    draft = body["draft"]
    assert draft["category"] == "pollution"
    assert draft["address"] == "漕溪北路1200号"
    assert draft["occurred"] == "这两个礼拜每天晚上"
    assert draft["demand"] == "希望环保部门来检查一下"
    assert draft["demand_stated"] is True
    assert draft["unit"] and draft["unit_level"]


def test_suggest_returns_no_draft_for_an_emergency(client, agent_token):
    body = client.post(
        "/api/v1/agent/suggest",
        headers={"Authorization": f"Bearer {agent_token}"},
        json={"text": "市民：楼下着火了，好多烟"},
    ).json()
    assert body["emergency"] is not None and body["draft"] is None


def test_suggested_routing_says_why_with_top_level_words_and_duty(client, agent_token):
    response = client.post(
        "/api/v1/agent/suggest",
        headers={"Authorization": f"Bearer {agent_token}"},
        json={"text": "隔壁工地半夜打桩，电钻声噪音扰民"},
    )
    assert response.status_code == 200, response.text
    hint = response.json()["work_order"]
    assert (hint["category"], hint["top_level"]) == ("noise", "环境保护")
    assert "电钻声" in hint["deciding_words"]
    assert hint["duty"] and hint["automatic"] is False
    assert hint["model_version"] is None and 0 < hint["confidence"] <= 1
