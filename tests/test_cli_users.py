"""``hotline users create|list|revoke`` as an operator uses them, in a subprocess."""

from __future__ import annotations

import json

import pytest

from foundation.db import session_scope
from privacy.auth import authenticate, create_token, token_digest
from tests.conftest import cli_runner


@pytest.fixture(scope="module")
def run_cli(engine, database_url):
    return cli_runner(database_url)


def _token(engine, name: str) -> tuple[str, int]:
    with session_scope(engine) as db:
        token = create_token(db, "agent", name)
        return token, authenticate(db, token).id


def test_users_list_shows_role_name_dates_and_status_but_no_secret(run_cli, engine):
    token, token_id = _token(engine, "列表坐席")
    result = run_cli("users", "list", "--json")
    assert result.returncode == 0, result.stderr
    listed = {t["id"]: t for t in json.loads(result.stdout)}
    assert set(listed[token_id]) == {
        "id",
        "role",
        "name",
        "created_at",
        "expires_at",
        "revoked_at",
        "status",
        "unit",
    }
    assert (listed[token_id]["name"], listed[token_id]["status"]) == (
        "列表坐席",
        "active",
    )
    table = run_cli("users", "list").stdout
    for shown in (result.stdout, table):
        assert token not in shown and token_digest(token) not in shown
    assert "列表坐席" in table


def test_users_revoke_refuses_the_token_from_then_on(run_cli, engine):
    token, token_id = _token(engine, "离职坐席")
    result = run_cli("users", "revoke", str(token_id))
    assert result.returncode == 0, result.stderr
    assert f"token {token_id} revoked" in result.stdout
    with session_scope(engine) as db:
        assert authenticate(db, token) is None
    listed = {t["id"]: t for t in json.loads(run_cli("users", "list", "--json").stdout)}
    assert listed[token_id]["status"] == "revoked" and listed[token_id]["revoked_at"]


def test_users_revoke_of_an_unknown_id_fails_with_exit_code_1(run_cli):
    result = run_cli("users", "revoke", "999999999")
    assert result.returncode == 1
    assert "no token has id 999999999" in result.stderr


def test_users_create_makes_a_department_token_scoped_to_its_unit(run_cli, engine):
    result = run_cli(
        "users",
        "create",
        "--role",
        "department",
        "--unit",
        "命令行测试区生态环境局",
        "--name",
        "张三",
    )
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip().splitlines()[-1]
    assert "命令行测试区生态环境局" in result.stdout
    # No order was ever sent to this unit: the operator is told to check its spelling.
    assert "no work order has been sent to" in result.stderr
    with session_scope(engine) as db:
        row = authenticate(db, token)
        assert (row.role, row.name, row.unit) == (
            "department",
            "张三",
            "命令行测试区生态环境局",
        )
    listed = run_cli("users", "list").stdout
    assert "张三 · 命令行测试区生态环境局" in listed


def test_users_create_makes_a_manager_token_without_a_unit(run_cli, engine):
    result = run_cli("users", "create", "--role", "manager", "--name", "赵主任")
    assert result.returncode == 0, result.stderr
    assert "New manager token for 赵主任" in result.stdout
    token = result.stdout.strip().splitlines()[-1]
    with session_scope(engine) as db:
        row = authenticate(db, token)
        assert (row.role, row.name, row.unit) == ("manager", "赵主任", None)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--role", "department", "--name", "张三"), "needs its unit"),
        (("--role", "agent", "--unit", "某局"), "only a department token"),
    ],
)
def test_users_create_refuses_a_unit_where_it_does_not_belong(run_cli, args, message):
    result = run_cli("users", "create-token", *args)
    assert result.returncode == 2
    assert message in result.stderr and "hl_" not in result.stdout
