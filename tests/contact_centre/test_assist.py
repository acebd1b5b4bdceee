"""Suggestions for agents: the answer for what the caller asked, read once per catalogue."""

from __future__ import annotations

import contextlib
import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from cases.routing.router import complaint_router
from contact_centre.assist import suggest
from knowledge_base.models import Service
from knowledge_base.search.engine import SearchEngine


@contextlib.contextmanager
def _counting_queries(session: Session):
    seen: list[str] = []

    def count(conn, cursor, statement, *rest) -> None:
        seen.append(statement)

    bind = session.get_bind()
    sa.event.listen(bind, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(bind, "before_cursor_execute", count)


def test_the_callers_question_picks_the_aspect_answered(session, service_index, router):
    asked = {
        intent: suggest(
            session, service_index, router, "护照", intent_of=lambda i=intent: i
        )[0][0]
        for intent in ("ask_materials", "ask_fee")
    }
    assert asked["ask_materials"].service_code == "passport"
    assert "材料" in asked["ask_materials"].answer
    assert "收费" in asked["ask_fee"].answer
    assert asked["ask_materials"].materials == asked["ask_fee"].materials != []


def test_a_complaint_comes_with_its_work_order_routing(session, service_index, router):
    work_order = suggest(
        session,
        service_index,
        router,
        "楼下饭店油烟太大，熏得窗户都不能开",
        intent_of=lambda: "file_complaint",
    ).work_order
    assert work_order.category == "pollution"
    assert "生态环境局" in work_order.department_name


def test_a_report_the_nlu_could_not_place_still_gets_routing_and_a_draft(
    session, service_index, router
):
    """The NLU read this as an answer (inform) at full confidence."""
    text = "闵行区七宝镇万科城市花园门口的烧烤摊每天晚上营业到凌晨两点，油烟和噪音很大"
    for intent in ("inform", "nlu_fallback"):
        assistance = suggest(
            session, service_index, router, text, intent_of=lambda i=intent: i
        )
        assert assistance.work_order.category == "pollution"
        assert assistance.draft.address == "闵行区七宝镇万科城市花园"


def test_an_answer_without_a_problem_gets_no_work_order(session, service_index, router):
    assistance = suggest(
        session, service_index, router, "徐汇区", intent_of=lambda: "inform"
    )
    assert assistance.work_order is None and assistance.draft is None


def test_a_complaint_shows_no_guide_it_merely_shares_words_with(
    session, service_index, router
):
    reported = {
        intent: suggest(
            session,
            service_index,
            router,
            "楼上那户装修天天早上七点不到就开始电钻，周末也不停",
            intent_of=lambda i=intent: i,
        )
        for intent in ("file_complaint", None)
    }
    for assistance in reported.values():
        assert assistance.suggestions == []
        assert assistance.work_order.category == "noise"


def test_a_complaint_keeps_the_guide_of_the_service_it_names(
    session, service_index, router
):
    assistance = suggest(
        session,
        service_index,
        router,
        "我要投诉，居住证办了两个月还没下来，窗口一直说在审核",
        intent_of=lambda: "file_complaint",
    )
    assert [s.service_code for s in assistance.suggestions] == ["residence-permit"]
    assert assistance.work_order is not None


def test_a_question_keeps_the_guides_it_asks_about(session, service_index, router):
    suggestions = suggest(
        session, service_index, router, "刚来上海工作，居住证要怎么办"
    ).suggestions
    assert suggestions[0].service_code == "residence-permit"


def test_remembered_suggestions_read_the_catalogue_once_per_service(engine, session):
    search = SearchEngine(engine, check_interval_s=3600)
    ask = {
        "index": search.index,
        "router": complaint_router(search),
        "remembered": search.remembered,
    }
    first = suggest(session, text="居住证怎么办", intent_of=lambda: "ask_fee", **ask)
    with _counting_queries(session) as queries:
        again = suggest(
            session, text="居住证怎么办", intent_of=lambda: "ask_fee", **ask
        )
        other_aspect = suggest(
            session, text="居住证怎么办", intent_of=lambda: "ask_materials", **ask
        )
    assert queries == []
    assert [s.answer for s in again[0]] == [s.answer for s in first[0]]
    assert other_aspect[0][0].answer != first[0][0].answer


def test_an_emergency_gets_a_banner_instead_of_answers_and_a_work_order(
    session, service_index, router
):
    asked: list[bool] = []

    def intent_of() -> str:
        asked.append(True)
        return "file_complaint"

    suggestions, work_order, emergency, *_ = suggest(
        session, service_index, router, "楼下着火了，好多烟", intent_of=intent_of
    )
    assert (suggestions, work_order) == ([], None)
    assert emergency.kind == "fire" and emergency.numbers[0] == "119"
    assert "119" in emergency.advice
    assert asked == []


def test_a_complaint_about_the_ambulance_fee_is_routed_not_a_banner(
    session, service_index, router
):
    _, work_order, emergency, *_ = suggest(
        session,
        service_index,
        router,
        "120急救车收费太贵了我要投诉",
        intent_of=lambda: "file_complaint",
    )
    assert emergency is None and work_order is not None


def test_an_uncatalogued_service_is_named_so_the_agent_does_not_read_a_neighbour(
    session, service_index, router
):
    assistance = suggest(
        session, service_index, router, "市民来电问渔业捕捞许可证怎么办理"
    )
    assert assistance.not_held == "渔业捕捞许可证"
    assert suggest(session, service_index, router, "居住证怎么办").not_held is None


def _verified_on(session, code: str) -> dt.date:
    return session.scalar(sa.select(Service.verified_at).where(Service.code == code))


def test_a_suggestion_shows_the_guides_source_and_verified_date(
    session, service_index, router, monkeypatch
):
    checked = _verified_on(session, "passport")
    monkeypatch.setattr("contact_centre.assist.today", lambda: checked)
    best = suggest(session, service_index, router, "护照", intent_of=lambda: "ask_fee")
    suggestion = best.suggestions[0]
    assert suggestion.service_code == "passport"
    assert suggestion.provenance.startswith("信息来源：")
    assert f"最近核验：{checked.year}年{checked.month}月" in suggestion.provenance
    assert suggestion.answer.endswith(suggestion.provenance)
    assert suggestion.stale is False


def test_remembered_suggestions_are_worked_out_again_on_a_new_day(
    engine, session, monkeypatch
):
    """The answer tells the guide's age against today: kept past midnight, it would
    keep calling a guide fresh that went stale overnight."""
    search = SearchEngine(engine, check_interval_s=3600)
    ask = {
        "index": search.index,
        "router": complaint_router(search),
        "remembered": search.remembered,
    }
    checked = _verified_on(session, "passport")
    day = {"today": checked + dt.timedelta(days=180)}
    monkeypatch.setattr("contact_centre.assist.today", lambda: day["today"])
    fresh = suggest(session, text="护照", **ask).suggestions[0]
    day["today"] += dt.timedelta(days=1)
    stale = suggest(session, text="护照", **ask).suggestions[0]
    assert not fresh.stale and "未核验" not in fresh.answer
    assert stale.stale and "该指南已超过180天未核验" in stale.answer
