"""Migrations build the schema the models describe, up and down, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

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


def _assert_token_expiry_migrates(url: str) -> None:
    """0008 gives tokens made before an expiry (at least a week after the upgrade),
    hands taken hand-offs to the one token of their agent's name, adds the audit log,
    and takes all three away again, the rows kept."""
    migrate.downgrade(url, "base")
    migrate.upgrade(url, "0007_learned_routing")
    engine = make_engine(url)
    recent = (dt.datetime.now() - dt.timedelta(days=1)).replace(microsecond=0)
    try:
        with engine.begin() as connection:
            for token_id, name, made in (
                (1, "王丽", "2026-01-01 09:00:00"),
                (2, "李娜", "2026-01-01 09:00:00"),
                (3, "李娜", "2026-01-01 09:00:00"),
                (4, "张伟", recent.isoformat(sep=" ")),
            ):
                connection.execute(
                    text(
                        "INSERT INTO api_tokens (id, token_hash, role, name, created_at)"
                        " VALUES (:id, :hash, 'agent', :name, :made)"
                    ),
                    {
                        "id": token_id,
                        "hash": f"{token_id:064d}",
                        "name": name,
                        "made": made,
                    },
                )
            for session_id, agent in (("mine", "王丽"), ("shared", "李娜")):
                connection.execute(
                    text(
                        "INSERT INTO handoffs (session_id, status, language, channel,"
                        " urgent, agent, requested_at) VALUES (:sid, 'active', 'zh',"
                        " 'web', false, :agent, '2026-12-06 09:00:00')"
                    ),
                    {"sid": session_id, "agent": agent},
                )
        migrate.upgrade(url, "0008_token_expiry_audit")
        with engine.connect() as connection:
            expiry = dict(
                connection.execute(text("SELECT id, expires_at FROM api_tokens")).all()
            )
            owners = dict(
                connection.execute(
                    text("SELECT session_id, agent_token_id FROM handoffs")
                ).all()
            )
        upgraded = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).replace(
            tzinfo=None
        )
        old = _as_datetime(expiry[1])
        assert upgraded + dt.timedelta(days=6) < old < upgraded + dt.timedelta(days=8)
        assert _as_datetime(expiry[4]) == recent + dt.timedelta(days=90)
        assert owners == {"mine": 1, "shared": None}
        assert "audit_log" in inspect(engine).get_table_names()

        migrate.downgrade(url, "0007_learned_routing")
        assert "audit_log" not in inspect(engine).get_table_names()
        assert "expires_at" not in {
            c["name"] for c in inspect(engine).get_columns("api_tokens")
        }
        assert "agent_token_id" not in {
            c["name"] for c in inspect(engine).get_columns("handoffs")
        }
        with engine.connect() as connection:
            assert (
                connection.execute(text("SELECT count(*) FROM api_tokens")).scalar()
                == 4
            )
            assert (
                connection.execute(text("SELECT count(*) FROM handoffs")).scalar() == 2
            )
    finally:
        engine.dispose()
        migrate.downgrade(url, "base")
        migrate.upgrade(url)


def _assert_department_tokens_migrate(url: str) -> None:
    """0011 lets a token be a handling unit's, scoped to its unit, and only then;
    down again, a department token becomes a revoked agent token, kept for the audit
    log that refers to it."""
    migrate.downgrade(url, "base")
    migrate.upgrade(url, "0011_department_tokens")
    engine = make_engine(url)
    insert = text(
        "INSERT INTO api_tokens (id, token_hash, role, name, unit, created_at,"
        " expires_at) VALUES (:id, :hash, :role, :name, :unit,"
        " '2026-12-07 09:00:00', '2027-03-07 09:00:00')"
    )
    try:
        with engine.begin() as connection:
            for token_id, role, unit in (
                (1, "agent", None),
                (2, "department", "浦东新区生态环境局"),
            ):
                connection.execute(
                    insert,
                    {
                        "id": token_id,
                        "hash": f"{token_id:064d}",
                        "role": role,
                        "name": "张三",
                        "unit": unit,
                    },
                )
        for token_id, role, unit in ((3, "department", None), (4, "agent", "某局")):
            with pytest.raises(IntegrityError), engine.begin() as connection:
                connection.execute(
                    insert,
                    {
                        "id": token_id,
                        "hash": f"{token_id:064d}",
                        "role": role,
                        "name": "张三",
                        "unit": unit,
                    },
                )

        migrate.downgrade(url, "0010_work_order_lifecycle")
        assert "unit" not in {
            c["name"] for c in inspect(engine).get_columns("api_tokens")
        }
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT id, role, revoked_at FROM api_tokens ORDER BY id")
            ).all()
        assert [(row.id, row.role) for row in rows] == [(1, "agent"), (2, "agent")]
        assert rows[0].revoked_at is None and rows[1].revoked_at is not None
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO api_tokens (id, token_hash, role, name, created_at,"
                    " expires_at) VALUES (5, :hash, 'department', '张三',"
                    " '2026-12-07 09:00:00', '2027-03-07 09:00:00')"
                ),
                {"hash": f"{5:064d}"},
            )
    finally:
        engine.dispose()
        migrate.downgrade(url, "base")
        migrate.upgrade(url)


def _as_datetime(value: object) -> dt.datetime:
    # SQLite hands a raw text() query's DATETIME back as text.
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)


def test_migrations_up_down_up_on_sqlite(tmp_path):
    _assert_round_trip(f"sqlite:///{tmp_path / 'migrations.db'}")


def test_urgent_handoffs_migrate_up_and_down_on_sqlite(tmp_path):
    _assert_urgent_handoffs_migrate(f"sqlite:///{tmp_path / 'urgent.db'}")


def test_token_expiry_and_audit_migrate_up_and_down_on_sqlite(tmp_path):
    _assert_token_expiry_migrates(f"sqlite:///{tmp_path / 'tokens.db'}")


def test_department_tokens_migrate_up_and_down_on_sqlite(tmp_path):
    _assert_department_tokens_migrate(f"sqlite:///{tmp_path / 'departments.db'}")


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
def test_token_expiry_and_audit_migrate_up_and_down_on_postgresql(postgres_url):
    _assert_token_expiry_migrates(postgres_url)


@pytest.mark.postgres
def test_department_tokens_migrate_up_and_down_on_postgresql(postgres_url):
    _assert_department_tokens_migrate(postgres_url)


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
