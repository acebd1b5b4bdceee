"""Praise filed over real HTTP, as an agent files a caller's: passed on to the unit it
names and closed, heard by that unit as a notice that opens it, and refused with a
message when its kind is not one the hotline knows."""

from __future__ import annotations

import uuid

import httpx
import pytest

from foundation.db import session_scope
from privacy.auth import create_token

FILE = "/api/v1/work-orders"
UNIT = "徐汇区市场监督管理局"


def _client(base_url: str, token: str) -> httpx.Client:
    return httpx.Client(
        base_url=base_url, timeout=30, headers={"Authorization": f"Bearer {token}"}
    )


@pytest.fixture
def agent(base_url, agent_token):
    with _client(base_url, agent_token) as client:
        yield client


@pytest.fixture
def unit(base_url, engine):
    with session_scope(engine) as db:
        token = create_token(db, "department", "张三", unit=UNIT)
    with _client(base_url, token) as client:
        yield client


def _file(client, **body):
    return client.post(FILE, json=body, headers={"Idempotency-Key": uuid.uuid4().hex})


def test_a_callers_praise_is_passed_on_to_the_unit_it_names_and_closed(agent, unit):
    response = _file(
        agent,
        description="来电表扬徐汇区市场监管局的执法人员，过期食品的事两天就查处了",
        contact_phone="13912340000",
        kind="praise",
    )

    assert response.status_code == 201, response.text
    order = response.json()
    assert (order["kind"], order["status"], order["unit_name"]) == (
        "praise",
        "closed",
        UNIT,
    )
    assert order["status_text"] == f"表扬已转达{UNIT}"
    assert order["dispatch_method"] is None
    notices = unit.get("/api/v1/department/notices", params={"limit": 100}).json()
    (notice,) = [n for n in notices["notices"] if n["number"] == order["number"]]
    assert notice["kind"] == "praise"
    opened = unit.get(f"/api/v1/department/work-orders/{order['number']}")
    assert opened.status_code == 200
    assert opened.json()["actions"] == []


def test_a_problem_is_still_filed_as_a_problem(agent):
    response = _file(agent, description="小区门口的路灯坏了一个礼拜", district="徐汇区")

    assert response.status_code == 201, response.text
    assert response.json()["kind"] == "problem"
    assert response.json()["status"] in ("registered", "dispatched")


def test_a_kind_the_hotline_does_not_know_is_refused_with_a_message(agent):
    response = _file(agent, description="表扬王阿姨", kind="compliment")

    assert response.status_code == 422
    assert "kind" in response.text
    assert "Traceback" not in response.text
