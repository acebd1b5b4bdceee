"""The response selector answers faq and chitchat as Rasa's does, and skips the rest."""

from __future__ import annotations

import asyncio

import pytest
from rasa.nlu.selectors.response_selector import ResponseSelector

from bot.components.retrieval_selector import RetrievalResponseSelector

RETRIEVAL_QUESTIONS = ["12345是24小时的吗", "什么是一网通办", "你是谁"]
OTHER_MESSAGES = ["刚来上海工作，居住证要怎么办", "楼上装修太吵了", "转人工"]


@pytest.fixture(scope="module")
def agent(trained_model):
    from rasa.core.agent import Agent

    return Agent.load(str(trained_model))


def _parse(agent, text: str) -> dict:
    return asyncio.run(agent.parse_message(text))


@pytest.fixture
def parse_as_rasa(agent, monkeypatch):
    """Parses with the loaded model's selector running Rasa's own ``process``."""
    nodes = agent.processor.graph_runner._instantiated_nodes.values()
    selector = next(
        n for n in nodes if isinstance(n._component, RetrievalResponseSelector)
    )

    def parse(text: str) -> dict:
        # The graph node keeps the function it was built with, not the class's.
        with monkeypatch.context() as patch:
            patch.setattr(selector, "_fn", ResponseSelector.process)
            return _parse(agent, text)

    return parse


def _selection(parsed: dict) -> tuple[str, float] | None:
    selected = (parsed.get("response_selector") or {}).get("default")
    if selected is None:
        return None
    response = selected["response"]
    return response["intent_response_key"], round(response["confidence"], 5)


@pytest.mark.slow
def test_faq_and_chitchat_get_the_selection_rasas_selector_makes(agent, parse_as_rasa):
    for text in RETRIEVAL_QUESTIONS:
        parsed = _parse(agent, text)
        assert parsed["intent"]["name"] in ("faq", "chitchat")
        assert _selection(parsed)[0].startswith(parsed["intent"]["name"] + "/")
        assert _selection(parsed) == _selection(parse_as_rasa(text))


@pytest.mark.slow
def test_other_messages_skip_the_selector_and_keep_their_intent(agent, parse_as_rasa):
    for text in OTHER_MESSAGES:
        parsed = _parse(agent, text)
        as_rasa = parse_as_rasa(text)
        assert _selection(parsed) is None and _selection(as_rasa) is not None
        assert parsed["intent"] == as_rasa["intent"]
        assert parsed["entities"] == as_rasa["entities"]
