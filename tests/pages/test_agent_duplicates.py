"""One event, one case, in the agent console in a real (headless) Chromium, against a
gateway without Rasa over a database of its own: two citizens report the same broken
street light separately, an agent sees the one among the other's 疑似重复 with its
similarity, merges them, finds the joined report by the surviving order's number and
splits it off again; what the server refuses is said in words, not JSON."""

from __future__ import annotations

import uuid

import httpx
import pytest

from api.main import create_app
from api.rasa_client import RasaClient
from cases.lifecycle import UNIT, Step, apply
from foundation import clock
from foundation.db import make_engine, session_scope
from harness.servers import free_port
from privacy.auth import create_token
from tests.support.live import serve

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

DESKTOP = {"width": 1280, "height": 900}
PHONE = "13812345678"
# Two reports of one event, filed apart, and one of another event in the same district.
FIRST = ("宜山路钦州路口的路灯坏了，晚上一片漆黑，过马路很危险", "宜山路与钦州路路口")
SECOND = ("钦州路宜山路交叉口路灯不亮好几天了，我电话13812345678", "钦州路宜山路口")
OTHER = ("楼上邻居装修电钻声很吵，周末一大早就开始", "漕溪北路1200号")


def _file(client: httpx.Client, report: tuple[str, str], category: str) -> str:
    response = client.post(
        "/api/v1/work-orders",
        json={
            "description": report[0],
            "district": "徐汇区",
            "address": report[1],
            "category": category,
            "contact_phone": PHONE,
        },
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert response.status_code == 201, response.text
    order = response.json()
    # Not routed with confidence: it waits in the dispatch review, where agents look.
    assert order["status"] == "registered", order
    return order["number"]


@pytest.fixture
def hotline(seeded_database):
    """Three orders waiting in the dispatch review (two of one event), and the gateway."""
    engine = make_engine(seeded_database)
    with session_scope(engine) as db:
        token = create_token(db, "agent", "王丽")
    nowhere = f"http://127.0.0.1:{free_port()}"
    app = create_app(
        engine, rasa=RasaClient(nowhere, "nobody-listens"), action_server_url=nowhere
    )
    with serve(app) as url, httpx.Client(base_url=url, timeout=30) as citizen:
        orders = {
            "first": _file(citizen, FIRST, "roads-municipal"),
            "second": _file(citizen, SECOND, "roads-municipal"),
            "other": _file(citizen, OTHER, "noise"),
        }
        with httpx.Client(
            base_url=url, timeout=30, headers={"Authorization": f"Bearer {token}"}
        ) as agent:
            yield {
                "url": url,
                "token": token,
                "orders": orders,
                "agent": agent,
                "engine": engine,
            }
    engine.dispose()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    yield page
    context.close()


def _sign_in(page, hotline, view: str) -> None:
    page.goto(hotline["url"] + "/agent")
    page.get_by_label("访问令牌").fill(hotline["token"])
    page.get_by_role("button", name="登录", exact=True).click()
    page.get_by_role("button", name=view).click()
    expect(page.get_by_role("button", name=view)).to_have_attribute(
        "aria-current", "page"
    )


def _queued(page, number: str):
    return page.locator(f"#dispatch-list > li[data-number='{number}']")


def _look_up(page, view: str, number: str) -> None:
    box = page.locator(f"#view-{view}")
    box.get_by_label("按工单号查看重复").fill(number)
    box.get_by_role("button", name="查看", exact=True).click()


def test_agent_merges_two_reports_of_one_event_and_splits_them_again(
    page, hotline, screenshots
):
    first, second, other = (hotline["orders"][k] for k in ("first", "second", "other"))
    matched = hotline["agent"].get(f"/api/v1/agent/work-orders/{second}/duplicates")
    assert matched.status_code == 200, matched.text
    best = matched.json()["candidates"][0]
    assert best["number"] == first
    _sign_in(page, hotline, "派单审核")
    expect(page.locator("#dispatch-list > li")).to_have_count(3)

    toggle = page.get_by_role("button", name=f"疑似重复：工单 {second}")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    panel = _queued(page, second).locator(".dup-panel")
    candidate = panel.locator(f".dup-item[data-number='{first}']")
    expect(candidate).to_contain_text(f"相似度 {round(best['score'] * 100)}%")
    expect(candidate).to_contain_text("相似依据：" + best["reasons"][0])
    expect(candidate).to_contain_text("道路与市政设施")
    expect(candidate).to_contain_text("宜山路与钦州路路口")
    expect(candidate).to_contain_text("过马路很危险")
    expect(candidate).to_contain_text("已受理")
    expect(panel.locator(".dup-item")).to_have_count(len(matched.json()["candidates"]))
    expect(panel).not_to_contain_text(other)
    expect(page.locator("#dispatch-list")).not_to_contain_text(PHONE)
    page.screenshot(path=str(screenshots / "agent-duplicates.png"), full_page=True)

    # Merging asks first, on the page, and says what it does.
    panel.get_by_role("button", name=f"合并到此工单：工单 {first}").click()
    confirm = panel.get_by_role("button", name="确认合并")
    expect(confirm).to_be_focused()
    expect(candidate).to_contain_text(f"确认将工单 {second} 合并到工单 {first}？")
    panel.get_by_role("button", name="取消").click()
    expect(confirm).to_have_count(0)
    panel.get_by_role("button", name=f"合并到此工单：工单 {first}").click()
    panel.get_by_role("button", name="确认合并").click()

    expect(page.locator("#dispatch-status")).to_have_text(
        f"工单 {second} 已合并至 {first}。"
    )
    expect(_queued(page, second)).to_have_count(0)
    expect(_queued(page, first)).to_have_count(1)
    expect(page.locator("#dispatch-title")).to_be_focused()
    order = hotline["agent"].get(f"/api/v1/agent/work-orders/{second}/duplicates")
    assert order.json()["merged_into"] == first

    # The merged report, by its number, says where it went.
    _look_up(page, "dispatch", second)
    found = page.locator("#dispatch-lookup-result")
    expect(found).to_contain_text(f"本工单是已合并的反映，随工单 {first} 一并办理。")

    # The surviving order shows the joined report, which is split off again.
    _look_up(page, "dispatch", first)
    expect(found.get_by_role("heading", name=f"工单 {first}")).to_be_visible()
    expect(found).to_contain_text("已合并的反映（1）")
    joined = found.locator(f".dup-joined[data-number='{second}']")
    expect(joined).to_contain_text("钦州路宜山路交叉口路灯不亮好几天了")
    expect(joined).to_contain_text(f"已与工单 {first} 合并办理")
    expect(found).not_to_contain_text(PHONE)
    page.screenshot(
        path=str(screenshots / "agent-duplicates-merged.png"), full_page=True
    )
    joined.get_by_role("button", name=f"拆分：工单 {second}").click()
    reason = joined.get_by_label("拆分理由（选填，记入办理记录）")
    expect(reason).to_be_focused()
    reason.fill("市民反映的是另一侧路口的路灯")
    joined.get_by_role("button", name="确认拆分").click()

    expect(page.locator("#dispatch-status")).to_have_text(
        f"工单 {second} 已拆分，回到待派单。"
    )
    expect(_queued(page, second)).to_have_count(1)
    expect(page.locator("#dispatch-list > li")).to_have_count(3)
    expect(found).not_to_contain_text("已合并的反映")
    expect(found.locator(f".dup-item[data-number='{second}']")).to_have_count(1)
    assert page.problems == []


def test_a_refused_merge_is_said_in_words_and_the_panel_refreshed(
    page, hotline, screenshots
):
    first, second = hotline["orders"]["first"], hotline["orders"]["second"]
    _sign_in(page, hotline, "派单审核")
    page.get_by_role("button", name=f"疑似重复：工单 {second}").click()
    panel = _queued(page, second).locator(".dup-panel")
    panel.get_by_role("button", name=f"合并到此工单：工单 {first}").click()
    # Meanwhile another agent merges them the other way round.
    merged = hotline["agent"].post(
        f"/api/v1/agent/work-orders/{first}/merge", json={"into": second}
    )
    assert merged.status_code == 200, merged.text

    panel.get_by_role("button", name="确认合并").click()

    refusal = (
        f"工单 {first} 已合并至其他工单，只有仍在办理中的工单才能合并。"
        "已刷新，请核对后再操作。"
    )
    panel = _queued(page, second).locator(".dup-panel")
    expect(panel.get_by_role("alert")).to_have_text(refusal)
    expect(page.locator("#view-dispatch")).not_to_contain_text("invalid_request")
    expect(page.locator("#view-dispatch")).not_to_contain_text("only an order")
    # Redrawn as it now is: the first report is joined to this order, not a candidate.
    expect(_queued(page, first)).to_have_count(0)
    expect(panel.locator(f".dup-joined[data-number='{first}']")).to_have_count(1)
    expect(
        panel.get_by_role("button", name=f"合并到此工单：工单 {first}")
    ).to_have_count(0)
    expect(page.locator("#dispatch-status")).to_have_text("")
    page.screenshot(
        path=str(screenshots / "agent-duplicates-refused.png"), full_page=True
    )

    # Splitting what another agent split already is said in words too.
    split = hotline["agent"].post(f"/api/v1/agent/work-orders/{first}/split", json={})
    assert split.status_code == 200, split.text
    panel.get_by_role("button", name=f"拆分：工单 {first}").click()
    panel.get_by_role("button", name="确认拆分").click()
    panel = _queued(page, second).locator(".dup-panel")
    expect(panel.get_by_role("alert")).to_contain_text(
        f"工单 {first} 已不是合并的反映（可能已由他人拆分），无需拆分。"
    )
    expect(panel).not_to_contain_text("已合并的反映")
    expect(_queued(page, first)).to_have_count(1)

    # A number mistyped, or unknown.
    _look_up(page, "dispatch", "GD123")
    expect(page.locator("#dispatch-lookup-error")).to_have_text(
        "请输入完整的工单号：GD 加 14 位数字。"
    )
    expect(page.locator("#dispatch-lookup-number")).to_have_attribute(
        "aria-invalid", "true"
    )
    _look_up(page, "dispatch", "gd 2601 0112 3456 78")
    expect(page.locator("#dispatch-lookup-result")).to_have_text(
        "疑似重复未能加载：未找到工单 GD26010112345678，请核对工单号。"
    )
    assert page.problems == []


def test_the_centre_desk_shows_the_duplicates_of_a_returned_order(page, hotline):
    first, second = hotline["orders"]["first"], hotline["orders"]["second"]
    dispatched = hotline["agent"].post(
        f"/api/v1/agent/work-orders/{first}/dispatch",
        json={"category": "roads-municipal"},
    )
    assert dispatched.status_code == 200, dispatched.text
    unit = dispatched.json()["unit_name"] or dispatched.json()["department_name"]
    with session_scope(hotline["engine"]) as db:
        note = "路灯属区绿化市容局管养，请改派"
        apply(db, first, Step("return", f"{unit} 张三", UNIT, note=note), clock.now())
    _sign_in(page, hotline, "退回与督办")
    item = page.locator(f"#centre-list > li[data-number='{first}']")
    item.get_by_role("button", name=f"疑似重复：工单 {first}").click()
    candidate = item.locator(f".dup-panel .dup-item[data-number='{second}']")
    expect(candidate).to_contain_text("相似度")
    candidate.get_by_role("button", name=f"合并到此工单：工单 {second}").click()
    item.get_by_role("button", name="确认合并").click()
    expect(page.locator("#centre-status")).to_have_text(
        f"工单 {first} 已合并至 {second}。"
    )
    expect(item).to_have_count(0)
    assert page.problems == []
