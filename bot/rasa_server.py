"""``rasa`` with thirteen fixes to its cost; takes the same arguments as the ``rasa`` command.

    python -m bot.rasa_server run --enable-api --model models/hotline.tar.gz ...

- Rasa 3.6 checks every answer of the action server with ``jsonschema.validate``, which
  first checks the response schema itself against the JSON Schema meta-schema: about
  40 ms of CPU per custom action on these machines, and every message here runs at
  least two (slot validation, then the answer). Validators built once for the schema,
  which check each event against its own kind only, give the same verdict in a tenth
  of a millisecond.
- To load a TensorFlow model (DIET, the response selector, TED) Rasa 3.6 first trains
  it for one step on an example so that its weights exist, then overwrites them with
  the trained ones. That step builds the whole training graph and optimiser state:
  about 650 MB of a replica's memory that prediction never uses. Loading the weights
  first and building the model by predicting the example restores every weight the
  same way (TensorFlow restores a variable when it is created) and gives identical
  predictions (``tests/bot/test_rasa_server.py``).
- Every parse and every action prediction runs part of the model's graph, and Rasa
  works out which nodes that part needs anew each time, by a walk that visits shared
  nodes once per path: about 5% of a replica's CPU. The prediction graph never
  changes once loaded, so each part is worked out once.
- Every prediction of a TensorFlow model (DIET, the response selector, TED) goes
  through ``tf.function``, which matches the batch against the traced graph's signature
  anew: about half a millisecond per call. Once the graph is traced, it is called
  directly with the batch as tensors, in the flat form the graph takes: matching them
  against its structured signature cost another 0.3 to 0.5 ms per call.
- Every call to the action server opened a new HTTP session, so a new TCP connection
  that the action server then had to accept: two or three per message. One session per
  endpoint keeps its connections open between calls, and encodes the conversation it
  sends with ujson: Python's ``json`` took about a millisecond per message for it.
- To read an event (every event of a conversation, on every message) Rasa looks for its
  class by walking all the subclasses of ``Event``, tens of them, anew each time. The
  class found for a type name is remembered.
- Each policy (memoization, rules, TED), at every step of a message, works out the
  dialogue states of the whole conversation anew by replaying all its events. One
  replay per tracker goes on from where it stopped as events are appended, and serves
  every policy's options; each policy gets a copy of its own (the featurizers change
  the states they are given). Remembering each call's states only, as before, left
  four replays per message: the states cost 1.0 ms per message instead of 1.5 on the
  benchmark's conversations, 2.0 instead of 2.7 with a long form among them.
- To find the rules that apply, Rasa compares all the rules (130 here) with the
  conversation, twice per step. A rule whose latest turn asks for another action or
  intent than the conversation's latest cannot apply: the rules are indexed by what
  their latest turn asks for, and Rasa's own comparison runs on the few that remain.
- Each message's sparse features (regexes, lexical, two count vectorisers) are joined
  side by side with ``scipy.sparse.hstack``, whose checks cost more than the join of
  such small matrices. Two matrices in coordinate form are joined directly into the
  very matrix ``hstack`` gives.
- Rasa's message processor and its memoization and rule policies pass deep copies of
  events and dialogue states to their debug log calls, several per message, and make
  them whether or not debug is logged. Those copies are made only when it is.
- Each parse and each prediction runs its part of the graph through dask's
  scheduler, whose ordering and bookkeeping cost about a millisecond per run for the
  dozen components run one after the other anyway. The part is evaluated directly,
  each node once, as dask evaluates it.
- Each message's NLU graph ran on the event loop, which served no other conversation
  meanwhile, although TensorFlow lets go of Python's lock while DIET and the response
  selector compute. The graph runs in a thread of its own, beside the loop: one
  replica with ten sessions used 1.47 cores instead of 1.36 for the same CPU per
  message, so about 8% more messages per second.
- What parsing needs is built at the first message after a start: spaCy's place
  pipeline with its own jieba dictionary (0.95 s), and TensorFlow's first run of each
  model, which optimises its graph (0.2 s for DIET). Every citizen who wrote meanwhile
  waited too. The server parses a few messages and predicts after each before it
  serves, in a conversation it never stores.

``rasa run`` also gets one thread per TensorFlow pool (see
``ONE_THREAD_PER_TENSORFLOW_POOL``), and every command imports TensorFlow without jax
(``knowledge_base/without_jax.py``): about 130 MB less. Everything else is Rasa as it
comes.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import copy
import dataclasses
import functools
import importlib
import os
import sys
import types
import weakref
from collections.abc import Callable
from typing import Any

from knowledge_base.without_jax import leave_out_jax

# Every fix by the name of the function that installs it, with the attributes it
# replaces ("module:Owner.attribute" or "module:attribute"): ``main`` installs them all,
# and benchmarks/rasa_fixes_bench.py switches each one off and on again.
FIXES: dict[str, tuple[Callable[[], None], tuple[str, ...]]] = {}


def fix(*replaced: str) -> Callable[[Callable[[], None]], Callable[[], None]]:
    """Registers the fix it decorates, with the attributes that fix replaces."""

    def register(install: Callable[[], None]) -> Callable[[], None]:
        FIXES[install.__name__] = (install, replaced)
        return install

    return register


def install_fixes() -> None:
    for install, _ in FIXES.values():
        install()


def replaced_attributes(name: str) -> list[tuple[Any, str]]:
    """The owner and name of each attribute that the fix ``name`` replaces."""
    attributes = []
    for target in FIXES[name][1]:
        module, _, path = target.partition(":")
        *owners, attribute = path.split(".")
        owner: Any = importlib.import_module(module)
        for part in owners:
            owner = getattr(owner, part)
        attributes.append((owner, attribute))
    return attributes


# Under the action server's own keep-alive (Sanic's default is 5 s), so an idle
# connection is dropped here before the server can close it under a request.
IDLE_CONNECTION_KEPT_S = 2.0


@fix("rasa.core.actions.action:RemoteAction._validate_action_result")
def validate_action_results_once_compiled() -> None:
    """Makes ``RemoteAction`` validate with validators compiled once per class."""
    from rasa.core.actions.action import RemoteAction

    original = RemoteAction._validate_action_result

    @functools.cache
    def checker_of(action_class: type) -> ActionResultChecker:
        return ActionResultChecker(action_class.action_response_format_spec())

    def validate(self: RemoteAction, result: dict[str, Any]) -> bool:
        if checker_of(type(self)).is_valid(result):
            return True
        # Rasa's own path adds its documentation hint to the message and re-raises.
        return original(self, result)

    RemoteAction._validate_action_result = validate


class ActionResultChecker:
    """Rasa's schema for action results, with each event checked against its own kind.

    The schema lists the 23 kinds of event under ``oneOf``, each fixing ``event`` to
    its name, so a valid event matches exactly its own kind's branch and no other; a
    general validator tries all 23 for every event (a millisecond per result). Here
    each event is checked against the item schema and its own kind's branch: the same
    verdict. A schema not shaped so (another Rasa version) is validated as a whole.
    """

    def __init__(self, schema: dict[str, Any]) -> None:
        from jsonschema import validators

        compiled = validators.validator_for(schema)
        events = schema.get("properties", {}).get("events", {})
        items = events.get("items", {})
        branches = items.get("oneOf", [])
        names = [
            b.get("properties", {}).get("event", {}).get("const") for b in branches
        ]
        self._kinds: dict[str, Any] | None = None
        if not (
            branches
            and set(items) <= {"type", "properties", "required", "oneOf"}
            and "event" in items.get("required", [])
            and all(set(b) <= {"properties", "required"} for b in branches)
            and all(isinstance(n, str) for n in names)
            and len(set(names)) == len(names)
        ):
            self._outer = compiled(schema)
            return
        # The events' items are checked one by one in is_valid, the rest here.
        outer = {k: v for k, v in events.items() if k != "items"}
        self._outer = compiled(
            {**schema, "properties": {**schema["properties"], "events": outer}}
        )
        self._item = compiled({k: v for k, v in items.items() if k != "oneOf"})
        self._kinds = {n: compiled(b) for n, b in zip(names, branches, strict=True)}

    def is_valid(self, result: Any) -> bool:
        if not self._outer.is_valid(result):
            return False
        if self._kinds is None:
            return True
        for event in result.get("events", []):
            if not self._item.is_valid(event):
                return False
            name = event["event"]
            kind = self._kinds.get(name) if isinstance(name, str) else None
            if kind is None or not kind.is_valid(event):
                return False
        return True


@fix("rasa.utils.tensorflow.models:RasaModel.load")
def load_models_without_a_training_step() -> None:
    """Makes ``RasaModel.load`` build a model for prediction only."""
    from rasa.utils.tensorflow.models import RasaModel

    original = RasaModel.load.__func__

    def load(
        cls: type[RasaModel],
        model_file_name: str,
        model_data_example: Any,
        predict_data_example: Any = None,
        finetune_mode: bool = False,
        *args: Any,
        **kwargs: Any,
    ) -> RasaModel:
        if finetune_mode or predict_data_example is None:
            # Further training needs the optimiser state the training step builds.
            return original(
                cls,
                model_file_name,
                model_data_example,
                predict_data_example,
                finetune_mode,
                *args,
                **kwargs,
            )
        model = cls(*args, **kwargs)
        # Only the optimiser's slots stay unrestored: prediction has none.
        model.load_weights(model_file_name).expect_partial()
        model.run_inference(predict_data_example)
        return model

    RasaModel.load = classmethod(load)


@fix("rasa.utils.tensorflow.models:RasaModel._rasa_predict")
def call_traced_predictions_directly() -> None:
    """Makes ``RasaModel._rasa_predict`` call its traced prediction graph itself once
    it is traced, with the batch as tensors."""
    import tensorflow as tf
    from keras.utils import tf_utils
    from rasa.shared.constants import DIAGNOSTIC_DATA
    from rasa.utils.tensorflow.models import RasaModel

    original = RasaModel._rasa_predict

    def rasa_predict(self: RasaModel, batch_in: tuple) -> dict[str, Any]:
        traced = self.__dict__.get("_traced_prediction")
        if (
            self._run_eagerly
            or traced is None
            or traced[0] is not self._tf_predict_step
            or len(batch_in) != traced[2]
        ):
            outputs = original(self, batch_in)
            if not self._run_eagerly and self._tf_predict_step is not None:
                concrete = self._tf_predict_step.get_concrete_function()
                # Kept out of Keras's attribute tracking: not part of the model.
                self.__dict__["_traced_prediction"] = (
                    self._tf_predict_step,
                    concrete,
                    len(concrete.structured_input_signature[0][0]),
                )
            return outputs
        if self._training is not False:
            self._training = False
        concrete = traced[1]
        outputs = tf_utils.sync_to_numpy_or_python_type(
            concrete._call_flat(
                [tf.convert_to_tensor(part) for part in batch_in],
                concrete.captured_inputs,
            )
        )
        if DIAGNOSTIC_DATA in outputs:
            outputs[DIAGNOSTIC_DATA] = self._empty_lists_to_none_in_dict(
                outputs[DIAGNOSTIC_DATA]
            )
        return outputs

    RasaModel._rasa_predict = rasa_predict


@fix("rasa.engine.graph:GraphSchema.minimal_graph_schema")
def work_out_each_graph_part_once() -> None:
    """Makes ``GraphSchema.minimal_graph_schema`` remember its answer per set of targets."""
    from rasa.engine.graph import GraphSchema

    original = GraphSchema.minimal_graph_schema

    def minimal_graph_schema(
        self: GraphSchema, targets: list[str] | None = None
    ) -> GraphSchema:
        parts = self.__dict__.setdefault("_parts_by_targets", {})
        key = tuple(targets) if targets else None
        if key not in parts:
            parts[key] = original(self, targets)
        return parts[key]

    GraphSchema.minimal_graph_schema = minimal_graph_schema


@fix("rasa.utils.endpoints:EndpointConfig.session")
def keep_connections_to_endpoints() -> None:
    """Makes ``EndpointConfig.request`` reuse one session per endpoint and event loop,
    which encodes its JSON with ujson."""
    import aiohttp
    import ujson
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

    # Per event loop: endpoint id -> (the endpoint, kept alive so its id stays its own;
    # its session).
    kept_by_loop: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    class Borrowed:
        """``async with`` gives the kept session and leaves it open afterwards."""

        def __init__(self, session: aiohttp.ClientSession) -> None:
            self._session = session

        async def __aenter__(self) -> aiohttp.ClientSession:
            return self._session

        async def __aexit__(self, *exc_info: object) -> None:
            return None

    def session(self: EndpointConfig) -> Borrowed:
        kept_here = kept_by_loop.setdefault(asyncio.get_running_loop(), {})
        _, kept = kept_here.get(id(self), (self, None))
        if kept is None or kept.closed:
            auth = (
                aiohttp.BasicAuth(
                    self.basic_auth["username"], self.basic_auth["password"]
                )
                if self.basic_auth
                else None
            )
            kept = aiohttp.ClientSession(
                headers=self.headers,
                json_serialize=ujson.dumps,
                auth=auth,
                timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                connector=aiohttp.TCPConnector(
                    keepalive_timeout=IDLE_CONNECTION_KEPT_S
                ),
            )
            kept_here[id(self)] = (self, kept)
        return Borrowed(kept)

    EndpointConfig.session = session


@fix("rasa.shared.core.events:Event.resolve_by_type")
def find_each_event_class_once() -> None:
    """Makes ``Event.resolve_by_type`` remember the class found for each type name."""
    from rasa.shared.core.events import Event

    original = Event.resolve_by_type
    found: dict[str, type] = {}

    def resolve_by_type(type_name: str, default: type | None = None) -> type | None:
        if type_name in found:
            return found[type_name]
        cls = original(type_name, default)
        if cls is not None and getattr(cls, "type_name", None) == type_name:
            found[type_name] = cls
        return cls

    Event.resolve_by_type = staticmethod(resolve_by_type)


@fix("rasa.shared.core.trackers:DialogueStateTracker.past_states")
def work_out_dialogue_states_once() -> None:
    """Makes ``DialogueStateTracker.past_states`` replay a tracker's events once, as
    they are appended, and serve every policy's options from that one replay, each
    policy with a copy of its own."""
    from rasa.shared.core.trackers import DialogueStateTracker

    original = DialogueStateTracker.past_states

    def past_states(
        self: DialogueStateTracker,
        domain: Any,
        omit_unset_slots: bool = False,
        ignore_rule_only_turns: bool = False,
        rule_only_data: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        if omit_unset_slots:  # only rules in training ask for it
            return original(
                self, domain, omit_unset_slots, ignore_rule_only_turns, rule_only_data
            )
        history = self.__dict__.get("_dialogue_history")
        if history is None or history.domain is not domain:
            history = self.__dict__["_dialogue_history"] = DialogueHistory(self, domain)
        states = history.states(self, ignore_rule_only_turns, rule_only_data)
        # A state is a dict of dicts of strings and tuples: two levels make it a copy.
        return [{kind: dict(part) for kind, part in state.items()} for state in states]

    DialogueStateTracker.past_states = past_states


class DialogueHistory:
    """The dialogue state before each action of one tracker, for the policies.

    Rasa's ``Domain.states_for_tracker_history`` replays all the applied events of the
    conversation from its start, for each policy at each step of a message: seven or
    eight replays per message here. This replay goes on from where it stopped while the
    tracker's applied events only grow (a form's next step, say, folds its previous
    steps away: then it starts again), and each policy's states are drawn from it by
    Rasa's own steps.
    """

    def __init__(self, tracker: Any, domain: Any) -> None:
        self.domain = domain
        self._restart(tracker)

    def _restart(self, tracker: Any) -> None:
        self._replay = tracker.init_copy()
        self._applied: list[Any] = []
        self._turns: list[_Turn] = []
        self._seen: tuple[int, Any] | None = None

    def states(
        self,
        tracker: Any,
        ignore_rule_only_turns: bool,
        rule_only_data: dict[str, Any] | None,
    ) -> list[dict[str, Any]]:
        # A tracker changes only by events appended: their count and the last one
        # (held here, so it cannot be another object at the same address) say whether
        # it still is the tracker the turns were worked out for.
        latest = tracker.events[-1] if tracker.events else None
        if (
            self._seen is None
            or self._seen[0] != len(tracker.events)
            or self._seen[1] is not latest
        ):
            self._catch_up(tracker)
            self._seen = (len(tracker.events), latest)
            self._states: dict[Any, list[dict[str, Any]]] = {}
        options = (ignore_rule_only_turns, _frozen(rule_only_data))
        states = self._states.get(options)
        if states is None:
            states = self._states[options] = _states_of_turns(
                self.domain,
                [*self._turns, self._final],
                ignore_rule_only_turns,
                rule_only_data,
            )
        return states

    def _catch_up(self, tracker: Any) -> None:
        from rasa.shared.core.events import ActionExecuted

        applied = tracker.applied_events()  # a new list each time: kept as it is
        done = len(self._applied)
        if len(applied) < done or any(
            new is not old
            for new, old in zip(applied[:done], self._applied, strict=True)
        ):
            self._restart(tracker)
            done = 0
        for event in applied[done:]:
            if isinstance(event, ActionExecuted):
                self._turns.append(_Turn.of(self.domain, self._replay, event))
            self._replay.update(event)
        self._applied = applied
        self._final = _Turn.of(self.domain, self._replay, None)


@dataclasses.dataclass(frozen=True)
class _Turn:
    """What ``states_for_tracker_history`` reads of the tracker before an action.

    The user's part is read from the message when the states are drawn, as Rasa's
    replay from the start reads it: while the bot's latest action is to listen, events
    change the latest message itself (the entities added to it, whether its text
    stands for it), turns after it included.
    """

    hide_rule_turn: bool
    may_change_hiding: bool
    latest_message: Any
    slots: dict[str, Any]
    previous_action: dict[str, str] | None
    active_loop: dict[str, Any]

    @classmethod
    def of(cls, domain: Any, tracker: Any, action: Any) -> _Turn:
        return cls(
            hide_rule_turn=bool(action and action.hide_rule_turn),
            # A follow-up action or a loop's happy path keeps a turn as it was.
            may_change_hiding=not tracker.followup_action
            and tracker.latest_action_name != tracker.active_loop_name,
            latest_message=tracker.latest_message,
            slots=domain._get_slots_sub_state(tracker),
            previous_action=domain._get_prev_action_sub_state(tracker),
            active_loop=domain._get_active_loop_sub_state(tracker),
        )


def _states_of_turns(
    domain: Any,
    turns: list[_Turn],
    ignore_rule_only_turns: bool,
    rule_only_data: dict[str, Any] | None,
) -> list[dict[str, Any]]:
    """``Domain.states_for_tracker_history``, the same steps, on the turns replayed."""
    from rasa.shared.core.constants import ACTIVE_LOOP, PREVIOUS_ACTION, SLOTS, USER

    states: list[dict[str, Any]] = []
    last_ml_action = None
    turn_was_hidden = False
    user_parts: dict[int, dict[str, Any]] = {}
    for turn in turns:
        if ignore_rule_only_turns:
            if not turn_was_hidden:
                last_ml_action = turn.previous_action
            if turn.may_change_hiding:
                turn_was_hidden = turn.hide_rule_turn
            if turn_was_hidden:
                continue
        user = user_parts.get(id(turn.latest_message))
        if user is None:  # the turn has the tracker's ``latest_message``
            user = domain._get_user_sub_state(turn)
            user_parts[id(turn.latest_message)] = user
        state = domain._clean_state(
            {
                USER: dict(user),
                SLOTS: dict(turn.slots),
                PREVIOUS_ACTION: turn.previous_action,
                ACTIVE_LOOP: dict(turn.active_loop),
            }
        )
        if ignore_rule_only_turns:
            domain._remove_rule_only_features(state, rule_only_data)
            if states:
                domain._substitute_rule_only_user_input(state, states[-1])
            if last_ml_action:
                state[PREVIOUS_ACTION] = last_ml_action
        states.append(domain._clean_state(state))
    return states


def _frozen(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(item) for item in value)
    return value


@fix("rasa.core.policies.rule_policy:RulePolicy._get_possible_keys")
def match_rules_by_their_latest_turn() -> None:
    """Makes ``RulePolicy._get_possible_keys`` check only the rules whose latest turn
    asks for the conversation's latest action and intent, or for none."""
    from rasa.core.policies.rule_policy import RulePolicy

    original = RulePolicy._get_possible_keys

    def get_possible_keys(
        self: RulePolicy, lookup: dict[str, str], states: list[dict[str, Any]]
    ) -> set[str]:
        if not states:
            return original(self, lookup, states)
        index = _rules_by_latest_turn(self, lookup)
        action, intent = _action_and_intent(states[-1])
        candidates = dict.fromkeys(
            key
            for wanted in (
                (action, intent),
                (action, None),
                (None, intent),
                (None, None),
            )
            for key in index.get(wanted, ())
        )
        return original(self, candidates, states)

    RulePolicy._get_possible_keys = get_possible_keys


