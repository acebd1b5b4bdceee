"""``hotline privacy audit``: who was shown which personal data, in a subprocess."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest

from foundation.db import session_scope
from privacy.audit import record_access
from privacy.auth import Staff, authenticate, create_token
from tests.conftest import cli_runner

AT = dt.datetime(2026, 12, 6, 9, 30)


@pytest.fixture(scope="module")
def run_cli(engine, database_url):
    return cli_runner(database_url)


@pytest.fixture(scope="module")
def number(engine) -> str:
    """A work order read by two members of staff, a day apart."""
    number = f"A{uuid.uuid4().hex[:12].upper()}"
    with session_scope(engine) as db:
        for name, role, days in (("审计坐席", "agent", 0), ("审计主管", "admin", 1)):
            staff = Staff.of(authenticate(db, create_token(db, role, name)))
            record_access(
                db,
                staff,
                kind="work_order",
                record=number,
                fields=("contact_phone", "contact_name"),
                client_address="10.0.0.7",
                via=f"GET /api/v1/work-orders/{number}",
                now=AT + dt.timedelta(days=days),
            )
    return number


def test_privacy_audit_lists_a_records_accesses_newest_first(run_cli, number):
    result = run_cli("privacy", "audit", "--record", number)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("2026-12-07 09:30:00  审计主管")
    assert "contact_name, contact_phone from 10.0.0.7" in lines[1]


def test_privacy_audit_filters_by_actor_and_since_as_json(run_cli, number):
    by_actor = run_cli(
        "privacy", "audit", "--record", number, "--actor", "审计坐席", "--json"
    )
    [entry] = [json.loads(line) for line in by_actor.stdout.splitlines()]
    assert (entry["actor"], entry["role"], entry["record"]) == (
        "审计坐席",
        "agent",
        number,
    )
    since = run_cli(
        "privacy", "audit", "--record", number, "--since", "2026-12-07", "--json"
    )
    assert [json.loads(line)["actor"] for line in since.stdout.splitlines()] == [
        "审计主管"
    ]


def test_privacy_audit_refuses_an_unbounded_limit(run_cli):
    result = run_cli("privacy", "audit", "--limit", "100000")
    assert result.returncode == 2 and "between 1 and 1000" in result.stderr
