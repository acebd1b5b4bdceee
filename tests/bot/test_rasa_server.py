"""Rasa with its three fixes: action answers validated once compiled, models loaded for
prediction only, each part of the prediction graph worked out once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from bot.rasa_server import (
    load_models_without_a_training_step,
    validate_action_results_once_compiled,
    work_out_each_graph_part_once,
)

CONVERSATION = [
    "刚来上海工作，居住证要怎么办",
    "那要带啥？",
    "楼上装修太吵了",
    "转人工",
]
ANSWERS = [
    {"events": [], "responses": []},
    {
        "events": [{"event": "slot", "name": "service", "value": "passport"}],
        "responses": [
            {"text": "办理护照", "buttons": [{"title": "材料", "payload": "/x"}]}
        ],
    },
    {"events": "not a list", "responses": []},
    {"events": [{"name": "no event type"}], "responses": []},
    {"events": [{"event": "slot", "name": 3}], "responses": []},
]


@pytest.fixture
def patched(monkeypatch) -> RemoteAction:
    # Registered first so that the test's end puts Rasa's own method back.
    monkeypatch.setattr(
        RemoteAction, "_validate_action_result", RemoteAction._validate_action_result
    )
    validate_action_results_once_compiled()
    return RemoteAction("action_service_guidance", None)


def _verdict_of_jsonschema(answer: dict) -> bool:
    try:
        jsonschema.validate(answer, RemoteAction.action_response_format_spec())
        return True
    except jsonschema.ValidationError:
        return False


@pytest.mark.parametrize("answer", ANSWERS)
def test_compiled_validator_gives_the_verdict_of_jsonschema_validate(patched, answer):
    try:
        verdict = patched._validate_action_result(answer)
    except jsonschema.ValidationError:
        verdict = False
    assert verdict == _verdict_of_jsonschema(answer)


def test_invalid_answer_still_names_the_custom_actions_documentation(patched):
    with pytest.raises(jsonschema.ValidationError, match="custom-actions"):
        patched._validate_action_result({"events": "not a list"})


def _predictions(model: Path) -> dict:
    """What NLU and TED make of a short conversation, rounded past float noise."""
    from rasa.core.agent import Agent
    from rasa.core.channels import UserMessage
    from rasa.core.policies.ted_policy import TEDPolicy

    agent = Agent.load(str(model))
    nodes = agent.processor.graph_runner._instantiated_nodes.values()
    ted = next(n._component for n in nodes if isinstance(n._component, TEDPolicy))

    async def converse() -> dict:
        parsed, probabilities = [], []
        for text in CONVERSATION:
            parse = await agent.parse_message(text)
            parsed.append(
                (
                    parse["intent"]["name"],
                    round(parse["intent"]["confidence"], 5),
                    [(e["entity"], e["start"], e["end"]) for e in parse["entities"]],
                )
            )
            await agent.processor.log_message(UserMessage(text, sender_id="same"))
            tracker = await agent.processor.fetch_tracker_and_update_session("same")
            prediction = ted.predict_action_probabilities(tracker, agent.domain)
            probabilities.append([round(p, 5) for p in prediction.probabilities])
        return {"nlu": parsed, "ted": probabilities}

    return asyncio.run(converse())


def test_each_graph_part_is_worked_out_once_and_is_rasas_own(monkeypatch):
    from rasa.engine.graph import GraphSchema, SchemaNode

    def node(*needs: str) -> SchemaNode:
        return SchemaNode(
            needs={f"i{n}": need for n, need in enumerate(needs)},
            uses=RemoteAction,
            constructor_name="create",
            fn="run",
            config={},
        )

    # Diamonds over diamonds: Rasa's walk visits "a" once per path to it.
    schema = GraphSchema(
        {
            "a": node(),
            "b": node("a"),
            "c": node("a"),
            "d": node("b", "c"),
            "e": node("d"),
            "unused": node("a"),
        }
    )
    as_rasa = {t: schema.minimal_graph_schema(list(t)) for t in [("e",), ("c",)]}
    monkeypatch.setattr(
        GraphSchema, "minimal_graph_schema", GraphSchema.minimal_graph_schema
    )
    work_out_each_graph_part_once()
    for targets, expected in as_rasa.items():
        first = schema.minimal_graph_schema(list(targets))
        assert first == expected
        assert schema.minimal_graph_schema(list(targets)) is first
    assert "unused" not in schema.minimal_graph_schema(["e"]).nodes


@pytest.mark.slow
def test_rasa_with_its_fixes_predicts_exactly_as_rasa(trained_model, monkeypatch):
    from rasa.engine.graph import GraphSchema
    from rasa.utils.tensorflow.models import RasaModel

    as_rasa_predicts = _predictions(trained_model)
    monkeypatch.setattr(RasaModel, "load", RasaModel.load)
    monkeypatch.setattr(
        GraphSchema, "minimal_graph_schema", GraphSchema.minimal_graph_schema
    )
    load_models_without_a_training_step()
    work_out_each_graph_part_once()
    assert _predictions(trained_model) == as_rasa_predicts
