"""The department workbench's API over real HTTP (issue 27, deliverable 3): a unit's
token sees and acts on its own unit's orders only, reads of personal data are audited,
the centre decides extensions, 督办, 回访 and closing through its own route, and a
unit reads the notices the time-limit watch sent it, never another unit's."""

from __future__ import annotations

import datetime as dt
import uuid

import httpx
import pytest

from api.main import create_app
from api.rasa_client import RasaClient
from cases import time_limits
from cases.lifecycle import UNIT, Step, apply
from cases.routing.router import build_router
from cases.work_orders import (
    WorkOrderRequest,
    dispatch_work_order,
    file_work_order,
    find_work_order,
)
from foundation import migrate
from foundation.db import make_engine, session_scope
from foundation.settings import get_settings
from harness.servers import free_port
from knowledge_base.seed import seed_curated_catalogue
from privacy.audit import query_access
from privacy.auth import create_token
from tests.support.live import serve

PHONE = "13700003333"
QUEUE = "/api/v1/department/work-orders"
NOTICES = "/api/v1/department/notices"


def _client(base_url: str, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=base_url, timeout=30, headers=headers)


def _unit(label: str) -> str:
    # A unit of its own per test: its queue holds exactly what the test put there.
    return f"测试{label}{uuid.uuid4().hex[:8]}生态环境局"


def _department(engine, unit: str, name: str = "张三") -> str:
    with session_scope(engine) as db:
        return create_token(db, "department", name, unit=unit)


def _order(engine, router, unit: str, text: str = "楼下饭店油烟太大") -> str:
    """A dispatched order whose handling unit is ``unit``."""
    with session_scope(engine) as db:
        order = file_work_order(
            db,
            WorkOrderRequest(
                description=f"{text}，我叫李娜，电话{PHONE}",
                contact_name="李娜",
                contact_phone=PHONE,
            ),
            router,
        )
        if order.status == "registered":
            dispatch_work_order(db, order.number, order.category.code, "王丽")
        order.unit_name = unit
        return order.number


@pytest.fixture
def ours(engine):
    return _unit("甲")


@pytest.fixture
def desk(base_url, engine, ours):
    with _client(base_url, _department(engine, ours)) as client:
        yield client


@pytest.fixture
def other_desk(base_url, engine):
    with _client(base_url, _department(engine, _unit("乙"), "赵六")) as client:
        yield client


@pytest.fixture
def agent(base_url, agent_token):
    with _client(base_url, agent_token) as client:
        yield client


def _do(client, number: str, action: str, **fields) -> httpx.Response:
    return client.post(f"{QUEUE}/{number}/actions", json={"action": action, **fields})


# ------------------------------------------------------------------ the queue


def test_department_queue_lists_its_open_orders_nearest_deadline_first(
    desk, engine, router, ours
):
    first, second = _order(engine, router, ours), _order(engine, router, ours)
    assert _do(desk, second, "sign").status_code == 200

    response = desk.get(QUEUE)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["unit"] == ours and body["total"] == 2
    listed = [o["number"] for o in body["orders"]]
    assert set(listed) == {first, second}
    deadlines = [o["deadline"]["due"] for o in body["orders"]]
    assert deadlines == sorted(deadlines)
    by_number = {o["number"]: o for o in body["orders"]}
    assert by_number[first]["deadline"]["kind"] == "sign"
    assert by_number[second]["deadline"]["kind"] == "handle"
    assert PHONE not in response.text and "李娜" not in response.text


def test_queue_limit_is_bounded(desk):
    for limit in (0, 201, "many"):
        assert desk.get(QUEUE, params={"limit": limit}).status_code == 422


# ------------------------------------------------------------------ one unit, never another's


def test_a_unit_never_sees_another_units_orders_in_its_queue(
    desk, other_desk, engine, router, ours
):
    number = _order(engine, router, ours)
    assert number in {o["number"] for o in desk.get(QUEUE).json()["orders"]}
    assert other_desk.get(QUEUE).json() == {
        "unit": other_desk.get(QUEUE).json()["unit"],
        "total": 0,
        "orders": [],
    }


