"""The slot validators: the domain they are sent, and what they set on each message."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import logging
import pkgutil
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa_sdk.events import SlotSet
from rasa_sdk.forms import ValidationAction

import actions
from actions.slots import ValidateSlotMappings
from tests.actions.conftest import make_tracker

ROOT = Path(__file__).resolve().parents[2]


def _validators() -> list[str]:
    names = []
    for module in pkgutil.iter_modules(actions.__path__):
        loaded = importlib.import_module(f"actions.{module.name}")
        for _, cls in inspect.getmembers(loaded, inspect.isclass):
            if issubclass(cls, ValidationAction) and cls.__module__ == loaded.__name__:
                names.append(cls().name())
    return names


def test_every_slot_validator_is_sent_the_domain_it_reads_its_slots_from():
    domain = Domain.load(ROOT / "domain.yml")
    validators = _validators()
    assert "action_validate_slot_mappings" in validators
    assert len(validators) >= 5
    assert [
        n for n in validators if not domain.does_custom_action_explicitly_need_domain(n)
    ] == []


def test_every_message_sets_the_extracted_slots_without_a_warning_for_each(
    dispatcher, caplog
):
    domain = Domain.load(ROOT / "domain.yml").as_dict()
    tracker = make_tracker(
        text="Is there an office in Xuhui?",
        entities=[{"entity": "district", "value": "徐汇"}],
    )
    with caplog.at_level(logging.WARNING, logger="rasa_sdk"):
        events = asyncio.run(ValidateSlotMappings().run(dispatcher, tracker, domain))
    assert SlotSet("district", "徐汇区") in events
    assert SlotSet("language", "en") in events
    assert not [r for r in caplog.records if r.name.startswith("rasa_sdk")]


def test_a_category_typed_at_the_category_question_fills_the_slot(dispatcher):
    domain = Domain.load(ROOT / "domain.yml").as_dict()
    asked = {"requested_slot": "category", "category_guess": "noise"}

    def category_set(text: str, entities: list[dict] | None = None) -> list:
        tracker = make_tracker(
            text=text, entities=entities, slots=asked, active_loop="complaint_form"
        )
        events = asyncio.run(ValidateSlotMappings().run(dispatcher, tracker, domain))
        return [e["value"] for e in events if e["name"] == "category"]

    assert category_set("噪音", [{"entity": "category", "value": "噪音"}]) == ["noise"]
    assert category_set("是物业的问题") == ["property-management"]
    # Going on with the address takes the guess, not a kind read from the address.
    assert category_set("南京东路100号") == ["noise"]
    assert category_set("我也不知道算哪一类") == ["noise"]
    assert category_set("not sure, you decide") == ["noise"]


@pytest.mark.parametrize(
    ("text", "intent", "contact"),
    [
        ("13812345678", "inform", "13812345678"),
        ("不想留，匿名吧", "inform", "anonymous"),
        ("不用了", "deny", "anonymous"),
        ("就是楼下那家饭店", "file_complaint", "就是楼下那家饭店"),
    ],
)
def test_whatever_is_said_to_the_contact_question_is_taken_to_be_checked(
    dispatcher, text, intent, contact
):
    tracker = make_tracker(
        text=text,
        intent=intent,
        slots={"requested_slot": "contact"},
        active_loop="complaint_form",
    )
    extracted = ValidateSlotMappings().extract_contact(dispatcher, tracker, {})
    assert extracted == {"contact": contact}


def test_a_question_at_the_contact_prompt_is_not_taken_for_a_contact(dispatcher):
    tracker = make_tracker(
        text="这个要多久才有结果",
        intent="ask_processing_time",
        slots={"requested_slot": "contact"},
        active_loop="complaint_form",
    )
    assert ValidateSlotMappings().extract_contact(dispatcher, tracker, {}) == {}


@pytest.mark.parametrize(
    ("text", "intent", "category"),
    [
        ("徐汇区", "inform", ["noise"]),
        ("而且他们周末早上六点就开始了", "file_complaint", ["noise"]),
        ("不对", "deny", [None]),
        ("转人工", "request_human", []),
    ],
)
def test_going_on_at_the_category_question_takes_the_guess_and_no_says_no(
    dispatcher, text, intent, category
):
    domain = Domain.load(ROOT / "domain.yml").as_dict()
    tracker = make_tracker(
        text=text,
        intent=intent,
        slots={"requested_slot": "category", "category_guess": "noise"},
        active_loop="complaint_form",
    )
    events = asyncio.run(ValidateSlotMappings().run(dispatcher, tracker, domain))
    assert [e["value"] for e in events if e["name"] == "category"] == category


def _language(dispatcher, text: str, *, lang: str | None, previous: str) -> str:
    """The language slot after ``text``, sent with the widget's switch at ``lang``."""
    tracker = make_tracker(text=text, slots={"language": previous})
    if lang is not None:
        tracker.latest_message["metadata"] = {"lang": lang}
    extracted = ValidateSlotMappings().extract_language(dispatcher, tracker, {})
    return extracted["language"]


def test_extract_language_english_text_wins_over_a_widget_set_to_chinese(dispatcher):
    text = "How do I get a residence permit? Where do I go and when is it open?"
    assert _language(dispatcher, text, lang="zh", previous="zh") == "en"


def test_extract_language_chinese_text_wins_over_a_widget_set_to_english(dispatcher):
    assert (
        _language(dispatcher, "我的residence permit快到期了", lang="en", previous="en")
        == "zh"
    )


def test_extract_language_ok_follows_a_widget_set_to_english(dispatcher):
    assert _language(dispatcher, "ok", lang="en", previous="zh") == "en"


def test_extract_language_ok_follows_a_widget_set_to_chinese(dispatcher):
    assert _language(dispatcher, "ok", lang="zh", previous="en") == "zh"


@pytest.mark.parametrize("previous", ["zh", "en"])
def test_extract_language_a_number_without_a_switch_keeps_the_previous_language(
    dispatcher, previous
):
    assert _language(dispatcher, "12345", lang=None, previous=previous) == previous


def test_a_number_said_to_the_rating_question_is_the_score_whatever_the_intent(
    dispatcher,
):
    domain = Domain.load(ROOT / "domain.yml").as_dict()
    asked = [
        {"event": "action", "name": "utter_ask_rating"},
        {"event": "bot", "text": "请您对本次服务打分"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "4"},
    ]

    def rating_set(events: list[dict]) -> list:
        tracker = make_tracker(text="4", intent="inform", events=events)
        found = asyncio.run(ValidateSlotMappings().run(dispatcher, tracker, domain))
        return [e["value"] for e in found if e["name"] == "rating"]

    assert rating_set(asked) == [4.0]
    # Not after another question: "4" may be a floor or a count.
    assert rating_set([{"event": "action", "name": "utter_ask_district"}]) == []
