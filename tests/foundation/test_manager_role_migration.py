"""0016 lets a token be a manager's; on the way down a manager token becomes a revoked
agent token, kept for the audit log that refers to it. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from foundation import migrate
from foundation.db import make_engine
from harness.servers import postgres_server

BEFORE = "0015_free_text_encrypted"
AFTER = "0016_manager_role"

INSERT = text(
    "INSERT INTO api_tokens (id, token_hash, role, name, created_at, expires_at)"
    " VALUES (:id, :hash, :role, :name, '2026-12-07 09:00:00', '2027-03-07 09:00:00')"
)


def _token(token_id: int, role: str) -> dict[str, object]:
    return {"id": token_id, "hash": f"{token_id:064d}", "role": role, "name": "李明"}


def _assert_manager_role_migrates(url: str) -> None:
    migrate.downgrade(url, "base")
    migrate.upgrade(url, BEFORE)
    engine = make_engine(url)
    try:
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(INSERT, _token(1, "manager"))

        migrate.upgrade(url, AFTER)
        with engine.begin() as connection:
            connection.execute(INSERT, _token(1, "agent"))
            connection.execute(INSERT, _token(2, "manager"))

        migrate.downgrade(url, BEFORE)
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT id, role, revoked_at FROM api_tokens ORDER BY id")
            ).all()
        assert [(row.id, row.role) for row in rows] == [(1, "agent"), (2, "agent")]
        assert rows[0].revoked_at is None and rows[1].revoked_at is not None
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(INSERT, _token(3, "manager"))
    finally:
        engine.dispose()
        migrate.downgrade(url, "base")
        migrate.upgrade(url)


def test_manager_role_migrates_up_and_down_on_sqlite(tmp_path):
    _assert_manager_role_migrates(f"sqlite:///{tmp_path / 'managers.db'}")


@pytest.fixture(scope="module")
def postgres_url():
    with postgres_server() as url:
        yield url


@pytest.mark.postgres
def test_manager_role_migrates_up_and_down_on_postgresql(postgres_url):
    _assert_manager_role_migrates(postgres_url)
