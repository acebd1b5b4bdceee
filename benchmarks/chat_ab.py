"""Chat speed of two versions of the project, compared in interleaved bursts.

The machines here are shared: from one run of ``chat_bench.py`` to the next, the same
code moves by 10% or more, and a slow spell can halve everything for a minute. Two
runs one after the other therefore cannot show a 5% difference. Here both versions run
at once, each in its own production topology with one replica (PostgreSQL, Redis, the
action server, Rasa and the gateway, started by that version's own harness, with that
version's own model), and the load alternates between them in short bursts: A, B, B, A,
A, B, … Whatever slows the machine slows both sides of a pair alike, so each pair's
ratio is measured on the same machine state. The idle side costs next to nothing while
the other is loaded.

Each burst is ``chat_bench``'s gateway scenario: ``--sessions`` closed-loop sessions of
guidance conversations through ``/api/v1/chat``. For each burst: messages per second,
p95 latency, and the CPU time per message of every process of the side (from /proc,
PostgreSQL's backends included). The report gives each side's medians and the median
of the per-pair ratios.

    python benchmarks/chat_ab.py --a TREE --a-model MODEL --b TREE --b-model MODEL
        [--pairs 8] [--burst 10] [--sessions 10] [--results PATH]

``TREE`` is a checkout of the project (``git worktree add /tmp/before REV``); each side
runs with the interpreter given by ``--python`` (this one by default) and that tree
first on its path. Prints a table and writes ``benchmarks/results/chat_ab.json`` (or
``--results``).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import httpx  # noqa: E402

from benchmarks.chat_bench import Send, closed_loop, gateway_chat  # noqa: E402
from benchmarks.report import write_results  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "chat_ab.json"

# Run inside each tree with that tree first on the path: starts its topology with its
# own harness, says where the gateway is, then answers "cpu" with every process's CPU
# seconds until its standard input closes. Harnesses before the structure change
# lived in tests/production/topology.py.
HOLDER = textwrap.dedent(
    """
    import json, os, sys, tempfile
    from pathlib import Path
    try:
        from harness.production import production_topology
    except ImportError:
        from tests.production.topology import production_topology
    model, logs = Path(sys.argv[1]), Path(tempfile.mkdtemp(prefix="chat-ab-"))
    with production_topology(model, logs, replicas=1) as topology:
        pids = {name: p.pid for name, p in topology.named_processes().items()}
        print(json.dumps({"gateway": topology.replicas[0].gateway_url,
                          "logs": str(logs), "pids": pids}), flush=True)
        for line in sys.stdin:
            if line.strip() == "cpu":
                print(json.dumps(topology.cpu_s()), flush=True)
    """
)


class Side:
    """One version's topology, held by a subprocess running in its tree."""

    def __init__(self, name: str, tree: Path, model: Path, python: str) -> None:
        self.name, self.tree, self.model = name, tree, model
        env = {
            **os.environ,
            "PYTHONPATH": str(tree),
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "HOTLINE_RATE_LIMIT_PER_IP": "1000000/minute",
        }
        self.process = subprocess.Popen(
            [python, "-c", HOLDER, str(model)],
            cwd=tree,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        started = self._read()
        self.gateway, self.logs = started["gateway"], started["logs"]
        self.pids: dict[str, int] = started["pids"]
        self.send = _chat_sender(self.gateway)

    def cpu_s(self) -> dict[str, float]:
        assert self.process.stdin is not None
        self.process.stdin.write("cpu\n")
        self.process.stdin.flush()
        return self._read()

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=120)

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(
                f"side {self.name} ({self.tree}) stopped; see its output"
            )
        return json.loads(line)


def _chat_sender(gateway: str) -> Send:
    """``chat_bench``'s widget, which lets the gateway issue each session; versions
    before signed sessions (issue 25) wanted the client's own session id instead."""
    widget = gateway_chat([gateway])
    answer = httpx.post(f"{gateway}/api/v1/chat", json={"text": "你好"}, timeout=60)
    if answer.status_code != 422:
        return widget

    async def own_sessions(client: aiohttp.ClientSession, session: str, text: str):
        async with client.post(
            f"{gateway}/api/v1/chat", json={"session_id": session, "text": text}
        ) as answer:
            await answer.read()
            return answer.status, False

    return own_sessions


