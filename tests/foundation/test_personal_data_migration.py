"""0013 encrypts the names, phone and ID numbers and transcripts already stored, fills
the lookup hashes, and decrypts them again on the way down, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from cases.models import Application, WorkOrder
from contact_centre.conversations import record_message
from contact_centre.models import ConversationMessage, Handoff
from foundation import migrate
from foundation.db import make_engine
from harness.servers import postgres_server
from privacy.keys import field_cipher, personal_hash
from tests.support.migration_rows import insert_test_category

BEFORE = "0012_work_order_language"
AFTER = "0013_personal_data_encrypted"

NAME, ID_NUMBER, PHONE = "李娜", "310104199001011233", "13912345678"
CALLER, CALLER_PHONE = "王伟", "13700001111"
SAID = f"我的手机是{CALLER_PHONE}，身份证{ID_NUMBER}"
LOOKS_LIKE_A_TOKEN = "v1:not a token"
EMERGENCY = f"着火了，我是{NAME}，电话{PHONE}"
CLEAR = (NAME, ID_NUMBER, PHONE, CALLER, CALLER_PHONE)
AT = "'2026-12-06 09:00:00'"


def _write_rows_of_0012(engine, already_encrypted: str) -> None:
    """A service, an application, two work orders (one anonymous), a conversation and
    two hand-offs, as the code of revision 0012 stored them: in clear."""
    with engine.begin() as connection:
        run = connection.execute
        insert_test_category(connection)
        run(
            text(
                "INSERT INTO services (id, code, name, name_en, department_id, "
                "category, audience, region, aliases, aliases_en, keywords, summary, "
                "summary_en, eligibility, fees, is_free, online_available, "
                "offline_where, source, notice, updated_at) VALUES (1, 'test-svc', "
                "'测试', 'Test', 1, 'test', 'individual', 'shanghai', '[]', '[]', "
                "'[]', '', '', '', '', true, false, '', '', '', '2026-12-01')"
            )
        )
        run(
            text(
                "INSERT INTO applications (id, number, service_id, applicant_name, "
                "id_number, phone, district, consent, status, channel, created_at, "
                f"updated_at) VALUES (1, 'BJ20261206000001', 1, :name, :id_number, "
                f":phone, '浦东新区', true, 'submitted', 'web', {AT}, {AT})"
            ),
            {"name": NAME, "id_number": ID_NUMBER, "phone": PHONE},
        )
        for row_id, number, name, phone in (
            (1, "GD20261206000001", CALLER, CALLER_PHONE),
            (2, "GD20261206000002", None, None),
        ):
            run(
                text(
                    "INSERT INTO work_orders (id, number, category_id, department_id, "
                    "description, contact_name, contact_phone, anonymous, status, "
                    "due_date, channel, created_at, updated_at) VALUES (:id, :number,"
                    " 1, 1, '路灯坏了', :name, :phone, :anonymous, 'registered', "
                    f"'2026-12-13', 'web', {AT}, {AT})"
                ),
                {
                    "id": row_id,
                    "number": number,
                    "name": name,
                    "phone": phone,
                    "anonymous": phone is None,
                },
            )
        # Without ids: PostgreSQL's sequences then number the rows written later.
        for sender, said in (
            ("citizen", SAID),
            ("bot", LOOKS_LIKE_A_TOKEN),
            ("citizen", already_encrypted),
        ):
            run(
                text(
                    "INSERT INTO conversation_messages (session_id, sender, text, "
                    f"created_at) VALUES ('talk', :sender, :said, {AT})"
                ),
                {"sender": sender, "said": said},
            )
        for reason in (EMERGENCY, None):
            run(
                text(
                    "INSERT INTO handoffs (session_id, status, reason, language, "
                    "channel, urgent, requested_at) VALUES ('talk', 'waiting', "
                    f":reason, 'zh', 'web', false, {AT})"
                ),
                {"reason": reason},
            )


def _raw(engine, query: str) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(query))]


def _columns(engine, table: str) -> dict[str, object]:
    return {c["name"]: c["type"] for c in inspect(engine).get_columns(table)}


def _assert_personal_data_migrates(url: str) -> None:
    migrate.downgrade(url, "base")
    migrate.upgrade(url, BEFORE)
    engine = make_engine(url)
    # What a run of the upgrade broken off after this row would have left.
    already_encrypted = field_cipher().encrypt("已经加密的一句")
    try:
        _write_rows_of_0012(engine, already_encrypted)
        migrate.upgrade(url, AFTER)

        # Nothing personal in clear in any column of any row; each token decrypts.
        stored = {
            "applications": _raw(engine, "SELECT * FROM applications"),
            "work_orders": _raw(engine, "SELECT * FROM work_orders"),
            "conversation_messages": _raw(
                engine, "SELECT * FROM conversation_messages"
            ),
            "handoffs": _raw(engine, "SELECT * FROM handoffs"),
        }
        for table, rows in stored.items():
            for row in rows:
                assert [v for v in CLEAR if v in repr(row)] == [], (table, row)
        tokens = _raw(
            engine,
            "SELECT applicant_name, id_number, phone, id_number_hash, phone_hash "
            "FROM applications",
        )
        name, id_number, phone, id_number_hash, phone_hash = tokens[0]
        cipher = field_cipher()
        assert [cipher.decrypt(t) for t in (name, id_number, phone)] == [
            NAME,
            ID_NUMBER,
            PHONE,
        ]
        assert (id_number_hash, phone_hash) == (
            personal_hash(ID_NUMBER),
            personal_hash(PHONE),
        )
        assert _raw(
            engine, "SELECT number, contact_phone_hash FROM work_orders ORDER BY id"
        ) == [
            ("GD20261206000001", personal_hash(CALLER_PHONE)),
            ("GD20261206000002", None),
        ]
        texts = _raw(engine, "SELECT text FROM conversation_messages ORDER BY id")
        assert [cipher.decrypt(t) for (t,) in texts] == [
            SAID,
            LOOKS_LIKE_A_TOKEN,
            "已经加密的一句",  # not encrypted twice
        ]
        assert _raw(engine, "SELECT count(*) FROM handoffs WHERE reason IS NULL") == [
            (1,)
        ]

        # The application reads them in clear, and writes new rows encrypted.
        migrate.upgrade(url)
        with Session(engine) as session, session.begin():
            application = session.scalars(select(Application)).one()
            assert (
                application.applicant_name,
                application.id_number,
                application.phone,
            ) == (NAME, ID_NUMBER, PHONE)
            orders = session.scalars(select(WorkOrder).order_by(WorkOrder.id)).all()
            assert [(o.contact_name, o.contact_phone) for o in orders] == [
                (CALLER, CALLER_PHONE),
                (None, None),
            ]
            assert session.scalars(
                select(Handoff.reason).order_by(Handoff.id)
            ).all() == [EMERGENCY, None]
            record_message(session, "talk", "agent", f"我稍后打{CALLER_PHONE}给您")
        with Session(engine) as session:
            assert session.scalars(
                select(ConversationMessage.text).order_by(ConversationMessage.id)
            ).all() == [
                SAID,
                LOOKS_LIKE_A_TOKEN,
                "已经加密的一句",
                f"我稍后打{CALLER_PHONE}给您",
            ]

        # Down again: the rows as they were, the new one in clear too, no hashes.
        migrate.downgrade(url, BEFORE)
        assert _raw(
            engine, "SELECT applicant_name, id_number, phone FROM applications"
        ) == [(NAME, ID_NUMBER, PHONE)]
        assert _raw(
            engine, "SELECT contact_name, contact_phone FROM work_orders ORDER BY id"
        ) == [(CALLER, CALLER_PHONE), (None, None)]
        assert _raw(engine, "SELECT text FROM conversation_messages ORDER BY id") == [
            (SAID,),
            (LOOKS_LIKE_A_TOKEN,),
            ("已经加密的一句",),
            (f"我稍后打{CALLER_PHONE}给您",),
        ]
        assert _raw(engine, "SELECT reason FROM handoffs ORDER BY id") == [
            (EMERGENCY,),
            (None,),
        ]
        applications = _columns(engine, "applications")
        assert not {"id_number_hash", "phone_hash"} & set(applications)
        assert "contact_phone_hash" not in _columns(engine, "work_orders")
        assert getattr(applications["id_number"], "length", None) == 18
        assert getattr(applications["phone"], "length", None) == 20
    finally:
        engine.dispose()
        migrate.downgrade(url, "base")
        migrate.upgrade(url)


def test_personal_data_is_encrypted_and_decrypted_by_migration_on_sqlite(tmp_path):
    _assert_personal_data_migrates(f"sqlite:///{tmp_path / 'personal.db'}")


@pytest.fixture(scope="module")
def postgres_url():
    with postgres_server() as url:
        yield url


@pytest.mark.postgres
def test_personal_data_is_encrypted_and_decrypted_by_migration_on_postgresql(
    postgres_url,
):
    _assert_personal_data_migrates(postgres_url)
