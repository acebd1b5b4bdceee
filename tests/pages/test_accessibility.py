"""An automated accessibility audit of every page, with axe-core in a real Chromium.

axe-core comes from npm, pinned in ``tests/pages/package-lock.json`` (``make test``
runs ``npm ci`` there first). Its ``axe.min.js`` is injected into each page as it
stands in a state people see it in, and ``axe.run()`` checks it against WCAG 2.1 A/AA
and axe's best practices. No serious or critical violation is allowed anywhere; the
rest are reported. The pages' Content-Security-Policy admits scripts from their own
origin only, so the audit's browser context bypasses CSP to inject axe (the pages'
own tests keep CSP on and fail on any violation).

The summary table (page, violations by impact) is printed and written to
``test-output/accessibility.json``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.pages.conftest import ROOT

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

AXE = ROOT / "tests" / "pages" / "node_modules" / "axe-core" / "axe.min.js"
REPORT = ROOT / "test-output" / "accessibility.json"
DESKTOP = {"width": 1280, "height": 900}
IMPACTS = ("critical", "serious", "moderate", "minor")
BLOCKING = ("critical", "serious")
STORE = "hotline-widget:v1"

# A conversation as the widget keeps it, with an answer of each shape: a long guide in
# steps, a short list, an agent's reply and a notice. No session: nothing is polled.
GUIDE = (
    "办理步骤：\n"
    "1. 确认居住登记满6个月：在“随申办”查询本人居住登记信息。\n"
    "2. 提出申请：通过“一网通办”或“随申办”在线申请并上传材料。\n"
    "3. 审核制证：公安机关对申请材料进行审核。\n"
    "4. 领取居住证：收到领证通知后，凭回执到受理点领取，或选择邮寄送达。\n"
    "5. 电子居住证：可在“随申办”亮证使用。"
)
CONVERSATION = {
    "sessionId": None,
    "lang": "zh",
    "open": True,
    "v": 2,
    "lastId": 0,
    "items": [
        {"who": "citizen", "text": "居住证怎么办理"},
        {"who": "bot", "text": "上海市居住证办理\n来沪人员可以申领《上海市居住证》。"},
        {"who": "bot", "text": GUIDE},
        {
            "who": "bot",
            "text": "可以在网上办理：https://zwdt.sh.gov.cn/govPortals/index.do",
            "buttons": [{"title": "要带什么材料", "payload": "要带什么材料"}],
        },
        {
            "who": "notice",
            "tone": "ok",
            "text": "人工客服已接入，请直接在下方输入您的问题。",
        },
        {"who": "agent", "text": "您好，我是热线工作人员，请问还有什么可以帮您？"},
        {"who": "notice", "text": "网络连接不稳定，消息未能发出，请稍后重试。"},
    ],
}

_results: dict[str, dict[str, object]] = {}


@pytest.fixture(scope="module")
def axe_source() -> Path:
    if not AXE.exists():
        pytest.fail(
            f"{AXE.relative_to(ROOT)} is missing: run `make page-test-modules` "
            "(npm ci in tests/pages)"
        )
    return AXE


@pytest.fixture(scope="module", autouse=True)
def summary():
    """Write the JSON once every page has been audited; conftest prints the table."""
    yield
    if _results:
        REPORT.parent.mkdir(parents=True, exist_ok=True)
        REPORT.write_text(
            json.dumps(_results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )


def summary_lines() -> list[str]:
    """The table of violations by impact per page audited in this run (none: empty)."""
    if not _results:
        return []
    width = max(len(name) for name in _results)
    lines = [
        f"accessibility audit (axe-core {_axe_version()}): violations by impact",
        f"{'page':<{width}}  " + "  ".join(f"{i:>8}" for i in IMPACTS),
    ]
    for name, result in _results.items():
        counts = result["counts"]
        lines.append(
            f"{name:<{width}}  " + "  ".join(f"{counts[i]:>8}" for i in IMPACTS)
        )
    lines.append(f"written to {REPORT.relative_to(ROOT)}")
    return lines


def _axe_version() -> str:
    lock = json.loads((AXE.parents[2] / "package-lock.json").read_text())
    return lock["packages"]["node_modules/axe-core"]["version"]


@pytest.fixture
def audit(browser, site_url, axe_source) -> Callable[..., dict]:
    contexts = []

    def open_page(path: str, *, widget_state: dict | None = None):
        context = browser.new_context(viewport=DESKTOP, locale="zh-CN", bypass_csp=True)
        contexts.append(context)
        if widget_state is not None:
            context.add_init_script(
                f"localStorage.setItem({json.dumps(STORE)}, "
                f"{json.dumps(json.dumps(widget_state, ensure_ascii=False))});"
            )
        page = context.new_page()
        page.goto(site_url + path)
        return page

    open_page.run = lambda name, page: _run(name, page, axe_source)
    yield open_page
    for context in contexts:
        context.close()


def _run(name: str, page, axe_source: Path) -> dict:
    page.add_script_tag(path=str(axe_source))
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {
              runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
              resultTypes: ["violations"],
            });
            return result.violations.map((v) => ({
              id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
            }));
        }"""
    )
    counts = {impact: 0 for impact in IMPACTS}
    for violation in found:
        counts[violation["impact"] or "minor"] += len(violation["nodes"])
    _results[name] = {"counts": counts, "violations": found}
    return {"counts": counts, "violations": found}


