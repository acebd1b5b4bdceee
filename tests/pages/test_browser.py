"""The citizen widget and the agent console in a real (headless) Chromium.

Questions go through the real gateway to the real Rasa server and action server with a
trained model, so answers take a few seconds: every wait is Playwright's auto-waiting
``expect`` with a generous timeout. Each state is saved as a screenshot under
``test-output/screenshots/`` for people to look at.
"""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from contact_centre.conversations import record_message
from contact_centre.handoff import request_handoff, return_to_bot
from contact_centre.models import Feedback
from foundation import clock
from foundation.db import session_scope
from privacy.auth import Staff, authenticate
from tests.support.chat import Citizen, stored_id
from tests.support.live import serve

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect
expect.set_options(timeout=20_000)

pytestmark = pytest.mark.slow

DESKTOP = {"width": 1280, "height": 860}
STORE = "hotline-widget:v1"
XSS_IMG = '<img src=x onerror="window.__xss=1">'
XSS_SCRIPT = "<script>window.__xss=2</script>"


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
def new_page(browser):
    """Pages in fresh browser contexts (own localStorage), closed after the test."""
    contexts = []

    def make(url: str, path: str = "/", **options):
        context = browser.new_context(
            viewport=options.pop("viewport", DESKTOP), locale="zh-CN", **options
        )
        contexts.append(context)
        page = context.new_page()
        page.problems = []
        page.on("pageerror", lambda error: page.problems.append(str(error)))
        page.on(
            "console",
            lambda message: (
                page.problems.append(message.text) if message.type == "error" else None
            ),
        )
        page.goto(url + path)
        return page

    yield make
    for context in contexts:
        context.close()


class Widget:
    """What a citizen sees and does in the chat widget."""

    def __init__(self, page) -> None:
        self.page = page
        self.launcher = page.locator(".hw-launcher")
        self.panel = page.get_by_role("dialog")
        self.log = page.get_by_role("log")
        self.input = page.locator("#hw-input")

    def open(self) -> None:
        self.launcher.click()
        expect(self.panel).to_be_visible()

    def items(self):
        """Messages and notices in the log, oldest first (not the welcome, not the dots)."""
        return self.log.locator(":scope > .hw-row:not(.hw-typing), :scope > .hw-notice")

    def bot_rows(self):
        return self.log.locator(":scope > .hw-row-bot:not(.hw-typing)")

    def ask(self, text: str) -> str:
        """Send ``text``, wait until the assistant has answered, return the answer's text.

        Rasa's REST channel sends a long answer as several messages (one per paragraph).
        """
        before = self.items().count()
        bot_before = self.bot_rows().count()
        self.input.fill(text)
        self.input.press("Enter")
        self.wait_for_answer(before)
        return "\n".join(self.bot_rows().all_inner_texts()[bot_before:])

    def wait_for_answer(self, items_before: int) -> None:
        # The question's bubble, then at least one answer; the dots go once all are in.
        expect(self.items().nth(items_before + 1)).to_be_attached()
        expect(self.page.locator(".hw-typing")).to_have_count(0)

    def token(self) -> str | None:
        """The session the gateway issued, as the widget keeps it."""
        return self.page.evaluate(
            f"JSON.parse(localStorage.getItem('{STORE}')).sessionId"
        )

    def session_id(self) -> str:
        """The conversation's stored id (what agents and the database see)."""
        token = self.token()
        assert token, "the widget holds no session"
        return stored_id(token)


def shot(page, screenshots, name: str, full_page: bool = False) -> None:
    page.screenshot(path=str(screenshots / f"{name}.png"), full_page=full_page)


# ------------------------------------------------------------------ the demo page and widget


def test_demo_page_is_a_portal_with_the_widget_launcher(
    new_page, site_url, screenshots
):
    page = new_page(site_url)
    expect(page).to_have_title(re.compile("12345"))
    expect(page.get_by_role("heading", level=1)).to_have_text("有事找12345，办事更省心")
    expect(page.locator(".hero-en")).to_contain_text("Ask in Chinese or English")
    expect(page.get_by_role("button", name="在线咨询")).to_be_visible()
    expect(page.locator("link[href$='/widget.css']")).to_have_count(1)
    shot(page, screenshots, "01-demo-page")
    assert page.problems == []  # a CSP violation or a script error would show here


