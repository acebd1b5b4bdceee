"""0023 gives each work-order category an English keyword list: a category already there
gets an empty one and keeps its Chinese keywords, and on the way down the list goes
with the category kept. On SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import inspect, text

from foundation import migrate
from foundation.db import make_engine
from harness.servers import postgres_server

BEFORE = "0022_knowledge_versions"
AFTER = "0023_english_complaint_words"


def _assert_english_complaint_words_migrate(url: str) -> None:
    migrate.downgrade(url, "base")
    migrate.upgrade(url, BEFORE)
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO departments (id, code, name, name_en) "
                    "VALUES (1, 'eco', '生态环境局', 'Ecology bureau')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO work_order_categories (id, code, name, name_en, "
                    "department_id, time_limit_days, keywords, description) VALUES "
                    "(1, 'noise', '噪音扰民', 'Noise nuisance', 1, 5, "
                    """'["噪音", "太吵"]', '')"""
                )
            )
        migrate.upgrade(url, AFTER)
        with engine.begin() as connection:
            keywords, keywords_en = connection.execute(
                text("SELECT keywords, keywords_en FROM work_order_categories")
            ).one()
            connection.execute(
                text("UPDATE work_order_categories SET keywords_en = :words"),
                {"words": json.dumps(["noise", "too loud"])},
            )
        assert _as_list(keywords) == ["噪音", "太吵"]
        assert _as_list(keywords_en) == []
        migrate.downgrade(url, BEFORE)
        columns = {
            c["name"] for c in inspect(engine).get_columns("work_order_categories")
        }
        assert "keywords_en" not in columns
        with engine.begin() as connection:
            assert connection.execute(
                text("SELECT code FROM work_order_categories")
            ).scalars().all() == ["noise"]
        migrate.upgrade(url)
    finally:
        engine.dispose()


def _as_list(value: object) -> list[str]:
    """JSON comes back parsed from PostgreSQL and as text from SQLite."""
    return json.loads(value) if isinstance(value, str) else list(value)


def test_english_complaint_words_migrate_up_and_down_on_sqlite(tmp_path):
    _assert_english_complaint_words_migrate(f"sqlite:///{tmp_path / 'words.db'}")


@pytest.fixture(scope="module")
def postgres_url():
    with postgres_server() as url:
        yield url


@pytest.mark.postgres
def test_english_complaint_words_migrate_up_and_down_on_postgresql(postgres_url):
    _assert_english_complaint_words_migrate(postgres_url)
