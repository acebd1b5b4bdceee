"""Migrations build the schema the models describe, up and down, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

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


def _assert_urgent_handoffs_migrate(url: str) -> None:
    """0004 adds the urgent flag and the emergency kind to hand-offs already queued,
    and takes them away again, the hand-offs and their constraint kept."""
    migrate.downgrade(url, "base")
    migrate.upgrade(url, "0003")
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO handoffs (session_id, status, language, channel, "
                    "requested_at) VALUES ('queued', 'waiting', 'zh', 'web', "
                    "'2026-12-06 09:00:00')"
                )
            )
        migrate.upgrade(url, "0004_urgent_handoffs")
        columns = {c["name"] for c in inspect(engine).get_columns("handoffs")}
        assert {"urgent", "emergency"} <= columns
        with engine.connect() as connection:
            row = connection.execute(
                text("SELECT urgent, emergency FROM handoffs")
            ).one()
        assert (bool(row.urgent), row.emergency) == (False, None)

        migrate.downgrade(url, "0003")
        columns = {c["name"] for c in inspect(engine).get_columns("handoffs")}
        assert not {"urgent", "emergency"} & columns
        checks = {c["name"] for c in inspect(engine).get_check_constraints("handoffs")}
        assert "ck_handoffs_status" in checks
        with engine.connect() as connection:
            assert connection.execute(
                text("SELECT session_id FROM handoffs")
            ).scalars().all() == ["queued"]
    finally:
        engine.dispose()
        migrate.upgrade(url)


def test_migrations_up_down_up_on_sqlite(tmp_path):
    _assert_round_trip(f"sqlite:///{tmp_path / 'migrations.db'}")


def test_urgent_handoffs_migrate_up_and_down_on_sqlite(tmp_path):
    _assert_urgent_handoffs_migrate(f"sqlite:///{tmp_path / 'urgent.db'}")


@pytest.fixture(scope="module")
def postgres_url():
    with postgres_server() as url:
        yield url


@pytest.mark.postgres
def test_migrations_up_down_up_on_postgresql(postgres_url):
    _assert_round_trip(postgres_url)


@pytest.mark.postgres
def test_urgent_handoffs_migrate_up_and_down_on_postgresql(postgres_url):
    _assert_urgent_handoffs_migrate(postgres_url)


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
