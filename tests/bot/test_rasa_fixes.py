"""Rasa with its fixes (``bot.rasa_fixes.FIXES``): action answers validated once
compiled, models loaded for prediction only and called through their traced graphs,
each part of the prediction graph worked out once, connections to the action server
kept and their JSON encoded by ujson, event classes found once, dialogue states worked
out once per tracker, rules indexed by their latest turn, sparse features joined
directly, copies for debug logs made only when debug is logged, graph parts run
without dask's scheduler, messages parsed beside the event loop; one TensorFlow
thread per pool for ``rasa run``; and the fixes only on the Rasa they were written
for, or off.

Each fix is compared with Rasa's own result: a patch by installing it after Rasa ran,
a subclass fix by taking its overriding attributes away for Rasa's run (``rasas_own``).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import sys
import threading
import types
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.core.actions.action import RemoteAction

from bot import rasa_fixes, server
from bot.rasa_fixes import registry
from bot.rasa_fixes.actions_endpoint import (
    ActionResultChecker,
    keep_connections_to_endpoints,
    validate_action_results_once_compiled,
)
from bot.rasa_fixes.debug_logs import (
    COPYING_ONLY_FOR_DEBUG_LOGS,
    copy_for_debug_logs_only_when_logged,
)
from bot.rasa_fixes.events import find_each_event_class_once
from bot.rasa_fixes.features import join_sparse_features_directly
from bot.rasa_fixes.graph import (
    evaluate_graph,
    run_graph_parts_directly,
    work_out_each_graph_part_once,
)
from bot.rasa_fixes.nlu_thread import parse_messages_beside_the_event_loop
from bot.rasa_fixes.warm_up import warm_up_the_models_before_serving
from harness.servers import free_port

PATCHES = sorted(name for name, fix in rasa_fixes.FIXES.items() if fix.install)
SUBCLASS_FIXES = sorted(
    name for name, fix in rasa_fixes.FIXES.items() if fix.install is None
)


def rasas_own(patch: pytest.MonkeyPatch, *names: str) -> None:
    """Takes away the attributes with which the subclass fixes ``names`` (all that
    can be switched off, by default) override Rasa's, until ``patch`` is undone."""
    for name in names or SUBCLASS_FIXES:
        if rasa_fixes.FIXES[name].switchable:
            for owner, attribute in rasa_fixes.overriding_attributes(name):
                patch.delattr(owner, attribute)


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
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.utils.tensorflow.models import RasaModel

    with monkeypatch.context() as as_rasa:
        rasas_own(as_rasa)
        as_rasa_predicts = _predictions(trained_model)
    monkeypatch.setattr(
        GraphSchema, "minimal_graph_schema", GraphSchema.minimal_graph_schema
    )
    monkeypatch.setattr(DaskGraphRunner, "run", DaskGraphRunner.run)
    through_tf_function = []
    rasas_predict = RasaModel._rasa_predict

    def counted(model, batch_in):
        through_tf_function.append(id(model))
        return rasas_predict(model, batch_in)

    monkeypatch.setattr(RasaModel, "_rasa_predict", counted)
    # The models load for prediction only and call their traced graphs themselves
    # (bot/rasa_fixes/tensorflow_models.py, in the components of config.yml).
    work_out_each_graph_part_once()
    run_graph_parts_directly()
    assert _predictions(trained_model) == as_rasa_predicts
    # Each model went through tf.function once, to be traced, and was called directly
    # for the rest of the conversation's predictions.
    assert through_tf_function
    assert len(through_tf_function) == len(set(through_tf_function))


def _calls_to_an_endpoint(payloads: list) -> list[tuple[int, object]]:
    """The client port of each request through Rasa's EndpointConfig, and the JSON it
    carried as the server read it."""
    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    async def run() -> list[tuple[int, object]]:
        received: list[tuple[int, object]] = []

        async def answer(request: web.Request) -> web.Response:
            port = request.transport.get_extra_info("peername")[1]
            received.append((port, await request.json()))
            return web.json_response({"events": [], "responses": []})

        app = web.Application()
        app.router.add_post("/webhook", answer)
        runner = web.AppRunner(app)
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            endpoint = EndpointConfig(url=f"http://127.0.0.1:{port}/webhook")
            for payload in payloads:
                assert await endpoint.request(json=payload) == {
                    "events": [],
                    "responses": [],
                }
        finally:
            await runner.cleanup()
        return received

    return asyncio.run(run())