def test_widget_is_an_accessible_dialog_with_focus_management(
    new_page, site_url, screenshots
):
    page = new_page(site_url)
    widget = Widget(page)
    widget.launcher.focus()
    page.keyboard.press("Enter")
    expect(widget.panel).to_be_visible()
    expect(widget.panel).to_have_attribute("aria-labelledby", "hw-title")
    expect(widget.launcher).to_have_attribute("aria-expanded", "true")
    expect(widget.log).to_have_attribute("aria-live", "polite")
    expect(widget.input).to_be_focused()
    expect(page.get_by_label("输入您的问题")).to_be_visible()
    expect(page.get_by_role("button", name="关闭对话窗口")).to_be_visible()
    shot(page, screenshots, "02-widget-open")
    page.keyboard.press("Escape")
    expect(widget.panel).to_be_hidden()
    expect(widget.launcher).to_be_focused()


def test_question_gets_numbered_steps_as_an_ordered_list(
    new_page, live_site, screenshots
):
    page = new_page(live_site)
    widget = Widget(page)
    widget.open()
    widget.ask("居住证怎么办")
    steps = widget.log.locator(".hw-row-bot ol.hw-list").last
    expect(steps).to_be_visible()
    assert steps.locator("li").count() >= 2
    expect(steps.locator("li").first).not_to_have_text(re.compile(r"^1\. "))
    for link in widget.log.locator("a").all():
        assert link.get_attribute("rel") == "noopener"
        assert link.get_attribute("target") == "_blank"
        assert link.get_attribute("href").startswith("http")
    steps.scroll_into_view_if_needed()
    shot(page, screenshots, "03-steps")


def test_quick_reply_sends_its_payload_and_shows_its_title(
    new_page, live_site, screenshots
):
    page = new_page(live_site)
    widget = Widget(page)
    widget.open()
    widget.ask("你好")
    quick = widget.log.get_by_role("group", name="快捷回复").last.get_by_role("button")
    expect(quick.first).to_be_visible()
    title = quick.first.inner_text()
    before = widget.items().count()
    with page.expect_request("**/api/v1/chat") as sent:
        quick.first.click()
    assert sent.value.post_data_json["text"].startswith("/")
    citizen = widget.log.locator(":scope > .hw-row-citizen").last
    expect(citizen).to_have_text(re.compile(re.escape(title)))
    widget.wait_for_answer(before)
    expect(widget.log.get_by_text(sent.value.post_data_json["text"])).to_have_count(0)
    shot(page, screenshots, "04-quick-reply")


def test_english_switch_changes_the_interface_and_the_answers(
    new_page, live_site, screenshots
):
    page = new_page(live_site)
    widget = Widget(page)
    widget.open()
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("button", name="English")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(widget.input).to_have_attribute(
        "placeholder", re.compile("Type your question")
    )
    expect(page.get_by_role("button", name="Talk to a person")).to_be_visible()
    with page.expect_request("**/api/v1/chat") as sent:
        answer = widget.ask("how do I apply for a passport")
    assert sent.value.post_data_json["lang"] == "en"
    assert re.search("passport", answer, re.IGNORECASE)
    assert sum(c.isascii() for c in answer) / len(answer) > 0.8
    shot(page, screenshots, "05-english")