def burst(side: Side, sessions: int, seconds: float) -> dict[str, Any]:
    before = side.cpu_s()
    row = asyncio.run(closed_loop(side.send, sessions, seconds))
    after = side.cpu_s()
    if row["errors"]:
        raise RuntimeError(f"side {side.name}: {row['errors']} errors; see {side.logs}")
    spent = {
        name: 1000 * (after[name] - before[name]) / max(row["messages"], 1)
        for name in after
    }
    row["cpu_ms_per_message"] = round(sum(spent.values()), 2)
    row["cpu_ms_by_process"] = {k: round(v, 2) for k, v in spent.items()}
    row["load_average_1m"] = round(os.getloadavg()[0], 2)
    return row


def compare(args: argparse.Namespace) -> dict[str, Any]:
    a = Side("a", args.a, args.a_model, args.python)
    try:
        b = Side("b", args.b, args.b_model, args.python)
        try:
            for side in (a, b):  # indexes, TensorFlow's first runs
                asyncio.run(closed_loop(side.send, 2, 5))
            bursts: dict[str, list[dict[str, Any]]] = {"a": [], "b": []}
            for pair in range(args.pairs):
                order = (a, b) if pair % 2 == 0 else (b, a)
                for side in order:
                    row = burst(side, args.sessions, args.burst)
                    bursts[side.name].append(row)
                    print(
                        f"pair {pair + 1} {side.name}: {row['per_s']} msg/s, "
                        f"p95 {row['p95_ms']} ms, {row['cpu_ms_per_message']} ms CPU, "
                        f"load {row['load_average_1m']}",
                        flush=True,
                    )
        finally:
            b.close()
    finally:
        a.close()
    return {
        "measured_at": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} cores",
        "a": {"tree": str(args.a), "model": str(args.a_model), **_revision(args.a)},
        "b": {"tree": str(args.b), "model": str(args.b_model), **_revision(args.b)},
        "pairs": args.pairs,
        "burst_s": args.burst,
        "sessions": args.sessions,
        "summary": summarise(bursts),
        "bursts": bursts,
    }


def summarise(bursts: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Each side's medians, and the median of the pairs' ratios (b / a)."""
    found: dict[str, Any] = {}
    for key in ("per_s", "p95_ms", "cpu_ms_per_message"):
        a = [row[key] for row in bursts["a"]]
        b = [row[key] for row in bursts["b"]]
        found[key] = {
            "a_median": round(statistics.median(a), 2),
            "b_median": round(statistics.median(b), 2),
            "ratio_b_to_a_median": round(
                statistics.median(y / x for x, y in zip(a, b, strict=True)), 3
            ),
            "ratios": [round(y / x, 3) for x, y in zip(a, b, strict=True)],
        }
    return found


def _revision(tree: Path) -> dict[str, str]:
    found = subprocess.run(
        ["git", "-C", str(tree), "log", "-1", "--format=%h %s"],
        capture_output=True,
        text=True,
    )
    return {"revision": found.stdout.strip()} if found.returncode == 0 else {}


def report(results: dict[str, Any]) -> None:
    print(
        f"\nA: {results['a'].get('revision', results['a']['tree'])}"
        f"\nB: {results['b'].get('revision', results['b']['tree'])}"
        f"\n{results['pairs']} pairs of {results['burst_s']} s bursts, "
        f"{results['sessions']} sessions, one replica each\n"
    )
    print("| measure | A median | B median | B / A, median of pairs |")
    print("| --- | --- | --- | --- |")
    names = {
        "per_s": "msg/s",
        "p95_ms": "p95 ms",
        "cpu_ms_per_message": "CPU ms per message",
    }
    for key, name in names.items():
        row = results["summary"][key]
        print(
            f"| {name} | {row['a_median']} | {row['b_median']} "
            f"| {row['ratio_b_to_a_median']} |"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--a", type=Path, required=True, help="the tree before")
    parser.add_argument("--a-model", type=Path, required=True)
    parser.add_argument("--b", type=Path, required=True, help="the tree after")
    parser.add_argument("--b-model", type=Path, required=True)
    parser.add_argument("--pairs", type=int, default=8)
    parser.add_argument("--burst", type=float, default=10.0, help="s per burst")
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--results", type=Path, default=RESULTS, help="JSON written")
    args = parser.parse_args()
    results = compare(args)
    report(results)
    write_results(args.results, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
