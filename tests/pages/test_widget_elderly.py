"""Elderly mode that serves: replies read aloud, and long guides shown in steps.

In a real (headless) Chromium. The browser's ``speechSynthesis`` is replaced before the
page loads by a recorder (headless Chromium has no voices to hear), so the tests see
what would have been said and in which language. Most tests give the widget a kept
conversation, or answer its chat call from the test, so they need no Rasa; the last one
asks the real assistant for a guide.
"""

from __future__ import annotations

import json

import pytest

from tests.pages.test_accessibility import GUIDE

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect
expect.set_options(timeout=20_000)

DESKTOP = {"width": 1280, "height": 900}
STORE = "hotline-widget:v1"

# Records what the widget asks the browser to say, instead of saying it.
RECORD_SPEECH = """
window.__spoken = [];
window.__cancelled = 0;
window.speechSynthesis.speak = (u) => window.__spoken.push({ text: u.text, lang: u.lang });
window.speechSynthesis.cancel = () => { window.__cancelled += 1; };
"""
NO_SPEECH = (
    "Object.defineProperty(window, 'speechSynthesis', "
    "{ get: () => undefined, configurable: true });"
)
SHORT_LIST = "上海市居住证办理需要准备以下材料：\n1. 本人居民身份证（原件）\n2. 近期一寸免冠彩色证件照"
GUIDE_IN_ONE = (
    "上海市居住证办理\n来沪人员可以申领《上海市居住证》。\n\n"
    + GUIDE
    + "\n\n可以在网上办理：https://zwdt.sh.gov.cn/govPortals/index.do"
)


def kept(items: list[dict], **state) -> dict:
    """A conversation as the widget keeps it in localStorage, with no session to poll."""
    base = {"sessionId": None, "lang": "zh", "elderly": False, "open": True, "v": 2}
    return {**base, "lastId": 0, "items": items, **state}


@pytest.fixture
def open_widget(browser, site_url):
    """The portal with the widget open on a kept conversation, speech recorded."""
    contexts = []

    def make(conversation: dict, *scripts: str, base: str = site_url):
        context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
        contexts.append(context)
        for script in (RECORD_SPEECH, *scripts):
            context.add_init_script(script)
        stored = json.dumps(json.dumps(conversation, ensure_ascii=False))
        # Once per tab, so that a reload shows what the widget kept meanwhile.
        context.add_init_script(
            "if (!sessionStorage.getItem('seeded')) {"
            f" localStorage.setItem('{STORE}', {stored});"
            " sessionStorage.setItem('seeded', '1'); }"
        )
        page = context.new_page()
        page.problems = []
        page.on("pageerror", lambda error: page.problems.append(str(error)))
        page.on(
            "console",
            lambda message: (
                page.problems.append(message.text) if message.type == "error" else None
            ),
        )
        page.goto(base + "/")
        expect(page.get_by_role("dialog")).to_be_visible()
        return page

    yield make
    for context in contexts:
        context.close()


def spoken(page) -> list[dict]:
    return page.evaluate("window.__spoken")


def answer_chat_with(page, *replies: str) -> None:
    """The gateway's chat answer, given by the test: new replies arrive as from Rasa."""
    body = {
        "session_id": None,
        "replies": [{"text": text, "buttons": []} for text in replies],
        "handoff": False,
    }
    page.route(
        "**/api/v1/chat",
        lambda route: route.fulfill(
            status=200, content_type="application/json", body=json.dumps(body)
        ),
    )


def test_read_aloud_speaks_the_reply_in_chinese_and_stops_on_a_second_press(
    open_widget,
):
    page = open_widget(
        kept([{"who": "citizen", "text": "居住证"}, {"who": "bot", "text": SHORT_LIST}])
    )
    button = page.locator(".hw-row-bot").last.get_by_role("button", name="朗读这条回复")
    expect(button).to_be_visible()
    button.click()
    assert spoken(page) == [{"text": SHORT_LIST, "lang": "zh-CN"}]
    stop = page.locator(".hw-row-bot").last.get_by_role("button", name="停止朗读")
    expect(stop).to_be_visible()
    cancelled = page.evaluate("window.__cancelled")
    stop.click()
    assert page.evaluate("window.__cancelled") == cancelled + 1
    assert len(spoken(page)) == 1  # stopped, not read again
    expect(button).to_have_text("朗读")
    assert page.problems == []


def test_read_aloud_uses_english_for_an_english_reply_and_skips_the_address(
    open_widget,
):
    reply = "You can apply online: https://zwdt.sh.gov.cn/govPortals/index.do"
    page = open_widget(kept([{"who": "bot", "text": reply}], lang="en"))
    page.locator(".hw-row-bot").last.get_by_role(
        "button", name="Read aloud this reply"
    ).click()
    (said,) = spoken(page)
    assert said["lang"] == "en-US"
    assert said["text"].startswith("You can apply online:")
    assert "zwdt" not in said["text"]
    assert "the link is on the screen" in said["text"]


