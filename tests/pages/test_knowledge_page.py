"""The knowledge workbench (/knowledge) in a real (headless) Chromium: an editor changes
居住证办理's fee in the form and submits it; a reviewer sees the diff and the warning,
must tick 已确认英文内容, approves, and citizens are told the new fee; a rollback from
the history brings the old text back. Steps are reordered in the form, not in JSON.

The gateway runs on a database of its own, since publishing changes the catalogue the
rest of the run reads.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import httpx
import pytest

from api.main import create_app
from foundation import migrate
from foundation.db import make_engine, session_scope
from foundation.settings import get_settings
from knowledge_base.seed import seed_curated_catalogue
from privacy.auth import create_token
from tests.support.live import serve

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

DESKTOP = {"width": 1366, "height": 900}
NEW_FEE = "不收取任何费用（示例修改）"


@pytest.fixture(scope="module")
def bench(tmp_path_factory) -> Iterator[tuple[str, object]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('knowledge-page') / 'bench.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        seed_curated_catalogue(session, get_settings().catalogue_dir)
    with serve(create_app(engine)) as site:
        yield site, engine
    engine.dispose()


def _token(engine, role: str, name: str) -> str:
    with session_scope(engine) as db:
        return create_token(db, role, name)


@pytest.fixture
def open_page(browser):
    contexts = []

    def open_as(site: str, token: str):
        context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.problems = []
        page.on("pageerror", lambda error: page.problems.append(str(error)))
        # A Content-Security-Policy violation (an inline style, say) is a console error.
        page.on(
            "console",
            lambda message: (
                page.problems.append(message.text)
                if message.type == "error" and "status of 4" not in message.text
                else None
            ),
        )
        page.goto(site + "/knowledge")
        page.get_by_label("访问令牌").fill(token)
        page.get_by_role("button", name="登录", exact=True).click()
        expect(page.get_by_role("button", name="退出登录")).to_be_visible()
        return page

    yield open_as
    for context in contexts:
        context.close()


def _open_guide(page, query: str, name: str) -> None:
    page.get_by_label("名称或编码").fill(query)
    page.get_by_role("button", name="查询", exact=True).click()
    page.get_by_role("button", name=f"打开：{name}").click()
    expect(page.get_by_role("heading", name=name)).to_be_focused()


def _fee(site: str) -> str:
    response = httpx.get(site + "/api/v1/services/residence-permit", timeout=30)
    return response.json()["fees"]


def test_editor_changes_a_fee_a_reviewer_publishes_it_and_rolls_it_back(
    bench, open_page, screenshots
):
    site, engine = bench
    old_fee = _fee(site)

    editor = open_page(site, _token(engine, "editor", "陈编辑"))
    _open_guide(editor, "居住证", "上海市居住证办理")
    editor.get_by_role("button", name="编辑此指南").click()
    fee = editor.get_by_label("收费标准", exact=True)
    expect(fee).to_have_value(old_fee)
    fee.fill(NEW_FEE)
    editor.get_by_label("修改原因（必填）").fill("按最新文件更新收费说明（示例）")
    editor.get_by_role("button", name="查看与已发布版本的差异").click()
    diff = editor.locator("#editor-check table.diff")
    expect(diff.get_by_role("rowheader", name="收费", exact=True)).to_be_visible()
    expect(diff).to_contain_text(NEW_FEE)
    editor.screenshot(path=str(screenshots / "knowledge-editor.png"), full_page=True)
    editor.get_by_role("button", name="提交审核").click()
    expect(editor.get_by_role("status")).to_contain_text("已提交审核")
    assert _fee(site) == old_fee  # nothing reaches citizens before review
    assert editor.problems == []

    reviewer = open_page(site, _token(engine, "reviewer", "周审核"))
    reviewer.get_by_role("tab", name="待审核").click()
    reviewer.get_by_role("button", name="审核：上海市居住证办理").click()
    review = reviewer.locator("#review")
    expect(review.locator("table.diff")).to_contain_text(NEW_FEE)
    # The Chinese changed and the English did not: a warning to acknowledge.
    expect(review.locator(".findings.warnings li").first).to_be_visible()
    reviewer.get_by_role("button", name="审核通过并发布").click()
    expect(
        reviewer.get_by_role("alert").filter(has_text="已确认英文内容")
    ).to_be_visible()
    assert _fee(site) == old_fee
    reviewer.get_by_label("已确认英文内容").check()
    reviewer.get_by_label("审核意见（退回时必填）").fill("已核对")
    reviewer.screenshot(path=str(screenshots / "knowledge-review.png"), full_page=True)
    reviewer.get_by_role("button", name="审核通过并发布").click()
    expect(reviewer.get_by_role("status")).to_contain_text("已发布")
    assert _fee(site) == NEW_FEE

    # The history lists the catalogue's version; rolling back to it restores the fee.
    guide = reviewer.locator("#guide")
    expect(guide.get_by_role("rowheader", name="第 1 版")).to_be_visible()
    reviewer.get_by_label("回退到").select_option("1")
    reviewer.get_by_label("回退原因").fill("示例修改撤回")
    reviewer.get_by_role("button", name="回退并发布").click()
    expect(reviewer.get_by_role("status")).to_contain_text("已回退")
    assert _fee(site) == old_fee
    reviewer.screenshot(
        path=str(screenshots / "knowledge-rollback.png"), full_page=True
    )
    assert reviewer.problems == []


def test_editor_reorders_steps_in_the_form_and_sees_the_diff(bench, open_page):
    site, engine = bench
    editor = open_page(site, _token(engine, "editor", "林编辑"))
    _open_guide(editor, "护照", "普通护照申领")
    editor.get_by_role("button", name="编辑此指南").click()
    steps = editor.get_by_role("group", name="办理步骤")
    first_title = steps.get_by_label("步骤名称", exact=True).first.input_value()
    steps.get_by_role("button", name="下移第 1 项步骤").click()
    expect(steps.get_by_label("步骤名称", exact=True).nth(1)).to_have_value(first_title)
    count = steps.get_by_role("listitem").count()
    steps.get_by_role("button", name="添加步骤").click()
    expect(steps.get_by_role("listitem")).to_have_count(count + 1)
    editor.get_by_label("修改原因（必填）").fill("调整步骤顺序（示例）")
    editor.get_by_role("button", name="查看与已发布版本的差异").click()
    check = editor.locator("#editor-check")
    expect(
        check.get_by_role("rowheader", name="办理步骤·第1项·标题", exact=True)
    ).to_be_visible()
    # The added step has no title: an error that stops the submission.
    expect(check.locator(".findings.errors li").first).to_be_visible()
    editor.get_by_role("button", name="提交审核").click()
    expect(
        editor.get_by_role("alert").filter(has_text="审核未成功：办理步骤")
    ).to_be_visible()
    assert editor.problems == []


def test_a_manager_token_is_refused_with_the_reason(bench, browser):
    site, engine = bench
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.goto(site + "/knowledge")
    page.get_by_label("访问令牌").fill(_token(engine, "manager", "赵主任"))
    page.get_by_role("button", name="登录", exact=True).click()
    expect(
        page.get_by_role("alert").filter(has_text="没有使用知识库工作台的权限")
    ).to_be_visible()
    expect(page.locator("#workspace")).to_be_hidden()
    context.close()


def test_the_gaps_tab_reads_the_gap_report(bench, open_page):
    site, engine = bench
    editor = open_page(site, _token(engine, "editor", "陈编辑"))
    editor.get_by_role("tab", name="知识缺口").click()
    gaps = editor.get_by_role("tabpanel", name="知识缺口")
    expect(gaps.get_by_role("table")).to_be_visible()
    # No conversation has been recorded in this database: the report is empty.
    expect(gaps.get_by_role("cell", name="该时段没有发现知识缺口。")).to_be_visible()
    assert editor.problems == []


def test_a_draft_started_from_a_gap_carries_the_citizens_question(bench, open_page):
    """Questions recorded in this database an hour ago: one names a service we do not
    hold, one asks of a catalogued service something no FAQ covers."""
    from contact_centre.conversations import record_turn
    from foundation import clock

    site, engine = bench
    asked = clock.now() - dt.timedelta(hours=1)
    with session_scope(engine) as session:
        for number, text in enumerate(["日本签证怎么办", "我想办日本签证要去哪里"]):
            record_turn(
                session,
                f"gap-page-{number}",
                text,
                [{"text": "（答复）", "buttons": []}],
                intent="ask_service_guide",
                confidence=0.9,
                now=asked,
            )

    editor = open_page(site, _token(engine, "editor", "陈编辑"))
    editor.get_by_role("tab", name="知识缺口").click()
    gaps = editor.get_by_role("tabpanel", name="知识缺口")
    expect(gaps.get_by_role("rowheader", name="日本签证")).to_be_visible()
    gaps.get_by_role("button", name="据此起草：日本签证").click()

    examples = editor.get_by_label(
        "市民可能的问法（每行一条，发布前检验能否检索到本事项）"
    )
    expect(examples).to_have_value(re.compile("日本签证"))
    expect(editor.get_by_label("修改原因（必填）")).to_have_value("知识缺口：日本签证")
    assert editor.problems == []
