"""0009 scopes the idempotency keys already stored and adds the request fingerprint,
and takes them away again, rows kept, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from cases.idempotency import scoped_key, session_scope
from foundation import migrate
from foundation.db import make_engine
from harness.servers import postgres_server

BEFORE = "0008_token_expiry_audit"
AFTER = "0009_scoped_idempotency"
TABLES = ("applications", "work_orders")
CHAT_KEY = "chat-7:1700000000.5"


def _columns(engine, table: str) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns(table)}


def _keys(engine) -> dict[str, str | None]:
    with engine.connect() as connection:
        return dict(
            connection.execute(
                text("SELECT number, idempotency_key FROM work_orders ORDER BY number")
            ).all()
        )


def _insert_orders(connection) -> None:
    connection.execute(
        text(
            "INSERT INTO departments (code, name, name_en) "
            "VALUES ('test-dept', '测试局', 'Test bureau')"
        )
    )
    department = connection.execute(
        text("SELECT id FROM departments WHERE code = 'test-dept'")
    ).scalar_one()
    connection.execute(
        text(
            "INSERT INTO work_order_categories (code, name, name_en, "
            "department_id, time_limit_days, keywords, description) VALUES "
            "('test-cat', '测试', 'Test', :department, 5, '[]', '')"
        ),
        {"department": department},
    )
    category = connection.execute(
        text("SELECT id FROM work_order_categories WHERE code = 'test-cat'")
    ).scalar_one()
    # One filed by the assistant in chat, one through the API, one without a key.
    for number, session_id, key in (
        ("GD20261120000001", "chat-7", CHAT_KEY),
        ("GD20261120000002", None, "client-chosen-uuid"),
        ("GD20261120000003", "chat-8", None),
    ):
        connection.execute(
            text(
                "INSERT INTO work_orders (number, category_id, department_id, "
                "description, anonymous, status, due_date, channel, session_id, "
                "idempotency_key, created_at, updated_at) VALUES (:number, "
                ":category, :department, '路灯坏了', false, 'registered', "
                "'2026-11-27', 'web', :session_id, :key, '2026-11-20 09:00:00', "
                "'2026-11-20 09:00:00')"
            ),
            {
                "number": number,
                "category": category,
                "department": department,
                "session_id": session_id,
                "key": key,
            },
        )


def _assert_scoped_idempotency_migrates(url: str) -> None:
    migrate.downgrade(url, "base")
    migrate.upgrade(url, BEFORE)
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            _insert_orders(connection)
        migrate.upgrade(url, AFTER)
        for table in TABLES:
            assert "request_fingerprint" in _columns(engine, table)
        # The chat's key is found by the core's hash of its session's scope; the API's
        # key, whose client is unknown, is no longer a retry target.
        assert _keys(engine) == {
            "GD20261120000001": scoped_key(session_scope("chat-7"), CHAT_KEY),
            "GD20261120000002": None,
            "GD20261120000003": None,
        }
        migrate.downgrade(url, BEFORE)
        for table in TABLES:
            assert "request_fingerprint" not in _columns(engine, table)
        assert _keys(engine) == dict.fromkeys(
            ("GD20261120000001", "GD20261120000002", "GD20261120000003")
        )
    finally:
        engine.dispose()
        migrate.upgrade(url)


def test_scoped_idempotency_migrates_up_and_down_on_sqlite(tmp_path):
    _assert_scoped_idempotency_migrates(f"sqlite:///{tmp_path / 'idempotency.db'}")


@pytest.fixture(scope="module")
def postgres_url():
    with postgres_server() as url:
        yield url


@pytest.mark.postgres
def test_scoped_idempotency_migrates_up_and_down_on_postgresql(postgres_url):
    _assert_scoped_idempotency_migrates(postgres_url)
