"""The agent console's 退回与督办 view in a real (headless) Chromium, against a gateway
without Rasa over a database of its own (the view lists every order that needs the
centre, so its figures are exact only there): an agent re-dispatches a returned order
(改派), refuses an extension with its reason, escalates an overdue order (督办),
records a phoned 回访 and closes the order; what the server refuses is shown."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from api.main import create_app
from api.rasa_client import RasaClient
from cases.lifecycle import UNIT, Step, apply
from cases.routing.router import build_router
from cases.work_orders import WorkOrderRequest, dispatch_work_order, file_work_order
from foundation import clock
from foundation.db import make_engine, session_scope
from harness.servers import free_port
from privacy.auth import create_token
from tests.support.live import serve

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

DESKTOP = {"width": 1280, "height": 900}
UNIT_NAME = "浦东新区生态环境局"
PHONE = "13900006666"


def _file(db, router, text: str, at: dt.datetime) -> str:
    order = file_work_order(
        db,
        WorkOrderRequest(
            description=f"{text}，联系人陈静，电话{PHONE}",
            category_code="pollution",
            contact_name="陈静",
            contact_phone=PHONE,
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


@pytest.fixture
def centre(seeded_database):
    """Four orders waiting for the centre, one per decision, and the gateway."""
    engine = make_engine(seeded_database)
    now = clock.now()
    long_ago = now - dt.timedelta(days=60)
    with session_scope(engine) as db:
        router = build_router(db)
        orders = {
            "returned": _file(db, router, "河道发黑发臭，气味很大", now),
            "extension": _file(db, router, "工厂夜间排放刺鼻废气", now),
            "overdue": _file(db, router, "餐饮店油烟直排居民楼", long_ago),
            "visit": _file(db, router, "河边有人焚烧垃圾", now),
        }
        _unit(
            db,
            orders["returned"],
            "return",
            now,
            note="该河道属市管河道，应由区水务局办理，请改派",
        )
        _unit(db, orders["extension"], "sign", now)
        _unit(
            db,
            orders["extension"],
            "request_extension",
            now,
            days=5,
            note="需会同区环境监测站采样检测",
        )
        _unit(db, orders["overdue"], "sign", long_ago)
        _unit(db, orders["visit"], "sign", now)
        _unit(db, orders["visit"], "complete", now, note="已制止焚烧并清理现场")
        token = create_token(db, "agent", "王丽")
    nowhere = f"http://127.0.0.1:{free_port()}"
    app = create_app(
        engine, rasa=RasaClient(nowhere, "nobody-listens"), action_server_url=nowhere
    )
    with serve(app) as url:
        yield {"url": url, "orders": orders, "token": token}
    engine.dispose()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    yield page
    context.close()


def _open_centre_view(page, centre) -> None:
    page.goto(centre["url"] + "/agent")
    page.get_by_label("访问令牌").fill(centre["token"])
    page.get_by_role("button", name="登录", exact=True).click()
    page.get_by_role("button", name="退回与督办").click()
    expect(page.get_by_role("button", name="退回与督办")).to_have_attribute(
        "aria-current", "page"
    )


def _item(page, number: str):
    return page.locator(f"#centre-list > li[data-number='{number}']")


def test_agent_handles_what_units_send_back(page, centre, screenshots):
    orders = centre["orders"]
    _open_centre_view(page, centre)

    items = page.locator("#centre-list > li")
    expect(items).to_have_count(4)
    expect(page.locator("#centre-filters")).to_contain_text("全部 4")
    expect(page.locator("#centre-filters")).to_contain_text("退回待改派 1")
    expect(page.locator("#centre-filters")).to_contain_text("延期待审批 1")
    expect(page.locator("#centre-filters")).to_contain_text("已超期 1")
    expect(page.locator("#centre-filters")).to_contain_text("待回访 1")
    # Returned first, with the unit's reason; the citizen's phone is masked.
    expect(items.first).to_have_attribute("data-number", orders["returned"])
    expect(items.first).to_contain_text("该河道属市管河道，应由区水务局办理，请改派")
    expect(_item(page, orders["extension"])).to_contain_text("5 个工作日")
    expect(_item(page, orders["extension"])).to_contain_text("同意后延至")
    expect(_item(page, orders["overdue"])).to_contain_text("已超期")
    expect(_item(page, orders["visit"])).to_contain_text("请电话回访")
    expect(page.locator("#centre-list")).not_to_contain_text(PHONE)
    page.screenshot(path=str(screenshots / "agent-centre-actions.png"), full_page=True)

    # 改派 to another category.
    page.get_by_role("button", name=f"改派：工单 {orders['returned']}").click()
    category = page.get_by_label("改派类别（按类别和事发地重新确定承办单位）")
    expect(category).to_be_focused()
    expect(category.locator("option:checked")).to_contain_text("原类别")
    category.select_option("roads-municipal")
    page.get_by_role("button", name="确认改派").click()
    expect(page.locator("#centre-status")).to_contain_text(
        f"工单 {orders['returned']} 已改派至"
    )
    expect(page.locator("#centre-status")).to_contain_text("（道路与市政设施）")
    expect(_item(page, orders["returned"])).to_have_count(0)

    # Refusing an extension needs the reason, asked for on the page.
    extension = _item(page, orders["extension"])
    page.get_by_role("button", name=f"不同意延期：工单 {orders['extension']}").click()
    extension.get_by_role("button", name="确认不同意").click()
    expect(extension.get_by_role("alert")).to_have_text("请填写不同意延期的理由。")
    extension.get_by_label("不同意理由（必填，将告知承办单位）").fill(
        "采样检测可在原办理时限内完成，请按时办结"
    )
    extension.get_by_role("button", name="确认不同意").click()
    expect(page.locator("#centre-status")).to_have_text(
        f"已不同意工单 {orders['extension']} 的延期申请，已告知承办单位按原时限办理。"
    )
    expect(_item(page, orders["extension"])).to_have_count(0)

    # 督办 an overdue order: it stays, followed as escalated.
    page.get_by_role("button", name=f"督办：工单 {orders['overdue']}").click()
    page.get_by_role("button", name="确认督办").click()
    expect(page.locator("#centre-status")).to_have_text(
        f"已对工单 {orders['overdue']} 督办。"
    )
    expect(_item(page, orders["overdue"])).to_contain_text("督办跟踪")
    expect(_item(page, orders["overdue"])).to_contain_text("已督办 1 次")

    # A phoned 回访, then 结案.
    visit = _item(page, orders["visit"])
    page.get_by_role("button", name=f"登记回访：工单 {orders['visit']}").click()
    visit.get_by_role("button", name="提交回访").click()
    expect(visit.get_by_role("alert")).to_have_text("请选择市民对办理结果的评价。")
    visit.get_by_label("满意", exact=True).check()
    visit.get_by_label("回访记录（选填：市民原话、补充意见）").fill(
        "市民表示现场已清理干净"
    )
    visit.get_by_role("button", name="提交回访").click()
    expect(page.locator("#centre-status")).to_have_text(
        f"工单 {orders['visit']} 回访已登记（满意），可予结案。"
    )
    expect(visit).to_contain_text("待结案")
    expect(visit).to_contain_text("回访结果满意")
    page.get_by_role("button", name=f"结案：工单 {orders['visit']}").click()
    page.get_by_role("button", name="确认结案").click()
    expect(page.locator("#centre-status")).to_have_text(
        f"工单 {orders['visit']} 已结案。"
    )
    expect(items).to_have_count(1)
    expect(page.locator("#centre-filters")).to_contain_text("全部 1")
    page.screenshot(path=str(screenshots / "agent-centre-done.png"), full_page=True)
    assert page.problems == []


def test_what_the_server_refuses_is_shown_and_the_list_refreshed(
    page, centre, screenshots
):
    number = centre["orders"]["extension"]
    _open_centre_view(page, centre)
    page.get_by_role("button", name=f"同意延期：工单 {number}", exact=True).click()
    # Meanwhile another agent decides it.
    with httpx.Client(
        base_url=centre["url"],
        headers={"Authorization": f"Bearer {centre['token']}"},
    ) as other_agent:
        decided = other_agent.post(
            f"/api/v1/agent/work-orders/{number}/actions",
            json={"action": "approve_extension"},
        )
        assert decided.status_code == 200, decided.text

    page.get_by_role("button", name="确认同意延期").click()

    expect(page.locator("#centre-error")).to_have_text(
        f"工单 {number}：该工单已无待审批的延期申请，可能已由他人处理，列表已刷新。"
    )
    expect(_item(page, number)).to_have_count(0)
    expect(page.locator("#centre-status")).to_have_text("")
    page.screenshot(path=str(screenshots / "agent-centre-error.png"), full_page=True)

    # A failed load says so too.
    page.route(
        "**/api/v1/agent/centre-queue*",
        lambda route: route.fulfill(
            status=503,
            content_type="application/json",
            body='{"error": "service_unavailable", "detail": "down"}',
        ),
    )
    page.get_by_role("button", name="刷新").click()
    expect(page.locator("#centre-error")).to_have_text(
        "待处理工单未能加载：服务暂时不可用，请稍后重试。"
    )
    assert page.problems == []