def test_elderly_mode_makes_text_large_and_is_remembered(
    new_page, live_site, screenshots
):
    page = new_page(live_site)
    widget = Widget(page)
    widget.open()
    widget.ask("居住证要带什么材料")
    toggle = page.get_by_role("button", name="长者模式")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")

    def pixels(locator, prop="font-size"):
        return float(
            locator.evaluate(f"e => getComputedStyle(e).getPropertyValue('{prop}')")[
                :-2
            ]
        )

    assert pixels(widget.bot_rows().last.locator(".hw-bubble")) >= 20
    assert pixels(widget.input) >= 20
    assert page.locator(".hw-human").bounding_box()["height"] >= 48
    page.reload()
    expect(widget.panel).to_be_visible()
    expect(page.get_by_role("button", name="长者模式")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert pixels(widget.bot_rows().last.locator(".hw-bubble")) >= 20
    shot(page, screenshots, "06-elderly-mode")


def test_conversation_survives_a_page_reload(new_page, live_site, screenshots):
    page = new_page(live_site)
    widget = Widget(page)
    widget.open()
    assert widget.token() is None  # issued with the first answer
    with page.expect_request("**/api/v1/chat") as sent:
        widget.ask("护照怎么办")
    assert "session_id" not in sent.value.post_data_json
    session_id = widget.session_id()
    assert session_id.startswith("web:")
    texts = widget.items().all_inner_texts()
    page.reload()
    expect(widget.panel).to_be_visible()
    expect(widget.items()).to_have_count(len(texts))
    assert widget.items().all_inner_texts() == texts
    assert widget.session_id() == session_id
    with page.expect_request("**/api/v1/chat") as sent:
        assert "护照" in widget.ask("要带什么材料")  # same session: the same topic
    assert stored_id(sent.value.post_data_json["session_id"]) == session_id
    assert widget.session_id() == session_id
    shot(page, screenshots, "07-after-reload")


def test_an_id_the_widget_made_itself_is_replaced_by_an_issued_one(
    new_page, site_url, engine
):
    # A conversation kept by the widget before the gateway issued sessions.
    kept = f"web-{uuid.uuid4()}"
    with session_scope(engine) as session:
        record_message(session, kept, "citizen", "以前的问题")
    page = new_page(site_url)
    page.evaluate(
        f"""() => localStorage.setItem('{STORE}', JSON.stringify({{
            sessionId: '{kept}', lang: 'zh', elderly: false, open: false, v: 2,
            items: [{{who: 'citizen', text: '以前的问题'}}], lastId: 0,
            handoff: false, handoffSeen: false, agentJoined: false, ended: false,
        }}))"""
    )
    with page.expect_response("**/messages?after=*") as refused:
        page.reload()
    assert refused.value.status == 404
    widget = Widget(page)
    page.wait_for_function(
        f"() => JSON.parse(localStorage.getItem('{STORE}')).sessionId === null"
    )
    widget.open()
    expect(widget.items()).to_have_count(1)  # what it showed is kept on the page
    with page.expect_request("**/api/v1/chat") as sent:
        widget.input.fill("你好")
        widget.input.press("Enter")
    assert "session_id" not in sent.value.post_data_json
    page.wait_for_function(
        f"() => (JSON.parse(localStorage.getItem('{STORE}')).sessionId || '')"
        ".startsWith('web:')"
    )
    assert widget.session_id() != kept


# ------------------------------------------------------------------ hand-off to a person


def test_handoff_agent_answers_with_a_suggestion_and_citizen_sees_it(
    new_page, live_site, agent_token, screenshots
):
    citizen = new_page(live_site)
    widget = Widget(citizen)
    widget.open()
    widget.ask("居住证要带什么材料")
    before = widget.items().count()
    citizen.locator(".hw-human").click()
    widget.wait_for_answer(before)
    expect(citizen.locator(".hw-human")).to_have_text("已转人工")
    expect(citizen.locator(".hw-human")).to_be_disabled()
    session_id = widget.session_id()
    shot(citizen, screenshots, "08-handoff-requested")

    agent = new_page(live_site, "/agent")
    expect(agent.get_by_role("heading", name="坐席登录")).to_be_visible()
    shot(agent, screenshots, "09-agent-sign-in")
    agent.get_by_label("访问令牌").fill(agent_token)
    agent.get_by_role("button", name="登录", exact=True).click()
    item = agent.locator(f'.queue-item[data-session="{session_id}"]')
    expect(item).to_be_visible()
    expect(item).to_contain_text("等待接入")
    assert (
        agent.evaluate("sessionStorage.getItem('hotline-agent-token')") == agent_token
    )
    shot(agent, screenshots, "10-agent-queue")

    item.get_by_role("button", name=re.compile("接入：会话")).click()
    transcript = agent.get_by_role("log")
    expect(transcript).to_contain_text("居住证要带什么材料")
    expect(widget.log).to_contain_text("人工客服已接入")

    agent.get_by_label("来电问题").press_sequentially("居住证要带什么材料", delay=40)
    suggestion = agent.locator(".suggestion").first
    expect(suggestion).to_be_visible()
    expect(suggestion).to_contain_text("居住证")
    shot(agent, screenshots, "11-agent-suggestions")

    suggestion.get_by_role("button", name=re.compile("插入回复")).click()
    reply_box = agent.get_by_label("回复市民")
    expect(reply_box).to_be_focused()
    answer = reply_box.input_value()
    assert "居住证" in answer
    agent.get_by_role("button", name="发送回复").click()
    expect(transcript.locator(".msg-agent")).to_have_count(1)
    expect(reply_box).to_have_value("")
    shot(agent, screenshots, "12-agent-replied")

    from_agent = widget.log.locator(":scope > .hw-row-agent")
    expect(from_agent).to_have_count(1)
    expect(from_agent.locator(".hw-sender")).to_have_text("人工客服")
    expect(from_agent).to_contain_text(answer.splitlines()[0])
    shot(citizen, screenshots, "13-citizen-sees-agent")

    agent.get_by_role("button", name="创建工单").click()
    dialog = agent.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(agent.get_by_label("诉求描述")).to_have_value(
        re.compile("居住证要带什么材料")
    )
    with agent.expect_request("**/api/v1/work-orders") as filed:
        agent.get_by_role("button", name="提交工单").click()
    assert filed.value.headers.get("idempotency-key")
    assert filed.value.headers.get("authorization") == f"Bearer {agent_token}"
    expect(agent.locator("#wo-result")).to_contain_text(
        re.compile(r"工单已创建：GD\d{14}")
    )
    shot(agent, screenshots, "14-work-order")
    agent.get_by_role("button", name="关闭", exact=True).click()

    # A caller who rings to thank: filed as praise, passed on at once.
    agent.get_by_role("button", name="创建工单").click()
    expect(agent.get_by_label("诉求类型", exact=True)).to_have_value("problem")
    agent.get_by_label("诉求类型", exact=True).select_option("praise")
    agent.get_by_label("诉求描述").fill("表扬徐汇区市场监管局的执法人员，处理得很及时")
    agent.get_by_role("button", name="提交工单").click()
    expect(agent.locator("#wo-result")).to_contain_text(
        re.compile(r"表扬已转达：GD\d{14}（徐汇区市场监督管理局）")
    )
    expect(agent.locator("#reply-text")).to_have_value(re.compile("已登记为表扬件"))
    agent.get_by_role("button", name="关闭", exact=True).click()
    agent.locator("#reply-text").fill("")

    agent.get_by_role("button", name="交还智能助手").click()
    expect(agent.locator("#conversation-empty")).to_contain_text("已交还智能助手")
    expect(widget.log).to_contain_text("人工服务已结束")
    expect(citizen.locator(".hw-human")).to_have_text("转人工")
    expect(citizen.locator(".hw-human")).to_be_enabled()
    shot(citizen, screenshots, "15-handed-back")


def test_citizen_rates_the_service_at_the_end(new_page, live_site, engine, screenshots):
    page = new_page(live_site)
    widget = Widget(page)
    widget.open()
    widget.ask("公积金怎么提取")
    page.get_by_role("button", name="结束并评价").click()
    expect(page.get_by_role("radio", name="5 星")).to_be_focused()
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_text("请先选择星级。")).to_be_visible()
    page.locator("label[for='hw-star-4']").click()
    page.get_by_label("意见建议（选填）").fill("回答很清楚，我的电话13812345678")
    shot(page, screenshots, "16-rating")
    page.get_by_role("button", name="提交评价").click()
    expect(widget.log).to_contain_text("感谢您的评价")
    expect(page.get_by_role("button", name="开始新的咨询")).to_be_visible()
    shot(page, screenshots, "17-rated")
    with Session(engine) as session:
        feedback = session.scalars(
            select(Feedback).where(Feedback.session_id == widget.session_id())
        ).one()
    assert feedback.rating == 4
    assert "13812345678" not in feedback.comment