def test_calls_to_the_action_server_share_one_kept_connection(monkeypatch):
    from rasa.utils.endpoints import EndpointConfig

    calls = [{"next_action": "x"}] * 3
    assert len({port for port, _ in _calls_to_an_endpoint(calls)}) == 3  # Rasa's
    monkeypatch.setattr(EndpointConfig, "session", EndpointConfig.session)
    keep_connections_to_endpoints()
    assert len({port for port, _ in _calls_to_an_endpoint(calls)}) == 1


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**64), max_value=2**64)
    | st.floats(allow_nan=False)
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=60, deadline=None)
@given(payload=st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=5))
def test_what_the_kept_session_sends_reads_back_as_what_rasa_sends(payload):
    from rasa.utils.endpoints import EndpointConfig

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(EndpointConfig, "session", EndpointConfig.session)
        keep_connections_to_endpoints()
        ((_, received),) = _calls_to_an_endpoint([payload])
    assert received == json.loads(json.dumps(payload))


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


@pytest.fixture(scope="module")
def agent(trained_model):
    from rasa.core.agent import Agent

    return Agent.load(str(trained_model))


def _steps(agent, texts: list[str]) -> tuple[list, list]:
    """The policies' choice at each step of a conversation (the actions themselves are
    not run) and the tracker at each step."""
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    tracker = DialogueStateTracker.from_events(
        "citizen", [ActionExecuted("action_listen")], slots=agent.domain.slots
    )
    choices, trackers = [], []
    for text in texts:
        parse = asyncio.run(agent.parse_message(text))
        tracker.update(UserUttered(text, parse["intent"], parse["entities"]))
        for _ in range(4):
            prediction = agent.processor._predict_next_with_tracker(tracker)
            action = agent.domain.action_names_or_texts[prediction.max_confidence_index]
            choices.append((action, prediction.policy_name, prediction.max_confidence))
            trackers.append(tracker.copy())
            tracker.update(ActionExecuted(action))
            if action == "action_listen":
                break
    return choices, trackers


STEPS_CONVERSATION = [
    "刚来上海工作，居住证要怎么办",
    "那要带啥？",
    "我想在网上申请",
    "算了不办了",
    "楼上装修太吵了",
    "转人工",
    "谢谢",
]
STATE_OPTIONS = [
    (False, False, None),
    (False, True, {"slots": ["requested_slot"], "active_loops": ["x"]}),
    (True, True, None),
]


@pytest.mark.slow
def test_dialogue_states_worked_out_once_per_tracker_are_rasas_own(agent, monkeypatch):
    from bot.rasa_fixes.dialogue_states import past_states

    with monkeypatch.context() as as_rasa:
        rasas_own(as_rasa, "work_out_dialogue_states_once")
        choices, trackers = _steps(agent, STEPS_CONVERSATION)
    # Rasa's own: ``DialogueStateTracker.past_states``.
    as_rasa = [
        [t.past_states(agent.domain, *options) for options in STATE_OPTIONS]
        for t in trackers
    ]

    for tracker, expected in zip(trackers, as_rasa, strict=True):
        for options, states in zip(STATE_OPTIONS, expected, strict=True):
            first = past_states(tracker, agent.domain, *options)
            assert first == states
            # The featurizers change the states they get: a copy each time.
            first[-1].clear()
            assert past_states(tracker, agent.domain, *options) == states

    # A tracker that moves on gets its new states, not the remembered ones.
    tracker = trackers[0]
    before = past_states(tracker, agent.domain)
    tracker.update(trackers[-1].events[-1])
    assert past_states(tracker, agent.domain) != before
    assert _steps(agent, STEPS_CONVERSATION)[0] == choices