def test_another_units_order_is_404_exactly_like_an_unknown_number(
    desk, other_desk, engine, router, ours
):
    number = _order(engine, router, ours)
    unknown = "GD00000000000000"

    def same(response: httpx.Response, asked: str) -> dict:
        assert response.status_code == 404, response.text
        return {
            **response.json(),
            "detail": response.json()["detail"].replace(asked, "N"),
        }

    assert same(other_desk.get(f"{QUEUE}/{number}"), number) == same(
        other_desk.get(f"{QUEUE}/{unknown}"), unknown
    )
    for action, fields in (("sign", {}), ("return", {"note": "不是我们的"})):
        assert same(_do(other_desk, number, action, **fields), number) == same(
            _do(other_desk, unknown, action, **fields), unknown
        )
    # An action the order's state would refuse still gets the 404, not the reason.
    assert _do(other_desk, number, "complete", note="已处理").status_code == 404
    order = desk.get(f"{QUEUE}/{number}").json()
    assert order["status"] == "dispatched" and len(order["history"]) == 2


def test_an_order_waiting_for_the_centres_review_is_404_to_its_suggested_unit(
    desk, engine, router, ours
):
    with session_scope(engine) as db:
        order = file_work_order(
            db, WorkOrderRequest(description="楼下饭店油烟太大"), router
        )
        order.status, order.dispatch_method, order.unit_name = "registered", None, ours
        number = order.number
    assert desk.get(f"{QUEUE}/{number}").status_code == 404
    assert _do(desk, number, "sign").status_code == 404


# ------------------------------------------------------------------ what a unit is shown


def test_contact_is_shown_once_signed_and_that_read_is_audited(
    desk, engine, router, ours
):
    number = _order(engine, router, ours)

    before = desk.get(f"{QUEUE}/{number}").json()
    assert before["contact_in_clear"] is False
    assert before["contact_phone"] != PHONE and PHONE not in before["description"]
    assert before["actions"] == ["sign", "return"]
    with session_scope(engine) as db:
        assert query_access(db, record=number) == []

    signed = _do(desk, number, "sign").json()
    assert signed["contact_in_clear"] is True
    assert (signed["contact_name"], signed["contact_phone"]) == ("李娜", PHONE)
    read = desk.get(f"{QUEUE}/{number}").json()
    assert read["contact_phone"] == PHONE

    with session_scope(engine) as db:
        entries = query_access(db, record=number)
        assert len(entries) == 2
        assert {e.actor_role for e in entries} == {"department"}
        assert {e.actor_name for e in entries} == {"张三"}
        assert {"contact_name", "contact_phone"} <= set(entries[0].fields)
        assert entries[0].via == f"GET {QUEUE}/{number}"


# ------------------------------------------------------------------ what a unit does


def test_unit_signs_starts_and_completes_with_its_result(desk, engine, router, ours):
    number = _order(engine, router, ours)
    assert _do(desk, number, "sign").json()["status"] == "signed"
    assert _do(desk, number, "start").json()["status"] == "in_progress"
    done = _do(desk, number, "complete", note="已约谈饭店，加装油烟净化器")
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["status"] == "completed" and body["status_text"] == "已办结"
    assert body["result"] == "已约谈饭店，加装油烟净化器"
    assert body["actions"] == [] and body["deadline"] is None
    assert [h["action"] for h in body["history"]][-3:] == ["sign", "start", "complete"]
    assert body["history"][-1]["actor"] == f"{ours} 张三"[:100]
    assert number not in {o["number"] for o in desk.get(QUEUE).json()["orders"]}


def test_unit_returns_an_order_with_its_reason(desk, engine, router, ours):
    number = _order(engine, router, ours)
    returned = _do(desk, number, "return", note="属市场监管职责，请改派")
    assert returned.status_code == 200, returned.text
    assert returned.json()["status"] == "returned"
    assert returned.json()["history"][-1]["note"] == "属市场监管职责，请改派"