def test_dashboard_draws_the_day_in_svg(
    new_page, live_site, engine, agent_token, screenshots
):
    with session_scope(engine) as session:
        record_message(
            session,
            "dashboard-browser",
            "citizen",
            "这个补贴去哪里领",
            intent="nlu_fallback",
            confidence=0.2,
            now=clock.now(),
        )
    agent = new_page(live_site, "/agent")
    agent.get_by_label("访问令牌").fill(agent_token)
    agent.get_by_role("button", name="登录", exact=True).click()
    agent.get_by_role("button", name="数据看板").click()
    expect(agent.locator("#dash-day")).to_have_text(clock.now().date().isoformat())
    expect(agent.locator(".kpi").first).to_contain_text("今日咨询量")
    assert int(agent.locator(".kpi-value").first.inner_text()) >= 1
    expect(agent.locator("#chart-hourly svg rect.bar")).to_have_count(24)
    expect(agent.locator("#chart-intents svg rect.bar").first).to_be_visible()
    expect(agent.locator("#unanswered")).to_contain_text("这个补贴去哪里领")
    assert agent.locator("script[src^='http']").count() == 0  # no CDN
    shot(agent, screenshots, "18-dashboard", full_page=True)


# ------------------------------------------------------------------ safety and small screens


def test_markup_in_messages_is_shown_as_text_and_never_runs(
    new_page, live_site, screenshots
):
    page = new_page(live_site)
    widget = Widget(page)
    widget.open()
    widget.ask(XSS_IMG)
    widget.ask(XSS_SCRIPT)
    citizen = widget.log.locator(":scope > .hw-row-citizen .hw-bubble")
    expect(citizen.nth(0)).to_have_text(XSS_IMG)
    expect(citizen.nth(1)).to_have_text(XSS_SCRIPT)
    assert widget.log.locator("img, script").count() == 0
    page.reload()  # history is re-rendered from localStorage: still text
    expect(
        widget.log.locator(":scope > .hw-row-citizen .hw-bubble").nth(0)
    ).to_have_text(XSS_IMG)
    page.wait_for_timeout(500)
    assert page.evaluate("typeof window.__xss") == "undefined"
    shot(page, screenshots, "19-xss-as-text")