def test_the_policies_of_config_yml_share_the_dialogue_states_once_loaded():
    from rasa.core.featurizers.tracker_featurizers import MaxHistoryTrackerFeaturizer

    from bot.components.memoization_policy import SharedStatesMemoizationPolicy
    from bot.components.rule_policy import IndexedRulePolicy
    from bot.components.ted_policy import CachedTEDPolicy
    from bot.rasa_fixes.dialogue_states import SharedStatesFeaturizer, sharing_states

    for policy in (SharedStatesMemoizationPolicy, IndexedRulePolicy, CachedTEDPolicy):
        assert policy.__mro__.index(registry.FixedComponent) == 1
    rasas = MaxHistoryTrackerFeaturizer(None, max_history=5)
    shared = sharing_states(rasas)
    assert type(shared) is SharedStatesFeaturizer
    assert vars(shared) == vars(rasas)
    # Saved as Rasa's own, so that the model names no class of ours.
    assert shared.to_dict() == rasas.to_dict()
    assert sharing_states(None) is None


@pytest.mark.slow
def test_dialogue_states_read_each_message_as_later_events_left_it(agent, monkeypatch):
    """Entities added to a message after a turn that shows it was replayed (the bot
    listened again) show in that turn's state, as in Rasa's replay from the start."""
    from rasa.shared.core.events import ActionExecuted, EntitiesAdded, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.rasa_fixes.dialogue_states import past_states

    rasas = DialogueStateTracker.past_states
    tracker = DialogueStateTracker.from_events(
        "citizen",
        [
            ActionExecuted("action_listen"),
            UserUttered("护照怎么办理", {"name": "ask_service_guide", "confidence": 1}),
            ActionExecuted("action_listen"),
            ActionExecuted("action_listen"),
        ],
        slots=agent.domain.slots,
    )
    before = past_states(tracker, agent.domain)
    tracker.update(EntitiesAdded([{"entity": "service", "value": "passport"}]))
    after = past_states(tracker, agent.domain)

    assert after == rasas(tracker, agent.domain)
    assert "entities" not in before[2]["user"]
    assert after[2]["user"]["entities"] == ("service",)


FORM_CONVERSATION = [
    "刚来上海工作，居住证要怎么办",
    "我想在网上申请",
    "张伟",
    "310104198506123025",
    "13812345678",
    "楼上装修太吵了",
    "是的",
    "黄浦区",
    "算了不办了",
    "转人工",
    "谢谢",
]


@pytest.mark.slow
def test_dialogue_states_replayed_as_the_conversation_grows_are_rasas_own(
    trained_model, stack, monkeypatch
):
    """Through Rasa's message processor and the real action server, forms included:
    every call gets the states Rasa works out at that moment, and the conversation is
    replayed from its start a few times per message instead of at every call."""
    from rasa.core.agent import Agent
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    from bot.rasa_fixes import dialogue_states

    agent = Agent.load(
        str(trained_model),
        action_endpoint=EndpointConfig(
            f"{stack.action_server_url}/webhook", headers=stack.internal_headers
        ),
    )
    rasas = DialogueStateTracker.past_states
    # What the policies' featurizers read their states with.
    ours = dialogue_states.past_states
    replays = {"ours": 0, "rasa": 0, "neither": 0}
    replaying = ["neither"]
    init_copy = DialogueStateTracker.init_copy

    def counted_init_copy(self):
        replays[replaying[0]] += 1
        return init_copy(self)

    differing, calls = [], []

    def both(self, domain, *options, **named):
        replaying[0] = "ours"
        states = ours(self, domain, *options, **named)
        replaying[0] = "rasa"
        if states != rasas(self, domain, *options, **named):
            differing.append((len(self.events), options, named))
        replaying[0] = "neither"
        calls.append(1)
        return states

    monkeypatch.setattr(DialogueStateTracker, "init_copy", counted_init_copy)
    monkeypatch.setattr(dialogue_states, "past_states", both)

    async def talk() -> list[list[str]]:
        return [
            [r.get("text", "") for r in await agent.handle_text(text, sender_id="c")]
            for text in FORM_CONVERSATION
        ]

    replies = asyncio.run(talk())
    assert any("身份证" in text for answer in replies for text in answer)
    assert differing == []
    assert replays["rasa"] == len(calls) > 8 * len(FORM_CONVERSATION)
    assert replays["ours"] * 3 < replays["rasa"]


