"""Chat latency and throughput of the production topology, and what each process costs.

Starts the two-replica topology (harness/production.py: PostgreSQL, Redis, one
action server, two Rasa + gateway replicas) plus a plain ``rasa run`` with the same model
(in-memory stores, no gateway) for comparison, then measures in one run:

- chat through the gateway at 1, 10 and 50 concurrent sessions, one replica and two
  (each message to either gateway: no sticky sessions); closed loop, no think time, each
  session a guidance conversation (question, then elliptic follow-ups);
- the same conversations on Rasa's REST channel directly: a replica's Rasa (SQL tracker
  store, Redis lock store) and the plain one;
- agent suggestions (``POST /api/v1/agent/suggest``) and NLU parsing (``/model/parse``);
- resident memory (now and peak) of every process, and the CPU time each one spends per
  message in every scenario (which process bounds the throughput), from /proc;
- knowledge-base search at 3,622 services, from benchmarks/results/search.json;
- model training time of the real config.yml: timed here with ``--train``, otherwise
  carried over from the previous ``--train`` run (the table says which).

The replicas run Rasa as the project does (``python -m bot.server``, with the fixes of
``bot/rasa_fixes``); the plain ``rasa run`` is Rasa's own command, with the fixes the
model's components carry switched off (``HOTLINE_RASA_FIXES=off``).

    python benchmarks/chat_bench.py [--duration 20] [--levels 1,10,50] [--train]
        [--model PATH]

Prints a table and writes ``benchmarks/results/chat.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.report import write_results  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "chat.json"
SEARCH_RESULTS = ROOT / "benchmarks" / "results" / "search.json"
TARGETS = {
    "chat_p95_ms_at_10": 200,
    "msgs_per_s_per_replica": 50,
    "suggest_p95_ms": 50,
    "rss_mb_per_replica": 1536,
}
CONVERSATIONS = [
    ["刚来上海工作，居住证要怎么办", "那要带啥？", "要多久？", "在哪办"],
    ["护照怎么办理", "要带什么材料", "要交钱吗", "多久能拿到"],
    ["结婚登记需要什么", "要带户口本吗", "在哪里办", "要钱吗"],
    ["公积金租房提取怎么弄", "需要啥证件", "要多久啊", "能网上办吗"],
]
SUGGEST_TEXTS = [
    "市民来电问刚来上海工作居住证怎么办理",
    "来电人想了解护照办理需要哪些材料",
    "楼上半夜装修电钻声很吵",
    "公积金租房提取要多久能到账",
    "小区门口共享单车乱停放",
]
UNAVAILABLE_PREFIX = "抱歉，系统暂时繁忙"

# The client is aiohttp's: it shares the replicas' two cores, and httpx spent about 2 ms
# of CPU per message there, more than the action server or PostgreSQL.
Send = Callable[[aiohttp.ClientSession, str, str], Awaitable[tuple[int, bool]]]


# --- what one message is, per target ---------------------------------------------


def gateway_chat(urls: list[str]) -> Send:
    """The widget's way: the first message of a conversation goes without a session,
    the session the gateway issues is sent with the next."""
    cycle = itertools.cycle(urls)
    issued: dict[str, str] = {}

    async def send(client: aiohttp.ClientSession, session: str, text: str):
        body = {"text": text}
        if session in issued:
            body["session_id"] = issued[session]
        async with client.post(f"{next(cycle)}/api/v1/chat", json=body) as answer:
            if answer.status != 200:
                return answer.status, False
            said = await answer.json()
            issued[session] = said["session_id"]
            replies = said["replies"]
        degraded = any(r["text"].startswith(UNAVAILABLE_PREFIX) for r in replies)
        return 200, degraded

    return send


def rasa_rest(url: str, headers: dict[str, str]) -> Send:
    """Rasa's REST channel, as the harness serves it; ``headers`` hold the internal
    token."""

    async def send(client: aiohttp.ClientSession, session: str, text: str):
        async with client.post(
            f"{url}/webhooks/rest/webhook",
            json={"sender": session, "message": text},
            headers=headers,
        ) as answer:
            if answer.status != 200:
                return answer.status, False
            return 200, not await answer.json()

    return send


def suggest(url: str, token: str) -> Send:
    texts = itertools.cycle(SUGGEST_TEXTS)

    async def send(client: aiohttp.ClientSession, session: str, text: str):
        async with client.post(
            f"{url}/api/v1/agent/suggest",
            json={"text": next(texts)},
            headers={"Authorization": f"Bearer {token}"},
        ) as answer:
            await answer.read()
            return answer.status, False

    return send


def nlu_parse(url: str, headers: dict[str, str]) -> Send:
    async def send(client: aiohttp.ClientSession, session: str, text: str):
        async with client.post(
            f"{url}/model/parse", json={"text": text}, headers=headers
        ) as answer:
            await answer.read()
            return answer.status, False

    return send


# --- the closed loop ----------------------------------------------------------------


async def closed_loop(send: Send, concurrency: int, duration_s: float) -> dict:
    """``concurrency`` sessions each send the next message as soon as one is answered."""
    latencies: list[float] = []
    errors = degraded = 0
    deadline = time.monotonic() + duration_s

    async def session_worker(client: aiohttp.ClientSession, number: int) -> None:
        nonlocal errors, degraded
        for turn in itertools.count():
            conversation = CONVERSATIONS[(number + turn // 4) % len(CONVERSATIONS)]
            if turn % 4 == 0:
                session = f"bench-{uuid.uuid4().hex[:12]}"
            if time.monotonic() >= deadline:
                return
            started = time.perf_counter()
            try:
                status, was_degraded = await send(
                    client, session, conversation[turn % 4]
                )
            except (aiohttp.ClientError, asyncio.TimeoutError):
                status, was_degraded = 599, False
            latencies.append((time.perf_counter() - started) * 1000)
            errors += status >= 400
            degraded += was_degraded

    connector = aiohttp.TCPConnector(limit=concurrency + 5)
    timeout = aiohttp.ClientTimeout(total=120)
    started = time.monotonic()
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as client:
        await asyncio.gather(*(session_worker(client, n) for n in range(concurrency)))
    elapsed = time.monotonic() - started
    return {
        "concurrency": concurrency,
        "messages": len(latencies),
        "errors": errors,
        "degraded": degraded,
        "per_s": round(len(latencies) / elapsed, 1),
        **_percentiles(latencies),
    }


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values) or [float("nan")]

    def at(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))], 1)

    return {"p50_ms": at(50), "p95_ms": at(95), "p99_ms": at(99)}


# --- extra measurements -------------------------------------------------------------


def _cpu_s(topology) -> dict[str, float]:
    """CPU time used so far by every process of the run, this benchmark's client too."""
    own = os.times()
    return {**topology.cpu_s(), "benchmark client": own.user + own.system}


