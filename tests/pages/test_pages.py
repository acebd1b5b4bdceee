"""The static pages and the dashboard endpoint over real HTTP."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import httpx
import pytest

from api.routes.pages import PAGES, STATIC_DIR
from contact_centre.conversations import record_message
from foundation.db import session_scope


@pytest.fixture
def client(site_url):
    with httpx.Client(base_url=site_url, timeout=30) as client:
        yield client


@pytest.mark.parametrize(("path", "_file", "media_type"), PAGES)
def test_page_is_served_with_its_content_type_and_no_cache(
    client, path, _file, media_type
):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path", ["/", "/agent", "/department"])
def test_html_page_has_strict_content_security_policy(client, path):
    policy = client.get(path).headers["content-security-policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_scripts_and_styles_have_no_content_security_policy_of_their_own(client):
    assert "content-security-policy" not in client.get("/widget.js").headers


class _InlineCode(HTMLParser):
    """Finds what a strict CSP would block: inline scripts, handlers, style attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        names = {name for name, _ in attrs}
        if tag == "script":
            self._in_script = True
            if "src" not in names:
                self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("<style> element")
        self.problems.extend(
            f"{name}= on <{tag}>"
            for name in names
            if name.startswith("on") or name == "style"
        )

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append("script body")


@pytest.mark.parametrize("name", ["index.html", "agent.html", "department.html"])
def test_html_pages_have_no_inline_code(name):
    parser = _InlineCode()
    parser.feed((STATIC_DIR / name).read_text(encoding="utf-8"))
    assert parser.problems == []


@pytest.mark.parametrize("name", ["widget.js", "agent.js", "department.js"])
def test_scripts_never_write_markup(name):
    source = (STATIC_DIR / name).read_text(encoding="utf-8")
    assert not re.search(
        r"\.(inner|outer)HTML\s*\+?=|insertAdjacentHTML\(|document\.write|\beval\(|new Function",
        source,
    )


def test_demo_page_embeds_the_widget_with_one_deferred_tag(client):
    html = client.get("/").text
    assert '<script src="/widget.js" defer></script>' in html
    assert 'lang="zh-CN"' in html and 'lang="en"' in html


def test_unknown_static_file_is_not_served(client):
    assert client.get("/index.html").status_code == 404
    assert client.get("/static/widget.js").status_code == 404


def test_dashboard_requires_an_agent_token(client):
    response = client.get("/api/v1/agent/dashboard")
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


def test_dashboard_rejects_an_unknown_token(client):
    response = client.get(
        "/api/v1/agent/dashboard", headers={"Authorization": "Bearer nope"}
    )
    assert response.status_code == 401


def test_dashboard_reports_the_requested_day_with_masked_questions(
    client, engine, agent_token
):
    day = dt.date(2031, 3, 4)
    with session_scope(engine) as session:
        for minute, (text, intent, confidence) in enumerate(
            [
                ("居住证怎么办", "ask_service_guide", 0.97),
                ("那个东西怎么弄", "nlu_fallback", 0.31),
                (" 那个东西怎么弄  ", "nlu_fallback", 0.28),
                ("我叫张三，手机13812345678收不到验证码", "ask_online_handling", 0.42),
            ]
        ):
            record_message(
                session,
                "dash-http-1",
                "citizen",
                text,
                intent=intent,
                confidence=confidence,
                now=dt.datetime.combine(day, dt.time(9, minute)),
            )
    response = client.get(
        "/api/v1/agent/dashboard",
        params={"day": day.isoformat()},
        headers={"Authorization": f"Bearer {agent_token}"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["day"] == "2031-03-04"
    assert body["messages"] == 4 and body["conversations"] == 1
    assert body["hourly"][9] == 4 and len(body["hourly"]) == 24
    assert body["top_intents"][0] == {"intent": "nlu_fallback", "count": 2}
    assert [(u["text"], u["count"]) for u in body["unanswered"]] == [
        ("那个东西怎么弄", 2),
        ("我叫张*，手机138****5678收不到验证码", 1),
    ]
    assert "13812345678" not in response.text and "张三" not in response.text
    assert set(body["satisfaction"]["distribution"]) == {"1", "2", "3", "4", "5"}


def test_dashboard_rejects_a_malformed_day(client, agent_token):
    response = client.get(
        "/api/v1/agent/dashboard",
        params={"day": "yesterday"},
        headers={"Authorization": f"Bearer {agent_token}"},
    )
    assert response.status_code == 422
