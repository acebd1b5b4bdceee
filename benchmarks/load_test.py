"""Load test: simulated citizens hold real conversations with the gateway for a fixed time.

Each citizen is an asyncio task that, until the time is up, starts one conversation after
another, picked at random:

- guidance: a question about a service, then elliptic follow-ups ("那要带啥？");
- an application through ``POST /api/v1/applications`` with an ``Idempotency-Key``,
  sometimes retried with the same key, one after the other or both at once;
- an application through the chat form (name, ID number, phone, district, consent);
- a complaint through ``POST /api/v1/work-orders`` with an ``Idempotency-Key``, retried
  the same ways;
- a complaint through the chat form, answering whatever the form asks next (category,
  district, place, time, contact).

Every message goes to a gateway chosen at random: no sticky sessions. Afterwards the
database is checked: every acknowledged application and work order is stored exactly
once, and no idempotency key is stored twice. Loopback only; stops by itself.

    python benchmarks/load_test.py [--citizens 200] [--duration 120] [--think 5,15]
        [--gateway URL --gateway URL --database-url URL]   # against running servers

Without ``--gateway`` it starts the two-replica production topology itself (PostgreSQL,
Redis, action server, two Rasa + gateway replicas; see harness/production.py).
Prints a table and writes ``benchmarks/results/load.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.report import write_results  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "load.json"

GUIDANCE = [
    ("刚来上海工作，居住证要怎么办", ["那要带啥？", "要多久？", "在哪办"]),
    ("护照怎么办理", ["要带什么材料", "要交钱吗", "多久能拿到"]),
    ("公积金租房提取怎么弄", ["需要啥证件", "要多久啊"]),
    ("结婚登记需要什么", ["要带户口本吗", "在哪里办"]),
    ("How do I apply for a passport?", ["What documents do I need?"]),
    ("孩子上小学怎么报名", ["需要准备哪些材料", "什么时候办"]),
    ("驾驶证到期了怎么换", ["要多少钱", "能网上办吗"]),
]
APPLICATION_SERVICES = ["residence-permit", "passport", "marriage-registration"]
NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强"]
DISTRICTS = ["徐汇区", "静安区", "浦东新区", "闵行区", "杨浦区", "长宁区"]
VALID_ID_NUMBER = "310104199001011233"
PHONE = "13812345678"
TRACKING = re.compile(r"(?:SQ|GD)\d{14}")
WORK_ORDER = re.compile(r"GD\d{14}")
# What a citizen answers to each question of the complaint form (domain.yml's
# utter_ask_*), keyed by words of the question; checked in this order.
COMPLAINT_ANSWERS = (
    ("对吗", "对"),
    ("哪个区", None),  # a district, picked at random
    ("什么位置", "漕溪北路1200号"),
    ("什么时候", "每天晚上十点以后"),
    ("匿名", "匿名"),
    ("具体描述", "情况一直没有改善，影响正常生活"),
)
# Long enough for a six-turn form to finish while 200 citizens keep two replicas busy.
DURATION_S = 120.0
# Seconds a citizen takes to read a reply and type the next message.
THINK_S = (5.0, 15.0)
# Turns a complaint through the chat may take before it counts as not filed.
MAX_COMPLAINT_TURNS = 8
# How the gateway apologises when Rasa is too slow or down (knowledge_base/answers.py).
UNAVAILABLE_PREFIX = "抱歉，系统暂时繁忙"


def complaint_texts() -> list[str]:
    data = yaml.safe_load((ROOT / "tests" / "data" / "complaints.yml").read_text())
    return [item["text"] for item in data["complaints"]]


@dataclass
class Report:
    """What the citizens sent and what the gateways acknowledged."""

    citizens: int = 0
    duration_s: float = 0.0
    statuses: Counter = field(default_factory=Counter)
    # chat answers that were the gateway's polite "busy, please retry"
    degraded: int = 0
    transport_errors: Counter = field(default_factory=Counter)
    latencies_ms: dict[str, list[float]] = field(default_factory=dict)
    conversations: Counter = field(default_factory=Counter)
    # idempotency key -> tracking numbers the gateway answered for it (one, if correct)
    api_applications: dict[str, set[str]] = field(default_factory=dict)
    api_work_orders: dict[str, set[str]] = field(default_factory=dict)
    # idempotency key -> the session id its body carried: the key is stored only as a
    # keyed hash of the client's scope and the key (cases.idempotency), so the check
    # finds each request's rows by its session.
    api_sessions: dict[str, str | None] = field(default_factory=dict)
    # The conversation each simulated session was issued, as the database keeps it.
    stored_sessions: dict[str, str] = field(default_factory=dict)
    retries: Counter = field(default_factory=Counter)
    # chat session id -> the number the bot announced (None: the form did not finish)
    chat_applications: dict[str, str | None] = field(default_factory=dict)
    chat_work_orders: dict[str, str | None] = field(default_factory=dict)

    def record(self, kind: str, status: int, elapsed_s: float) -> None:
        self.statuses[status] += 1
        self.latencies_ms.setdefault(kind, []).append(elapsed_s * 1000)

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    def summary(self) -> dict:
        def acknowledged(found: dict[str, set[str]]) -> int:
            return sum(1 for numbers in found.values() if numbers)

        return {
            "citizens": self.citizens,
            "duration_s": round(self.duration_s, 1),
            "requests": sum(self.statuses.values()),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "server_errors": self.server_errors,
            "chat_degraded": self.degraded,
            "transport_errors": dict(self.transport_errors),
            "conversations": dict(self.conversations),
            "latency_ms": {
                kind: _percentiles(values)
                for kind, values in sorted(self.latencies_ms.items())
            },
            "applications_api": {
                "sent": len(self.api_applications),
                "acknowledged": acknowledged(self.api_applications),
                "retries": self.retries["application"],
            },
            "applications_chat": {
                "sent": len(self.chat_applications),
                "acknowledged": sum(
                    1 for n in self.chat_applications.values() if n is not None
                ),
            },
            "work_orders_api": {
                "sent": len(self.api_work_orders),
                "acknowledged": acknowledged(self.api_work_orders),
                "retries": self.retries["work_order"],
            },
            "work_orders_chat": {
                "sent": len(self.chat_work_orders),
                "acknowledged": sum(
                    1 for n in self.chat_work_orders.values() if n is not None
                ),
            },
        }


class Citizen:
    def __init__(
        self,
        number: int,
        client: httpx.AsyncClient,
        gateways: list[str],
        report: Report,
        rng: random.Random,
        complaints: list[str],
        think_s: tuple[float, float],
    ) -> None:
        self.number = number
        self.client = client
        self.gateways = gateways
        self.report = report
        self.rng = rng
        self.complaints = complaints
        self.think_s = think_s
        self.run_id = uuid.uuid4().hex[:8]
        # What the gateway issued for each of this citizen's conversations.
        self.tokens: dict[str, str] = {}

    async def live(self, deadline: float) -> None:
        behaviours = (
            (self.guidance, 5),
            (self.api_application, 2),
            (self.chat_application, 2),
            (self.api_work_order, 2),
            (self.chat_complaint, 2),
        )
        choices = [b for b, _ in behaviours]
        weights = [w for _, w in behaviours]
        while time.monotonic() < deadline:
            behaviour = self.rng.choices(choices, weights)[0]
            self.report.conversations[behaviour.__name__] += 1
            await behaviour(deadline)

    # --- conversations -------------------------------------------------------------

    async def guidance(self, deadline: float) -> None:
        session = self._session_id()
        question, follow_ups = self.rng.choice(GUIDANCE)
        await self.say(session, question)
        for text in follow_ups[: self.rng.randint(1, len(follow_ups))]:
            if time.monotonic() >= deadline:
                return
            await self.say(session, text)

    async def chat_application(self, deadline: float) -> None:
        session = self._session_id()
        self.report.chat_applications[session] = None
        answers = [
            "我要在线申请居住证",
            self.rng.choice(NAMES),
            VALID_ID_NUMBER,
            PHONE,
            self.rng.choice(DISTRICTS),
            "同意",
        ]
        for text in answers:
            if time.monotonic() >= deadline:
                return
            reply = await self.say(session, text)
            found = TRACKING.search(reply)
            if found:
                self.report.chat_applications[session] = found.group(0)
                return

    async def chat_complaint(self, deadline: float) -> None:
        session = self._session_id()
        self.report.chat_work_orders[session] = None
        reply = await self.say(session, self.rng.choice(self.complaints))
        for _ in range(MAX_COMPLAINT_TURNS):
            found = WORK_ORDER.search(reply)
            if found:
                self.report.chat_work_orders[session] = found.group(0)
                return
            answer = next(
                (a for asked, a in COMPLAINT_ANSWERS if asked in reply), "匿名"
            )
            if time.monotonic() >= deadline:
                return
            reply = await self.say(session, answer or self.rng.choice(DISTRICTS))

    async def _widget_session(self) -> str | None:
        """A session as the widget holds one when the citizen files from it."""
        session = self._session_id()
        await self.say(session, "你好")
        return self.tokens.get(session)

    async def api_application(self, deadline: float) -> None:
        body = {
            "service_code": self.rng.choice(APPLICATION_SERVICES),
            "applicant_name": self.rng.choice(NAMES),
            "id_number": VALID_ID_NUMBER,
            "phone": PHONE,
            "district": self.rng.choice(DISTRICTS),
            "consent": True,
            "session_id": await self._widget_session(),
        }
        await self._create("application", "/api/v1/applications", body)

    async def api_work_order(self, deadline: float) -> None:
        body = {
            "description": self.rng.choice(self.complaints),
            "district": self.rng.choice(DISTRICTS),
            "anonymous": self.rng.random() < 0.5,
            "session_id": await self._widget_session(),
        }
        if not body["anonymous"]:
            body |= {"contact_name": self.rng.choice(NAMES), "contact_phone": PHONE}
        await self._create("work_order", "/api/v1/work-orders", body)

    # --- requests ------------------------------------------------------------------

    async def say(self, session: str, text: str) -> str:
        await self._think()
        body = {"text": text}
        if session in self.tokens:
            body["session_id"] = self.tokens[session]
        answer = await self._post("chat", "/api/v1/chat", body)
        if answer is None or answer.status_code != 200:
            return ""
        said = answer.json()
        self.tokens[session] = said["session_id"]
        self.report.stored_sessions[session] = _stored_id(said["session_id"])
        texts = [r["text"] for r in said["replies"]]
        if any(text.startswith(UNAVAILABLE_PREFIX) for text in texts):
            self.report.degraded += 1
        return "\n".join(texts)

    async def _create(self, kind: str, path: str, body: dict) -> None:
        """Create with a key; a third of the time retry it, sequentially or racing."""
        key = f"load-{self.run_id}-{uuid.uuid4().hex}"
        found = (
            self.report.api_applications
            if kind == "application"
            else self.report.api_work_orders
        )
        found[key] = set()
        token = body["session_id"]
        self.report.api_sessions[key] = _stored_id(token) if token else None
        await self._think()
        headers = {"Idempotency-Key": key}
        roll = self.rng.random()
        if roll < 0.15:
            # Two at once, as a client retrying on a slow network would.
            self.report.retries[kind] += 1
            answers = await asyncio.gather(
                self._post(kind, path, body, headers),
                self._post(kind, path, body, headers),
            )
        else:
            answers = [await self._post(kind, path, body, headers)]
            if roll < 0.35:
                self.report.retries[kind] += 1
                answers.append(await self._post(kind, path, body, headers))
        for answer in answers:
            if answer is not None and answer.status_code == 201:
                found[key].add(answer.json()["number"])

    async def _post(
        self, kind: str, path: str, body: dict, headers: dict | None = None
    ) -> httpx.Response | None:
        gateway = self.rng.choice(self.gateways)
        started = time.perf_counter()
        try:
            answer = await self.client.post(
                gateway + path, json=body, headers=headers or {}
            )
        except httpx.HTTPError as exc:
            self.report.transport_errors[type(exc).__name__] += 1
            return None
        self.report.record(kind, answer.status_code, time.perf_counter() - started)
        return answer

    async def _think(self) -> None:
        await asyncio.sleep(self.rng.uniform(*self.think_s))

    def _session_id(self) -> str:
        return f"load-{self.run_id}-{self.number}-{uuid.uuid4().hex[:8]}"


async def run_load(
    gateways: list[str],
    citizens: int = 200,
    duration_s: float = DURATION_S,
    *,
    think_s: tuple[float, float] = THINK_S,
    timeout_s: float = 60.0,
    seed: int = 12345,
) -> Report:
    """Run ``citizens`` concurrent citizens against ``gateways`` for ``duration_s``.

    No citizen sends a message once the time is up; answers still on their way are
    awaited, and the whole run is cut off at ``duration_s + 2 * timeout_s`` at the
    latest.
    """
    report = Report(citizens=citizens)
    complaints = complaint_texts()
    limits = httpx.Limits(
        max_connections=2 * citizens + 10, max_keepalive_connections=2 * citizens
    )
    started = time.monotonic()
    deadline = started + duration_s
    async with httpx.AsyncClient(timeout=timeout_s, limits=limits) as client:
        crowd = [
            Citizen(
                n,
                client,
                gateways,
                report,
                random.Random(seed + n),
                complaints,
                think_s,
            )
            for n in range(citizens)
        ]
        tasks = [asyncio.create_task(c.live(deadline)) for c in crowd]
        done, pending = await asyncio.wait(tasks, timeout=duration_s + 2 * timeout_s)
        for task in pending:
            task.cancel()
        report.transport_errors["cancelled_at_cut_off"] += len(pending)
        for task in done:
            if task.exception() is not None:
                report.transport_errors[type(task.exception()).__name__] += 1
    report.duration_s = time.monotonic() - started
    return report


def verify_exactly_once(database_url: str, report: Report) -> dict:
    """Compare what was acknowledged with what the database holds.

    Returns:
        ``stored`` counts and every problem found (``problems`` empty when correct).
    """
    from sqlalchemy import func, select

    from cases.models import Application, WorkOrder
    from foundation.db import make_engine

    problems: list[str] = []
    stored: Counter = Counter()
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            for kind, model, sent in (
                ("applications_api", Application, report.api_applications),
                ("work_orders_api", WorkOrder, report.api_work_orders),
            ):
                # A filing whose chat session could not be opened is not traced.
                traced = {k: v for k, v in sent.items() if report.api_sessions[k]}
                by_session = _rows_by_session(
                    connection, model, [report.api_sessions[key] for key in traced]
                )
                for key, numbers in traced.items():
                    found = by_session.get(report.api_sessions[key], [])
                    if len(found) > 1:
                        problems.append(f"{kind}: key {key} stored {len(found)} times")
                    if len(numbers) > 1:
                        problems.append(f"{kind}: key {key} answered {numbers}")
                    if numbers and set(found) != numbers:
                        problems.append(f"{kind}: {numbers} acknowledged, {found} kept")
                    if numbers and found:
                        stored[kind] += 1
            for kind, model, said in (
                ("applications_chat", Application, report.chat_applications),
                ("work_orders_chat", WorkOrder, report.chat_work_orders),
            ):
                said_in = {
                    report.stored_sessions[session]: number
                    for session, number in said.items()
                    if session in report.stored_sessions
                }
                by_session = _rows_by_session(connection, model, list(said_in))
                for session_id, number in said_in.items():
                    found = by_session.get(session_id, [])
                    if len(found) > 1:
                        problems.append(f"{kind} {session_id}: {len(found)} stored")
                    if number is not None:
                        if found == [number]:
                            stored[kind] += 1
                        else:
                            problems.append(
                                f"{kind} {session_id}: said {number}, kept {found}"
                            )
            for model in (Application, WorkOrder):
                duplicates = connection.execute(
                    select(model.idempotency_key)
                    .where(model.idempotency_key.is_not(None))
                    .group_by(model.idempotency_key)
                    .having(func.count() > 1)
                ).all()
                problems.extend(
                    f"{model.__tablename__}: key {key} twice" for (key,) in duplicates
                )
    finally:
        engine.dispose()
    return {"stored": dict(stored), "problems": problems}


def _stored_id(token: str) -> str:
    """The conversation a session token names, as the database keeps it."""
    return token.rsplit(".", 2)[0]


def _rows_by_session(connection, model, sessions: list[str]) -> dict[str, list[str]]:
    from sqlalchemy import select

    found: dict[str, list[str]] = {}
    for chunk in _chunks(sessions, 500):
        for session_id, number in connection.execute(
            select(model.session_id, model.number).where(model.session_id.in_(chunk))
        ):
            found.setdefault(session_id, []).append(number)
    return found


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    if not ordered:
        return {}

    def at(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))], 1)

    return {"n": len(ordered), "p50": at(50), "p95": at(95), "p99": at(99)}


def print_table(summary: dict, check: dict) -> None:
    print(
        f"\n{summary['citizens']} citizens for {summary['duration_s']} s: "
        f"{summary['requests']} requests, statuses {summary['statuses']}, "
        f"5xx {summary['server_errors']}, transport errors {summary['transport_errors']}"
    )
    print(f"chat answers that were the polite 'busy' text: {summary['chat_degraded']}")
    print(f"conversations started: {summary['conversations']}")
    print(f"\n{'created through':<22}{'sent':>8}{'acknowledged':>14}{'stored':>8}")
    for kind in (
        "applications_api",
        "applications_chat",
        "work_orders_api",
        "work_orders_chat",
    ):
        row = summary[kind]
        print(
            f"{kind:<22}{row['sent']:>8}{row['acknowledged']:>14}"
            f"{check['stored'].get(kind, 0):>8}"
        )
    print(f"\n{'request':<14}{'n':>7}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}")
    for kind, row in summary["latency_ms"].items():
        print(
            f"{kind:<14}{row['n']:>7}{row['p50']:>10}{row['p95']:>10}{row['p99']:>10}"
        )
    print(f"\nexactly-once problems: {check['problems'] or 'none'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--citizens", type=int, default=200)
    parser.add_argument("--duration", type=float, default=DURATION_S, help="seconds")
    parser.add_argument(
        "--think",
        type=lambda s: tuple(float(x) for x in s.split(",")),
        default=THINK_S,
        help="seconds a citizen takes to write each message: min,max",
    )
    parser.add_argument("--gateway", action="append", default=[])
    parser.add_argument("--database-url", help="needed with --gateway")
    parser.add_argument("--model", type=Path, help="default: the test model")
    args = parser.parse_args()
    if args.gateway:
        if not args.database_url:
            parser.error("--database-url is needed to check what was stored")
        return _run(args.gateway, args.database_url, args)
    from harness.model import train_test_model
    from harness.production import production_topology

    model = args.model or train_test_model()
    logs = Path(tempfile.mkdtemp(prefix="hotline-load-"))
    print(f"starting the two-replica topology (logs in {logs}) …", flush=True)
    with production_topology(model, logs) as topology:
        gateways = [r.gateway_url for r in topology.replicas]
        code = _run(gateways, topology.database_url, args)
        print(f"resident memory (MB): {topology.rss_mb()}")
        return code


def _run(gateways: list[str], database_url: str, args: argparse.Namespace) -> int:
    report = asyncio.run(
        run_load(gateways, args.citizens, args.duration, think_s=args.think)
    )
    summary = report.summary()
    check = verify_exactly_once(database_url, report)
    print_table(summary, check)
    write_results(RESULTS, {**summary, **check})
    return 0 if summary["server_errors"] == 0 and not check["problems"] else 1


if __name__ == "__main__":
    sys.exit(main())
