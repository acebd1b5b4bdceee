"""The department workbench (/department) in a real (headless) Chromium, against the
gateway without Rasa: a unit signs in, sees its queue by deadline with the overdue
marked, signs for an order and completes it with its 办理结果."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from cases.work_orders import WorkOrderRequest, dispatch_work_order, file_work_order
from foundation import clock
from foundation.db import session_scope
from privacy.auth import create_token

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

DESKTOP = {"width": 1280, "height": 900}
PHONE = "13900004444"


def _order(engine, router, unit: str, text: str, sign_due: dt.date | None = None):
    with session_scope(engine) as db:
        order = file_work_order(
            db,
            WorkOrderRequest(
                description=text,
                address="张江路 100 弄",
                contact_name="陈静",
                contact_phone=PHONE,
            ),
            router,
        )
        if order.status == "registered":
            dispatch_work_order(db, order.number, order.category.code, "王丽")
        order.unit_name = unit
        if sign_due:
            order.sign_due_date = sign_due
        return order.number


@pytest.fixture
def unit(engine):
    return f"浦东新区生态环境局（测试{uuid.uuid4().hex[:6]}）"


@pytest.fixture
def department_token(engine, unit):
    with session_scope(engine) as db:
        return create_token(db, "department", "张三", unit=unit)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    yield page
    context.close()


def _sign_in(page, site_url, token):
    page.goto(site_url + "/department")
    page.get_by_label("访问令牌").fill(token)
    page.get_by_role("button", name="登录", exact=True).click()


def test_unit_signs_for_an_order_and_completes_it_with_its_result(
    page, site_url, engine, router, unit, department_token, screenshots
):
    yesterday = clock.now().date() - dt.timedelta(days=1)
    overdue = _order(
        engine, router, unit, "小区河道有异味，已反映多次", sign_due=yesterday
    )
    number = _order(engine, router, unit, "楼下饭店油烟太大，窗户都不能开")

    _sign_in(page, site_url, department_token)
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()
    expect(page.locator("#unit-name")).to_have_text(unit)
    queue = page.locator("#queue-list > li")
    expect(queue).to_have_count(2)
    # The overdue order comes first and says so.
    expect(queue.first).to_contain_text(overdue)
    expect(queue.first).to_contain_text("已超期")
    expect(page.locator("#queue-title")).to_be_focused()

    page.get_by_role("button", name=f"工单 {number}，", exact=False).click()
    expect(page.get_by_role("heading", name=f"工单 {number}")).to_be_focused()
    # Before signing the citizen's phone is not shown.
    expect(page.locator("#detail-fields")).not_to_contain_text(PHONE)
    expect(page.locator("#privacy-note")).to_contain_text("签收后显示")

    page.get_by_role("button", name="签收", exact=True).click()
    status = page.get_by_role("status").filter(has_text="已签收")
    expect(status).to_have_text(f"工单 {number} 已签收。")
    expect(page.locator("#detail-fields")).to_contain_text(PHONE)
    expect(page.locator("#detail-status")).to_have_text("承办单位已签收")

    page.get_by_role("button", name="办结", exact=True).click()
    result = page.get_by_label("办理结果")
    expect(result).to_be_focused()
    # An empty result is refused on the page, with the reason.
    page.get_by_role("button", name="提交办结").click()
    expect(page.locator("#action-error")).to_have_text("请填写办理结果。")
    expect(result).to_have_attribute("aria-invalid", "true")
    result.fill("已约谈饭店负责人，责令加装油烟净化设施，经复查油烟已明显减少。")
    page.get_by_role("button", name="提交办结").click()

    expect(page.locator("#action-result")).to_have_text(
        f"工单 {number} 已办结，办理结果已提交。"
    )
    expect(page.locator("#detail-status")).to_have_text("已办结")
    expect(page.locator("#result-text")).to_contain_text("加装油烟净化设施")
    expect(page.locator("#no-actions")).to_be_visible()
    expect(page.locator("#history-list > li").first).to_contain_text("办结")
    # Done with, it leaves the queue; the overdue one stays.
    expect(queue).to_have_count(1)
    expect(queue.first).to_contain_text(overdue)
    page.screenshot(path=str(screenshots / "department-workbench.png"), full_page=True)
    assert page.problems == []


def test_unit_returns_an_order_and_asks_for_an_extension_with_reasons(
    page, site_url, engine, router, unit, department_token
):
    returned = _order(engine, router, unit, "路灯不亮，晚上很黑")
    extended = _order(engine, router, unit, "小区绿化带被毁，要求恢复")
    _sign_in(page, site_url, department_token)

    page.get_by_role("button", name=f"工单 {returned}，", exact=False).click()
    page.get_by_role("button", name="退回", exact=True).click()
    page.get_by_label("退回理由").fill("路灯属区绿化市容局职责，请改派")
    page.get_by_role("button", name="确认退回").click()
    expect(page.locator("#action-result")).to_have_text(
        f"工单 {returned} 已退回热线中心。"
    )
    expect(page.locator("#queue-list > li")).to_have_count(1)

    page.get_by_role("button", name=f"工单 {extended}，", exact=False).click()
    page.get_by_role("button", name="签收", exact=True).click()
    expect(page.locator("#detail-status")).to_have_text("承办单位已签收")
    page.get_by_role("button", name="申请延期").click()
    page.get_by_label("申请延期工作日数").fill("45")
    page.get_by_label("延期理由").fill("需协调产权单位")
    page.get_by_role("button", name="提交延期申请").click()
    expect(page.locator("#action-error")).to_contain_text("1 至 30")
    page.get_by_label("申请延期工作日数").fill("5")
    page.get_by_role("button", name="提交延期申请").click()
    expect(page.locator("#detail-deadline")).to_contain_text("已申请延期 5 个工作日")
    expect(page.get_by_role("button", name="申请延期")).to_have_count(0)
    assert page.problems == []


def test_a_token_that_is_not_a_units_is_refused_clearly(page, site_url, agent_token):
    page.goto(site_url + "/department")
    page.get_by_label("访问令牌").fill("not-a-token")
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("alert").first).to_contain_text("访问令牌无效")
    page.get_by_label("访问令牌").fill(agent_token)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("alert").first).to_contain_text("不是承办单位令牌")
    expect(page.locator("#workspace")).to_be_hidden()
    assert page.evaluate("sessionStorage.getItem('hotline-department-token')") is None
