"""Rasa's CPU per message with and without the project's fixes, in one process.

End-to-end runs on this VM vary by up to a third from one run to the next, more than
most single fixes save. Here one Rasa agent (the production model, PostgreSQL tracker
store, Redis lock store, the real action server) answers the benchmark's guidance
conversations in alternating rounds: Rasa as it comes, then with the fixes of
``bot/rasa_fixes`` and the project's tracker store, and so on. Drift of the machine
falls on both alike, and the medians compare. A patch is switched off by putting Rasa's
attributes back, a subclass fix (in the components of ``config.yml``) by taking away
the attributes with which it overrides Rasa's.

Measured per message: CPU time of the process (``time.process_time``: Rasa's own work,
not the action server's or PostgreSQL's), wall time, and the time inside NLU's DIET and
each policy. Left the same in both: loading a model for prediction only (a fix to
memory, not to CPU per message), the warm-up before serving (a fix to the first
messages after a start), TED's memory of its predictions (part of the model,
``config.yml``), the lock store (Rasa's own polls once a second), and TensorFlow's
threads: one per pool, as ``bot.server run`` sets them, since TensorFlow fixes
them once per process (``--tensorflow-default-threads``: TensorFlow's own default, a
thread per core, for a run to compare with).

    python benchmarks/rasa_fixes_bench.py [--model PATH] [--rounds 6]
        [--without FIX ...]   (also all fixes but FIX: what FIX alone saves)
        [--tensorflow-default-threads]

Prints a table and writes ``benchmarks/results/rasa_fixes.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import datetime as dt
import functools
import logging
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results" / "rasa_fixes.json"

from benchmarks.chat_bench import CONVERSATIONS  # noqa: E402
from benchmarks.report import write_results  # noqa: E402

# Where a subclass fix has no attribute of its own: Rasa's inherited one is used.
_ABSENT = object()


def _fixes() -> dict[str, list[tuple[object, str]]]:
    """Each fix of ``bot/rasa_fixes`` that can be switched off, and the attributes that
    switch it: Rasa's that a patch replaces, or ours that a subclass fix overrides
    Rasa's with."""
    from bot import rasa_fixes

    return {
        name: (
            rasa_fixes.replaced_attributes(name)
            if fix.install
            else rasa_fixes.overriding_attributes(name)
        )
        for name, fix in rasa_fixes.FIXES.items()
        if fix.switchable
    }


def _switch(owner: object, attribute: str, value: object) -> None:
    if value is not _ABSENT:
        setattr(owner, attribute, value)
    elif attribute in vars(owner):
        delattr(owner, attribute)


def _time_spent_in(spent: collections.Counter) -> None:
    """Adds each call's duration to ``spent`` under the component's name."""
    from rasa.core.policies.memoization import MemoizationPolicy
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.nlu.classifiers.diet_classifier import DIETClassifier

    from bot.components.ted_policy import CachedTEDPolicy

    for cls, name, label in [
        (DIETClassifier, "process", "DIET"),
        (MemoizationPolicy, "predict_action_probabilities", "memoization"),
        (RulePolicy, "predict_action_probabilities", "rules"),
        (CachedTEDPolicy, "predict_action_probabilities", "TED"),
    ]:
        original = getattr(cls, name)

        @functools.wraps(original)
        def timed(*args, _original=original, _label=label, **kwargs):
            started = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_label] += time.perf_counter() - started

        setattr(cls, name, timed)


