"""In the trained model, a status question naming its number is one whatever the digits,
praise of someone named is praise, and a complaint the intent model reads as praise is
not."""

from __future__ import annotations

import asyncio
import random

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.ruled_intents import RuledIntent


@pytest.fixture(scope="module")
def agent(trained_model):
    from rasa.core.agent import Agent

    return Agent.load(str(trained_model))


def test_a_progress_question_is_recognised_for_any_random_order_number(agent):
    draw = random.Random(25)
    for _ in range(60):
        number = f"GD261206{draw.randrange(10**8):08d}"
        parsed = asyncio.run(agent.parse_message(f"查一下{number}的进度"))
        assert parsed["intent"]["name"] == "check_work_order_status", number
        assert parsed["intent_ranking"][0]["name"] == "check_work_order_status"
        assert {"entity": "tracking_number", "value": number} in [
            {"entity": e["entity"], "value": e["value"]} for e in parsed["entities"]
        ]


@pytest.mark.parametrize(
    "text",
    [
        "表扬一下我们弄堂口的交警，每天早上护送小学生过马路",
        "给社区医院的家庭医生点个赞",
    ],
)
def test_praise_of_someone_named_is_praise_whatever_the_model_reads(agent, text):
    parsed = asyncio.run(agent.parse_message(text))
    assert parsed["intent"]["name"] == "give_praise"


def _predicted(text: str, *ranking: tuple[str, float]) -> Message:
    ranked = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    return Message(data={TEXT: text, INTENT: ranked[0], INTENT_RANKING_KEY: ranked})


@pytest.mark.parametrize(
    "text", ["班主任在家长群里暗示教师节要表示表示", "A市交警总队逼迫孕妇辞职"]
)
def test_a_complaint_the_model_reads_as_praise_takes_its_next_reading(text):
    (message,) = RuledIntent().process(
        [
            _predicted(
                text,
                ("give_praise", 0.94),
                ("file_complaint", 0.04),
                ("greet", 0.02),
            )
        ]
    )
    assert message.get(INTENT) == {"name": "file_complaint", "confidence": 0.04}
    assert [r["name"] for r in message.get(INTENT_RANKING_KEY)] == [
        "file_complaint",
        "greet",
    ]


def test_praise_that_complains_of_nothing_keeps_the_models_reading():
    (message,) = RuledIntent().process(
        [
            _predicted(
                "想让你们转达一下对居委会的谢意", ("give_praise", 0.9), ("thank", 0.1)
            )
        ]
    )
    assert message.get(INTENT) == {"name": "give_praise", "confidence": 0.9}
