"""Attacks on reading cases by number, over real HTTP (issue 25, hole 1).

A number alone opens nothing; the owner proves it with the phone's last four digits
or the query code; a wrong proof is an unknown number; each number has its own limit
of failures, whatever address they come from; staff read with their tokens.
"""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

PHONE = "13700001111"
NOTE = "已联系李娜，电话13700001111，约好周五上门"


@pytest.fixture
def agent(base_url, agent_token):
    with httpx.Client(
        base_url=base_url,
        timeout=30,
        headers={"Authorization": f"Bearer {agent_token}"},
    ) as client:
        yield client


def _from(base_url: str, address: str) -> httpx.Client:
    """A client whose requests come from ``address`` (any 127.x.y.z is loopback)."""
    return httpx.Client(
        base_url=base_url,
        timeout=30,
        transport=httpx.HTTPTransport(local_address=address),
    )


def _work_order(client, agent, **fields) -> dict:
    body = {
        "description": f"小区路灯坏了一个月，有事打我电话{PHONE}",
        "category": "noise",
        "district": "杨浦区",
        "address": "国权路100弄",
        "contact_name": "李娜",
        "contact_phone": PHONE,
        **fields,
    }
    response = client.post(
        "/api/v1/work-orders", json=body, headers={"Idempotency-Key": uuid.uuid4().hex}
    )
    assert response.status_code == 201, response.text
    created = response.json()
    moved = agent.patch(
        f"/api/v1/work-orders/{created['number']}",
        json={"status": "dispatched", "note": NOTE},
    )
    assert moved.status_code == 200, moved.text
    return created


def _application(client) -> dict:
    response = client.post(
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
    assert response.status_code == 201, response.text
    return response.json()


def _lookup(client, kind: str, number: str, **proof) -> httpx.Response:
    return client.post(f"/api/v1/{kind}/lookup", json={"number": number, **proof})


def _personal(text: str) -> list[str]:
    return [
        p for p in (PHONE, "李娜", "13912345678", "310104199001011233") if p in text
    ]


def test_anonymous_get_of_a_work_order_by_number_gives_nothing_personal(client, agent):
    number = _work_order(client, agent)["number"]
    response = client.get(f"/api/v1/work-orders/{number}")
    assert response.status_code == 401
    assert _personal(response.text) == [] and "路灯" not in response.text
    assert "国权路" not in response.text and "已联系" not in response.text


def test_anonymous_get_of_an_application_by_number_gives_nothing_personal(client):
    number = _application(client)["number"]
    response = client.get(f"/api/v1/applications/{number}")
    assert response.status_code == 401
    assert _personal(response.text) == [] and "passport" not in response.text


def test_an_unknown_number_and_a_known_one_answer_a_get_alike(client, agent):
    number = _work_order(client, agent)["number"]
    known = client.get(f"/api/v1/work-orders/{number}")
    unknown = client.get("/api/v1/work-orders/GD26010100000000")
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())


def test_wrong_last_four_gives_the_same_404_as_an_unknown_number(client, agent):
    number = _work_order(client, agent)["number"]
    wrong = _lookup(client, "work-orders", number, phone_last4="1112")
    unknown = _lookup(client, "work-orders", "GD26010112345678", phone_last4="1111")
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.content == unknown.content
    assert number not in wrong.text


def test_wrong_last_four_of_an_application_gives_the_same_404_as_an_unknown_number(
    client,
):
    number = _application(client)["number"]
    wrong = _lookup(client, "applications", number, phone_last4="5679")
    unknown = _lookup(client, "applications", "SQ26010112345678", phone_last4="5678")
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.content == unknown.content


def test_owner_reads_a_work_order_with_the_last_four_digits_masked(client, agent):
    number = _work_order(client, agent)["number"]
    response = _lookup(client, "work-orders", number, phone_last4="1111")
    assert response.status_code == 200, response.text
    order = response.json()
    assert order["number"] == number
    assert (order["contact_name"], order["contact_phone"]) == ("李*", "137****1111")
    assert "路灯" in order["description"] and PHONE not in order["description"]
    notes = [h["note"] for h in order["history"] if h["note"]]
    assert notes and all(PHONE not in n and "李娜" not in n for n in notes)
    assert _personal(response.text) == []


