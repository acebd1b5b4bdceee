"""0017 lets a work order be merged into another, with the similarity it was joined
at, and indexes streets; on the way down a merged order goes back to the dispatch
review as the separate order it was. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from foundation import migrate
from foundation.db import make_engine
from harness.servers import postgres_server
from tests.support.migration_rows import insert_test_category

BEFORE = "0016_manager_role"
AFTER = "0017_merged_work_orders"
AT = "'2026-12-06 09:00:00'"


def _order(number: str, status: str, into: str = "NULL") -> str:
    return (
        "INSERT INTO work_orders (number, category_id, department_id, description, "
        "anonymous, status, due_date, channel, created_at, updated_at, "
        f"merged_into_id, dispatch_method) VALUES ('{number}', 1, 1, 'v1:x', false, "
        f"'{status}', '2026-12-20', 'web', {AT}, {AT}, {into}, NULL)"
    )


def _assert_merged_orders_migrate(url: str) -> None:
    migrate.downgrade(url, "base")
    migrate.upgrade(url, BEFORE)
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            insert_test_category(connection)
        migrate.upgrade(url, AFTER)
        columns = {c["name"] for c in inspect(engine).get_columns("work_orders")}
        assert {"merged_into_id", "duplicate_score"} <= columns
        indexed = {i["name"] for i in inspect(engine).get_indexes("work_orders")}
        assert {
            "ix_work_orders_street_code",
            "ix_work_orders_merged_into_id",
        } <= indexed
        with engine.begin() as connection:
            connection.execute(text(_order("GD26120600000001", "dispatched")))
            connection.execute(
                text(
                    _order(
                        "GD26120600000002",
                        "merged",
                        "(SELECT id FROM work_orders WHERE number = 'GD26120600000001')",
                    )
                )
            )
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(text(_order("GD26120600000003", "joined")))

        migrate.downgrade(url, BEFORE)
        columns = {c["name"] for c in inspect(engine).get_columns("work_orders")}
        assert not {"merged_into_id", "duplicate_score"} & columns
        with engine.connect() as connection:
            statuses = connection.execute(
                text("SELECT number, status FROM work_orders ORDER BY number")
            ).all()
        assert [tuple(s) for s in statuses] == [
            ("GD26120600000001", "dispatched"),
            ("GD26120600000002", "registered"),
        ]
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(
                text(
                    "UPDATE work_orders SET status = 'merged' "
                    "WHERE number = 'GD26120600000001'"
                )
            )
        migrate.upgrade(url)
    finally:
        engine.dispose()


def test_merged_orders_migrate_up_and_down_on_sqlite(tmp_path):
    _assert_merged_orders_migrate(f"sqlite:///{tmp_path / 'merged.db'}")


@pytest.fixture(scope="module")
def postgres_url():
    with postgres_server() as url:
        yield url


@pytest.mark.postgres
def test_merged_orders_migrate_up_and_down_on_postgresql(postgres_url):
    _assert_merged_orders_migrate(postgres_url)
