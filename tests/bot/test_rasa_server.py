"""Rasa with its five fixes: action answers validated once compiled, models loaded for
prediction only, each part of the prediction graph worked out once, connections to the
action server kept, event classes found once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.core.actions.action import RemoteAction

from bot.rasa_server import (
    ActionResultChecker,
    find_each_event_class_once,
    keep_connections_to_endpoints,
    load_models_without_a_training_step,
    validate_action_results_once_compiled,
    work_out_each_graph_part_once,
)
from tests.support.servers import free_port

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


EVENT_NAMES = [
    b["properties"]["event"]["const"]
    for b in RemoteAction.action_response_format_spec()["properties"]["events"][
        "items"
    ]["oneOf"]
]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["name", "text", "value", "x"]), inner)
    ),
    max_leaves=6,
)
# The fields Rasa's event schemas speak of, and some they do not.
FIELDS = st.sampled_from(
    [
        "name", "value", "text", "timestamp", "metadata", "parse_data", "intent",
        "entities", "policy", "confidence", "input_channel", "message_id", "data",
        "date_time", "kill_on_user_msg", "action_text", "hide_rule_turn", "x",
    ]
)  # fmt: skip


def _events_as_rasa_writes_them() -> list[dict]:
    from rasa.shared.core import events

    return [
        e.as_dict()
        for e in [
            events.SlotSet("service", "passport"),
            events.SlotSet("district", None),
            events.ActionExecuted("action_listen"),
            events.BotUttered("请问是在哪个区？", {"buttons": [{"title": "徐汇区"}]}),
            events.UserUttered("护照", {"name": "ask_service_guide", "confidence": 1}),
            events.ActiveLoop("application_form"),
            events.ActiveLoop(None),
            events.FollowupAction("action_listen"),
            events.SessionStarted(),
            events.Restarted(),
            events.AllSlotsReset(),
            events.ConversationPaused(),
        ]
    ]


EVENTS = st.builds(
    lambda name, fields: {**fields, **({} if name is None else {"event": name})},
    st.sampled_from([*EVENT_NAMES, "no such event", 3, None]),
    st.dictionaries(FIELDS, JSON_VALUES, max_size=4),
) | st.sampled_from(_events_as_rasa_writes_them())
RESULTS = st.one_of(
    st.builds(
        lambda events, responses: {"events": events, "responses": responses},
        st.lists(EVENTS, max_size=4) | JSON_VALUES,
        st.lists(st.dictionaries(st.sampled_from(["text"]), st.text()), max_size=2)
        | JSON_VALUES,
    ),
    JSON_VALUES,
)


@settings(max_examples=400, deadline=None)
@given(RESULTS)
def test_each_event_checked_against_its_own_kind_is_jsonschemas_verdict(result):
    checker = ActionResultChecker(RemoteAction.action_response_format_spec())
    assert checker.is_valid(result) == _verdict_of_jsonschema(result)


def test_a_schema_of_another_shape_is_validated_as_a_whole():
    schema = {"type": "object", "properties": {"events": {"type": "array"}}}
    checker = ActionResultChecker(schema)
    assert checker.is_valid({"events": [{"event": "anything"}]})
    assert not checker.is_valid({"events": "not a list"})


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


def _client_ports_of_calls(calls: int) -> list[int]:
    """The client port of each of ``calls`` requests through Rasa's EndpointConfig."""
    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    async def run() -> list[int]:
        ports: list[int] = []

        async def answer(request: web.Request) -> web.Response:
            ports.append(request.transport.get_extra_info("peername")[1])
            return web.json_response({"events": [], "responses": []})

        app = web.Application()
        app.router.add_post("/webhook", answer)
        runner = web.AppRunner(app)
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            endpoint = EndpointConfig(url=f"http://127.0.0.1:{port}/webhook")
            for _ in range(calls):
                assert await endpoint.request(json={"next_action": "x"}) == {
                    "events": [],
                    "responses": [],
                }
        finally:
            await runner.cleanup()
        return ports

    return asyncio.run(run())


def test_calls_to_the_action_server_share_one_kept_connection(monkeypatch):
    from rasa.utils.endpoints import EndpointConfig

    assert len(set(_client_ports_of_calls(3))) == 3  # Rasa: a connection per call
    monkeypatch.setattr(EndpointConfig, "session", EndpointConfig.session)
    keep_connections_to_endpoints()
    assert len(set(_client_ports_of_calls(3))) == 1


def test_each_event_class_is_found_once_and_is_rasas_own(monkeypatch):
    from rasa.shared.core.events import Event
    from rasa.shared.utils import common

    names = ["user", "bot", "action", "slot", "session_started", "active_loop"]
    as_rasa = {name: Event.resolve_by_type(name) for name in names}
    monkeypatch.setattr(Event, "resolve_by_type", Event.resolve_by_type)
    walks = []
    all_subclasses = common.all_subclasses
    monkeypatch.setattr(
        common, "all_subclasses", lambda cls: walks.append(cls) or all_subclasses(cls)
    )
    find_each_event_class_once()

    for _ in range(3):
        assert {name: Event.resolve_by_type(name) for name in names} == as_rasa
    assert walks.count(Event) == len(names)  # one walk per type name, not per read
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no such event", default=Event) is Event
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no such event")
