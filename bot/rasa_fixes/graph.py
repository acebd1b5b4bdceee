"""Rasa's prediction graph: each part worked out once, and run without dask's scheduler.

- Every parse and every action prediction runs part of the model's graph, and Rasa
  works out which nodes that part needs anew each time, by a walk that visits shared
  nodes once per path: about 5% of a replica's CPU. The prediction graph never
  changes once loaded, so each part is worked out once.
- Each parse and each prediction runs its part of the graph through dask's
  scheduler, whose ordering and bookkeeping cost about a millisecond per run for the
  dozen components run one after the other anyway. The part is evaluated directly,
  each node once, as dask evaluates it.

Both are patches: Rasa's message processor loads every model with ``DaskGraphRunner``
(``MessageProcessor._load_model`` names the class itself), and no setting names another
graph runner or graph schema.
"""

from __future__ import annotations

from typing import Any


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