def _cpu_ms_per_message(
    before: dict[str, float], after: dict[str, float], messages: int
) -> dict[str, float]:
    """Where each message's CPU went: the processes that spent a millisecond or more."""
    spent = {
        name: round(1000 * (after[name] - before[name]) / max(messages, 1), 1)
        for name in after
    }
    busy = {name: ms for name, ms in spent.items() if ms >= 1}
    return {**busy, "all": round(sum(spent.values()), 1)}


def training_time(train: bool) -> dict:
    if not train:
        previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        found = previous.get("training")
        if found:
            return {**found, "source": f"carried over from {found.get('measured_at')}"}
        return {"seconds": None, "source": "not measured (run with --train)"}
    from harness.model import train_command
    from harness.processes import environment

    out = Path(tempfile.mkdtemp(prefix="hotline-train-"))
    started = time.monotonic()
    subprocess.run(
        train_command("config.yml", out, "bench"),
        cwd=ROOT,
        check=True,
        env=environment(),
        capture_output=True,
    )
    return {
        "seconds": round(time.monotonic() - started, 1),
        "config": "config.yml (the real one), RASA_MAX_CACHE_SIZE=0",
        "measured_at": dt.datetime.now().isoformat(timespec="seconds"),
        "source": "timed in this run",
    }


def search_at_scale() -> dict:
    if not SEARCH_RESULTS.exists():
        return {"source": "benchmarks/results/search.json missing: run search_bench"}
    for row in json.loads(SEARCH_RESULTS.read_text())["results"]:
        if row["scenario"] == "synthetic":
            return {
                "documents": row["documents"],
                **{f"{k}_ms": v for k, v in row["search_ms"].items()},
                "source": "benchmarks/results/search.json (search_bench.py, one core)",
            }
    return {"source": "no synthetic scenario in search.json"}


def agent_token(database_url: str) -> str:
    from foundation.db import make_engine, session_scope
    from privacy.auth import create_token

    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            return create_token(session, "agent", "chat-bench")
    finally:
        engine.dispose()


