"""Personal data at rest (issue 25, PIPL 2021): filed through the real gateway over HTTP,
a ``SELECT`` of the raw tables shows no name, ID or phone number in clear, and the
gateway still reads them back in clear to those allowed to see them."""

from __future__ import annotations

import uuid

import httpx
import pytest
from fastapi import FastAPI, Request
from sqlalchemy import text

from api.main import create_app
from api.rasa_client import RasaClient
from contracts.rasa_gateway import (
    WEBHOOK_PATH,
    intent_to_wire,
    reply_to_wire,
    request_from_wire,
)
from privacy.columns import current_cipher
from privacy.keys import personal_hash
from tests.support.chat import Citizen
from tests.support.live import serve

NAME, ID_NUMBER, PHONE = "欧阳娜娜", "310104199001011233", "13912345678"
CALLER, CALLER_PHONE = "司马伟", "13700002222"


def _clear_in(row: object) -> list[str]:
    """The personal values that a raw row shows in clear."""
    shown = repr(row)
    return [v for v in (NAME, ID_NUMBER, PHONE, CALLER, CALLER_PHONE) if v in shown]


class EchoingRasa:
    """Answers every message by repeating it, as a confirmation would."""

    def __init__(self) -> None:
        self.app = FastAPI()
        self.app.post(WEBHOOK_PATH)(self._handle)

    async def _handle(self, request: Request) -> dict:
        said = request_from_wire(await request.json())["message"]
        return reply_to_wire(
            [{"text": f"好的，已记下：{said}"}], intent_to_wire("inform", 0.9), {}
        )


@pytest.fixture(scope="module")
def gateway(engine):
    rasa = EchoingRasa()
    with (
        serve(rasa.app) as rasa_url,
        serve(create_app(engine, rasa=RasaClient(rasa_url, "unchecked"))) as url,
    ):
        yield url


@pytest.fixture
def api(gateway):
    with httpx.Client(base_url=gateway, timeout=30) as client:
        yield client


@pytest.fixture
def agent(gateway, agent_token):
    with httpx.Client(
        base_url=gateway,
        timeout=30,
        headers={"Authorization": f"Bearer {agent_token}"},
    ) as client:
        yield client


def _rows(engine, query: str, **params) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(text(query), params)]


def _apply(api) -> str:
    response = api.post(
        "/api/v1/applications",
        json={
            "service_code": "passport",
            "applicant_name": NAME,
            "id_number": ID_NUMBER,
            "phone": PHONE,
            "district": "浦东",
            "consent": True,
        },
    )
    assert response.status_code == 201, response.text
    return response.json()["number"]


def _complain(api) -> str:
    response = api.post(
        "/api/v1/work-orders",
        json={
            "description": "小区路灯坏了一个月",
            "category": "noise",
            "district": "杨浦区",
            "address": "国权路100弄",
            "contact_name": CALLER,
            "contact_phone": CALLER_PHONE,
        },
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert response.status_code == 201, response.text
    return response.json()["number"]


def test_an_application_is_stored_encrypted_and_read_in_clear_by_staff(
    api, agent, engine
):
    number = _apply(api)
    (row,) = _rows(engine, "SELECT * FROM applications WHERE number = :n", n=number)
    assert _clear_in(row) == []
    (stored,) = _rows(
        engine,
        "SELECT applicant_name, id_number, phone, id_number_hash, phone_hash "
        "FROM applications WHERE number = :n",
        n=number,
    )
    assert all(value.startswith("v1:") for value in stored[:3])
    assert stored[3:] == (personal_hash(ID_NUMBER), personal_hash(PHONE))

    shown = agent.get(f"/api/v1/applications/{number}")
    assert shown.status_code == 200, shown.text
    body = shown.json()
    assert (body["applicant_name"], body["id_number"], body["phone"]) == (
        NAME,
        ID_NUMBER,
        PHONE,
    )
    # The owner still proves it with the phone's last four digits.
    owner = api.post(
        "/api/v1/applications/lookup", json={"number": number, "phone_last4": "5678"}
    )
    assert owner.status_code == 200 and owner.json()["phone"] == "139****5678"


def test_a_work_order_is_stored_encrypted_and_read_in_clear_by_staff(
    api, agent, engine
):
    number = _complain(api)
    (row,) = _rows(engine, "SELECT * FROM work_orders WHERE number = :n", n=number)
    assert _clear_in(row) == []
    assert _rows(
        engine, "SELECT contact_phone_hash FROM work_orders WHERE number = :n", n=number
    ) == [(personal_hash(CALLER_PHONE),)]

    shown = agent.get(f"/api/v1/work-orders/{number}")
    assert shown.status_code == 200, shown.text
    assert (shown.json()["contact_name"], shown.json()["contact_phone"]) == (
        CALLER,
        CALLER_PHONE,
    )
    owner = api.post(
        "/api/v1/work-orders/lookup", json={"number": number, "phone_last4": "2222"}
    )
    assert owner.status_code == 200 and owner.json()["contact_phone"] == "137****2222"


def test_a_conversation_is_stored_encrypted_and_read_in_clear_by_its_widget(
    api, engine
):
    said = f"我叫{NAME}，身份证{ID_NUMBER}，电话{PHONE}"
    citizen = Citizen(api)
    citizen.say(said)
    session_id = citizen.session_id

    rows = _rows(
        engine,
        "SELECT * FROM conversation_messages WHERE session_id = :s ORDER BY id",
        s=session_id,
    )
    assert len(rows) == 2 and [_clear_in(row) for row in rows] == [[], []]
    polled = citizen.poll().json()["messages"]
    assert [(m["sender"], m["text"]) for m in polled] == [
        ("citizen", said),
        ("bot", f"好的，已记下：{said}"),
    ]


def test_an_emergency_and_its_hand_off_are_stored_encrypted(api, engine):
    said = f"楼下着火了，好多烟！我是{NAME}，电话{PHONE}"
    citizen = Citizen(api)
    assert citizen.say(said)["handoff"] is True
    session_id = citizen.session_id

    for table in ("handoffs", "conversation_messages"):
        rows = _rows(
            engine, f"SELECT * FROM {table} WHERE session_id = :s", s=session_id
        )
        assert rows and [_clear_in(row) for row in rows] == [[]] * len(rows), table
    (reason,) = _rows(
        engine, "SELECT reason FROM handoffs WHERE session_id = :s", s=session_id
    )
    assert current_cipher().decrypt(reason[0]) == said
    polled = citizen.poll().json()["messages"]
    assert polled[0]["text"] == said
