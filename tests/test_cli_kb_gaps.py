"""``hotline kb gaps``: the gap report at the command line, in a subprocess, on a
database of its own (its conversations are recent, as a week's report needs)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from contact_centre.conversations import record_turn
from foundation import clock, migrate
from foundation.db import make_engine, session_scope
from foundation.settings import get_settings
from knowledge_base.seed import seed_curated_catalogue
from privacy.audit import query_access
from tests.conftest import cli_runner


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('gaps') / 'gaps.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    yesterday = clock.now() - dt.timedelta(days=1)
    with session_scope(engine) as session:
        seed_curated_catalogue(session, get_settings().catalogue_dir)
        for n, text in enumerate(
            ("日本签证怎么办，电话13812345678", "日本签证在哪办", "我想办个证")
        ):
            record_turn(
                session,
                f"cli-gaps-{n}",
                text,
                [{"text": "（答复）", "buttons": []}],
                intent="ask_service_guide" if n < 2 else "nlu_fallback",
                now=yesterday,
            )
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def run_cli(database):
    return cli_runner(database)


def test_kb_gaps_json_lists_gaps_most_asked_first_masked(run_cli):
    result = run_cli("kb", "gaps", "--since", "7d", "--json", "--operator", "李编辑")

    assert result.returncode == 0, result.stderr
    gaps = json.loads(result.stdout)
    assert [(g["kind"], g["title"], g["count"]) for g in gaps] == [
        ("not_held", "日本签证", 2),
        ("no_service", "我想办个证", 1),
    ]
    assert "13812345678" not in result.stdout
    assert "138****5678" in result.stdout


def test_kb_gaps_prints_a_table_with_each_gaps_examples(run_cli):
    result = run_cli("kb", "gaps", "--since", "7d", "--limit", "1")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "1 shown" in lines[0]
    assert "not_held" in lines[2] and "日本签证" in lines[2] and " 2 " in lines[2]
    assert any("- 日本签证在哪办" in line for line in lines[3:])
    assert "我想办个证" not in result.stdout


def test_kb_gaps_is_in_the_audit_log_under_the_operators_name(run_cli, database):
    assert (
        run_cli("kb", "gaps", "--since", "2d", "--operator", "王审核").returncode == 0
    )

    engine = make_engine(database)
    with session_scope(engine) as session:
        (entry,) = query_access(session, actor="王审核")
        assert (entry.record_kind, entry.record, entry.actor_role) == (
            "report",
            "knowledge_gaps",
            "operator",
        )
    engine.dispose()


def test_kb_gaps_refuses_a_since_it_cannot_read_with_the_reason(run_cli):
    result = run_cli("kb", "gaps", "--since", "last week")

    assert result.returncode == 2
    assert "give 7d, 24h or a date" in result.stderr


def test_kb_gaps_says_so_when_a_period_has_no_gap(run_cli):
    result = run_cli("kb", "gaps", "--since", "1h")

    assert result.returncode == 0, result.stderr
    assert "none: every question found its guide" in result.stdout