def _rules_by_latest_turn(policy: Any, lookup: dict[str, str]) -> dict:
    """The rule keys of a lookup table by the action and intent their latest turn asks
    for (``None``: any), worked out once per table as loaded."""
    from rasa.shared.core.constants import PREVIOUS_ACTION

    kept = policy.__dict__.setdefault("_rules_by_latest_turn", {}).get(id(lookup))
    if kept is not None and kept[0] is lookup and kept[1] == len(lookup):
        return kept[2]
    index: dict[tuple, list[str]] = {}
    for key in lookup:
        latest = policy._rule_key_to_state(key)[-1]
        # A rule whose latest turn is a conversation start matches any such turn
        # whatever else it asks for: Rasa checks it without looking further.
        wanted = (
            _action_and_intent(latest) if PREVIOUS_ACTION in latest else (None, None)
        )
        index.setdefault(wanted, []).append(key)
    policy.__dict__["_rules_by_latest_turn"][id(lookup)] = (lookup, len(lookup), index)
    return index


def _action_and_intent(state: dict[str, Any]) -> tuple[str | None, str | None]:
    """What a turn asks for, or is, as ``RulePolicy._does_rule_match_state`` compares
    it: a value that is unset or must not be set asks for nothing."""
    from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET, USER
    from rasa.shared.nlu.constants import ACTION_NAME, INTENT

    def asked(value: Any) -> Any:
        return value if value and value != SHOULD_NOT_BE_SET else None

    return (
        asked(state.get(PREVIOUS_ACTION, {}).get(ACTION_NAME)),
        asked(state.get(USER, {}).get(INTENT)),
    )


