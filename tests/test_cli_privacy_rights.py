"""``hotline privacy purge | export | erase`` as an operator runs them, in a subprocess:
counts per table, JSON, audit entries, and clear errors for bad input, no traceback."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from cases.models import WorkOrder
from cases.routing.router import build_router
from cases.work_orders import WorkOrderRequest, file_work_order
from foundation import clock, migrate
from foundation.db import make_engine, session_scope
from foundation.settings import get_settings
from knowledge_base.seed import seed_curated_catalogue
from privacy.keys import personal_hash
from tests.conftest import cli_runner

OLD_PHONE, PHONE = "13700001111", "13812345678"


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> str:
    """A database of its own (the purge sweeps it all): an order closed 200 days ago,
    and one filed today by the citizen who asks for their data."""
    url = f"sqlite:///{tmp_path_factory.mktemp('privacy-rights') / 'rights.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    now = clock.now()
    with session_scope(engine) as session:
        seed_curated_catalogue(session, get_settings().catalogue_dir)
        router = build_router(session)
        for phone, filed, status in (
            (OLD_PHONE, now - dt.timedelta(days=200), "closed"),
            (PHONE, now, "registered"),
        ):
            order = file_work_order(
                session,
                WorkOrderRequest(
                    description="路灯坏了", contact_name="王伟", contact_phone=phone
                ),
                router,
                now=filed,
            )
            order.status = status
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def run_cli(database):
    return cli_runner(database)


def _number(database: str, phone: str) -> str:
    engine = make_engine(database)
    try:
        with session_scope(engine) as session:
            return session.scalars(
                select(WorkOrder.number).where(
                    WorkOrder.contact_phone_hash == personal_hash(phone)
                )
            ).one()
    finally:
        engine.dispose()


def _counts(output: str) -> dict[str, int]:
    rows = [line.split() for line in output.splitlines() if line.startswith("  ")]
    return {table: int(count) for table, count in rows}


def test_privacy_purge_counts_first_then_anonymises_once(run_cli):
    dry = run_cli("privacy", "purge", "--dry-run")
    done = run_cli("privacy", "purge")
    again = run_cli("privacy", "purge")

    assert dry.returncode == done.returncode == again.returncode == 0, dry.stderr
    assert "would anonymise" in dry.stdout and "anonymised" in done.stdout
    assert _counts(dry.stdout)["work_orders"] == 1
    assert _counts(dry.stdout) == _counts(done.stdout)
    assert set(_counts(again.stdout).values()) == {0}


@pytest.mark.parametrize(
    ("before", "says"),
    [
        ("2026-13-01", "'2026-13-01' is not a day: write YYYY-MM-DD"),
        ("yesterday", "is not a day"),
        ("2999-01-01", "later than the retention allows"),
    ],
)
def test_privacy_purge_refuses_a_bad_or_too_late_day(run_cli, before, says):
    result = run_cli("privacy", "purge", "--before", before)
    assert result.returncode == 2
    assert says in result.stderr and "Traceback" not in result.stderr


def test_privacy_export_prints_json_and_the_access_is_audited(run_cli, database):
    result = run_cli(
        "privacy", "export", "--phone", "138 1234 5678", "--operator", "隐私专员"
    )

    assert result.returncode == 0, result.stderr
    held = json.loads(result.stdout)
    number = _number(database, PHONE)
    assert [o["number"] for o in held["work_orders"]] == [number]
    assert held["work_orders"][0]["contact_phone"] == PHONE
    audit = run_cli("privacy", "audit", "--record", number, "--json")
    [entry] = [json.loads(line) for line in audit.stdout.splitlines()]
    assert (entry["actor"], entry["role"], entry["token_id"]) == (
        "隐私专员",
        "operator",
        None,
    )
    assert entry["via"] == "hotline privacy export"


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        (("--phone", "1381234", "--operator", "王"), "not a mainland mobile number"),
        (("--phone", PHONE), "the following arguments are required: --operator"),
        (("--phone", PHONE, "--operator", "  "), "must not be empty"),
    ],
)
def test_privacy_export_refuses_bad_input_without_a_traceback(run_cli, arguments, says):
    result = run_cli("privacy", "export", *arguments)
    assert result.returncode == 2
    assert says in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_privacy_erase_erases_once_then_answers_with_the_tombstone(run_cli, database):
    number = _number(database, PHONE)
    erase = (
        "privacy",
        "erase",
        "--phone",
        PHONE,
        "--operator",
        "隐私专员",
        "--reason",
        "市民来电要求删除个人信息",
    )

    first = run_cli(*erase)
    second = run_cli(*erase)

    assert first.returncode == second.returncode == 0, first.stderr
    assert f"erased 1 record(s): {number}" in first.stdout
    assert "nothing is held for this phone" in second.stdout
    assert "erased before, " in second.stdout and "by 隐私专员" in second.stdout
    missing = run_cli("privacy", "erase", "--phone", PHONE, "--operator", "王")
    assert missing.returncode == 2 and "--reason" in missing.stderr
