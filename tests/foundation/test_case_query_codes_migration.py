"""0005 adds the query code's hash to applications and work orders, and takes it away,
rows kept, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from foundation import migrate
from foundation.db import make_engine
from harness.servers import postgres_server

BEFORE = "0004_urgent_handoffs"
AFTER = "0005_case_query_codes"
TABLES = ("applications", "work_orders")


def _columns(engine, table: str) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns(table)}


def _assert_query_codes_migrate(url: str) -> None:
    migrate.downgrade(url, "base")
    migrate.upgrade(url, BEFORE)
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
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
            connection.execute(
                text(
                    "INSERT INTO work_orders (number, category_id, department_id, "
                    "description, anonymous, status, due_date, channel, created_at, "
                    "updated_at) VALUES ('GD20261120000456', :category, :department, "
                    "'路灯坏了', true, 'registered', '2026-11-27', 'web', "
                    "'2026-11-20 09:00:00', '2026-11-20 09:00:00')"
                ),
                {"category": category, "department": department},
            )
        migrate.upgrade(url, AFTER)
        for table in TABLES:
            assert "query_code_hash" in _columns(engine, table)
        with engine.connect() as connection:
            assert connection.execute(
                text("SELECT number, query_code_hash FROM work_orders")
            ).all() == [("GD20261120000456", None)]
        migrate.downgrade(url, BEFORE)
        for table in TABLES:
            assert "query_code_hash" not in _columns(engine, table)
        with engine.connect() as connection:
            assert connection.execute(
                text("SELECT number FROM work_orders")
            ).scalars().all() == ["GD20261120000456"]
        migrate.upgrade(url)
    finally:
        engine.dispose()


def test_query_codes_migrate_up_and_down_on_sqlite(tmp_path):
    _assert_query_codes_migrate(f"sqlite:///{tmp_path / 'query-codes.db'}")


@pytest.fixture(scope="module")
def postgres_url():
    with postgres_server() as url:
        yield url


@pytest.mark.postgres
def test_query_codes_migrate_up_and_down_on_postgresql(postgres_url):
    _assert_query_codes_migrate(postgres_url)