def _parses_and_loop_turns(agent) -> tuple[list, list[str], int]:
    """Each message of the conversation parsed, the threads that ran its NLU graph, and
    how often the event loop ran something else while the parses were under way."""
    processor = agent.processor
    graph_threads = []
    with_graph = processor._parse_message_with_graph

    def recorded(*arguments):
        graph_threads.append(threading.current_thread().name)
        return with_graph(*arguments)

    processor._parse_message_with_graph = recorded

    async def parse_while_the_loop_counts() -> tuple[list, int]:
        parsing = True
        turns = 0

        async def count() -> None:
            nonlocal turns
            while parsing:
                turns += 1
                await asyncio.sleep(0)

        counter = asyncio.create_task(count())
        await asyncio.sleep(0)
        counted_before = turns
        parses = [await agent.parse_message(text) for text in STEPS_CONVERSATION]
        parsing = False
        await counter
        return parses, turns - counted_before

    try:
        parses, turns = asyncio.run(parse_while_the_loop_counts())
    finally:
        del processor._parse_message_with_graph
    return parses, graph_threads, turns


@pytest.mark.slow
def test_messages_parsed_beside_the_event_loop_are_parsed_as_on_it(agent, monkeypatch):
    from rasa.core.processor import MessageProcessor

    as_rasa_parses, rasas_threads, rasas_loop_turns = _parses_and_loop_turns(agent)
    monkeypatch.setattr(
        MessageProcessor, "parse_message", MessageProcessor.parse_message
    )
    parse_messages_beside_the_event_loop()
    parses, threads, loop_turns = _parses_and_loop_turns(agent)
    assert parses == as_rasa_parses
    assert set(rasas_threads) == {"MainThread"}
    assert rasas_loop_turns == 0
    assert len(threads) == len(STEPS_CONVERSATION)
    assert all(name.startswith("nlu") for name in threads)
    # Rasa's parse held the loop; each parse beside it let the loop run the counter.
    assert loop_turns >= len(STEPS_CONVERSATION)


def _rule_policy(agent):
    from rasa.core.policies.rule_policy import RulePolicy

    nodes = agent.processor.graph_runner._instantiated_nodes.values()
    return next(n._component for n in nodes if isinstance(n._component, RulePolicy))


def _rule_lookups(policy) -> list[dict]:
    from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH

    return [policy.lookup[RULES], policy.lookup[RULES_FOR_LOOP_UNHAPPY_PATH]]


@pytest.mark.slow
def test_rules_indexed_by_their_latest_turn_predict_as_rasa(agent, monkeypatch):
    with monkeypatch.context() as as_rasa:
        rasas_own(as_rasa, "match_rules_by_their_latest_turn")
        choices, _ = _steps(agent, STEPS_CONVERSATION)
    assert _steps(agent, STEPS_CONVERSATION)[0] == choices
    assert any("RulePolicy" in policy for _, policy, _ in choices)


@pytest.fixture(scope="module")
def rule_turns(agent) -> list[dict]:
    """Every turn of every rule the model learned, and conversation starts."""
    policy = _rule_policy(agent)
    turns = [
        turn
        for lookup in _rule_lookups(policy)
        for key in lookup
        for turn in policy._rule_key_to_state(key)
    ]
    return [*turns, {}, {"user": {"intent": "greet"}}]


@pytest.fixture(scope="module")
def rasas_and_indexed():
    from rasa.core.policies.rule_policy import RulePolicy

    from bot.rasa_fixes.rules import RulesByLatestTurn

    return RulePolicy._get_possible_keys, RulesByLatestTurn._get_possible_keys


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_rules_indexed_by_their_latest_turn_are_the_rules_rasa_finds(
    agent, rule_turns, rasas_and_indexed, data
):
    # Conversations made of the rules' own turns, so that many rules apply.
    states = data.draw(st.lists(st.sampled_from(rule_turns), max_size=6))
    policy = _rule_policy(agent)
    rasas, indexed = rasas_and_indexed
    lookups = _rule_lookups(policy)
    found = [indexed(policy, lookup, states) for lookup in lookups]
    assert found == [rasas(policy, lookup, states) for lookup in lookups]


