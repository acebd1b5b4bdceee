"""The centre's desk over real HTTP: the orders units send back and time limits raise
wait for an agent (退回, 延期, 超期, 督办, 回访, 结案), and the agent's decisions,
through the existing action and dispatch routes, take them off it.

The queue lists every order in the database that needs the centre, so these tests run
on a database and gateway of their own, where the figures are exact."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from api.main import create_app
from api.rasa_client import RasaClient
from cases.lifecycle import CENTRE, UNIT, Step, apply
from cases.routing.router import build_router
from cases.work_orders import (
    WorkOrderRequest,
    dispatch_work_order,
    file_work_order,
    find_work_order,
)
from cases.workdays import add_working_days
from foundation import clock, migrate
from foundation.db import make_engine, session_scope
from foundation.settings import get_settings
from harness.servers import free_port
from knowledge_base.seed import seed_curated_catalogue
from privacy.auth import create_token
from tests.support.live import serve

QUEUE = "/api/v1/agent/centre-queue"
PHONE = "13700005555"
UNIT_NAME = "浦东新区生态环境局"


def _actions(number: str) -> str:
    return f"/api/v1/agent/work-orders/{number}/actions"


def _dispatch(number: str) -> str:
    return f"/api/v1/agent/work-orders/{number}/dispatch"


def _file(db, router, text: str, at: dt.datetime, session_id: str | None = None):
    """A pollution complaint filed and dispatched at ``at`` to ``UNIT_NAME``."""
    order = file_work_order(
        db,
        WorkOrderRequest(
            description=f"{text}，我叫李娜，电话{PHONE}",
            category_code="pollution",
            contact_name="李娜",
            contact_phone=PHONE,
            session_id=session_id,
        ),
        router,
        now=at,
    )
    if order.status == "registered":
        dispatch_work_order(db, order.number, "pollution", "王丽", now=at)
    order.unit_name = UNIT_NAME
    return order.number


def _unit(db, number: str, action: str, at: dt.datetime, **fields) -> None:
    apply(db, number, Step(action, f"{UNIT_NAME} 张三", UNIT, **fields), at)


@pytest.fixture(scope="module")
def centre(tmp_path_factory):
    """Orders in each state the centre acts on, and some it need not, in a database of
    their own, with the gateway over it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('centre') / 'hotline.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as db:
        seed_curated_catalogue(db, get_settings().catalogue_dir)
    now = clock.now()
    long_ago = now - dt.timedelta(days=60)
    weeks_ago = now - dt.timedelta(days=20)
    orders: dict[str, str] = {}
    with session_scope(engine) as db:
        router = build_router(db)
        orders["returned"] = _file(db, router, "河道发黑发臭", now)
        _unit(
            db,
            orders["returned"],
            "return",
            now,
            note=f"属区水务局职责，请改派。来电人李娜（{PHONE}）所述河道为市管河道",
        )
        orders["extension"] = _file(db, router, "工厂夜间排放废气", now)
        _unit(db, orders["extension"], "sign", now)
        _unit(
            db,
            orders["extension"],
            "request_extension",
            now,
            days=5,
            note="需会同区环境监测站采样检测",
        )
        orders["overdue"] = _file(db, router, "餐饮店油烟直排", long_ago)
        _unit(db, orders["overdue"], "sign", long_ago)
        orders["unsigned"] = _file(db, router, "小区旁工地扬尘严重", long_ago)
        orders["supervised"] = _file(db, router, "垃圾站臭味扰民", now)
        apply(
            db,
            orders["supervised"],
            Step("supervise", "王丽", CENTRE, note="市民多次来电"),
            now,
        )
        # Completed: filed without a conversation, the centre phones at once; asked
        # in the chat, the citizen is given two working days to answer there.
        orders["visit_by_phone"] = _file(db, router, "河边有人焚烧垃圾", now)
        orders["visit_waited"] = _file(
            db, router, "洗车店污水横流", weeks_ago, session_id="web-centre-waited"
        )
        orders["visit_asked"] = _file(
            db, router, "工厂噪声与废气", now, session_id="web-centre-asked"
        )
        for key, at in (
            ("visit_by_phone", now),
            ("visit_waited", weeks_ago),
            ("visit_asked", now),
        ):
            _unit(db, orders[key], "sign", at)
            _unit(db, orders[key], "complete", at, note="已责令整改，经复查已达标")
        orders["visited"] = _file(db, router, "河道漂浮垃圾", now)
        _unit(db, orders["visited"], "sign", now)
        _unit(db, orders["visited"], "complete", now, note="已组织打捞")
        apply(
            db,
            orders["visited"],
            Step("visit", "王丽", CENTRE, satisfaction="satisfied"),
            now,
        )
        # On time and with the unit: nothing for the centre.
        orders["on_time"] = _file(db, router, "小区门口垃圾桶满溢", now)
        _unit(db, orders["on_time"], "sign", now)
    with session_scope(engine) as db:
        tokens = {
            "agent": create_token(db, "agent", "王丽"),
            "unit": create_token(db, "department", "张三", unit=UNIT_NAME),
        }
    nowhere = f"http://127.0.0.1:{free_port()}"
    app = create_app(
        engine, rasa=RasaClient(nowhere, "nobody-listens"), action_server_url=nowhere
    )
    with serve(app) as site:
        yield {"url": site, "orders": orders, "tokens": tokens, "engine": engine}
    engine.dispose()