@fix("rasa.shared.nlu.training_data.features:Features._combine_sparse_features")
def join_sparse_features_directly() -> None:
    """Makes ``Features._combine_sparse_features`` join two COO matrices itself."""
    import numpy as np
    import scipy.sparse
    from rasa.shared.nlu.training_data.features import Features

    original = Features._combine_sparse_features

    def combine(self: Features, additional_features: Features) -> None:
        left, right = self.features, additional_features.features
        if not (
            scipy.sparse.isspmatrix_coo(left)
            and scipy.sparse.isspmatrix_coo(right)
            and left.shape[0] == right.shape[0]
        ):
            original(self, additional_features)
            return
        # What ``hstack`` builds for two COO blocks: their entries in block order,
        # the right block's columns shifted past the left's.
        dtype = np.result_type(left.dtype, right.dtype)
        self.features = scipy.sparse.coo_matrix(
            (
                np.concatenate([left.data, right.data]).astype(dtype, copy=False),
                (
                    np.concatenate([left.row, right.row]),
                    np.concatenate([left.col, right.col + left.shape[1]]),
                ),
            ),
            shape=(left.shape[0], left.shape[1] + right.shape[1]),
        )
        self._cached_fingerprint = None

    Features._combine_sparse_features = combine


@fix("rasa.engine.runner.dask:DaskGraphRunner.run")
def run_graph_parts_directly() -> None:
    """Makes ``DaskGraphRunner.run`` evaluate the graph itself instead of ``dask.get``."""
    from rasa.engine.exceptions import GraphRunError
    from rasa.engine.runner.dask import DaskGraphRunner

    def run(
        self: DaskGraphRunner,
        inputs: dict[str, Any] | None = None,
        targets: list[str] | None = None,
    ) -> dict[str, Any]:
        run_targets = targets if targets else self._graph_schema.target_names
        minimal_schema = self._graph_schema.minimal_graph_schema(run_targets)
        run_graph = self._build_dask_graph(minimal_schema)
        if inputs:
            self._add_inputs_to_graph(inputs, run_graph)
        try:
            return dict(evaluate_graph(run_graph, run_targets))
        except RuntimeError as e:
            raise GraphRunError("Error running runner.") from e

    DaskGraphRunner.run = run