@pytest.fixture(scope="module")
def hstack_and_direct_join():
    from rasa.shared.nlu.training_data.features import Features

    by_hstack = Features._combine_sparse_features
    join_sparse_features_directly()
    direct, Features._combine_sparse_features = (
        Features._combine_sparse_features,
        by_hstack,
    )
    return by_hstack, direct


@st.composite
def coo_matrices(draw, rows: int):
    import numpy as np
    import scipy.sparse

    columns = draw(st.integers(0, 40))
    dtype = draw(st.sampled_from([np.float32, np.float64, np.int64]))
    cells = draw(
        st.lists(
            st.tuples(st.integers(0, rows - 1), st.integers(0, max(columns - 1, 0))),
            max_size=30 if columns else 0,
        )
    )
    values = [draw(st.integers(-5, 5)) for _ in cells]
    return scipy.sparse.coo_matrix(
        (
            np.array(values, dtype=dtype),
            ([r for r, _ in cells], [c for _, c in cells]),
        ),
        shape=(rows, columns),
    )


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_sparse_features_joined_directly_are_the_matrix_hstack_gives(
    hstack_and_direct_join, data
):
    from rasa.shared.nlu.training_data.features import Features

    rows = data.draw(st.integers(1, 8))
    left, right = data.draw(coo_matrices(rows)), data.draw(coo_matrices(rows))
    joined = []
    for combine in hstack_and_direct_join:
        features = Features(left.copy(), "sequence", "text", "regex")
        combine(features, Features(right.copy(), "sequence", "text", "cvf"))
        joined.append(features.features)
    by_hstack, direct = joined
    assert type(direct) is type(by_hstack)
    assert (direct.shape, direct.dtype) == (by_hstack.shape, by_hstack.dtype)
    for part in ("row", "col", "data"):
        assert getattr(direct, part).tolist() == getattr(by_hstack, part).tolist()


def test_features_in_another_form_are_joined_by_hstack(hstack_and_direct_join):
    import scipy.sparse
    from rasa.shared.nlu.training_data.features import Features

    _, direct = hstack_and_direct_join
    features = Features(scipy.sparse.eye(2, format="csr"), "sentence", "text", "a")
    direct(
        features, Features(scipy.sparse.eye(2, format="coo"), "sentence", "text", "b")
    )
    assert features.features.toarray().tolist() == [[1, 0, 1, 0], [0, 1, 0, 1]]
    with pytest.raises(ValueError, match="do not match"):
        direct(
            features,
            Features(scipy.sparse.eye(3, format="coo"), "sentence", "text", "c"),
        )


def _deep_copies_outside_debug_logs(module_name: str) -> list[int]:
    """Lines of ``module_name`` where ``copy`` is used other than as a debug log's
    argument ``copy.deepcopy(…)``."""
    import ast
    import importlib
    import inspect

    tree = ast.parse(inspect.getsource(importlib.import_module(module_name)))
    inside_debug_calls = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "debug"
        ):
            inside_debug_calls.update(id(n) for n in ast.walk(node) if n is not node)
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "copy"
        and not (node.attr == "deepcopy" and id(node) in inside_debug_calls)
    ]


@pytest.mark.parametrize("module_name", COPYING_ONLY_FOR_DEBUG_LOGS)
def test_the_modules_given_debug_log_copies_copy_only_for_debug_logs(module_name):
    assert _deep_copies_outside_debug_logs(module_name) == []


def test_debug_log_copies_are_made_only_while_debug_is_logged(monkeypatch):
    import importlib
    import logging

    import structlog

    modules = [importlib.import_module(name) for name in COPYING_ONLY_FOR_DEBUG_LOGS]
    for module in modules:
        monkeypatch.setattr(module, "copy", module.copy)
    saved = structlog.get_config()
    copy_for_debug_logs_only_when_logged()
    events = [{"event": "slot", "name": "service", "value": "passport"}]
    try:
        structlog.configure(
            wrapper_class=structlog.make_filtering_bound_logger(logging.INFO)
        )
        assert all(module.copy.deepcopy(events) is events for module in modules)
        structlog.configure(
            wrapper_class=structlog.make_filtering_bound_logger(logging.DEBUG)
        )
        for module in modules:
            copied = module.copy.deepcopy(events)
            assert copied == events and copied is not events
            assert copied[0] is not events[0]
        assert modules[0].copy.copy(events) is not events  # the rest is copy's own
    finally:
        structlog.configure(**saved)