def test_unit_asks_for_an_extension_and_the_centre_approves_it(
    desk, agent, engine, router, ours
):
    number = _order(engine, router, ours)
    _do(desk, number, "sign")
    asked = _do(desk, number, "request_extension", days=5, note="需协调产权单位")
    assert asked.status_code == 200, asked.text
    assert asked.json()["extension_days"] == 5
    due = asked.json()["due_date"]
    again = _do(desk, number, "request_extension", days=3, note="再延")
    assert again.status_code == 422 and "already waiting" in again.json()["detail"]

    approved = agent.post(
        f"/api/v1/agent/work-orders/{number}/actions",
        json={"action": "approve_extension", "note": "同意"},
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["due_date"] > due
    assert approved.json()["contact_phone"] != PHONE  # the centre's answer is masked
    assert desk.get(f"{QUEUE}/{number}").json()["extension_days"] is None


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"action": "complete", "note": "已处理"}, "cannot complete a dispatched"),
        ({"action": "return"}, "needs a reason"),
        ({"action": "return", "note": "   "}, "needs a reason"),
        ({"action": "approve_extension"}, None),
        ({"action": "teleport"}, None),
        ({"action": "request_extension", "note": "理由", "days": 0}, None),
        ({"action": "request_extension", "note": "理由", "days": 31}, None),
        ({"action": "request_extension", "note": "理由", "days": "5"}, None),
        ({"action": "sign", "status": "closed"}, None),
        ({"action": "return", "note": "长" * 2001}, None),
    ],
)
def test_bad_actions_are_422_with_a_clear_reason(
    desk, engine, router, ours, body, reason
):
    number = _order(engine, router, ours)
    response = desk.post(f"{QUEUE}/{number}/actions", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "invalid_request"
    if reason:
        assert reason in response.json()["detail"]
    assert desk.get(f"{QUEUE}/{number}").json()["status"] == "dispatched"


# ------------------------------------------------------------------ who may use what


def test_department_api_needs_a_department_token(base_url, agent, admin_token):
    with _client(base_url) as anonymous:
        assert anonymous.get(QUEUE).status_code == 401
    with _client(base_url, "hl_not-a-token") as forged:
        assert forged.get(QUEUE).status_code == 401
    assert agent.get(QUEUE).status_code == 403
    with _client(base_url, admin_token) as admin:
        assert admin.get(QUEUE).status_code == 403


def test_department_token_is_refused_by_the_centres_endpoints(
    desk, engine, router, ours
):
    number = _order(engine, router, ours)
    for method, path, body in (
        ("GET", "/api/v1/agent/handoffs", None),
        ("GET", "/api/v1/agent/dispatch-queue", None),
        ("GET", f"/api/v1/work-orders/{number}", None),
        ("PATCH", f"/api/v1/work-orders/{number}", {"status": "closed"}),
        ("POST", f"/api/v1/agent/work-orders/{number}/actions", {"action": "close"}),
        ("GET", "/api/v1/admin/audit", None),
    ):
        response = desk.request(method, path, json=body)
        assert response.status_code == 403, (path, response.text)


# ------------------------------------------------------------------ the centre's side


def test_centre_visits_and_closes_a_completed_order(desk, agent, engine, router, ours):
    number = _order(engine, router, ours)
    _do(desk, number, "sign")
    _do(desk, number, "complete", note="已处理完毕")
    path = f"/api/v1/agent/work-orders/{number}/actions"
    missing = agent.post(path, json={"action": "visit"})
    assert missing.status_code == 422 and "satisfaction" in missing.json()["detail"]
    visited = agent.post(
        path, json={"action": "visit", "satisfaction": "satisfied", "note": "市民满意"}
    )
    assert visited.status_code == 200, visited.text
    assert visited.json()["status"] == "visited"
    closed = agent.post(path, json={"action": "close"})
    assert closed.json()["status"] == "closed"
    again = agent.post(path, json={"action": "close"})
    assert (
        again.status_code == 422 and "cannot close a closed" in again.json()["detail"]
    )


def test_centre_supervises_and_refuses_units_actions(agent, engine, router, ours):
    number = _order(engine, router, ours)
    path = f"/api/v1/agent/work-orders/{number}/actions"
    supervised = agent.post(path, json={"action": "supervise", "note": "超期督办"})
    assert supervised.status_code == 200, supervised.text
    assert supervised.json()["history"][-1]["note"] == "超期督办"
    assert agent.post(path, json={"action": "sign"}).status_code == 422
    assert (
        agent.post(
            "/api/v1/agent/work-orders/GD00000000000000/actions",
            json={"action": "supervise"},
        ).status_code
        == 404
    )


# ------------------------------------------------------------------ documented


def test_department_api_is_documented_in_openapi(client):
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path, method in (
        (QUEUE, "get"),
        (NOTICES, "get"),
        (QUEUE + "/{number}", "get"),
        (QUEUE + "/{number}/actions", "post"),
        ("/api/v1/agent/work-orders/{number}/actions", "post"),
    ):
        operation = paths[path][method]
        assert operation["summary"] and operation["description"]
        assert "$ref" in str(operation["responses"]["200"]["content"])
    actions = paths[QUEUE + "/{number}/actions"]["post"]["responses"]
    assert {"401", "403", "404", "409", "422"} <= set(actions)
    schema = spec["components"]["schemas"]["DepartmentActionIn"]["properties"]
    assert set(schema["action"]["enum"]) == {
        "sign",
        "start",
        "complete",
        "return",
        "request_extension",
    }
    notices = spec["components"]["schemas"]["DepartmentNotices"]["properties"]
    assert {"unit", "total", "notices"} <= set(notices)
    assert {"401", "403", "422"} <= set(paths[NOTICES]["get"]["responses"])


# ------------------------------------------------------------------ the unit's notices

# A Monday without holidays near it: signing is due on Tuesday.
FILED = dt.datetime(2026, 11, 2, 9, 0)
UNIT_A = "浦东新区生态环境局"
UNIT_B = "徐汇区生态环境局"


def _filed_for(db, router, unit: str, text: str) -> str:
    """A pollution complaint (7 working days) dispatched on ``FILED`` to ``unit``."""
    order = file_work_order(
        db,
        WorkOrderRequest(
            description=text, category_code="pollution", contact_phone=PHONE
        ),
        router,
        now=FILED,
    )
    if order.status == "registered":
        dispatch_work_order(db, order.number, "pollution", "王丽", now=FILED)
    assert order.category.code == "pollution"
    order.unit_name = unit
    return order.number


@pytest.fixture(scope="module")
def watched(tmp_path_factory):
    """A database of its own, swept by the real time-limit watch three times (the
    watch acts on every order, so never on the shared one), and its gateway.

    Unit A has an order never signed for (signing overdue, 80% warning, overdue), one
    signed (warning, overdue) and one completed after the warning; unit B one never
    signed for.
    """
    url = f"sqlite:///{tmp_path_factory.mktemp('notices') / 'hotline.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as db:
        seed_curated_catalogue(db, get_settings().catalogue_dir)
    orders = {}
    with session_scope(engine) as db:
        router = build_router(db)
        orders["a_unsigned"] = _filed_for(db, router, UNIT_A, "河道发黑发臭，气味很大")
        orders["a_signed"] = _filed_for(db, router, UNIT_A, "小区旁工厂废水直排河道")
        orders["a_done"] = _filed_for(db, router, UNIT_A, "饭店油烟直排，窗户不能开")
        orders["b_unsigned"] = _filed_for(db, router, UNIT_B, "厂房排放黑烟，气味刺鼻")
        for key in ("a_signed", "a_done"):
            apply(db, orders[key], Step("sign", f"{UNIT_A} 张三", UNIT), FILED)
    with session_scope(engine) as db:
        due = find_work_order(db, orders["a_signed"]).due_date
    warned = time_limits.warning_day(FILED.date(), due)
    sweeps = {
        "sign_overdue": FILED + dt.timedelta(days=3),
        "due_warning": dt.datetime.combine(warned, dt.time(9)),
        "overdue": dt.datetime.combine(due + dt.timedelta(days=1), dt.time(9)),
    }
    for kind, now in sweeps.items():
        with session_scope(engine) as db:
            time_limits.sweep(db, now)
            if kind == "due_warning":
                apply(
                    db,
                    orders["a_done"],
                    Step("complete", f"{UNIT_A} 张三", UNIT, note="已责令整改"),
                    now,
                )
    with session_scope(engine) as db:
        tokens = {
            "a": create_token(db, "department", "张三", unit=UNIT_A),
            "b": create_token(db, "department", "赵六", unit=UNIT_B),
            "agent": create_token(db, "agent", "王丽"),
        }
    nowhere = f"http://127.0.0.1:{free_port()}"
    app = create_app(
        engine, rasa=RasaClient(nowhere, "nobody-listens"), action_server_url=nowhere
    )
    with serve(app) as site:
        yield {"url": site, "orders": orders, "tokens": tokens, "sweeps": sweeps}
    engine.dispose()


def _notices(watched, who: str, **params) -> httpx.Response:
    with _client(watched["url"], watched["tokens"][who]) as client:
        return client.get(NOTICES, params=params)


def test_department_notices_list_what_the_watch_sent_the_unit_newest_first(watched):
    response = _notices(watched, "a")

    assert response.status_code == 200, response.text
    body = response.json()
    orders = watched["orders"]
    assert body["unit"] == UNIT_A and body["total"] == 6
    listed = [(n["number"], n["kind"]) for n in body["notices"]]
    assert set(listed[:2]) == {
        (orders["a_unsigned"], "overdue"),
        (orders["a_signed"], "overdue"),
    }
    assert set(listed[2:5]) == {
        (orders[key], "due_warning") for key in ("a_unsigned", "a_signed", "a_done")
    }
    assert listed[5] == (orders["a_unsigned"], "sign_overdue")
    times = [n["created_at"] for n in body["notices"]]
    assert times == sorted(times, reverse=True)
    first = body["notices"][0]
    assert first["created_at"].startswith(
        watched["sweeps"]["overdue"].date().isoformat()
    )
    assert first["created_at"].endswith("+08:00")
    signing = body["notices"][5]
    assert signing["text"].startswith(f"工单 {orders['a_unsigned']} 已超过签收时限")
    assert "请立即签收" in signing["text"]
    assert PHONE not in response.text


def test_a_unit_never_sees_another_units_notices(watched):
    orders = watched["orders"]
    ours = {n["number"] for n in _notices(watched, "a").json()["notices"]}
    theirs = _notices(watched, "b").json()

    assert orders["b_unsigned"] not in ours
    assert theirs["unit"] == UNIT_B and theirs["total"] == 3
    assert {n["number"] for n in theirs["notices"]} == {orders["b_unsigned"]}
    assert {n["kind"] for n in theirs["notices"]} == {
        "sign_overdue",
        "due_warning",
        "overdue",
    }
    with _client(watched["url"]) as anonymous:
        assert anonymous.get(NOTICES).status_code == 401
    assert _notices(watched, "agent").status_code == 403


def test_department_notice_says_whether_its_order_still_waits_for_the_unit(watched):
    orders = watched["orders"]
    notices = _notices(watched, "a").json()["notices"]

    in_queue = {n["number"]: n["in_queue"] for n in notices}
    assert in_queue[orders["a_unsigned"]] is True
    assert in_queue[orders["a_signed"]] is True
    # Completed after its warning: the notice stays, the order is no longer to do.
    assert in_queue[orders["a_done"]] is False


def test_department_notices_limit_is_bounded(watched):
    two = _notices(watched, "a", limit=2)
    assert two.status_code == 200, two.text
    assert len(two.json()["notices"]) == 2 and two.json()["total"] == 6
    for limit in (0, 101, "many", str(10**30), "inf"):
        refused = _notices(watched, "a", limit=limit)
        assert refused.status_code == 422, limit
        assert refused.json()["error"] == "invalid_request"


def test_a_unit_sees_how_many_citizens_reported_a_merged_event(
    base_url, engine, router, desk, ours, agent
):
    first = _order(engine, router, ours)
    second = _order(engine, router, ours, "楼下那家饭店的油烟太大了")
    assert desk.get(f"{QUEUE}/{first}").json()["reporters"] == 1
    merged = agent.post(
        f"/api/v1/agent/work-orders/{second}/merge", json={"into": first}
    )
    assert merged.status_code == 200, merged.text
    shown = desk.get(f"{QUEUE}/{first}").json()
    assert shown["reporters"] == 2
    assert any(second in (step["note"] or "") for step in shown["history"])
    # The merged report waits in no unit's queue.
    queued = desk.get(QUEUE).json()["orders"]
    assert second not in [o["number"] for o in queued]