def evaluate_graph(graph: dict[Any, Any], targets: list[Any]) -> list[Any]:
    """``dask.get(graph, targets)`` for a graph run in one thread: every task run once,
    after the tasks it needs (``https://docs.dask.org/en/latest/spec.html``)."""
    done: dict[Any, Any] = {}

    def value_of(key: Any) -> Any:
        if key not in done:
            done[key] = evaluated(graph[key])
        return done[key]

    def evaluated(argument: Any) -> Any:
        if isinstance(argument, list):
            return [evaluated(item) for item in argument]
        if isinstance(argument, tuple) and argument and callable(argument[0]):
            function, *arguments = argument
            return function(*(evaluated(item) for item in arguments))
        try:
            is_key = argument in graph
        except TypeError:  # unhashable: a literal
            return argument
        return value_of(argument) if is_key else argument

    for key in graph:
        value_of(key)
    return [value_of(target) for target in targets]


# One message down each path through the models: a guidance question (places, DIET,
# TED), small talk (the response selector too), English.
WARM_UP_TEXTS = ("护照怎么办理", "你是谁", "How do I apply for a work permit?")


@fix("rasa.core.run:load_agent_on_start")
def warm_up_the_models_before_serving() -> None:
    """Makes the server parse a few messages, and predict the next action after each,
    before it serves, so that what they build lazily is built then."""
    import rasa.core.run

    original = rasa.core.run.load_agent_on_start

    async def load_agent_on_start(*args: Any, **kwargs: Any) -> Any:
        agent = await original(*args, **kwargs)
        if agent.is_ready():
            try:
                for text in WARM_UP_TEXTS:
                    await _warm_up(agent, text)
            except Exception:
                rasa.core.run.logger.exception("Warm-up failed; serving unwarmed.")
        return agent

    rasa.core.run.load_agent_on_start = load_agent_on_start


