"""The trained model understands traditional input and hands back the citizen's words."""

from __future__ import annotations

import asyncio

import pytest


@pytest.fixture(scope="module")
def agent(trained_model):
    from rasa.core.agent import Agent

    return Agent.load(str(trained_model))


def parsed(agent, text: str) -> dict:
    return asyncio.run(agent.parse_message(text))


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("辦護照要帶什麼材料", "办护照要带什么材料"),
        ("居住證在哪裡辦", "居住证在哪里办"),
        ("樓上裝修噪音太大了，我要投訴", "楼上装修噪音太大了，我要投诉"),
        ("轉人工", "转人工"),
    ],
)
def test_a_traditional_message_gets_the_intent_of_its_simplified_twin(
    agent, traditional, simplified
):
    assert (
        parsed(agent, traditional)["intent"]["name"]
        == parsed(agent, simplified)["intent"]["name"]
    )


def test_the_parse_keeps_the_citizen_s_own_characters(agent):
    text = "辦護照要帶什麼材料"
    result = parsed(agent, text)
    assert result["text"] == text
    services = [e for e in result["entities"] if e["entity"] == "service"]
    assert services, result["entities"]
    span = services[0]
    assert text[span["start"] : span["end"]] == "護照"
    twin = parsed(agent, "办护照要带什么材料")["entities"]
    assert span["value"] == next(e["value"] for e in twin if e["entity"] == "service")