# --- the run --------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict:
    from harness.model import train_test_model
    from harness.production import production_topology

    real_model = ROOT / "models" / "hotline.tar.gz"
    model = args.model or (real_model if real_model.exists() else train_test_model())
    logs = Path(tempfile.mkdtemp(prefix="hotline-bench-"))

    def comparisons(topology) -> None:
        topology.add_rasa_only("plain", plain=True)

    print(f"model {model}; logs in {logs}; starting the topology …", flush=True)
    started = time.monotonic()
    with production_topology(model, logs, also=comparisons) as topology:
        startup_s = round(time.monotonic() - started, 1)
        print(f"ready after {startup_s} s", flush=True)
        one, two = topology.replicas
        extra = {r.name: r for r in topology.extra}
        token = agent_token(topology.database_url)
        scenarios: list[tuple[str, Send, list[int]]] = [
            ("gateway, 1 replica", gateway_chat([one.gateway_url]), args.levels),
            (
                "gateway, 2 replicas",
                gateway_chat([one.gateway_url, two.gateway_url]),
                args.levels,
            ),
            (
                "rasa REST, replica (SQL+Redis)",
                rasa_rest(one.rasa_url, topology.internal_headers),
                args.levels,
            ),
            (
                "rasa REST, plain rasa run",
                rasa_rest(extra["plain"].rasa_url, topology.internal_headers),
                args.levels,
            ),
        ]
        scenarios += [
            ("agent suggest", suggest(one.gateway_url, token), [1, 10]),
            (
                "NLU /model/parse",
                nlu_parse(one.rasa_url, topology.internal_headers),
                [1, 10],
            ),
        ]
        # Warm up every target: indexes are built and TensorFlow traced on first use.
        for _, send, _ in scenarios:
            asyncio.run(closed_loop(send, 2, 3))
        rows = []
        for name, send, levels in scenarios:
            for level in levels:
                before = _cpu_s(topology)
                row = {
                    "scenario": name,
                    **asyncio.run(closed_loop(send, level, args.duration)),
                }
                row["cpu_ms_per_message"] = _cpu_ms_per_message(
                    before, _cpu_s(topology), row["messages"]
                )
                rows.append(row)
                _print_row(row)
        memory = topology.rss_mb()
    return {
        "measured_at": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} cores, load average {os.getloadavg()}",
        "model": str(model.relative_to(ROOT) if model.is_relative_to(ROOT) else model),
        "duration_s_per_level": args.duration,
        "startup_s": startup_s,
        "rows": rows,
        "rss_mb": memory,
        "search_3622": search_at_scale(),
        "training": training_time(args.train),
        "targets": TARGETS,
    }


def _print_row(row: dict) -> None:
    print(
        f"{row['scenario']:<34}{row['concurrency']:>5}{row['messages']:>8}"
        f"{row['per_s']:>8}{row['p50_ms']:>9}{row['p95_ms']:>9}{row['p99_ms']:>9}"
        f"{row['errors']:>6}{row['degraded']:>6}",
        flush=True,
    )


def print_report(report: dict) -> None:
    print(f"\nmeasured {report['measured_at']} on {report['machine']}")
    print(f"model {report['model']}; topology ready after {report['startup_s']} s\n")
    print(
        f"{'scenario':<34}{'conc':>5}{'msgs':>8}{'msg/s':>8}{'p50':>9}{'p95':>9}"
        f"{'p99':>9}{'err':>6}{'degr':>6}   (ms)"
    )
    for row in report["rows"]:
        _print_row(row)
    print("\nCPU per message at 10 sessions, ms, by process (2 cores = 2,000 ms/s):")
    for row in report["rows"]:
        if row["concurrency"] == 10 and "cpu_ms_per_message" in row:
            spent = ", ".join(f"{k} {v}" for k, v in row["cpu_ms_per_message"].items())
            print(f"  {row['scenario']:<34}{spent}")
    print("\nresident memory, MB (now / peak):")
    for name, row in report["rss_mb"].items():
        print(f"  {name:<22}{row['rss']:>9}{row['peak']:>9}")
    search = report["search_3622"]
    print(f"\nsearch at 3,622 services: {search}")
    print(f"training (real config): {report['training']}")
    print(f"targets: {report['targets']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=20.0, help="s per level")
    parser.add_argument(
        "--levels", type=lambda s: [int(x) for x in s.split(",")], default=[1, 10, 50]
    )
    parser.add_argument("--model", type=Path)
    parser.add_argument("--train", action="store_true", help="time a real training")
    args = parser.parse_args()
    report = run(args)
    print_report(report)
    write_results(RESULTS, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