@pytest.fixture
def agent(centre):
    with httpx.Client(
        base_url=centre["url"],
        headers={"Authorization": f"Bearer {centre['tokens']['agent']}"},
        timeout=30,
    ) as client:
        yield client


def _listed(agent, **params) -> dict:
    response = agent.get(QUEUE, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _item(agent, number: str) -> dict | None:
    orders = _listed(agent, limit=200)["orders"]
    return next((o for o in orders if o["number"] == number), None)


# ------------------------------------------------------------------ what is listed
# These run first, before the tests below act on the orders.


def test_centre_queue_lists_what_waits_for_the_centre_by_reason(agent, centre):
    orders = centre["orders"]

    body = _listed(agent)

    listed = [o["number"] for o in body["orders"]]
    expected = [
        orders["returned"],
        orders["extension"],
        orders["overdue"],
        orders["unsigned"],
        orders["supervised"],
        orders["visit_waited"],
        orders["visit_by_phone"],
        orders["visited"],
    ]
    assert sorted(listed) == sorted(expected)
    # Returned first, then extensions, overdue, escalated, 回访, 结案.
    assert listed[:2] == [orders["returned"], orders["extension"]]
    assert set(listed[2:4]) == {orders["overdue"], orders["unsigned"]}
    assert listed[4] == orders["supervised"]
    assert set(listed[5:7]) == {orders["visit_waited"], orders["visit_by_phone"]}
    assert listed[7] == orders["visited"]
    assert body["total"] == 8
    assert body["counts"] == {
        "returned": 1,
        "extension": 1,
        "overdue": 2,
        "supervised": 1,
        "visit": 2,
        "close": 1,
    }
    # Asked in the chat today: the citizen may still answer there.
    assert orders["visit_asked"] not in listed
    assert orders["on_time"] not in listed


def test_centre_queue_shows_what_each_decision_needs_masked(agent, centre):
    orders = centre["orders"]
    by_number = {o["number"]: o for o in _listed(agent)["orders"]}

    returned = by_number[orders["returned"]]
    assert returned["reasons"] == ["returned"]
    assert returned["returned"]["actor"] == f"{UNIT_NAME} 张三"
    assert returned["returned"]["note"].startswith("属区水务局职责，请改派")
    assert returned["actions"] == ["dispatch", "supervise", "close"]
    assert returned["unit_name"] == UNIT_NAME

    extension = by_number[orders["extension"]]
    assert extension["reasons"] == ["extension"]
    assert extension["extension_days"] == 5
    assert "需会同区环境监测站采样检测" in extension["extension"]["note"]
    assert (
        extension["extended_due"]
        == add_working_days(dt.date.fromisoformat(extension["due_date"]), 5).isoformat()
    )
    assert {"approve_extension", "refuse_extension"} <= set(extension["actions"])

    overdue = by_number[orders["overdue"]]
    assert overdue["reasons"] == ["overdue"]
    assert overdue["deadline"]["kind"] == "handle"
    assert overdue["deadline"]["urgency"] == "overdue"
    unsigned = by_number[orders["unsigned"]]
    assert unsigned["deadline"]["kind"] == "sign"

    supervised = by_number[orders["supervised"]]
    assert supervised["reasons"] == ["supervised"]
    assert supervised["supervision_count"] == 1

    by_phone = by_number[orders["visit_by_phone"]]
    assert by_phone["reasons"] == ["visit"] and by_phone["conversation"] is False
    assert by_phone["result"] == "已责令整改，经复查已达标"
    assert by_number[orders["visit_waited"]]["conversation"] is True
    assert {"visit", "close"} <= set(by_phone["actions"])

    assert by_number[orders["visited"]]["reasons"] == ["close"]
    assert by_number[orders["visited"]]["satisfaction"] == "satisfied"

    # The citizen's name and phone are in the description and the unit's note:
    # masked everywhere the queue shows them.
    text = agent.get(QUEUE).text
    assert PHONE not in text and "李娜" not in text
    assert returned["returned"]["note"].endswith(
        "来电人李*（137****5555）所述河道为市管河道"
    )
    assert returned["excerpt"] == "河道发黑发臭，我叫李*，电话137****5555"


def test_centre_queue_filters_by_one_reason_with_every_reasons_figures(agent, centre):
    orders = centre["orders"]

    body = _listed(agent, reason="overdue")

    assert {o["number"] for o in body["orders"]} == {
        orders["overdue"],
        orders["unsigned"],
    }
    assert body["total"] == 2 and body["waiting"] == 8
    assert body["counts"]["returned"] == 1 and body["counts"]["visit"] == 2
    limited = _listed(agent, limit=1)
    assert len(limited["orders"]) == 1 and limited["total"] == 8


@pytest.mark.parametrize(
    "params",
    [
        {"reason": "everything"},
        {"reason": ""},
        {"limit": 0},
        {"limit": 201},
        {"limit": "many"},
        {"limit": str(10**30)},
        {"limit": "inf"},
        {"reason": "A" * 3000},
    ],
)
def test_centre_queue_refuses_bad_parameters_with_422(agent, params):
    response = agent.get(QUEUE, params=params)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "invalid_request"


def test_centre_queue_needs_an_agent_token(centre):
    with httpx.Client(base_url=centre["url"], timeout=30) as anonymous:
        assert anonymous.get(QUEUE).status_code == 401
        assert anonymous.get("/api/v1/agent/categories").status_code == 401
        unit = {"Authorization": f"Bearer {centre['tokens']['unit']}"}
        assert anonymous.get(QUEUE, headers=unit).status_code == 403
        assert anonymous.get("/api/v1/agent/categories", headers=unit).status_code == (
            403
        )


def test_categories_list_every_choice_of_dispatch(agent):
    response = agent.get("/api/v1/agent/categories")

    assert response.status_code == 200, response.text
    categories = {c["code"]: c for c in response.json()["categories"]}
    assert len(categories) == 18
    assert categories["pollution"]["name"] == "环境污染"
    assert categories["pollution"]["time_limit_days"] == 7
    assert categories["illegal-construction"]["level"] == "street"
    assert all(c["department_name"] for c in categories.values())


def test_centre_desk_is_documented_in_openapi(agent):
    spec = agent.get("/openapi.json").json()
    for path in (QUEUE, "/api/v1/agent/categories"):
        operation = spec["paths"][path]["get"]
        assert operation["summary"] and operation["description"]
        assert "$ref" in str(operation["responses"]["200"]["content"])
    queue = spec["paths"][QUEUE]["get"]
    assert {"401", "403", "422"} <= set(queue["responses"])
    reason = next(p for p in queue["parameters"] if p["name"] == "reason")
    assert set(reason["schema"]["enum"]) == {
        "returned",
        "extension",
        "overdue",
        "supervised",
        "visit",
        "close",
    }


# ------------------------------------------------------------------ the centre decides


def test_refusing_an_extension_needs_a_reason_then_takes_it_off(agent, centre):
    number = centre["orders"]["extension"]
    missing = agent.post(_actions(number), json={"action": "refuse_extension"})
    assert missing.status_code == 422
    assert "needs a reason" in missing.json()["detail"]
    assert _item(agent, number)["reasons"] == ["extension"]

    refused = agent.post(
        _actions(number),
        json={"action": "refuse_extension", "note": "检测可在原时限内完成"},
    )

    assert refused.status_code == 200, refused.text
    assert refused.json()["history"][-1]["note"] == "不同意延期：检测可在原时限内完成"
    assert _item(agent, number) is None
    again = agent.post(_actions(number), json={"action": "approve_extension"})
    assert again.status_code == 422
    assert "no extension has been requested" in again.json()["detail"]


def test_approving_an_extension_moves_the_due_date_as_the_queue_said(agent, centre):
    with session_scope(centre["engine"]) as db:
        number = _file(db, build_router(db), "化工厂异味", clock.now())
        _unit(db, number, "sign", clock.now())
        _unit(db, number, "request_extension", clock.now(), days=3, note="需检测")
    promised = _item(agent, number)["extended_due"]

    approved = agent.post(_actions(number), json={"action": "approve_extension"})

    assert approved.status_code == 200, approved.text
    assert approved.json()["due_date"] == promised
    assert _item(agent, number) is None


def test_redispatching_a_returned_order_to_another_category(agent, centre):
    number = centre["orders"]["returned"]

    moved = agent.post(_dispatch(number), json={"category": "roads-municipal"})

    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert body["status"] == "dispatched" and body["category"] == "roads-municipal"
    assert body["dispatch_method"] == "agent-corrected"
    assert _item(agent, number) is None
    again = agent.post(_dispatch(number), json={"category": "pollution"})
    assert again.status_code == 409


def test_supervising_an_overdue_order_keeps_it_followed(agent, centre):
    number = centre["orders"]["overdue"]

    done = agent.post(
        _actions(number), json={"action": "supervise", "note": "请于今日内办结"}
    )

    assert done.status_code == 200, done.text
    item = _item(agent, number)
    assert item["reasons"] == ["overdue", "supervised"]
    assert item["supervision_count"] == 1


def test_a_phoned_visit_then_closing_takes_the_order_off(agent, centre):
    number = centre["orders"]["visit_by_phone"]
    missing = agent.post(_actions(number), json={"action": "visit"})
    assert missing.status_code == 422

    visited = agent.post(
        _actions(number),
        json={
            "action": "visit",
            "satisfaction": "basically_satisfied",
            "note": "电话回访",
        },
    )

    assert visited.status_code == 200, visited.text
    assert _item(agent, number)["reasons"] == ["close"]
    closed = agent.post(_actions(number), json={"action": "close"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert _item(agent, number) is None
    with session_scope(centre["engine"]) as db:
        assert find_work_order(db, number).satisfaction == "basically_satisfied"
