"""The agent console's assistance in a real (headless) Chromium, against a gateway
without Rasa: each suggestion shows its guide's source and 最近核验 date in full, below
the answer's preview, which cuts a long answer off before its last line; a caller who
lost the tracking number is found by phone."""

from __future__ import annotations

import uuid

import httpx
import pytest

from api.main import create_app
from api.rasa_client import RasaClient
from harness.servers import free_port
from tests.support.live import serve

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

# A caller of this file's own: no other test files an order with it.
CALLER = "13700000199"


@pytest.fixture
def console_url(engine):
    nowhere = f"http://127.0.0.1:{free_port()}"
    app = create_app(
        engine, rasa=RasaClient(nowhere, "nobody-listens"), action_server_url=nowhere
    )
    with serve(app) as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def test_a_suggestion_shows_its_guides_source_and_verified_date(
    page, console_url, agent_token, screenshots
):
    page.goto(console_url + "/agent")
    page.get_by_label("访问令牌").fill(agent_token)
    page.get_by_role("button", name="登录", exact=True).click()
    # fill() sets the text at once: queued emergencies may take the focus while typing.
    page.get_by_label("来电问题").fill("护照怎么办")
    best = page.locator(".suggestion").first
    expect(best).to_contain_text("普通护照")
    provenance = best.locator(".sugg-provenance")
    expect(provenance).to_be_visible()
    expect(provenance).to_contain_text("信息来源：")
    expect(provenance).to_contain_text("最近核验：")
    page.screenshot(path=str(screenshots / "agent-suggestion-provenance.png"))


def test_a_reported_problem_shows_its_work_order_and_no_unrelated_guide(
    page, console_url, agent_token
):
    page.goto(console_url + "/agent")
    page.get_by_label("访问令牌").fill(agent_token)
    page.get_by_role("button", name="登录", exact=True).click()
    page.get_by_label("来电问题").fill("这两天老是停电，一天停三四次，冰箱里东西都坏了")
    expect(page.locator("#assist-status")).to_contain_text("来电反映的是诉求")
    expect(page.locator("#work-order-hint")).to_be_visible()
    expect(page.locator(".suggestion")).to_have_count(0)


def test_an_agent_reads_a_callers_cases_by_phone_when_the_number_is_lost(
    page, console_url, agent_token, screenshots
):
    with httpx.Client(base_url=console_url, timeout=30) as citizen:
        filed = citizen.post(
            "/api/v1/work-orders",
            json={
                "description": "小区门口的路灯坏了一个星期",
                "category": "roads-municipal",
                "district": "徐汇区",
                "address": "田林路200弄",
                "contact_phone": CALLER,
            },
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
    assert filed.status_code == 201, filed.text
    page.goto(console_url + "/agent")
    page.get_by_label("访问令牌").fill(agent_token)
    page.get_by_role("button", name="登录", exact=True).click()
    phone = page.get_by_label("按手机号查来电人的工单和申请")
    phone.fill("12345")
    page.get_by_role("button", name="查询", exact=True).click()
    expect(page.locator("#caller-lookup-error")).to_contain_text("11位手机号码")
    phone.fill(CALLER)
    page.get_by_role("button", name="查询", exact=True).click()
    found = page.locator(".caller-cases li")
    expect(found).to_have_count(1)
    expect(found.first).to_contain_text(filed.json()["number"])
    expect(found.first).to_contain_text("登记于")
    expect(page.locator("#caller-cases")).to_contain_text("137****0199")
    # The number typed is not left on screen for the next caller to see.
    expect(phone).to_have_value("")
    page.screenshot(path=str(screenshots / "agent-caller-cases.png"))