def _graph_with_calls() -> tuple[dict, list]:
    """A graph in dask's form, with a record of each task run: shared needs, lists of
    keys, a string and a list that are no keys, and an input as Rasa adds one."""
    calls: list[str] = []

    def task(name: str):
        def run(*arguments):
            calls.append(name)
            return (name, arguments)

        return run

    graph = {
        "__message__": ("__message__", ["护照怎么办"]),
        "tokens": (task("tokens"), "__message__"),
        "features": (task("features"), "tokens", "not a key"),
        "entities": (task("entities"), "tokens", ["features", "tokens"]),
        "intent": (task("intent"), "features", "entities", [1, [2]]),
    }
    return graph, calls


def test_graphs_evaluated_directly_give_what_dask_gives_running_each_task_once():
    import dask

    graph, calls_by_dask = _graph_with_calls()
    expected = dask.get(graph, ["intent", "entities"])
    graph, calls = _graph_with_calls()

    assert list(evaluate_graph(graph, ["intent", "entities"])) == list(expected)
    assert sorted(calls) == sorted(calls_by_dask) == sorted(set(calls))


def test_a_failing_task_raises_its_own_error_as_under_dask():
    import dask

    def fails(*arguments):
        raise ValueError("component failed")

    graph = {"a": (fails,), "b": (lambda a: a, "a")}
    for run in (dask.get, evaluate_graph):
        with pytest.raises(ValueError, match="component failed"):
            run(graph, ["b"])


def test_the_server_builds_what_parsing_builds_lazily_before_it_serves_and_stores_nothing(
    trained_model, monkeypatch
):
    import rasa.core.run
    from rasa.core.utils import AvailableEndpoints

    # The entity extractor's place pipeline (spaCy's, with its own jieba dictionary).
    from understanding import addresses

    monkeypatch.setattr(
        rasa.core.run, "load_agent_on_start", rasa.core.run.load_agent_on_start
    )
    warm_up_the_models_before_serving()
    addresses._place_pipeline.cache_clear()
    app = types.SimpleNamespace(ctx=types.SimpleNamespace())
    agent = asyncio.run(
        rasa.core.run.load_agent_on_start(
            str(trained_model), AvailableEndpoints(), None, app, None
        )
    )
    assert app.ctx.agent is agent
    # spaCy's place pipeline, about a second to build, is built on the first parse.
    assert addresses._place_pipeline.cache_info().currsize == 1
    assert list(asyncio.run(agent.tracker_store.keys())) == []


@pytest.mark.parametrize("name", PATCHES)
def test_each_fix_replaces_exactly_the_attributes_it_names(name, monkeypatch):
    install = rasa_fixes.FIXES[name].install
    replaced = rasa_fixes.replaced_attributes(name)
    before = {
        (id(owner), attribute): vars(owner)[attribute] for owner, attribute in replaced
    }
    for owner, attribute in replaced:
        monkeypatch.setattr(owner, attribute, vars(owner)[attribute])
    install()
    assert replaced
    for owner, attribute in replaced:
        assert vars(owner)[attribute] is not before[(id(owner), attribute)]


@pytest.mark.parametrize(
    ("argv", "environment", "threads"),
    [
        (["run", "--enable-api"], {}, "1"),
        (["run"], {"TF_INTRA_OP_PARALLELISM_THREADS": "2"}, "2"),
        (["train"], {}, None),
    ],
)
def test_rasa_run_gets_one_tensorflow_thread_per_pool_unless_the_environment_says(
    argv, environment, threads, monkeypatch
):
    import rasa.__main__

    monkeypatch.setattr(registry, "FIXES", {})
    for name in server.ONE_THREAD_PER_TENSORFLOW_POOL:
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    started = []
    monkeypatch.setattr(rasa.__main__, "main", lambda: started.append(list(sys.argv)))
    monkeypatch.setattr(sys, "argv", ["bot.server", *argv])
    server.main()
    assert started == [["rasa", *argv]]
    assert os.environ.get("TF_INTRA_OP_PARALLELISM_THREADS") == threads
    assert os.environ.get("TF_INTER_OP_PARALLELISM_THREADS") == (threads and "1")


