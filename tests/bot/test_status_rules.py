"""In the trained model, a status question naming its number is one whatever the digits."""

from __future__ import annotations

import asyncio
import random

import pytest


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