def test_read_aloud_is_not_offered_without_speech_synthesis(open_widget):
    page = open_widget(kept([{"who": "bot", "text": SHORT_LIST}]), NO_SPEECH)
    expect(page.locator(".hw-row-bot").last).to_contain_text("本人居民身份证")
    expect(page.locator(".hw-read")).to_have_count(0)
    page.get_by_role("button", name="长者模式").click()
    expect(page.get_by_role("button", name="自动朗读新回复")).to_have_count(0)
    assert page.problems == []


def test_elderly_mode_reads_new_replies_only_when_the_citizen_turns_it_on(
    open_widget,
):
    page = open_widget(kept([], elderly=True))
    answer_chat_with(page, "居住证可以在网上办理。")
    auto = page.get_by_role("button", name="自动朗读新回复")
    expect(auto).to_have_attribute("aria-pressed", "false")
    page.locator("#hw-input").fill("居住证在哪办")
    page.locator("#hw-input").press("Enter")
    # The welcome and the answer.
    expect(page.locator(".hw-row-bot:not(.hw-typing)")).to_have_count(2)
    assert spoken(page) == []  # no autoplay by default

    auto.click()
    expect(auto).to_have_attribute("aria-pressed", "true")
    page.locator("#hw-input").fill("还有呢")
    page.locator("#hw-input").press("Enter")
    expect(page.locator(".hw-row-bot:not(.hw-typing)")).to_have_count(3)
    assert spoken(page) == [{"text": "居住证可以在网上办理。", "lang": "zh-CN"}]
    page.reload()  # the choice is remembered
    expect(page.get_by_role("button", name="自动朗读新回复")).to_have_attribute(
        "aria-pressed", "true"
    )


def test_long_guide_in_elderly_mode_shows_three_steps_at_a_time(
    open_widget, screenshots
):
    page = open_widget(kept([{"who": "bot", "text": GUIDE}], elderly=True))
    steps = page.locator(".hw-steps li")
    expect(steps).to_have_count(5)
    expect(page.locator(".hw-steps li:visible")).to_have_count(3)
    expect(page.locator(".hw-steps-count")).to_have_text("已显示 3 项，共 5 项")
    page.locator(".hw-guide").screenshot(
        path=str(screenshots / "widget-elderly-guide-first-three.png")
    )
    # By keyboard: the button keeps the focus while there are more.
    next_button = page.get_by_role("button", name="下一步")
    next_button.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".hw-steps li:visible")).to_have_count(5)
    expect(next_button).to_be_hidden()
    expect(steps.nth(3)).to_be_focused()  # the first step just shown
    expect(page.locator(".hw-announcer")).to_have_text("第4至5项，共5项")
    assert page.problems == []


def test_show_all_reveals_every_step_and_the_rest_of_the_guide(open_widget):
    page = open_widget(kept([{"who": "bot", "text": GUIDE_IN_ONE}], elderly=True))
    guide = page.locator(".hw-guide")
    # Steps first: the title and the link wait behind the steps.
    expect(guide.locator("p").first).to_have_text("办理步骤：")
    expect(guide.get_by_text("可以在网上办理")).to_be_hidden()
    page.get_by_role("button", name="全部显示").click()
    expect(guide.locator(".hw-steps li:visible")).to_have_count(5)
    expect(guide.get_by_text("可以在网上办理")).to_be_visible()
    expect(guide.get_by_text("来沪人员可以申领")).to_be_visible()


def test_guides_are_whole_outside_elderly_mode_and_short_lists_are_never_split(
    open_widget,
):
    page = open_widget(
        kept([{"who": "bot", "text": GUIDE}, {"who": "bot", "text": SHORT_LIST}])
    )
    expect(page.locator(".hw-list li:visible")).to_have_count(7)
    expect(page.get_by_role("button", name="下一步")).to_have_count(0)
    page.get_by_role("button", name="长者模式").click()
    expect(page.get_by_role("button", name="下一步")).to_have_count(1)
    expect(page.locator(".hw-list li:visible")).to_have_count(5)


@pytest.mark.slow
def test_asked_guide_comes_in_steps_in_elderly_mode(open_widget, live_app, screenshots):
    page = open_widget(kept([], elderly=True), base=live_app)
    page.locator("#hw-input").fill("居住证怎么办理")
    page.locator("#hw-input").press("Enter")
    steps = page.locator(".hw-steps").last.locator("li")
    expect(steps.first).to_be_visible()
    total = steps.count()
    assert total > 3
    expect(page.locator(".hw-steps li:visible")).to_have_count(3)
    next_button = page.get_by_role("button", name="下一步").last
    next_button.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "widget-elderly-steps.png"))
    next_button.click()
    expect(page.locator(".hw-steps li:visible")).to_have_count(min(total, 6))
    expect(steps.nth(3)).to_be_visible()
    assert page.problems == []
