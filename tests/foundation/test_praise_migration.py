"""0024 gives each work order its kind: every order filed before it is a problem, only
a problem or praise is accepted, and on the way down the kind goes with the orders
kept. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from foundation import migrate
from foundation.db import make_engine
from harness.servers import postgres_server
from tests.support.migration_rows import insert_test_category

BEFORE = "0023_english_complaint_words"
AFTER = "0024_praise"
AT = "'2026-12-14 09:00:00'"


def _order(number: str, kind: str | None = None) -> str:
    columns = "" if kind is None else ", appeal_kind"
    value = "" if kind is None else f", '{kind}'"
    return (
        "INSERT INTO work_orders (number, category_id, department_id, description, "
        f"anonymous, status, due_date, channel, created_at, updated_at{columns}) "
        f"VALUES ('{number}', 1, 1, 'v1:x', false, 'registered', '2026-12-28', 'web', "
        f"{AT}, {AT}{value})"
    )


def _assert_praise_migrates(url: str) -> None:
    migrate.downgrade(url, "base")
    migrate.upgrade(url, BEFORE)
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            insert_test_category(connection)
            connection.execute(text(_order("GD26121400000001")))
        migrate.upgrade(url, AFTER)
        with engine.begin() as connection:
            assert connection.execute(
                text("SELECT appeal_kind FROM work_orders")
            ).scalars().all() == ["problem"]
            connection.execute(text(_order("GD26121400000002", "praise")))
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(text(_order("GD26121400000003", "compliment")))
        migrate.downgrade(url, BEFORE)
        columns = {c["name"] for c in inspect(engine).get_columns("work_orders")}
        assert "appeal_kind" not in columns
        with engine.begin() as connection:
            assert connection.execute(
                text("SELECT number FROM work_orders ORDER BY number")
            ).scalars().all() == ["GD26121400000001", "GD26121400000002"]
        migrate.upgrade(url)
    finally:
        engine.dispose()


def test_praise_migrates_up_and_down_on_sqlite(tmp_path):
    _assert_praise_migrates(f"sqlite:///{tmp_path / 'praise.db'}")


@pytest.fixture(scope="module")
def postgres_url():
    with postgres_server() as url:
        yield url


@pytest.mark.postgres
def test_praise_migrates_up_and_down_on_postgresql(postgres_url):
    _assert_praise_migrates(postgres_url)
