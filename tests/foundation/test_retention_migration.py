"""0014 adds the cases' anonymised_at, the erasures' tombstones and the purge's days,
and lets an operator's audit entry have no token; on the way down the operators'
entries are kept under revoked tokens of their names. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from foundation import migrate
from foundation.db import make_engine
from harness.servers import postgres_server

BEFORE = "0013_personal_data_encrypted"
AFTER = "0014_retention_erasure"


def _columns(engine, table: str) -> dict[str, dict]:
    return {c["name"]: c for c in inspect(engine).get_columns(table)}


def _assert_retention_migrates(url: str) -> None:
    migrate.downgrade(url, "base")
    migrate.upgrade(url, BEFORE)
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO api_tokens (token_hash, role, name, created_at, "
                    "expires_at) VALUES (:hash, 'agent', '王丽', "
                    "'2026-12-01 09:00:00', '2027-03-01 09:00:00')"
                ),
                {"hash": "0" * 64},
            )
            connection.execute(
                text(
                    "INSERT INTO audit_log (at, token_id, actor_name, actor_role, "
                    "record_kind, record, fields) SELECT '2026-12-06 09:00:00', id, "
                    "'王丽', 'agent', 'work_order', 'GD1', '[\"contact_phone\"]' "
                    "FROM api_tokens"
                )
            )

        migrate.upgrade(url, AFTER)
        assert _columns(engine, "audit_log")["token_id"]["nullable"]
        for table in ("applications", "work_orders"):
            assert "anonymised_at" in _columns(engine, table)
        assert {"erasures", "purge_runs"} <= set(inspect(engine).get_table_names())
        with engine.begin() as connection:
            for record in ("GD2", "SQ3"):
                connection.execute(
                    text(
                        "INSERT INTO audit_log (at, token_id, actor_name, actor_role,"
                        " record_kind, record, fields) VALUES ('2026-12-07 09:00:00',"
                        " NULL, '隐私专员', 'operator', 'work_order', :record,"
                        " '[\"contact_phone\"]')"
                    ),
                    {"record": record},
                )
            connection.execute(
                text(
                    "INSERT INTO erasures (at, operator, reason, phone_hash, records,"
                    " counts) VALUES ('2026-12-07 09:00:00', '隐私专员', '市民要求',"
                    " :hash, '[\"GD2\"]', '{}')"
                ),
                {"hash": "a" * 64},
            )

        migrate.downgrade(url, BEFORE)
        assert not _columns(engine, "audit_log")["token_id"]["nullable"]
        assert not {"erasures", "purge_runs"} & set(inspect(engine).get_table_names())
        for table in ("applications", "work_orders"):
            assert "anonymised_at" not in _columns(engine, table)
        with engine.connect() as connection:
            entries = connection.execute(
                text(
                    "SELECT a.record, t.name, t.role, t.revoked_at IS NOT NULL "
                    "FROM audit_log a JOIN api_tokens t ON t.id = a.token_id "
                    "ORDER BY a.record"
                )
            ).all()
        assert [tuple(entry) for entry in entries] == [
            ("GD1", "王丽", "agent", False),
            ("GD2", "隐私专员", "agent", True),
            ("SQ3", "隐私专员", "agent", True),
        ]
        migrate.upgrade(url)
    finally:
        engine.dispose()


def test_retention_migrates_up_and_down_on_sqlite(tmp_path):
    _assert_retention_migrates(f"sqlite:///{tmp_path / 'retention.db'}")


@pytest.fixture(scope="module")
def postgres_url():
    with postgres_server() as url:
        yield url


@pytest.mark.postgres
def test_retention_migrates_up_and_down_on_postgresql(postgres_url):
    _assert_retention_migrates(postgres_url)
