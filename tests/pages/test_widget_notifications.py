"""A citizen comes back to the widget and finds what the centre said about their work
order in the conversation: dispatched, signed, and on completion the result with the
回访 question, which they answer there.

Real Chromium, the real gateway (without Rasa: the assistant's answers are the
"busy" reply, which is all these tests need) over a database of its own, and the real
follow-up (``contact_centre.follow_up.run_due_work``: the time-limit watch, then
delivery into the conversation), which acts on every order in its database.
"""

from __future__ import annotations

import pytest

from api.main import create_app
from api.rasa_client import RasaClient
from cases.lifecycle import UNIT, Step, apply, visit_question
from cases.routing.router import build_router
from cases.work_orders import (
    WorkOrderRequest,
    dispatch_work_order,
    file_work_order,
    find_work_order,
)
from contact_centre.follow_up import run_due_work
from foundation.db import make_engine, session_scope
from harness.servers import free_port
from knowledge_base.answers import UNAVAILABLE
from tests.support.chat import stored_id
from tests.support.live import serve

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

DESKTOP = {"width": 1280, "height": 900}
STORE = "hotline-widget:v1"
RESULT = "经现场核查，该饭店已加装油烟净化设施并通过复测，排放达标"


@pytest.fixture
def site(seeded_database):
    engine = make_engine(seeded_database)
    nowhere = f"http://127.0.0.1:{free_port()}"
    app = create_app(
        engine, rasa=RasaClient(nowhere, "nobody-listens"), action_server_url=nowhere
    )
    with serve(app) as url:
        yield url, engine
    engine.dispose()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    yield page
    context.close()


def _log(page):
    return page.get_by_role("log")


def _items(page):
    """Messages and notices in the log, oldest first (not the welcome, not the dots)."""
    return _log(page).locator(":scope > .hw-row:not(.hw-typing), :scope > .hw-notice")


def _say(page, text: str) -> None:
    """Send ``text`` and wait for the answer and the poll that follows it."""
    with page.expect_response(lambda r: "/messages?after=" in r.url):
        page.locator("#hw-input").fill(text)
        page.locator("#hw-input").press("Enter")
    expect(page.locator(".hw-typing")).to_have_count(0)


def _session_id(page) -> str:
    """The conversation's stored id, of the session the gateway issued the widget."""
    return stored_id(
        page.evaluate(f"JSON.parse(localStorage.getItem('{STORE}')).sessionId")
    )


def _handled(engine, session_id: str) -> tuple[str, str]:
    """A complaint filed in the conversation, dispatched, signed and completed by its
    unit (the lifecycle, as the department workbench does it), then the follow-up."""
    with session_scope(engine) as db:
        order = file_work_order(
            db,
            WorkOrderRequest(
                description="楼下饭店油烟太大，窗户都不能开",
                category_code="pollution",
                session_id=session_id,
                channel="web",
            ),
            build_router(db),
        )
        if order.status == "registered":
            dispatch_work_order(db, order.number, "pollution", "王丽")
        number, unit = order.number, order.unit_name
    with session_scope(engine) as db:
        apply(db, number, Step("sign", f"{unit} 张三", UNIT))
        apply(db, number, Step("complete", f"{unit} 张三", UNIT, note=RESULT))
    done = run_due_work(engine, "widget-test", lease_s=180)
    # 派单, 签收, and the result with the 回访 question.
    assert done.held_lease and done.sent == 3, done
    return number, unit


def test_widget_shows_the_notification_on_return_and_takes_the_answer(
    page, site, screenshots
):
    url, engine = site
    page.goto(url + "/")
    page.get_by_role("button", name="在线咨询").click()
    _say(page, "你好")
    expect(_items(page)).to_have_count(2)
    number, unit = _handled(engine, _session_id(page))
    with session_scope(engine) as db:
        question = visit_question(find_work_order(db, number))

    page.reload()

    log = _log(page)
    expect(log).to_contain_text(question)
    expect(log.get_by_text(question)).to_be_visible()
    expect(log).to_contain_text(f"工单编号 {number}）已派至{unit}办理")
    expect(log).to_contain_text(f"{unit}已签收您的工单 {number}")
    # What was shown before comes back once: the question, its answer, three notices.
    expect(_items(page)).to_have_count(5)
    expect(log.get_by_text(UNAVAILABLE["zh"])).to_have_count(1)
    page.screenshot(
        path=str(screenshots / "widget-notification-on-return.png"), full_page=True
    )

    # The citizen answers the 回访 where it was asked.
    _say(page, "满意，处理得很及时")
    expect(log).to_contain_text(f"感谢您的评价！工单 {number} 的回访已完成")
    with session_scope(engine) as db:
        order = find_work_order(db, number)
        assert (order.status, order.satisfaction) == ("visited", "satisfied")
    expect(_items(page)).to_have_count(7)
    page.reload()
    expect(log).to_contain_text("的回访已完成")
    expect(_items(page)).to_have_count(7)
    assert page.problems == []


def test_reopening_the_panel_brings_what_came_while_it_was_closed(page, site):
    url, engine = site
    page.goto(url + "/")
    launcher = page.get_by_role("button", name="在线咨询")
    launcher.click()
    _say(page, "你好")
    page.get_by_role("button", name="关闭对话窗口").click()
    number, _ = _handled(engine, _session_id(page))

    with page.expect_response(lambda r: "/messages?after=" in r.url):
        launcher.click()

    expect(_log(page)).to_contain_text(f"您反映的问题（工单编号 {number}）已办结")
    expect(_log(page)).to_contain_text(RESULT)
    expect(_items(page)).to_have_count(5)
    assert page.problems == []


def test_a_new_visitor_asks_the_server_nothing_until_they_talk(page, site):
    url, _ = site
    polled = []
    page.on(
        "request",
        lambda request: (
            polled.append(request.url) if "/messages" in request.url else None
        ),
    )
    page.goto(url + "/")
    page.get_by_role("button", name="在线咨询").click()
    expect(page.locator("#hw-input")).to_be_focused()
    page.wait_for_timeout(500)
    assert polled == []


def test_a_conversation_kept_by_an_older_widget_is_not_shown_twice(page, site):
    url, engine = site
    page.goto(url + "/")
    page.get_by_role("button", name="在线咨询").click()
    _say(page, "你好")
    # As the widget kept it before it read notices: no version, nothing polled.
    page.evaluate(
        f"""() => {{
            const kept = JSON.parse(localStorage.getItem('{STORE}'));
            delete kept.v;
            kept.lastId = 0;
            kept.items.forEach((item) => delete item.echo);
            localStorage.setItem('{STORE}', JSON.stringify(kept));
        }}"""
    )
    number, _ = _handled(engine, _session_id(page))

    page.reload()

    expect(_log(page)).to_contain_text(f"您反映的问题（工单编号 {number}）已办结")
    expect(_items(page)).to_have_count(5)
    expect(_log(page).get_by_text(UNAVAILABLE["zh"])).to_have_count(1)
    expect(_log(page).get_by_text("你好", exact=True)).to_have_count(1)
