"""The managers' dashboard (/dashboard) in a real (headless) Chromium, against the
gateway without Rasa: a manager signs in, sees every section with the figures of
orders seeded with known times (tests/support/performance_orders), downloads a table
as CSV from the keyboard, and a wrong or an agent's token is refused."""

from __future__ import annotations

import pytest

from foundation import clock
from foundation.db import session_scope
from privacy.auth import create_token
from tests.support.performance_orders import seed_orders

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

DESKTOP = {"width": 1366, "height": 900}
SECTIONS = (
    "近7天趋势",
    "近4周趋势",
    "签收及时率、办结及时率",
    "超期工单",
    "督办工单",
    "回访满意率（按承办单位）",
    "回访满意率（按诉求分类）",
    "市民表扬（按承办单位）",
    "自动派单占比",
    "热点问题",
)


@pytest.fixture(scope="module")
def seeded(engine):
    with session_scope(engine) as db:
        return seed_orders(db, clock.now().date())


def _token(engine, role: str) -> str:
    with session_scope(engine) as db:
        return create_token(db, role, "赵主任" if role == "manager" else "王丽")


@pytest.fixture
def page(browser):
    context = browser.new_context(
        viewport=DESKTOP, locale="zh-CN", accept_downloads=True
    )
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    # A Content-Security-Policy violation (an inline style, say) is a console error.
    page.on(
        "console",
        lambda message: (
            page.problems.append(message.text) if message.type == "error" else None
        ),
    )
    yield page
    context.close()


def _sign_in(page, site_url, token):
    page.goto(site_url + "/dashboard")
    page.get_by_label("访问令牌").fill(token)
    page.get_by_role("button", name="登录", exact=True).click()


def _row(page, table: str, first_cell: str):
    return page.locator(f'[data-table="{table}"] tbody tr').filter(
        has=page.get_by_role("rowheader", name=first_cell, exact=True)
    )


def test_manager_sees_every_section_with_the_seeded_figures(
    page, site_url, engine, seeded, screenshots
):
    _sign_in(page, site_url, _token(engine, "manager"))
    expect(page.get_by_role("heading", name="热线运行情况")).to_be_focused()
    for name in SECTIONS:
        section = page.get_by_role("region", name=name, exact=True)
        expect(section.get_by_role("heading", name=name, exact=True)).to_be_visible()
        expect(section.get_by_role("table")).to_be_visible()

    # Unit A: 1 signed on time, 2 late (33.3%); 1 handled on time, 1 late (50.0%).
    expect(_row(page, "on_time", seeded.unit_a).locator("td")).to_have_text(
        ["1", "2", "33.3%", "1", "1", "50.0%"]
    )
    overdue = _row(page, "overdue", seeded.numbers["A3"])
    expect(overdue).to_contain_text(seeded.unit_a)
    expect(overdue).to_contain_text("环境污染")
    expect(_row(page, "escalated", seeded.numbers["B1"])).to_contain_text("已回访")
    # Unit B's 回访: one 基本满意, one 不满意.
    expect(_row(page, "satisfaction_units", seeded.unit_b).locator("td")).to_have_text(
        ["0", "1", "1", "2", "50.0%"]
    )
    expect(_row(page, "praise_units", seeded.unit_a).locator("td")).to_have_text(["2"])
    expect(page.locator("#kpi-praise")).to_contain_text("件")
    expect(page.locator("#kpi-overdue")).to_contain_text("件")
    expect(page.locator('[data-chart="trends_daily"] .column-group')).to_have_count(7)
    page.screenshot(path=str(screenshots / "manager-dashboard.png"), full_page=True)
    assert page.problems == []


def test_manager_downloads_a_table_as_csv_from_the_keyboard(
    page, site_url, engine, seeded
):
    _sign_in(page, site_url, _token(engine, "manager"))
    button = page.get_by_role("button", name="下载 CSV：超期工单")
    expect(button).to_be_visible()
    button.focus()
    with page.expect_download() as downloading:
        page.keyboard.press("Enter")
    download = downloading.value
    assert download.suggested_filename.startswith("12345-overdue-")
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8") as saved:
        content = saved.read()
    assert content.startswith("\ufeff工单编号,诉求分类,承办单位")
    assert seeded.numbers["A3"] in content
    expect(
        page.get_by_role("status").filter(has_text="CSV 文件已开始下载")
    ).to_be_attached()
    assert page.problems == []


def test_a_wrong_token_is_refused_and_the_board_stays_hidden(page, site_url):
    _sign_in(page, site_url, "hl_not-a-token")
    expect(page.get_by_role("alert").filter(has_text="访问令牌无效")).to_be_visible()
    expect(page.locator("#workspace")).to_be_hidden()
    expect(page.get_by_label("访问令牌")).to_be_focused()


def test_an_agents_token_is_refused_with_the_reason(page, site_url, engine):
    _sign_in(page, site_url, _token(engine, "agent"))
    expect(
        page.get_by_role("alert").filter(has_text="没有查看运行管理看板的权限")
    ).to_be_visible()
    expect(page.locator("#workspace")).to_be_hidden()
