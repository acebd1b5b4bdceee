"""Every fix to Rasa in one table: what it replaces, where it lives, how it comes into effect.

Two kinds, both listed in ``FIXES`` under the name of what does the work:

- **Subclass fixes** live in the classes that ``config.yml`` and the endpoints file
  name (``bot/components/``, ``bot/tracker_store.py``), through Rasa's extension points:
  in effect wherever those classes are loaded. ``overrides`` lists the attributes of
  ours that override Rasa's.
- **Patches** replace attributes of Rasa's own classes for the whole process, because
  no extension point reaches them (each area module says why). ``install`` does it;
  ``python -m bot.server`` installs them all before Rasa starts.

Both read private members of Rasa and TensorFlow, so both come into effect only on the
Rasa they were written for, ``RASA_VERSION``: on another, the server refuses to start
and a component carrying a fix refuses to load (``RasaVersionError``), unless
``HOTLINE_RASA_FIXES=off`` runs Rasa without them. ``docs/rasa-fixes.md`` gives each
fix's reason, saving, equivalence test and what an upgrade must check;
``benchmarks/rasa_fixes_bench.py`` switches each off and on again.

Attributes are written ``"module:Owner.attribute"`` (or ``"module:attribute"``) and
resolved only when asked for, so that reading this table imports neither Rasa nor
TensorFlow.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import importlib.metadata
from collections.abc import Callable
from typing import Any

from bot.rasa_fixes import (
    actions_endpoint,
    debug_logs,
    events,
    features,
    graph,
    nlu_thread,
    warm_up,
)

# The Rasa whose private members the fixes read (constraints.txt pins it).
RASA_VERSION = "3.6.21"


@dataclasses.dataclass(frozen=True)
class Fix:
    """One fix: the Rasa attributes whose work it does, and how it does it.

    Args:
        replaces: Rasa's attributes whose work the fix does instead.
        install: a patch's installer, which replaces them in Rasa's classes.
        overrides: a subclass fix's attributes, which override them in classes of ours.
        switchable: whether ``HOTLINE_RASA_FIXES=off`` (and the benchmark) switch it
            off; a fix that is part of what the assistant does is never switched off.
    """

    replaces: tuple[str, ...]
    install: Callable[[], None] | None = None
    overrides: tuple[str, ...] = ()
    switchable: bool = True


FIXES: dict[str, Fix] = {
    # actions_endpoint.py
    "validate_action_results_once_compiled": Fix(
        replaces=("rasa.core.actions.action:RemoteAction._validate_action_result",),
        install=actions_endpoint.validate_action_results_once_compiled,
    ),
    "keep_connections_to_endpoints": Fix(
        replaces=("rasa.utils.endpoints:EndpointConfig.session",),
        install=actions_endpoint.keep_connections_to_endpoints,
    ),
    # tensorflow_models.py, in bot/components/{diet_classifier,retrieval_selector,
    # ted_policy}.py
    "load_models_without_a_training_step": Fix(
        replaces=("rasa.utils.tensorflow.models:RasaModel.load",),
        overrides=("bot.rasa_fixes.tensorflow_models:PredictingModel.load",),
    ),
    "call_traced_predictions_directly": Fix(
        replaces=("rasa.utils.tensorflow.models:RasaModel._rasa_predict",),
        overrides=("bot.rasa_fixes.tensorflow_models:PredictingModel._rasa_predict",),
    ),
    # graph.py
    "work_out_each_graph_part_once": Fix(
        replaces=("rasa.engine.graph:GraphSchema.minimal_graph_schema",),
        install=graph.work_out_each_graph_part_once,
    ),
    "run_graph_parts_directly": Fix(
        replaces=("rasa.engine.runner.dask:DaskGraphRunner.run",),
        install=graph.run_graph_parts_directly,
    ),
    # events.py
    "find_each_event_class_once": Fix(
        replaces=("rasa.shared.core.events:Event.resolve_by_type",),
        install=events.find_each_event_class_once,
    ),
    # dialogue_states.py, in bot/components/{memoization,rule,ted}_policy.py
    "work_out_dialogue_states_once": Fix(
        replaces=(
            "rasa.core.featurizers.tracker_featurizers:TrackerFeaturizer._create_states",
        ),
        overrides=(
            "bot.rasa_fixes.dialogue_states:SharedStatesFeaturizer._create_states",
        ),
    ),
    # rules.py, in bot/components/rule_policy.py
    "match_rules_by_their_latest_turn": Fix(
        replaces=("rasa.core.policies.rule_policy:RulePolicy._get_possible_keys",),
        overrides=("bot.rasa_fixes.rules:RulesByLatestTurn._get_possible_keys",),
    ),
    # features.py
    "join_sparse_features_directly": Fix(
        replaces=(
            "rasa.shared.nlu.training_data.features:Features._combine_sparse_features",
        ),
        install=features.join_sparse_features_directly,
    ),
    # debug_logs.py
    "copy_for_debug_logs_only_when_logged": Fix(
        replaces=tuple(
            f"{name}:copy" for name in debug_logs.COPYING_ONLY_FOR_DEBUG_LOGS
        ),
        install=debug_logs.copy_for_debug_logs_only_when_logged,
    ),
    # nlu_thread.py
    "parse_messages_beside_the_event_loop": Fix(
        replaces=("rasa.core.processor:MessageProcessor.parse_message",),
        install=nlu_thread.parse_messages_beside_the_event_loop,
    ),
    # warm_up.py
    "warm_up_the_models_before_serving": Fix(
        replaces=("rasa.core.run:load_agent_on_start",),
        install=warm_up.warm_up_the_models_before_serving,
    ),
    # bot/tracker_store.py: what the gateway channel answers with (bot/gateway_channel.py),
    # so never switched off. It reads no private member of Rasa's.
    "hear_saved_trackers": Fix(
        replaces=(
            "rasa.core.tracker_store:InMemoryTrackerStore.save",
            "rasa.core.tracker_store:SQLTrackerStore.save",
        ),
        overrides=(
            "bot.tracker_store:GatewayInMemoryTrackerStore.save",
            "bot.tracker_store:CountingSQLTrackerStore.save",
        ),
        switchable=False,
    ),
}


class RasaVersionError(RuntimeError):
    """The installed Rasa is not the one the fixes were written for."""


def installed_rasa_version() -> str:
    # From the package's metadata: importing rasa would import TensorFlow.
    return importlib.metadata.version("rasa")


def check_rasa_version() -> None:
    """Raises ``RasaVersionError`` unless the installed Rasa is ``RASA_VERSION``."""
    found = installed_rasa_version()
    if found != RASA_VERSION:
        raise RasaVersionError(
            f"Rasa {found} is installed, but bot.rasa_fixes were written for Rasa "
            f"{RASA_VERSION} and read its private members. Install rasa=={RASA_VERSION} "
            "(constraints.txt), or set HOTLINE_RASA_FIXES=off to run Rasa without the "
            "fixes (docs/rasa-fixes.md)."
        )


def fixes_are_on(settings: Any = None) -> bool:
    """Whether the fixes come into effect: ``HOTLINE_RASA_FIXES`` (``settings.rasa_fixes``).

    Raises:
        RasaVersionError: they are on, and the installed Rasa is not ``RASA_VERSION``.
    """
    if settings is None:
        from foundation.settings import get_settings

        settings = get_settings()
    if not settings.rasa_fixes:
        return False
    check_rasa_version()
    return True


def install_fixes(settings: Any = None) -> None:
    """Installs every patch; with ``HOTLINE_RASA_FIXES=off``, switches every fix off.

    Raises:
        RasaVersionError: the fixes are on, and the installed Rasa is not
            ``RASA_VERSION``; nothing is installed.
    """
    if not fixes_are_on(settings):
        switch_off_subclass_fixes()
        return
    for fix in FIXES.values():
        if fix.install is not None:
            fix.install()


@functools.cache
def check_in() -> None:
    """Once per process, before a class carrying subclass fixes is used: checks the
    version, or with ``HOTLINE_RASA_FIXES=off`` switches the subclass fixes off."""
    if not fixes_are_on():
        switch_off_subclass_fixes()


def switch_off_subclass_fixes() -> None:
    """Takes our overriding attributes away, so that Rasa's own are used."""
    for name, fix in FIXES.items():
        if fix.switchable:
            for owner, attribute in overriding_attributes(name):
                if attribute in vars(owner):
                    delattr(owner, attribute)


def resolve(target: str) -> tuple[Any, str]:
    """The owner and name of an attribute written ``"module:Owner.attribute"``."""
    module, _, path = target.partition(":")
    *owners, attribute = path.split(".")
    owner: Any = importlib.import_module(module)
    for part in owners:
        owner = getattr(owner, part)
    return owner, attribute


def replaced_attributes(name: str) -> list[tuple[Any, str]]:
    """The owner and name of each Rasa attribute whose work the fix ``name`` does."""
    return [resolve(target) for target in FIXES[name].replaces]


def overriding_attributes(name: str) -> list[tuple[Any, str]]:
    """The owner and name of each attribute of ours that the subclass fix ``name``
    overrides Rasa's with (none for a patch)."""
    return [resolve(target) for target in FIXES[name].overrides]


class FixedComponent:
    """Goes first in a component's bases when the component carries subclass fixes:
    checks in (``check_in``) before it is created or loaded."""

    @classmethod
    def create(cls, *args: Any, **kwargs: Any) -> Any:
        check_in()
        return super().create(*args, **kwargs)  # type: ignore[misc]

    @classmethod
    def load(cls, *args: Any, **kwargs: Any) -> Any:
        check_in()
        return super().load(*args, **kwargs)  # type: ignore[misc]
