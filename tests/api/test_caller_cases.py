"""An agent finds the cases of a caller who lost the tracking number, by the phone given
when filing, over real HTTP: only that phone's cases, newest first, each one audited,
the number never in the address, and only for the centre's staff."""

from __future__ import annotations

import random
import uuid

import httpx
import pytest

from foundation.db import session_scope
from privacy.auth import create_token

LOOKUP = "/api/v1/agent/caller-cases"


def _phone() -> str:
    """A phone of this test's own: the database is shared with other tests."""
    return "139" + f"{random.randrange(10**8):08d}"


def _client(base_url: str, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=base_url, timeout=30, headers=headers)


@pytest.fixture
def agent(base_url, agent_token):
    with _client(base_url, agent_token) as client:
        yield client


@pytest.fixture
def admin(base_url, admin_token):
    with _client(base_url, admin_token) as client:
        yield client


def _file(client, phone: str | None, description: str, category: str) -> str:
    body = {
        "description": description,
        "category": category,
        "district": "徐汇区",
        "address": "田林路200弄",
        **({"contact_phone": phone} if phone else {}),
    }
    response = client.post(
        "/api/v1/work-orders", json=body, headers={"Idempotency-Key": uuid.uuid4().hex}
    )
    assert response.status_code == 201, response.text
    return response.json()["number"]


def _apply(client, phone: str) -> str:
    response = client.post(
        "/api/v1/applications",
        json={
            "service_code": "passport",
            "applicant_name": "李娜",
            "id_number": "310104199001011233",
            "phone": phone,
            "district": "徐汇区",
            "consent": True,
        },
    )
    assert response.status_code == 201, response.text
    return response.json()["number"]


def test_an_agent_finds_only_the_callers_cases_newest_first(client, agent):
    caller, neighbour = _phone(), _phone()
    first = _file(client, caller, "楼下饭店油烟很大", "pollution")
    applied = _apply(client, caller)
    last = _file(client, caller, "小区门口路灯坏了", "roads-municipal")
    _file(client, neighbour, "楼下饭店油烟很大", "pollution")

    response = agent.post(
        LOOKUP, json={"phone": f"{caller[:3]} {caller[3:7]} {caller[7:]}"}
    )
    assert response.status_code == 200, response.text
    found = response.json()
    assert [case["number"] for case in found["cases"]] == [last, applied, first]
    assert found["phone"] == f"{caller[:3]}****{caller[7:]}"
    assert found["more"] is False
    by_number = {case["number"]: case for case in found["cases"]}
    assert by_number[applied]["kind"] == "application"
    assert by_number[applied]["subject"] == "普通护照申领"
    assert by_number[first]["kind"] == "work_order"
    assert by_number[first]["status"] and by_number[first]["handled_by"]
    # What the case says is for the audited full read, not the caller's list.
    assert "油烟" not in response.text


def test_each_case_listed_is_audited_and_the_phone_stays_out_of_the_log(
    client, agent, admin
):
    caller = _phone()
    number = _file(client, caller, "晚上工地施工噪声很大", "noise")
    assert agent.post(LOOKUP, json={"phone": caller}).status_code == 200
    audited = admin.get("/api/v1/admin/audit", params={"record": number})
    assert audited.status_code == 200, audited.text
    [entry] = audited.json()["entries"]
    assert (entry["actor"], entry["kind"], entry["fields"]) == (
        "王丽",
        "work_order",
        ["contact_phone"],
    )
    assert entry["via"] == f"POST {LOOKUP}"
    assert caller not in audited.text


def test_anonymous_reports_and_other_phones_are_not_found(client, agent):
    _file(client, None, "河边有人焚烧垃圾", "pollution")
    response = agent.post(LOOKUP, json={"phone": _phone()})
    assert response.status_code == 200
    assert response.json()["cases"] == []


@pytest.mark.parametrize("phone", ["12345", "GD26120706243094", "010-12345678"])
def test_what_is_not_a_mobile_number_gets_a_clear_422(agent, phone):
    response = agent.post(LOOKUP, json={"phone": phone})
    assert response.status_code == 422
    assert "mobile" in response.text and "Traceback" not in response.text


def test_only_the_centres_staff_may_look_a_caller_up(base_url, engine, client):
    caller = _phone()
    _file(client, caller, "楼道里堆满杂物", "property-management")
    with session_scope(engine) as db:
        unit = create_token(db, "department", "科员", unit="徐汇区生态环境局")
    with _client(base_url) as anonymous:
        assert anonymous.post(LOOKUP, json={"phone": caller}).status_code == 401
    with _client(base_url, unit) as department:
        assert department.post(LOOKUP, json={"phone": caller}).status_code == 403