@pytest.mark.parametrize("name", SUBCLASS_FIXES)
def test_each_subclass_fix_overrides_an_attribute_rasa_still_has(name):
    overriding = rasa_fixes.overriding_attributes(name)
    replaced = rasa_fixes.replaced_attributes(name)
    assert overriding and len(overriding) == len(replaced)
    for (ours, attribute), (rasas, rasas_attribute) in zip(
        overriding, replaced, strict=True
    ):
        assert attribute == rasas_attribute
        assert attribute in vars(ours)
        assert attribute in vars(rasas)


def test_the_server_refuses_another_rasa_naming_both_versions(monkeypatch):
    import rasa.__main__

    installed, started = [], []
    monkeypatch.setattr(
        registry,
        "FIXES",
        {
            name: dataclasses.replace(
                fix, install=lambda name=name: installed.append(name)
            )
            for name, fix in registry.FIXES.items()
            if fix.install
        },
    )
    monkeypatch.setattr(registry, "installed_rasa_version", lambda: "3.7.0")
    monkeypatch.setattr(rasa.__main__, "main", lambda: started.append(list(sys.argv)))
    monkeypatch.setattr(sys, "argv", ["bot.server", "--version"])
    with pytest.raises(SystemExit) as refused:
        server.main()
    message = str(refused.value.code)
    assert "Rasa 3.7.0 is installed" in message
    assert f"written for Rasa {registry.RASA_VERSION}" in message
    assert "HOTLINE_RASA_FIXES=off" in message
    assert installed == started == []


def test_a_component_carrying_fixes_refuses_another_rasa(monkeypatch, tmp_path):
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    from bot.components.rule_policy import IndexedRulePolicy

    monkeypatch.setattr(registry, "installed_rasa_version", lambda: "3.7.0")
    registry.check_in.cache_clear()
    try:
        with pytest.raises(
            rasa_fixes.RasaVersionError, match="Rasa 3.7.0 is installed"
        ):
            IndexedRulePolicy.create(
                IndexedRulePolicy.get_default_config(),
                LocalModelStorage(tmp_path),
                Resource("rules"),
                ExecutionContext(GraphSchema({}), "test"),
            )
    finally:
        registry.check_in.cache_clear()


def test_with_the_fixes_off_rasa_runs_as_it_comes_on_any_rasa(monkeypatch):
    import rasa.__main__

    from foundation.settings import get_settings

    monkeypatch.setenv("HOTLINE_RASA_FIXES", "off")
    monkeypatch.setattr(registry, "installed_rasa_version", lambda: "3.7.0")
    get_settings.cache_clear()
    rasas = {}
    for name in rasa_fixes.FIXES:
        # Registered first, so that the test's end puts every attribute back.
        for owner, attribute in [
            *rasa_fixes.replaced_attributes(name),
            *rasa_fixes.overriding_attributes(name),
        ]:
            monkeypatch.setattr(owner, attribute, vars(owner)[attribute])
            rasas[(owner, attribute)] = vars(owner)[attribute]
    started = []
    monkeypatch.setattr(rasa.__main__, "main", lambda: started.append(list(sys.argv)))
    monkeypatch.setattr(sys, "argv", ["bot.server", "--version"])
    try:
        assert get_settings().rasa_fixes is False
        server.main()
    finally:
        get_settings.cache_clear()

    assert started == [["rasa", "--version"]]
    for name, fix in rasa_fixes.FIXES.items():
        for owner, attribute in rasa_fixes.replaced_attributes(name):
            assert vars(owner)[attribute] is rasas[(owner, attribute)]
        for owner, attribute in rasa_fixes.overriding_attributes(name):
            # Rasa's own attribute is used; the gateway's tracker stores keep theirs.
            assert (attribute in vars(owner)) is (not fix.switchable)
