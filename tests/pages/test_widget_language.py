"""The widget's first language is the browser's, a choice kept from an earlier visit
wins over it, and the 中/EN switch still changes it.

In a real (headless) Chromium whose locale is set per context (``navigator.language``
and ``navigator.languages``). The chat API is answered from the test, which reads the
``lang`` each message is sent with: no Rasa is needed.
"""

from __future__ import annotations

import json

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

DESKTOP = {"width": 1280, "height": 900}
STORE = "hotline-widget:v1"
KEPT_IN_CHINESE = {
    "sessionId": None,
    "lang": "zh",
    "elderly": False,
    "open": False,
    "v": 2,
    "lastId": 0,
    "items": [],
}


def _answer_chat(route) -> None:
    """An answer with nothing in it, and an empty poll: the widget's language is all
    these tests look at."""
    if route.request.method == "POST":
        route.fulfill(json={"session_id": None, "replies": [], "handoff": False})
    else:
        route.fulfill(json={"session_id": None, "messages": [], "handoff": "none"})


@pytest.fixture
def open_portal(browser, site_url):
    """The portal in a browser set to ``locale``, over a conversation kept earlier."""
    contexts = []

    def make(locale: str, kept: dict | None = None):
        context = browser.new_context(viewport=DESKTOP, locale=locale)
        contexts.append(context)
        if kept is not None:
            stored = json.dumps(json.dumps(kept))
            # Once per tab, so that a reload shows what the widget kept meanwhile.
            context.add_init_script(
                "if (!sessionStorage.getItem('seeded')) {"
                f" localStorage.setItem('{STORE}', {stored});"
                " sessionStorage.setItem('seeded', '1'); }"
            )
        page = context.new_page()
        page.problems = []
        page.on("pageerror", lambda error: page.problems.append(str(error)))
        page.route("**/api/v1/chat**", _answer_chat)
        page.goto(site_url + "/")
        return page

    yield make
    for context in contexts:
        context.close()


def _open(page) -> None:
    page.locator(".hw-launcher").click()
    expect(page.get_by_role("dialog")).to_be_visible()


def _sent_lang(page, text: str) -> str:
    """The ``lang`` the widget sends ``text`` with."""
    with page.expect_request(
        lambda r: r.method == "POST" and r.url.endswith("/api/v1/chat")
    ) as request:
        page.locator("#hw-input").fill(text)
        page.locator("#hw-input").press("Enter")
    return request.value.post_data_json["lang"]


def _expect_english(page) -> None:
    expect(page.locator("#hotline-widget")).to_have_attribute("lang", "en")
    expect(page.locator("#hw-input")).to_have_attribute(
        "placeholder", "Type your question"
    )
    expect(page.get_by_role("button", name="Send")).to_be_visible()
    expect(page.get_by_role("button", name="Close the chat")).to_be_visible()
    expect(page.get_by_role("group", name="Language")).to_be_visible()
    expect(page.get_by_role("button", name="EN English")).to_have_attribute(
        "aria-pressed", "true"
    )


def _expect_chinese(page) -> None:
    expect(page.locator("#hotline-widget")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("#hw-input")).to_have_attribute("placeholder", "请输入您的问题")
    expect(page.get_by_role("button", name="发送")).to_be_visible()
    expect(page.get_by_role("button", name="关闭对话窗口")).to_be_visible()
    expect(page.get_by_role("group", name="界面语言")).to_be_visible()
    expect(page.get_by_role("button", name="中文")).to_have_attribute(
        "aria-pressed", "true"
    )


def test_widget_in_an_english_browser_starts_in_english(open_portal):
    page = open_portal("en-US")
    expect(page.locator(".hw-launcher")).to_have_text("Chat with us")
    _open(page)
    _expect_english(page)
    assert _sent_lang(page, "ok") == "en"
    assert page.problems == []


def test_widget_in_a_chinese_browser_starts_in_chinese(open_portal):
    page = open_portal("zh-CN")
    expect(page.locator(".hw-launcher")).to_have_text("在线咨询")
    _open(page)
    _expect_chinese(page)
    assert _sent_lang(page, "ok") == "zh"


def test_widget_in_a_traditional_chinese_browser_starts_in_chinese(open_portal):
    page = open_portal("zh-TW")
    _open(page)
    _expect_chinese(page)


def test_widget_in_a_browser_in_neither_language_starts_in_chinese(open_portal):
    page = open_portal("de-DE")
    _open(page)
    _expect_chinese(page)


def test_widget_language_kept_from_an_earlier_visit_wins_over_the_browser(
    open_portal,
):
    page = open_portal("en-US", kept=KEPT_IN_CHINESE)
    _open(page)
    _expect_chinese(page)
    assert _sent_lang(page, "ok") == "zh"


def test_widget_switched_to_chinese_in_an_english_browser_stays_so_after_a_reload(
    open_portal,
):
    page = open_portal("en-US")
    _open(page)
    page.get_by_role("button", name="中文").click()
    _expect_chinese(page)
    page.reload()
    expect(page.get_by_role("dialog")).to_be_visible()
    _expect_chinese(page)
    page.get_by_role("button", name="EN English").click()
    _expect_english(page)
    assert _sent_lang(page, "12345") == "en"