async def _warm_up(agent: Any, text: str) -> None:
    """One message parsed and answered in a conversation of its own that is never
    stored."""
    from rasa.core.channels import UserMessage
    from rasa.shared.core.constants import ACTION_LISTEN_NAME
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    parse = await agent.processor.parse_message(UserMessage(text, sender_id="warm-up"))
    said = UserUttered(text, parse["intent"], parse["entities"], parse)
    tracker = DialogueStateTracker.from_events(
        "warm-up", [ActionExecuted(ACTION_LISTEN_NAME), said], agent.domain.slots
    )
    agent.processor.predict_next_with_tracker(tracker)


# One thread, so that the NLU components (none of them written to be called from two
# threads at once) still see one message at a time, as on the event loop.
NLU_THREAD = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="nlu")


@fix("rasa.core.processor:MessageProcessor.parse_message")
def parse_messages_beside_the_event_loop() -> None:
    """Makes ``MessageProcessor.parse_message`` run the NLU graph in ``NLU_THREAD``
    instead of on the event loop, which meanwhile serves the other conversations."""
    from rasa.core.processor import MessageProcessor, structlogger
    from rasa.shared.core.trackers import DialogueStateTracker

    original = MessageProcessor.parse_message

    async def parse_message(
        self: MessageProcessor,
        message: Any,
        tracker: Any = None,
        only_output_properties: bool = True,
    ) -> dict[str, Any]:
        if self.http_interpreter:
            return await original(self, message, tracker, only_output_properties)
        if tracker is None:
            tracker = DialogueStateTracker.from_events(message.sender_id, [])
        parse_data = await asyncio.get_running_loop().run_in_executor(
            NLU_THREAD,
            self._parse_message_with_graph,
            message,
            tracker,
            only_output_properties,
        )
        self._update_full_retrieval_intent(parse_data)
        structlogger.debug(
            "processor.message.parse",
            parse_data_text=parse_data["text"],
            parse_data_intent=parse_data["intent"],
            parse_data_entities=parse_data["entities"],
        )
        self._check_for_unseen_features(parse_data)
        return parse_data

    MessageProcessor.parse_message = parse_message