def test_owner_reads_an_application_with_the_last_four_digits_masked(client):
    number = _application(client)["number"]
    response = _lookup(client, "applications", number, phone_last4="5678")
    assert response.status_code == 200, response.text
    assert response.json()["phone"] == "139****5678"
    assert _personal(response.text) == []


def test_sixth_failure_on_one_number_is_429_even_from_different_addresses(
    base_url, client, agent
):
    number = _work_order(client, agent)["number"]
    for host in range(2, 7):
        with _from(base_url, f"127.0.0.{host}") as elsewhere:
            wrong = _lookup(elsewhere, "work-orders", number, phone_last4="0000")
            assert wrong.status_code == 404
    with _from(base_url, "127.0.0.7") as fresh:
        refused = _lookup(fresh, "work-orders", number, phone_last4="0000")
        assert refused.status_code == 429
        assert refused.json()["error"] == "too_many_requests"
        assert 0 < int(refused.headers["Retry-After"]) <= 3600
        # The owner is refused too, so the limit tells an attacker nothing.
        owner = _lookup(fresh, "work-orders", number, phone_last4="1111")
        assert owner.status_code == 429
    # Another number is not affected, from the same address.
    other = _work_order(client, agent)["number"]
    assert _lookup(client, "work-orders", other, phone_last4="1111").status_code == 200


def test_an_unknown_number_is_limited_like_a_known_one(client):
    unknown = "GD26010100001234"
    for _ in range(5):
        assert (
            _lookup(client, "work-orders", unknown, phone_last4="1111").status_code
            == 404
        )
    assert (
        _lookup(client, "work-orders", unknown, phone_last4="1111").status_code == 429
    )


def test_agent_with_a_token_reads_the_full_record(client, agent):
    number = _work_order(client, agent)["number"]
    order = agent.get(f"/api/v1/work-orders/{number}").json()
    assert (order["contact_name"], order["contact_phone"]) == ("李娜", PHONE)
    assert PHONE in order["description"]
    assert NOTE in [h["note"] for h in order["history"]]
    application = agent.get(
        f"/api/v1/applications/{_application(client)['number']}"
    ).json()
    assert (application["phone"], application["id_number"]) == (
        "13912345678",
        "310104199001011233",
    )


def test_an_invalid_token_reads_nothing(base_url, client, agent):
    number = _work_order(client, agent)["number"]
    forged = client.get(
        f"/api/v1/work-orders/{number}", headers={"Authorization": "Bearer forged"}
    )
    assert forged.status_code == 401 and PHONE not in forged.text


def test_anonymous_order_gets_a_query_code_once_and_is_read_with_it(client, agent):
    key = {"Idempotency-Key": uuid.uuid4().hex}
    body = {"description": "夜里工地施工很吵", "category": "noise", "anonymous": True}
    created = client.post("/api/v1/work-orders", json=body, headers=key).json()
    code = created["query_code"]
    assert re.fullmatch(r"\d{8}", code)
    again = client.post("/api/v1/work-orders", json=body, headers=key).json()
    assert again["number"] == created["number"] and again["query_code"] is None
    number = created["number"]
    assert _lookup(client, "work-orders", number, query_code=code).status_code == 200
    assert _lookup(client, "work-orders", number, phone_last4="0000").status_code == 404
    assert (
        _lookup(client, "work-orders", number, query_code="00000000").status_code == 404
    )


def test_an_order_with_a_phone_gets_no_query_code(client, agent):
    assert _work_order(client, agent)["query_code"] is None
    assert _application(client)["query_code"] is None


def test_a_lookup_needs_exactly_one_proof(client):
    number = "GD26010100000000"
    assert _lookup(client, "work-orders", number).status_code == 422
    both = _lookup(
        client, "work-orders", number, phone_last4="1111", query_code="12345678"
    )
    assert both.status_code == 422
    assert _lookup(client, "work-orders", number, phone_last4="12ab").status_code == 422


def test_the_lookup_is_documented_in_openapi(client):
    paths = client.get("/openapi.json").json()["paths"]
    lookup = paths["/api/v1/work-orders/lookup"]["post"]
    assert {"404", "429"} <= set(lookup["responses"])
    assert "401" in paths["/api/v1/work-orders/{number}"]["get"]["responses"]