def test_panel_fills_a_phone_screen(new_page, live_site, screenshots):
    phone = {"width": 375, "height": 812}
    page = new_page(live_site, viewport=phone, is_mobile=True, has_touch=True)
    widget = Widget(page)
    widget.open()
    widget.ask("社保卡怎么办")
    box = widget.panel.bounding_box()
    assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, 375, 812)
    assert page.evaluate("document.getElementById('hw-panel').scrollWidth") <= 375
    shot(page, screenshots, "20-phone")
    page.get_by_role("button", name="长者模式").click()
    assert widget.panel.bounding_box()["width"] == 375
    assert page.evaluate("document.getElementById('hw-panel').scrollWidth") <= 375
    shot(page, screenshots, "21-phone-elderly")


def test_failures_show_a_friendly_message(new_page, site_url, screenshots):
    page = new_page(site_url)
    widget = Widget(page)
    widget.open()
    page.route(
        "**/api/v1/chat",
        lambda route: route.fulfill(
            status=429, json={"error": "too_many_requests", "detail": "slow down"}
        ),
    )
    widget.input.fill("居住证怎么办")
    widget.input.press("Enter")
    expect(widget.log.locator(".hw-notice").last).to_have_text(
        "您发送得有点快，请稍等片刻再试。"
    )
    page.unroute("**/api/v1/chat")
    page.route(
        "**/api/v1/chat",
        lambda route: route.fulfill(status=503, json={"error": "service_unavailable"}),
    )
    widget.input.fill("居住证怎么办")
    widget.input.press("Enter")
    expect(widget.log.locator(".hw-notice").last).to_contain_text("系统暂时繁忙")
    page.unroute("**/api/v1/chat")
    page.route("**/api/v1/chat", lambda route: route.abort())
    widget.input.fill("居住证怎么办")
    widget.input.press("Enter")
    expect(widget.log.locator(".hw-notice").last).to_contain_text("网络连接不稳定")
    expect(widget.input).to_be_enabled()
    shot(page, screenshots, "22-friendly-error")