class CopiesForDebugLogs(types.ModuleType):
    """The ``copy`` module as a Rasa module sees it: ``deepcopy`` copies only while
    structlog logs debug, since that module deep-copies only for its debug logs."""

    def __init__(self) -> None:
        super().__init__("copy")

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: Any, memo: dict | None = None) -> Any:
        if _debug_is_logged():
            return copy.deepcopy(value, memo)
        return value


def _debug_is_logged() -> bool:
    import structlog

    # A filtering logger's methods below its level are structlog's no-op; anything
    # else (structlog unconfigured, another version) counts as logging.
    debug = structlog.get_config()["wrapper_class"].debug
    return getattr(debug, "__name__", "") != "_nop"


# Modules whose every ``copy.deepcopy`` is an argument to a debug log call.
COPYING_ONLY_FOR_DEBUG_LOGS = (
    "rasa.core.processor",
    "rasa.core.policies.memoization",
    "rasa.core.policies.rule_policy",
)


@fix(*(f"{name}:copy" for name in COPYING_ONLY_FOR_DEBUG_LOGS))
def copy_for_debug_logs_only_when_logged() -> None:
    """Gives the modules that deep-copy only for debug logs a ``copy`` that copies
    only when debug is logged."""
    for name in COPYING_ONLY_FOR_DEBUG_LOGS:
        importlib.import_module(name).copy = CopiesForDebugLogs()


# Rasa's TensorFlow settings (read by ``rasa run``). TensorFlow's default is a thread
# per core in each of its two pools; a prediction here is a few milliseconds of small
# operations, and a replica's cores are shared with its gateway and the action server.
# Handing the operations to other threads costs about a millisecond of CPU per
# prediction and gains no time.
ONE_THREAD_PER_TENSORFLOW_POOL = {
    "TF_INTER_OP_PARALLELISM_THREADS": "1",
    "TF_INTRA_OP_PARALLELISM_THREADS": "1",
}


def use_one_thread_per_tensorflow_pool() -> None:
    """Unless the environment already says how many threads TensorFlow may use."""
    for name, value in ONE_THREAD_PER_TENSORFLOW_POOL.items():
        os.environ.setdefault(name, value)


def main() -> None:
    if sys.argv[1:2] == ["run"]:
        use_one_thread_per_tensorflow_pool()
    leave_out_jax()
    install_fixes()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
