"""0006 adds the lists of districts and streets with their source and date, and takes
them away, leaving the rest of the schema as it was, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from foundation import migrate
from foundation.db import make_engine
from harness.servers import postgres_server

BEFORE = "0005_case_query_codes"
AFTER = "0006_division_lists"
TABLES = {"division_lists", "divisions"}


def _assert_division_lists_migrate(url: str) -> None:
    migrate.downgrade(url, "base")
    migrate.upgrade(url, BEFORE)
    engine = make_engine(url)
    try:
        before = set(inspect(engine).get_table_names())
        assert not TABLES & before
        migrate.upgrade(url, AFTER)
        assert set(inspect(engine).get_table_names()) >= TABLES
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO division_lists (source, as_of, imported_at) VALUES "
                    "('a test list', '2022-10-31', '2026-12-06 12:00:00')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO divisions (list_id, code, name, district_code, "
                    "district) SELECT id, '310104014', '徐家汇街道', '310104', '徐汇区' "
                    "FROM division_lists"
                )
            )
        with engine.begin() as connection:
            # A list's divisions go with it.
            connection.execute(text("DELETE FROM division_lists"))
            assert (
                connection.execute(text("SELECT count(*) FROM divisions")).scalar() == 0
            )
        migrate.downgrade(url, BEFORE)
        assert set(inspect(engine).get_table_names()) == before
    finally:
        engine.dispose()
        migrate.upgrade(url)


def test_division_lists_migrate_up_and_down_on_sqlite(tmp_path):
    _assert_division_lists_migrate(f"sqlite:///{tmp_path / 'divisions.db'}")


@pytest.fixture(scope="module")
def postgres_url():
    with postgres_server() as url:
        yield url


@pytest.mark.postgres
def test_division_lists_migrate_up_and_down_on_postgresql(postgres_url):
    _assert_division_lists_migrate(postgres_url)
