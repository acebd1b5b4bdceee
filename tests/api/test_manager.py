"""The managers' endpoints over real HTTP: who may read them, the overview's figures,
each table as a CSV file Excel opens (BOM, attachment, no formulas), bad parameters
refused with the reason, and every read in the audit log."""

from __future__ import annotations

import csv
import io
import uuid

import httpx
import pytest
from sqlalchemy import update

from api.csv_export import cell
from api.routes.manager import Table
from cases.models import WorkOrder
from foundation import clock
from foundation.db import session_scope
from privacy.audit import query_access
from privacy.auth import authenticate, create_token
from tests.support.performance_orders import seed_orders


def _client(base_url: str, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=base_url, timeout=30, headers=headers)


def _token(engine, role: str, name: str, **made) -> str:
    with session_scope(engine) as db:
        return create_token(db, role, name, **made)


@pytest.fixture(scope="module")
def seeded(engine):
    with session_scope(engine) as db:
        return seed_orders(db, clock.now().date())


@pytest.fixture(scope="module")
def manager_token(engine) -> str:
    return _token(engine, "manager", "赵主任")


@pytest.fixture
def manager(base_url, manager_token, seeded):
    with _client(base_url, manager_token) as client:
        yield client


def _csv(response: httpx.Response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_manager_reads_without_a_token_are_refused_with_401(base_url):
    with _client(base_url) as anonymous:
        assert anonymous.get("/api/v1/manager/overview").status_code == 401
        assert anonymous.get("/api/v1/manager/export/on_time.csv").status_code == 401


@pytest.mark.parametrize("role", ["agent", "department"])
def test_manager_reads_are_refused_to_agents_and_departments(base_url, engine, role):
    unit = "测试区生态环境局" if role == "department" else None
    token = _token(engine, role, "李四", unit=unit)
    with _client(base_url, token) as client:
        response = client.get("/api/v1/manager/overview")
        assert response.status_code == 403
        assert "manager" in response.json()["detail"]
        assert client.get("/api/v1/manager/export/overdue.csv").status_code == 403


def test_manager_token_does_not_reach_the_agents_cases_or_audit(manager):
    assert manager.get("/api/v1/agent/dashboard").status_code == 403
    assert manager.get("/api/v1/agent/handoffs").status_code == 403
    assert manager.get("/api/v1/admin/audit").status_code == 403


def test_admin_reads_the_managers_overview(base_url, admin_token, seeded):
    with _client(base_url, admin_token) as admin:
        assert admin.get("/api/v1/manager/overview").status_code == 200


def test_overview_has_the_seeded_units_figures(manager, seeded):
    response = manager.get("/api/v1/manager/overview", params={"days": 30})
    assert response.status_code == 200
    body = response.json()
    assert body["period"]["days"] == 30 and len(body["trends"]["daily"]) == 7
    assert len(body["trends"]["weekly"]) == 4
    on_time = {u["unit"]: u for u in body["on_time"]}
    unit_a = on_time[seeded.unit_a]
    assert (unit_a["signed_on_time"], unit_a["signed_late"]) == (1, 2)
    assert unit_a["handle_rate"] == 0.5
    units = {r["name"]: r for r in body["satisfaction_units"]}
    assert (units[seeded.unit_b]["dissatisfied"], units[seeded.unit_b]["share"]) == (
        1,
        0.5,
    )
    escalated = {o["number"]: o for o in body["escalated"]["orders"]}
    assert escalated[seeded.numbers["A3"]]["status_text"] == "已派单至承办单位"
    assert body["dispatch"]["period"]["automatic"] >= 3
    assert isinstance(body["hot_topics"], list)


def test_overview_shows_no_personal_data(manager, seeded):
    text = manager.get("/api/v1/manager/overview").text
    assert "13900001111" not in text and "王先生" not in text


@pytest.mark.parametrize("table", list(Table))
def test_every_table_downloads_as_csv_for_excel(manager, table):
    response = manager.get(f"/api/v1/manager/export/{table.value}.csv?days=30")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=")
    assert f"12345-{table.value}-" in disposition and disposition.endswith('.csv"')
    header = _csv(response)[0]
    assert header and all(header)


def test_overview_and_its_csv_count_the_praise_each_unit_received(manager, seeded):
    body = manager.get("/api/v1/manager/overview", params={"days": 30}).json()
    praised = {p["unit"]: p["count"] for p in body["praise_units"]}
    assert (praised[seeded.unit_a], praised[seeded.unit_b]) == (2, 1)
    rows = _csv(manager.get("/api/v1/manager/export/praise_units.csv?days=30"))
    assert rows[0] == ["承办单位", "表扬件数"]
    assert [seeded.unit_a, "2"] in rows and [seeded.unit_b, "1"] in rows


def test_overdue_csv_lists_the_overdue_order_with_its_days(manager, seeded):
    rows = _csv(manager.get("/api/v1/manager/export/overdue.csv"))
    assert rows[0][:3] == ["工单编号", "诉求分类", "承办单位"]
    [row] = [r for r in rows if r[0] == seeded.numbers["A3"]]
    assert row[1:3] == ["环境污染", seeded.unit_a]
    assert row[6] == "1"


def test_on_time_csv_gives_rates_in_percent(manager, seeded):
    rows = _csv(manager.get("/api/v1/manager/export/on_time.csv"))
    [row] = [r for r in rows if r[0] == seeded.unit_a]
    assert row == [seeded.unit_a, "1", "2", "33.3", "1", "1", "50.0"]


def test_csv_unit_names_that_excel_would_run_as_formulas_are_defused(manager, engine):
    tag = uuid.uuid4().hex[:6]
    formulas = [f'=HYPERLINK("http://evil.example/{tag}","点击")', f"@SUM({tag})"]
    with session_scope(engine) as db:
        planted = seed_orders(db, clock.now().date())
        for unit, formula in zip(
            (planted.unit_a, planted.unit_b), formulas, strict=True
        ):
            db.execute(
                update(WorkOrder)
                .where(WorkOrder.unit_name == unit)
                .values(unit_name=formula)
            )
    rows = _csv(manager.get("/api/v1/manager/export/on_time.csv"))
    names = {row[0] for row in rows}
    assert {"'" + formula for formula in formulas} <= names
    assert not any(row[0].startswith(("=", "+", "-", "@")) for row in rows)


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1", "@A1", "\t=1", "\r=1"])
def test_csv_cell_starting_like_a_formula_gets_an_apostrophe(text):
    assert cell(text) == "'" + text


def test_csv_cell_keeps_numbers_and_plain_text_as_they_are():
    assert (cell(-3), cell(0.5), cell("浦东新区"), cell(None)) == (
        -3,
        0.5,
        "浦东新区",
        "",
    )


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("days=0", "days"),
        ("days=367", "days"),
        ("days=thirty", "days"),
        ("weeks=54", "weeks"),
        ("trend_days=-1", "trend_days"),
    ],
)
def test_bad_parameters_are_refused_with_the_reason(manager, query, field):
    for path in ("/api/v1/manager/overview", "/api/v1/manager/export/on_time.csv"):
        response = manager.get(f"{path}?{query}")
        assert response.status_code == 422
        [problem] = response.json()["detail"]
        assert problem["field"] == f"query.{field}" and problem["message"]


def test_an_unknown_table_is_refused_naming_the_tables(manager):
    response = manager.get("/api/v1/manager/export/citizens.csv")
    assert response.status_code == 422
    assert "on_time" in response.json()["detail"][0]["message"]


def test_every_manager_read_is_in_the_audit_log(manager, engine, manager_token):
    manager.get("/api/v1/manager/overview")
    manager.get("/api/v1/manager/export/overdue.csv")
    with session_scope(engine) as db:
        token_id = authenticate(db, manager_token).id
        entries = query_access(db, token_id=token_id, kind="report", limit=2)
        read = [(e.record, e.fields, e.actor_role, e.via) for e in entries]
    assert read[0] == (
        "manager_overdue",
        ["overdue"],
        "manager",
        "GET /api/v1/manager/export/overdue.csv",
    )
    assert read[1][0] == "manager_overview" and "hot_topics" in read[1][1]
