"""Idempotency keys over real HTTP (issue 25, hole 8): a key counts only for the client
that sent it, and only with the same body.

Before: the key alone found the record, so another client sending it got the first
citizen's order back, whatever it sent.
"""

from __future__ import annotations

import uuid

import httpx
import pytest

COMPLAINT = {
    "description": "小区门口的垃圾三天没人清运了",
    "category": "noise",
    "district": "杨浦区",
    "contact_phone": "13700002222",
}
APPLICATION = {
    "service_code": "passport",
    "applicant_name": "李娜",
    "id_number": "310104199001011233",
    "phone": "13912345678",
    "district": "浦东",
    "consent": True,
}


def _from(base_url: str, address: str) -> httpx.Client:
    """A client whose requests come from ``address`` (any 127.x.y.z is loopback)."""
    return httpx.Client(
        base_url=base_url,
        timeout=30,
        transport=httpx.HTTPTransport(local_address=address),
    )


@pytest.fixture
def key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


@pytest.mark.parametrize(
    ("path", "body"),
    [("/api/v1/work-orders", COMPLAINT), ("/api/v1/applications", APPLICATION)],
)
def test_a_retry_with_the_same_key_and_body_returns_the_first_record(
    client, key, path, body
):
    first = client.post(path, json=body, headers=key)
    again = client.post(path, json=body, headers=key)
    assert first.status_code == 201 and again.status_code == 201, again.text
    assert again.json()["number"] == first.json()["number"]


@pytest.mark.parametrize(
    ("path", "body", "changed"),
    [
        ("/api/v1/work-orders", COMPLAINT, {"description": "楼下烧烤店油烟太大"}),
        ("/api/v1/applications", APPLICATION, {"phone": "13800001234"}),
    ],
)
def test_a_reused_key_with_another_body_is_refused_with_409(
    client, key, path, body, changed
):
    first = client.post(path, json=body, headers=key)
    assert first.status_code == 201, first.text
    reused = client.post(path, json={**body, **changed}, headers=key)
    assert reused.status_code == 409, reused.text
    assert reused.json()["error"] == "conflict"
    assert "Idempotency-Key" in reused.json()["detail"]
    assert first.json()["number"] not in reused.text


@pytest.mark.parametrize(
    ("path", "body"),
    [("/api/v1/work-orders", COMPLAINT), ("/api/v1/applications", APPLICATION)],
)
def test_another_client_reusing_a_key_never_gets_the_first_record(
    base_url, key, path, body
):
    with (
        _from(base_url, "127.0.0.31") as victim,
        _from(base_url, "127.0.0.32") as other,
    ):
        first = victim.post(path, json=body, headers=key)
        # The same body too: even a perfect copy of the request is not a retry.
        copied = other.post(path, json=body, headers=key)
        assert first.status_code == 201 and copied.status_code == 201, copied.text
        assert copied.json()["number"] != first.json()["number"]
        # And the first client's retry still finds its own.
        retried = victim.post(path, json=body, headers=key)
        assert retried.json()["number"] == first.json()["number"]


def test_an_agents_keys_are_its_tokens_not_its_addresss(
    client, base_url, agent_token, key
):
    citizen = client.post("/api/v1/work-orders", json=COMPLAINT, headers=key)
    with httpx.Client(
        base_url=base_url,
        timeout=30,
        headers={"Authorization": f"Bearer {agent_token}"},
    ) as agent:
        filed = agent.post("/api/v1/work-orders", json=COMPLAINT, headers=key)
        retried = agent.post("/api/v1/work-orders", json=COMPLAINT, headers=key)
    assert citizen.status_code == 201 and filed.status_code == 201, filed.text
    assert filed.json()["number"] != citizen.json()["number"]
    assert retried.json()["number"] == filed.json()["number"]


def test_the_conflict_is_documented_in_openapi(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert "409" in paths["/api/v1/work-orders"]["post"]["responses"]
    assert "409" in paths["/api/v1/applications"]["post"]["responses"]