def test_agent_console_refuses_a_wrong_token(new_page, site_url, screenshots):
    page = new_page(site_url, "/agent")
    page.get_by_label("访问令牌").fill("not-a-token")
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("alert").first).to_contain_text("访问令牌无效")
    expect(page.locator("#workspace")).to_be_hidden()
    assert page.evaluate("sessionStorage.getItem('hotline-agent-token')") is None
    shot(page, screenshots, "23-agent-wrong-token")


def test_agent_stays_signed_in_for_the_tab(new_page, site_url, agent_token):
    page = new_page(site_url, "/agent")
    page.get_by_label("访问令牌").fill(agent_token)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()
    page.reload()
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_label("访问令牌")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('hotline-agent-token')") is None


def test_urgent_handoff_is_marked_and_first_and_suggestions_show_the_banner(
    new_page, site_url, engine, agent_token, screenshots
):
    # A citizen waiting for a person, then one reporting a fire (the gateway answers
    # an emergency before Rasa, so this gateway without Rasa is enough).
    waiting = f"web-{uuid.uuid4().hex}"
    with session_scope(engine) as session:
        request_handoff(session, waiting, reason="转人工")
    with httpx.Client(base_url=site_url, timeout=30) as client:
        reporter = Citizen(client)
        answered = reporter.say("楼下着火了，好多烟")
    urgent = reporter.session_id
    assert "119" in answered["replies"][0]["text"]

    agent = new_page(site_url, "/agent")
    agent.get_by_label("访问令牌").fill(agent_token)
    agent.get_by_role("button", name="登录", exact=True).click()
    item = agent.locator(f'.queue-item[data-session="{urgent}"]')
    expect(item).to_be_visible()
    expect(item).to_have_class(re.compile(r"\burgent\b"))
    expect(item.locator(".badge-urgent")).to_have_text("紧急 · 火灾")
    other = agent.locator(f'.queue-item[data-session="{waiting}"]')
    expect(other).to_be_visible()
    expect(other.locator(".badge-urgent")).to_have_count(0)
    sessions = agent.locator(".queue-item").evaluate_all(
        "items => items.map(i => i.dataset.session)"
    )
    assert sessions.index(urgent) < sessions.index(waiting)
    shot(agent, screenshots, "24-agent-urgent-queue")

    item.get_by_role("button", name=re.compile("接入：会话")).click()
    expect(agent.locator("#conversation-meta")).to_contain_text("紧急")
    expect(agent.get_by_role("log")).to_contain_text("楼下着火了")
    agent.get_by_role("button", name="引用市民最新一句").click()
    banner = agent.locator("#emergency-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("紧急情况：火灾")
    expect(banner.locator(".emergency-numbers")).to_contain_text("119")
    expect(agent.locator("#work-order-hint")).to_be_hidden()
    expect(agent.locator(".suggestion")).to_have_count(0)
    shot(agent, screenshots, "25-agent-emergency-banner")

    banner.get_by_role("button", name=re.compile("插入回复")).click()
    assert "119" in agent.get_by_label("回复市民").input_value()
    agent.get_by_role("button", name="交还智能助手").click()
    expect(agent.locator("#conversation-empty")).to_contain_text("已交还智能助手")
    with session_scope(engine) as session:
        place = request_handoff(session, waiting)
        return_to_bot(
            session, place.handoff.id, Staff.of(authenticate(session, agent_token))
        )
    assert agent.problems == []
