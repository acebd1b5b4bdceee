"""Migrations build the schema the models describe, up and down, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from foundation import migrate
from foundation.db import make_engine
from foundation.orm import Base
from harness.servers import postgres_server


def _assert_round_trip(url: str) -> None:
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            differences = compare_metadata(
                MigrationContext.configure(connection), Base.metadata
            )
        assert differences == [], f"models and migrations disagree: {differences}"
        assert {"services", "work_order_categories", "offices"} <= set(
            inspect(engine).get_table_names()
        )
        migrate.downgrade(url, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        migrate.upgrade(url)
        assert "services" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_migrations_up_down_up_on_sqlite(tmp_path):
    _assert_round_trip(f"sqlite:///{tmp_path / 'migrations.db'}")


@pytest.fixture(scope="module")
def postgres_url():
    with postgres_server() as url:
        yield url


@pytest.mark.postgres
def test_migrations_up_down_up_on_postgresql(postgres_url):
    _assert_round_trip(postgres_url)


@pytest.mark.postgres
def test_curated_catalogue_imports_into_postgresql(postgres_url):
    from foundation.db import session_scope
    from foundation.settings import get_settings
    from knowledge_base.repositories.services import count_services, get_service
    from knowledge_base.seed import seed_curated_catalogue

    migrate.upgrade(postgres_url)
    engine = make_engine(postgres_url)
    try:
        with session_scope(engine) as session:
            seed_curated_catalogue(session, get_settings().catalogue_dir)
        with session_scope(engine) as session:
            assert count_services(session) >= 60
            assert [s.position for s in get_service(session, "residence-permit").steps][
                :2
            ] == [1, 2]
    finally:
        engine.dispose()
