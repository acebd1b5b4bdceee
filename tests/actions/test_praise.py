"""Praise through the actions: asked for whom if not said, passed on to the unit named."""

from __future__ import annotations

import re

from actions.praise import ActionPassOnPraise, ValidatePraiseForm
from cases.repositories.work_orders import get_work_order
from foundation.db import session_scope
from tests.actions.conftest import make_tracker


def _told(text: str, sender_id: str, language: str = "zh", **slots):
    return make_tracker(
        slots={"praise_text": text, "language": language, **slots},
        sender_id=sender_id,
        events=[{"event": "active_loop", "name": "praise_form", "timestamp": 1.0}],
    )


def test_praise_naming_nobody_is_asked_whom_and_a_named_one_is_kept(dispatcher):
    form = ValidatePraiseForm()
    tracker = make_tracker(active_loop="praise_form")
    assert form.validate_praise_text("我想表扬一下", dispatcher, tracker, {}) == {
        "praise_text": None
    }
    assert form.validate_praise_text("/give_praise", dispatcher, tracker, {}) == {
        "praise_text": None
    }
    told = "表扬田林街道的网格员，天天上门看望独居老人"
    assert form.validate_praise_text(told, dispatcher, tracker, {}) == {
        "praise_text": told
    }


def test_praise_is_passed_on_to_the_unit_it_names_and_the_citizen_told(
    engine, dispatcher
):
    events = ActionPassOnPraise().run(
        dispatcher,
        _told("我要表扬徐汇区市场监管局的执法人员，处理得又快又好", "citizen-praise"),
        {},
    )
    (told,) = dispatcher.messages
    assert told["response"] == "utter_praise_passed_on"
    assert told["department"] == "徐汇区市场监督管理局"
    assert re.fullmatch(r"GD\d{14}", told["number"])
    assert events == [
        {"event": "slot", "timestamp": None, "name": "praise_text", "value": None}
    ]
    with session_scope(engine) as session:
        order = get_work_order(session, told["number"])
        assert (order.appeal_kind, order.status, order.unit_name) == (
            "praise",
            "closed",
            "徐汇区市场监督管理局",
        )


def test_a_retried_praise_is_passed_on_once(dispatcher):
    tracker = _told("表扬一下派出所的民警，帮我找回了钱包", "citizen-praise-retry")
    ActionPassOnPraise().run(dispatcher, tracker, {})
    ActionPassOnPraise().run(dispatcher, tracker, {})
    first, again = dispatcher.messages
    assert first["number"] == again["number"]


def test_english_praise_is_answered_in_english_with_the_unit_rendered(dispatcher):
    ActionPassOnPraise().run(
        dispatcher,
        _told(
            "I'd like to thank the nurses at the district hospital, they were so kind",
            "citizen-praise-en",
            language="en",
            # As the NLU reads "Minhang" in an earlier message.
            district="闵行区",
        ),
        {},
    )
    (told,) = dispatcher.messages
    assert told["department"].startswith("the district office of the ")
    assert told["department"].endswith("(闵行区卫生健康委员会)")
