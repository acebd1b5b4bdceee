"""0018 lets a hand-off end "cancelled" (the citizen left) or "expired" (nobody took it
in time); on the way down both become "returned", the assistant's again. On SQLite and
PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from foundation import migrate
from foundation.db import make_engine
from harness.servers import postgres_server

BEFORE = "0017_merged_work_orders"
AFTER = "0018_handoff_states"


def _handoff(session_id: str, status: str) -> str:
    return (
        "INSERT INTO handoffs (session_id, status, language, channel, urgent, "
        f"requested_at) VALUES ('{session_id}', '{status}', 'zh', 'web', false, "
        "'2026-12-10 09:00:00')"
    )


def _assert_handoff_states_migrate(url: str) -> None:
    migrate.downgrade(url, "base")
    migrate.upgrade(url, BEFORE)
    engine = make_engine(url)
    try:
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(text(_handoff("s-before", "cancelled")))
        migrate.upgrade(url, AFTER)
        with engine.begin() as connection:
            for status in ("waiting", "cancelled", "expired"):
                connection.execute(text(_handoff(f"s-{status}", status)))
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(text(_handoff("s-gone", "abandoned")))

        migrate.downgrade(url, BEFORE)
        with engine.connect() as connection:
            statuses = connection.execute(
                text("SELECT session_id, status FROM handoffs ORDER BY session_id")
            ).all()
        assert [tuple(s) for s in statuses] == [
            ("s-cancelled", "returned"),
            ("s-expired", "returned"),
            ("s-waiting", "waiting"),
        ]
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(text(_handoff("s-after", "expired")))
        migrate.upgrade(url)
    finally:
        engine.dispose()


def test_handoff_states_migrate_up_and_down_on_sqlite(tmp_path):
    _assert_handoff_states_migrate(f"sqlite:///{tmp_path / 'handoffs.db'}")


@pytest.fixture(scope="module")
def postgres_url():
    with postgres_server() as url:
        yield url


@pytest.mark.postgres
def test_handoff_states_migrate_up_and_down_on_postgresql(postgres_url):
    _assert_handoff_states_migrate(postgres_url)
