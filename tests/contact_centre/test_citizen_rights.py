"""A citizen's copy of their data and its erasure, found by their phone's keyed hash:
only their records, every access audited, nothing personal left in clear after an
erasure but a tombstone, and an open order kept for its unit without its contact."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import inspect, select, text

from cases.applications import ApplicationRequest, submit_application
from cases.models import Application, Notification, WorkOrder
from cases.routing.router import build_router
from cases.work_orders import WorkOrderRequest, file_work_order
from contact_centre.citizen_rights import (
    CONTACT_ERASED_NOTE,
    erase_personal_data,
    export_personal_data,
)
from contact_centre.conversations import record_message
from contact_centre.feedback import record_feedback
from contact_centre.handoff import request_handoff
from contact_centre.models import Handoff
from foundation.db import make_engine, session_scope
from foundation.errors import ValidationFailed
from knowledge_base.models import Service
from privacy.audit import query_access
from privacy.keys import field_cipher, personal_hash
from privacy.models import OPERATOR, Erasure

AT = dt.datetime(2026, 12, 7, 9, 0)
ERASED_AT = AT + dt.timedelta(days=2)
OPERATOR_NAME = "隐私专员"


class Person:
    def __init__(self, name: str, phone: str, id_number: str, address: str) -> None:
        self.name, self.phone, self.id_number, self.address = (
            name,
            phone,
            id_number,
            address,
        )
        # Free text is masked for names and numbers (privacy.identity); an address
        # written into it is not recognised, so it is given in the address field.
        self.said = f"我是{name}，电话{phone}，楼下烧烤店的油烟很大"
        self.comment = f"回电{phone}"

    @property
    def clear_values(self) -> tuple[str, ...]:
        return (self.name, self.phone, self.id_number, self.address, self.said)


ZHANG = Person("张伟", "13812345678", "310104199001011233", "漕溪北路88号3号楼502室")
LI = Person("李娜", "13987654321", "11010519491231002X", "南京东路100弄7号1201室")


@pytest.fixture
def engine(seeded_database):
    engine = make_engine(seeded_database)
    yield engine
    engine.dispose()


def _case_files(engine, person: Person, prefix: str) -> dict[str, str]:
    """A closed order with its conversation, an open one filed by phone, an open
    application: what a citizen typically holds with the centre."""
    numbers = {}
    with session_scope(engine) as session:
        router = build_router(session)
        for kind, status, address in (
            ("closed", "closed", person.address),
            ("open", "in_progress", "龙华中路600号门口"),
        ):
            session_id = f"{prefix}-{kind}"
            record_message(session, session_id, "citizen", person.said, now=AT)
            record_message(session, session_id, "bot", "已为您登记", now=AT)
            order = file_work_order(
                session,
                WorkOrderRequest(
                    description=person.said,
                    address=address,
                    contact_name=person.name,
                    contact_phone=person.phone,
                    session_id=session_id,
                ),
                router,
                now=AT,
            )
            order.status = status
            session.add(
                Notification(
                    work_order_id=order.id,
                    kind="status",
                    key="test",
                    audience="citizen",
                    channel="web",
                    recipient=session_id,
                    text=f"工单 {order.number} 已派单",
                    created_at=AT,
                )
            )
            numbers[kind] = order.number
        request_handoff(session, f"{prefix}-open", reason=person.said, now=AT)
        record_feedback(
            session, 2, person.comment, session_id=f"{prefix}-closed", now=AT
        )
        service = session.scalars(select(Service.code).limit(1)).one()
        numbers["application"] = submit_application(
            session,
            ApplicationRequest(
                service_code=service,
                applicant_name=person.name,
                id_number=person.id_number,
                phone=person.phone,
                district="徐汇区",
                consent=True,
                session_id=f"{prefix}-application",
            ),
            now=AT,
        ).number
    return numbers


@pytest.fixture
def zhang(engine):
    return _case_files(engine, ZHANG, "zhang")


@pytest.fixture
def li(engine):
    return _case_files(engine, LI, "li")


def _export(engine, phone: str) -> dict:
    with session_scope(engine) as session:
        return export_personal_data(
            session, phone, operator=OPERATOR_NAME, now=AT + dt.timedelta(days=1)
        )


def _erase(engine, phone: str):
    with session_scope(engine) as session:
        return erase_personal_data(
            session,
            phone,
            operator=OPERATOR_NAME,
            reason=f"市民来电要求删除（{phone}），工单 Q-17",
            now=ERASED_AT,
        )


def _everything_stored(engine) -> str:
    """Every value of every table, as a raw SELECT gives it, with encrypted values
    decrypted: what anyone holding the database and the key could read."""
    cipher = field_cipher()
    values = []
    with engine.connect() as connection:
        for table in inspect(engine).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                for value in row:
                    if isinstance(value, str) and value.startswith("v1:"):
                        value = cipher.decrypt(value)
                    values.append(str(value))
    return "\n".join(values)


def test_export_finds_only_that_persons_records(engine, zhang, li):
    held = _export(engine, "+86 138-1234-5678")

    assert held["phone"] == ZHANG.phone
    assert [o["number"] for o in held["work_orders"]] == [
        zhang["closed"],
        zhang["open"],
    ]
    assert [a["number"] for a in held["applications"]] == [zhang["application"]]
    assert held["applications"][0]["id_number"] == ZHANG.id_number
    assert held["work_orders"][0]["contact_name"] == ZHANG.name
    assert held["work_orders"][0]["notifications"][0]["text"].endswith("已派单")
    conversations = {tuple(c["cases"]): c for c in held["conversations"]}
    assert set(conversations) == {(zhang["closed"],), (zhang["open"],)}
    closed = conversations[(zhang["closed"],)]
    assert [m["text"] for m in closed["messages"]] == [ZHANG.said, "已为您登记"]
    assert closed["feedback"] == [
        {"at": "2026-12-07 09:00:00", "rating": 2, "comment": "回电138****5678"}
    ]
    assert conversations[(zhang["open"],)]["handoffs"][0]["reason"] == ZHANG.said
    dumped = json.dumps(held, ensure_ascii=False)
    for value in (*LI.clear_values, *li.values()):
        assert value not in dumped
    assert "zhang-closed" not in dumped  # a session id would let its holder read on


def test_export_is_audited_under_the_operators_name(engine, zhang, li):
    _export(engine, ZHANG.phone)

    with session_scope(engine) as session:
        [entry] = query_access(session, record=zhang["closed"])
        assert (entry.actor_name, entry.actor_role, entry.token_id) == (
            OPERATOR_NAME,
            OPERATOR,
            None,
        )
        assert entry.via == "hotline privacy export"
        assert {"contact_name", "contact_phone", "transcript"} <= set(entry.fields)
        [application] = query_access(session, record=zhang["application"])
        assert set(application.fields) == {"applicant_name", "id_number", "phone"}
        assert query_access(session, record=li["closed"]) == []


def test_export_refuses_what_is_not_a_mobile_number(engine):
    with (
        session_scope(engine) as session,
        pytest.raises(ValidationFailed, match="phone"),
    ):
        export_personal_data(session, "12345", operator=OPERATOR_NAME)


def test_erase_leaves_no_clear_personal_value_and_a_tombstone(engine, zhang, li):
    erased = _erase(engine, ZHANG.phone)

    assert erased.records == sorted(zhang.values())
    stored = _everything_stored(engine)
    for value in ZHANG.clear_values:
        assert value not in stored, value
    for value in (LI.name, LI.phone, LI.id_number, LI.address):
        assert value in stored  # another citizen's data is untouched
    with session_scope(engine) as session:
        [tombstone] = session.scalars(select(Erasure))
        assert tombstone.phone_hash == personal_hash(ZHANG.phone)
        assert tombstone.records == erased.records
        assert (tombstone.operator, tombstone.at) == (OPERATOR_NAME, ERASED_AT)
        assert "138****5678" in tombstone.reason
        assert tombstone.counts["conversation_messages"] == 4
        entries = query_access(session, record=zhang["open"])
        assert [e.via for e in entries] == ["hotline privacy erase"]


def test_erase_keeps_an_open_order_for_its_unit_without_its_contact(engine, zhang):
    _erase(engine, ZHANG.phone)

    with session_scope(engine) as session:
        order = session.scalars(
            select(WorkOrder).where(WorkOrder.number == zhang["open"])
        ).one()
        assert order.status == "in_progress" and order.anonymised_at is None
        assert order.address == "龙华中路600号门口"
        assert (order.contact_name, order.contact_phone, order.session_id) == (
            None,
            None,
            None,
        )
        assert "张*" in order.description
        assert order.updates[-1].note == CONTACT_ERASED_NOTE
        assert order.updates[-1].actor == OPERATOR_NAME
        [notice] = session.scalars(
            select(Notification).where(Notification.work_order_id == order.id)
        )
        assert (notice.text, notice.recipient, notice.sent_at) == ("", None, None)
        assert notice.attempts >= 5  # never sent now
        [handoff] = session.scalars(select(Handoff))
        assert (handoff.status, handoff.closed_at) == ("returned", ERASED_AT)
        closed = session.scalars(
            select(WorkOrder).where(WorkOrder.number == zhang["closed"])
        ).one()
        assert closed.address is None and closed.anonymised_at == ERASED_AT


def test_erase_withdraws_an_open_application(engine, zhang):
    _erase(engine, ZHANG.phone)

    with session_scope(engine) as session:
        application = session.scalars(
            select(Application).where(Application.number == zhang["application"])
        ).one()
        assert (application.status, application.updated_at) == ("withdrawn", ERASED_AT)
        assert (application.applicant_name, application.phone_hash) == ("", None)


def test_erasing_twice_is_harmless_and_answers_with_the_first(engine, zhang):
    first = _erase(engine, ZHANG.phone)
    second = _erase(engine, ZHANG.phone)

    assert first.tombstone_id is not None
    assert second.tombstone_id is None and second.records == []
    assert sum(second.counts.values()) == 0
    assert [(e.at, e.records) for e in second.earlier] == [(ERASED_AT, first.records)]
    held = _export(engine, ZHANG.phone)
    assert held["work_orders"] == [] and held["conversations"] == []
    assert held["erasures"] == [
        {
            "at": "2026-12-09 09:00:00",
            "operator": OPERATOR_NAME,
            "reason": "市民来电要求删除（138****5678），工单 Q-17",
            "records": first.records,
        }
    ]


@pytest.mark.parametrize(
    ("operator", "reason", "field"),
    [("", "request", "operator"), ("王", " ", "reason")],
)
def test_erase_refuses_without_operator_or_reason(engine, operator, reason, field):
    with session_scope(engine) as session, pytest.raises(ValidationFailed) as refused:
        erase_personal_data(session, ZHANG.phone, operator=operator, reason=reason)
    assert refused.value.field == field