def _assert_clean(result: dict) -> None:
    blocking = [v for v in result["violations"] if v["impact"] in BLOCKING]
    assert not blocking, json.dumps(blocking, ensure_ascii=False, indent=2)


def _sign_in(page, token: str) -> None:
    page.get_by_label("访问令牌").fill(token)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()


def _token(engine, role: str, **extra) -> str:
    from foundation.db import session_scope
    from privacy.auth import create_token

    with session_scope(engine) as db:
        return create_token(db, role, "赵主任", **extra)


def test_portal_has_no_serious_violations(audit):
    page = audit("/")
    expect(page.get_by_role("button", name="在线咨询")).to_be_visible()
    _assert_clean(audit.run("portal", page))


def test_widget_open_has_no_serious_violations(audit):
    page = audit("/", widget_state={**CONVERSATION, "elderly": False})
    expect(page.get_by_role("dialog")).to_be_visible()
    expect(page.locator(".hw-row-agent")).to_be_visible()
    _assert_clean(audit.run("widget open", page))


def test_widget_in_elderly_mode_has_no_serious_violations(audit):
    page = audit("/", widget_state={**CONVERSATION, "elderly": True})
    expect(page.locator(".hw-elderly .hw-panel")).to_be_visible()
    expect(page.get_by_role("button", name="下一步").first).to_be_visible()
    _assert_clean(audit.run("widget elderly mode", page))


def test_agent_sign_in_has_no_serious_violations(audit):
    page = audit("/agent")
    expect(page.get_by_label("访问令牌")).to_be_visible()
    _assert_clean(audit.run("agent sign-in", page))


def test_agent_console_has_no_serious_violations(audit, agent_token):
    page = audit("/agent")
    _sign_in(page, agent_token)
    _assert_clean(audit.run("agent console", page))


def test_agent_console_at_work_has_no_serious_violations(audit, agent_token, engine):
    """With a citizen waiting, orders to dispatch and a duplicates panel open: the
    controls drawn for data are audited too, not only the empty console."""
    import uuid

    from cases.routing.router import build_router
    from cases.work_orders import WorkOrderRequest, file_work_order
    from contact_centre.handoff import request_handoff
    from foundation.db import session_scope

    with session_scope(engine) as db:
        request_handoff(db, f"web-a11y-{uuid.uuid4().hex[:8]}")
        router = build_router(db)
        for text in (
            "江宁路昌平路口路灯不亮好几天了",
            "昌平路江宁路交叉口那盏路灯坏了",
        ):
            order = file_work_order(
                db,
                WorkOrderRequest(
                    description=text, district="静安区", address="江宁路昌平路口"
                ),
                router,
            )
            order.status, order.dispatch_method = "registered", None
    page = audit("/agent")
    _sign_in(page, agent_token)
    expect(page.get_by_role("button", name="接入：会话").first).to_be_visible()
    _assert_clean(audit.run("agent console, a citizen waiting", page))
    page.locator("#show-dispatch").click()
    page.get_by_role("button", name="疑似重复").first.click()
    expect(page.locator(".dup-panel").first).to_be_visible()
    _assert_clean(audit.run("agent console, dispatch review and duplicates", page))


def test_department_sign_in_has_no_serious_violations(audit):
    page = audit("/department")
    expect(page.get_by_label("访问令牌")).to_be_visible()
    _assert_clean(audit.run("department sign-in", page))


def test_department_workbench_has_no_serious_violations(audit, engine):
    page = audit("/department")
    _sign_in(page, _token(engine, "department", unit="无障碍测试单位"))
    _assert_clean(audit.run("department workbench", page))


def test_dashboard_sign_in_has_no_serious_violations(audit):
    page = audit("/dashboard")
    expect(page.get_by_label("访问令牌")).to_be_visible()
    _assert_clean(audit.run("dashboard sign-in", page))


def test_dashboard_has_no_serious_violations(audit, engine):
    page = audit("/dashboard")
    _sign_in(page, _token(engine, "manager"))
    expect(page.locator("main")).to_be_visible()
    _assert_clean(audit.run("dashboard", page))


def test_knowledge_sign_in_has_no_serious_violations(audit):
    page = audit("/knowledge")
    expect(page.get_by_label("访问令牌")).to_be_visible()
    _assert_clean(audit.run("knowledge sign-in", page))


def test_knowledge_workbench_has_no_serious_violations(audit, engine):
    """The catalogue found, a guide open in the form (steps and materials as lists),
    then a reviewer's queue: each state the workbench's staff work in."""
    page = audit("/knowledge")
    _sign_in(page, _token(engine, "editor"))
    page.get_by_label("名称或编码").fill("居住证")
    page.get_by_role("button", name="查询", exact=True).click()
    page.get_by_role("button", name="打开：上海市居住证办理").click()
    expect(page.locator("#guide")).to_be_visible()
    _assert_clean(audit.run("knowledge workbench, a guide open", page))
    page.get_by_role("button", name="编辑此指南").click()
    expect(page.get_by_label("收费标准", exact=True)).to_be_visible()
    _assert_clean(audit.run("knowledge workbench, the guide form", page))
    reviewer = audit("/knowledge")
    _sign_in(reviewer, _token(engine, "reviewer"))
    reviewer.get_by_role("tab", name="待审核").click()
    expect(reviewer.locator("#panel-queue")).to_be_visible()
    _assert_clean(audit.run("knowledge workbench, review queue", reviewer))
