"""The department workbench (/department) in a real (headless) Chromium, against the
gateway without Rasa: a unit signs in, sees its queue by deadline with the overdue
marked, signs for an order and completes it with its 办理结果, and reads the notices
the centre's time-limit watch sent it."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from api.main import create_app
from api.rasa_client import RasaClient
from cases import time_limits
from cases.lifecycle import UNIT, Step, apply
from cases.praise import pass_on_praise
from cases.routing.router import build_router
from cases.work_orders import (
    WorkOrderRequest,
    dispatch_work_order,
    file_work_order,
    find_work_order,
)
from foundation import clock
from foundation.db import make_engine, session_scope
from harness.servers import free_port
from privacy.auth import create_token
from tests.support.live import serve

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


# ------------------------------------------------------------------ notices (通知)


@pytest.fixture
def watched_site(seeded_database):
    """A gateway over a database of its own: the time-limit watch sweeps every order,
    so it never runs on the shared one."""
    engine = make_engine(seeded_database)
    nowhere = f"http://127.0.0.1:{free_port()}"
    app = create_app(
        engine, rasa=RasaClient(nowhere, "nobody-listens"), action_server_url=nowhere
    )
    with serve(app) as url:
        yield url, engine
    engine.dispose()


def _pollution(db, router, unit: str, text: str, at: dt.datetime) -> str:
    order = file_work_order(
        db,
        WorkOrderRequest(
            description=text, category_code="pollution", contact_phone=PHONE
        ),
        router,
        now=at,
    )
    if order.status == "registered":
        dispatch_work_order(db, order.number, "pollution", "王丽", now=at)
    order.unit_name = unit
    return order.number


def test_unit_reads_the_centres_notices_and_opens_the_order(
    page, watched_site, unit, screenshots
):
    url, engine = watched_site
    filed = clock.now() - dt.timedelta(days=30)
    other_unit = "徐汇区生态环境局"
    with session_scope(engine) as db:
        router = build_router(db)
        unsigned = _pollution(db, router, unit, "河道发黑发臭，气味很大", filed)
        signed = _pollution(db, router, unit, "工厂废水直排河道", filed)
        theirs = _pollution(db, router, other_unit, "厂房排放黑烟", filed)
        apply(db, signed, Step("sign", f"{unit} 张三", UNIT), filed)
        signing_day = find_work_order(db, unsigned).sign_due_date
        token = create_token(db, "department", "张三", unit=unit)
    # The watch on the day after signing was due, then today: 逾期未签收, then 超期.
    for now in (
        dt.datetime.combine(signing_day + dt.timedelta(days=1), dt.time(9)),
        clock.now(),
    ):
        with session_scope(engine) as db:
            time_limits.sweep(db, now)

    _sign_in(page, url, token)

    notices = page.locator("#notices-list > li")
    expect(notices).to_have_count(3)
    expect(page.locator("#notices-unread")).to_have_text("3 条未读")
    expect(page.get_by_role("button", name="通知（3 条未读）")).to_be_visible()
    # The newest first: today's 超期督办, then the signing notice.
    expect(notices.first).to_contain_text("超期督办")
    expect(notices.first).to_contain_text("已超过办理期限")
    expect(notices.last).to_contain_text("逾期未签收")
    expect(notices.last).to_contain_text(f"工单 {unsigned} 已超过签收时限")
    expect(notices.last).to_contain_text("请立即签收")
    expect(notices.filter(has_text="未读")).to_have_count(3)
    # Never another unit's.
    expect(page.locator("#notices")).not_to_contain_text(theirs)
    expect(page.locator("#queue-list")).not_to_contain_text(theirs)

    page.get_by_role("button", name="通知（3 条未读）").click()
    expect(page.get_by_role("heading", name="热线中心通知")).to_be_focused()
    page.screenshot(path=str(screenshots / "department-notices.png"), full_page=True)

    notices.last.get_by_role("button", name=f"查看工单 {unsigned}").click()
    expect(page.get_by_role("heading", name=f"工单 {unsigned}")).to_be_focused()
    expect(page.locator("#detail-status")).to_have_text("已派单至承办单位")

    page.get_by_role("button", name="全部标为已读").click()
    expect(notices.filter(has_text="未读")).to_have_count(0)
    expect(page.locator("#notices-unread")).to_be_hidden()
    expect(page.get_by_role("button", name="通知", exact=True)).to_be_visible()
    # Read stays read in this browser, after a reload.
    page.reload()
    expect(notices).to_have_count(3)
    expect(notices.filter(has_text="未读")).to_have_count(0)
    assert signed in notices.all_inner_texts()[0] + notices.all_inner_texts()[1]
    assert page.problems == []


def test_unit_reads_a_citizens_praise_and_opens_it(page, watched_site):
    url, engine = watched_site
    unit = "徐汇区市场监督管理局"
    with session_scope(engine) as db:
        number = pass_on_praise(
            db,
            WorkOrderRequest(
                description="表扬徐汇区市场监管局的执法人员，过期食品的事两天就查处了"
            ),
            build_router(db),
        ).number
        token = create_token(db, "department", "张三", unit=unit)

    _sign_in(page, url, token)

    notice = page.locator("#notices-list > li")
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text("市民表扬")
    expect(notice).to_contain_text(f"工单 {number}")
    # Praise waits in no queue, yet opens.
    expect(page.locator("#queue-list")).not_to_contain_text(number)
    notice.get_by_role("button", name=f"查看工单 {number}").click()
    expect(page.get_by_role("heading", name=f"工单 {number}")).to_be_focused()
    expect(page.locator("#detail-status")).to_have_text("已结案")
    expect(page.locator("#detail-body")).to_contain_text("表扬")
    assert page.problems == []


def test_a_failed_notices_load_is_shown_not_swallowed(
    page, site_url, unit, department_token
):
    page.route(
        "**/api/v1/department/notices*",
        lambda route: route.fulfill(
            status=503,
            content_type="application/json",
            body='{"error": "service_unavailable", "detail": "down"}',
        ),
    )
    _sign_in(page, site_url, department_token)
    expect(page.locator("#notices-error")).to_have_text(
        "通知未能加载：系统暂时无法处理，请稍后重试。"
    )
    expect(page.locator("#queue-title")).to_be_focused()
