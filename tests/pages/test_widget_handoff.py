"""Waiting for a person in the widget, in a real Chromium over the real gateway, Rasa
and action server: the place in the queue is shown and updated live as those ahead are
taken or leave, announced politely, and the citizen can stop waiting and carry on with
the assistant."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import httpx
import pytest

from contact_centre.handoff import CANCELLED_REPLY, leave, request_handoff
from foundation import clock
from foundation.db import session_scope
from tests.support.live import serve

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

pytestmark = pytest.mark.slow
DESKTOP = {"width": 1280, "height": 860}
AHEAD = re.compile(r"您前面还有 (\d+) 位")
IDLE = re.compile(r"\bhw-queue-idle\b")


@pytest.fixture(scope="module")
def live_site(stack, engine):
    """The gateway, with its pages, talking to the real Rasa stack."""
    from api.main import create_app
    from api.rasa_client import RasaClient

    with serve(
        create_app(engine, rasa=RasaClient(stack.rasa_url, stack.internal_token))
    ) as url:
        yield url


@pytest.fixture
def page(browser, live_site):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.goto(live_site + "/")
    yield page
    context.close()


def _ahead(n: int) -> str:
    if n == 0:
        return "正在为您转接人工客服，下一位就是您"
    return f"正在为您转接人工客服，您前面还有 {n} 位"


def test_the_widget_shows_the_queue_live_and_stop_waiting_returns_to_the_bot(
    page, live_site, engine, agent_token, screenshots
):
    # Two citizens asked for a person a moment before this one.
    asked = clock.now() - dt.timedelta(seconds=30)
    first, second = (f"web-ahead-{uuid.uuid4().hex[:8]}" for _ in range(2))
    with session_scope(engine) as session:
        taken_id = request_handoff(session, first, now=asked).handoff.id
        request_handoff(session, second, now=asked)

    page.locator(".hw-launcher").click()
    page.locator(".hw-human").click()
    bar = page.locator(".hw-queue")
    status = bar.get_by_role("status")
    # Out of sight but in the page before anything is said: its first words are read.
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_have_text(AHEAD)
    expect(bar).not_to_have_class(IDLE)
    expect(bar).to_be_visible()
    ahead = int(AHEAD.search(status.inner_text()).group(1))
    assert ahead >= 2
    page.screenshot(path=str(screenshots / "widget-handoff-queue.png"))

    with httpx.Client(
        base_url=live_site, headers={"Authorization": f"Bearer {agent_token}"}
    ) as agent:
        taken = agent.post(f"/api/v1/agent/handoffs/{taken_id}/take")
        assert taken.status_code == 200, taken.text
    expect(status).to_have_text(_ahead(ahead - 1))
    with session_scope(engine) as session:
        leave(session, second, "算了")
    expect(status).to_have_text(_ahead(ahead - 2))

    bar.get_by_role("button", name="不等了，返回智能客服").click()
    expect(page.get_by_role("log")).to_contain_text(CANCELLED_REPLY["zh"])
    expect(bar).to_have_class(IDLE)
    expect(status).to_have_text("")
    expect(page.locator(".hw-human")).to_be_enabled()
    expect(page.locator(".hw-human")).to_have_text("转人工")

    bot_rows = page.locator(".hw-log > .hw-row-bot:not(.hw-typing)")
    before = bot_rows.count()
    page.locator("#hw-input").fill("护照怎么办")
    page.locator("#hw-input").press("Enter")
    expect(bot_rows.nth(before)).to_contain_text("护照", timeout=30_000)
    expect(page.locator(".hw-typing")).to_have_count(0, timeout=30_000)
    expect(page.get_by_role("log")).not_to_contain_text("仍在排队")
    expect(bar).to_have_class(IDLE)
    assert page.problems == []
