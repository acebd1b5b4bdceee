"""0022 adds guide versions, batches and district variants, dates on the live guides
and the editor and reviewer roles; the live guides keep their content both ways, and
on the way down editor and reviewer tokens become revoked agent tokens, kept for the
audit log. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from foundation import migrate
from foundation.db import make_engine
from harness.servers import postgres_server

BEFORE = "0021_office_levels"
AFTER = "0022_knowledge_versions"

TOKEN = text(
    "INSERT INTO api_tokens (id, token_hash, role, name, created_at, expires_at)"
    " VALUES (:id, :hash, :role, :name, '2026-12-07 09:00:00', '2027-03-07 09:00:00')"
)


def _token(token_id: int, role: str) -> dict[str, object]:
    return {"id": token_id, "hash": f"{token_id:064d}", "role": role, "name": "王芳"}


def _assert_knowledge_versions_migrate(url: str) -> None:
    migrate.downgrade(url, "base")
    migrate.upgrade(url, BEFORE)
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO departments (id, code, name, name_en) "
                    "VALUES (1, 'sample-dept', '样例局', 'Sample Bureau')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO services (id, code, name, name_en, department_id, "
                    "category, audience, region, aliases, aliases_en, keywords, "
                    "summary, summary_en, eligibility, fees, is_free, "
                    "online_available, offline_where, handled_at, source, notice, "
                    "updated_at) VALUES (1, 'sample-service', '样例事项', 'Sample', 1, "
                    "'sample', 'individual', '上海市', '[]', '[]', '[]', '样例', '', "
                    "'', '', true, false, '', '[]', 's', 'n', '2026-12-01')"
                )
            )
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(TOKEN, _token(1, "editor"))

        migrate.upgrade(url, AFTER)
        tables = set(inspect(engine).get_table_names())
        assert {"guide_versions", "guide_batches", "service_variants"} <= tables
        with engine.begin() as connection:
            row = connection.execute(
                text("SELECT name, examples, verified_at FROM services WHERE id = 1")
            ).one()
            assert row.name == "样例事项" and row.verified_at is None
            assert row.examples in ([], "[]")
            connection.execute(TOKEN, _token(1, "editor"))
            connection.execute(TOKEN, _token(2, "reviewer"))
            connection.execute(TOKEN, _token(3, "agent"))
            connection.execute(
                text(
                    "INSERT INTO service_variants (service_id, district, phone) "
                    "VALUES (1, '徐汇区', '021-00000000')"
                )
            )
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO service_variants (service_id, district) "
                    "VALUES (1, '徐汇区')"
                )
            )

        migrate.downgrade(url, BEFORE)
        assert not {"guide_versions", "guide_batches", "service_variants"} & set(
            inspect(engine).get_table_names()
        )
        columns = {c["name"] for c in inspect(engine).get_columns("services")}
        assert not {"examples", "verified_at", "effective_date"} & columns
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT id, role, revoked_at FROM api_tokens ORDER BY id")
            ).all()
            assert (
                connection.execute(
                    text("SELECT name FROM services WHERE id = 1")
                ).scalar_one()
                == "样例事项"
            )
        assert [(r.id, r.role) for r in rows] == [
            (1, "agent"),
            (2, "agent"),
            (3, "agent"),
        ]
        assert [r.revoked_at is not None for r in rows] == [True, True, False]
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(TOKEN, _token(4, "reviewer"))
    finally:
        engine.dispose()
        migrate.downgrade(url, "base")
        migrate.upgrade(url)


def test_knowledge_versions_migrate_up_and_down_on_sqlite(tmp_path):
    _assert_knowledge_versions_migrate(f"sqlite:///{tmp_path / 'versions.db'}")


@pytest.fixture(scope="module")
def postgres_url():
    with postgres_server() as url:
        yield url


@pytest.mark.postgres
def test_knowledge_versions_migrate_up_and_down_on_postgresql(postgres_url):
    _assert_knowledge_versions_migrate(postgres_url)