async def _measure(
    model: Path, endpoints_file: Path, rounds: int, left_out: list[str]
) -> dict:
    from rasa.core.agent import load_agent
    from rasa.core.channels import CollectingOutputChannel, UserMessage
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.core.utils import AvailableEndpoints

    from bot import rasa_fixes

    attributes = _fixes()
    # The raw attributes, so that a static method stays one when put back.
    as_rasa = {
        name: [
            vars(o)[a] if rasa_fixes.FIXES[name].install else _ABSENT for o, a in pairs
        ]
        for name, pairs in attributes.items()
    }
    rasa_fixes.install_fixes()
    fixed = {name: [vars(o)[a] for o, a in pairs] for name, pairs in attributes.items()}
    spent: collections.Counter = collections.Counter()
    _time_spent_in(spent)

    endpoints = AvailableEndpoints.read_endpoints(str(endpoints_file))
    agent = await load_agent(model_path=str(model), endpoints=endpoints)
    ours = agent.tracker_store
    keys = dict(endpoints.tracker_store.kwargs)
    rasas = SQLTrackerStore(
        domain=agent.domain, host=endpoints.tracker_store.url, **keys
    )
    # A variant: the fixes it has on, and its tracker store.
    variants = {
        "Rasa as it comes": (set(), rasas),
        "with the fixes": (set(attributes), ours),
        **{f"without {name}": (set(attributes) - {name}, ours) for name in left_out},
    }

    async def one_round(name: str) -> dict:
        on, store = variants[name]
        for fix, pairs in attributes.items():
            methods = fixed[fix] if fix in on else as_rasa[fix]
            for (owner, attribute), method in zip(pairs, methods, strict=True):
                _switch(owner, attribute, method)
        agent.tracker_store = agent.processor.tracker_store = store
        spent.clear()
        messages = 0
        cpu, wall = time.process_time(), time.perf_counter()
        for conversation in CONVERSATIONS * 2:
            sender = f"fixes-bench-{uuid.uuid4().hex[:12]}"
            for text in conversation:
                await agent.handle_message(
                    UserMessage(text, CollectingOutputChannel(), sender)
                )
                messages += 1
        return {
            "cpu_ms": (time.process_time() - cpu) * 1000 / messages,
            "wall_ms": (time.perf_counter() - wall) * 1000 / messages,
            **{f"{k}_ms": v * 1000 / messages for k, v in spent.items()},
        }

    for name in variants:  # warm-up: TensorFlow's first calls, caches, connections
        await one_round(name)
    measured: dict[str, list[dict]] = {name: [] for name in variants}
    order = list(variants)
    for number in range(rounds):
        for name in order[number % len(order) :] + order[: number % len(order)]:
            measured[name].append(await one_round(name))
    return {
        name: {
            key: round(statistics.median(r[key] for r in results), 2)
            for key in results[0]
        }
        | {"rounds": len(results)}
        for name, results in measured.items()
    }


def run(
    model: Path, rounds: int, left_out: list[str], tensorflow_default_threads: bool
) -> dict:
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog
    from rasa.utils.tensorflow.environment import setup_tf_environment

    from bot.server import use_one_thread_per_tensorflow_pool
    from foundation.rasa_endpoints import write_endpoints
    from harness.production import production_topology

    if not tensorflow_default_threads:
        use_one_thread_per_tensorflow_pool()
    setup_tf_environment()
    # As ``rasa run`` logs by default: debug logging would cost more than any fix.
    configure_logging_and_warnings(logging.INFO)
    configure_structlog(logging.INFO)
    logs = Path(tempfile.mkdtemp(prefix="hotline-fixes-bench-"))
    with production_topology(model, logs, replicas=0) as topology:
        endpoints_file = write_endpoints(topology.settings(), logs / "endpoints.yml")
        medians = asyncio.run(_measure(model, endpoints_file, rounds, left_out))
    return {
        "measured_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} cores",
        "model": str(model),
        "tensorflow_threads": "default" if tensorflow_default_threads else "1 per pool",
        "messages_per_round": sum(len(c) for c in CONVERSATIONS) * 2,
        "medians_per_message": medians,
    }


def print_report(report: dict) -> None:
    medians = report["medians_per_message"]
    columns = sorted({k for row in medians.values() for k in row if k.endswith("_ms")})
    print(f"\nmeasured {report['measured_at']} on {report['machine']}")
    print(
        f"model {report['model']}; TensorFlow threads {report['tensorflow_threads']}; "
        f"{report['messages_per_round']} messages a round; "
        "medians per message, ms\n"
    )
    width = max(len(name) for name in medians) + 2
    print(f"{'':<{width}}" + "".join(f"{c.removesuffix('_ms'):>13}" for c in columns))
    for name, row in medians.items():
        print(f"{name:<{width}}" + "".join(f"{row.get(c, 0):>13}" for c in columns))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--model", type=Path, default=ROOT / "models" / "hotline.tar.gz"
    )
    parser.add_argument("--rounds", type=int, default=6, help="rounds per variant")
    parser.add_argument(
        "--without",
        action="append",
        default=[],
        metavar="FIX",
        help="also measure all fixes but this one (its function's name); repeatable",
    )
    parser.add_argument(
        "--tensorflow-default-threads",
        action="store_true",
        help="TensorFlow's default threads (one per core) instead of one per pool",
    )
    args = parser.parse_args()
    unknown = set(args.without) - set(_fixes())
    if unknown:
        parser.error(f"no such fix: {', '.join(sorted(unknown))} (see bot/rasa_fixes)")
    report = run(args.model, args.rounds, args.without, args.tensorflow_default_threads)
    print_report(report)
    write_results(RESULTS, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
