"""The agent console's suggestions carry the guide's source and 最近核验 date apart from
the answer, so the agent sees how current a guide is however long the answer."""

from __future__ import annotations


def test_suggest_returns_the_source_and_verified_date_of_each_guide(
    client, agent_token
):
    response = client.post(
        "/api/v1/agent/suggest",
        headers={"Authorization": f"Bearer {agent_token}"},
        json={"text": "护照怎么办"},
    )
    assert response.status_code == 200, response.text
    best = response.json()["suggestions"][0]
    assert best["service_code"] == "passport"
    assert best["provenance"].startswith("信息来源：")
    assert "最近核验：" in best["provenance"]
    assert best["provenance"] in best["answer"]
    assert isinstance(best["stale"], bool)
