"""Work-order lifecycle speed on PostgreSQL: a transition, and the worker's sweep over
a large book of open orders.

A fresh PostgreSQL cluster is started and migrated, the curated catalogue seeded, then:

- **Transitions:** orders are filed and dispatched, then taken through sign, start,
  complete and the citizen's 回访, each step in its own transaction as the department
  API and the chat take it (row lock, history, the citizen's notification, commit).
  Latency percentiles per action.
- **Sweep:** ``--orders`` open orders (default 100,000) are written in bulk, spread as
  a busy centre's book is: filed over the last four weeks, signed or not, due from two
  days ago to three weeks ahead. The first sweep catches up on everything already due
  (escalations, warnings: the work of a worker that was down); the following ones find
  nothing new, which is what every gateway's timer runs each minute.

    python benchmarks/lifecycle_bench.py [--orders 100000] [--transitions 200]

Prints a table and writes ``benchmarks/results/lifecycle.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.report import write_results  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "lifecycle.json"
NOW = dt.datetime(2026, 12, 7, 9, 0)  # a Monday
STEADY_SWEEPS = 5
BATCH = 5_000


def _percentiles(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)

    def at(share: float) -> float:
        return round(
            ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000, 2
        )

    return {"p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "n": len(ordered)}


def measure_transitions(engine, count: int) -> dict[str, dict[str, float]]:
    from cases.lifecycle import CITIZEN, UNIT, Step, apply
    from cases.routing.router import build_router
    from cases.work_orders import WorkOrderRequest, dispatch_work_order, file_work_order
    from foundation.db import session_scope

    with session_scope(engine) as session:
        router = build_router(session)
    numbers = []
    for index in range(count):
        with session_scope(engine) as session:
            order = file_work_order(
                session,
                WorkOrderRequest(
                    description="徐汇区田林街道小区楼下饭店油烟直排，窗户都不能开",
                    contact_phone="13912345678",
                    session_id=f"web-bench-{index}",
                ),
                router,
                now=NOW,
            )
            numbers.append(order.number)
    timings: dict[str, list[float]] = {}

    def timed(name: str, number: str, step_of) -> None:
        started = time.perf_counter()
        with session_scope(engine) as session:
            if name == "dispatch":
                order = session.scalars(_by_number(number)).one()
                if order.status == "registered":
                    dispatch_work_order(
                        session, number, order.category.code, "坐席", now=NOW
                    )
            else:
                apply(session, number, step_of(), NOW)
        timings.setdefault(name, []).append(time.perf_counter() - started)

    steps = (
        ("dispatch", None),
        ("sign", lambda: Step("sign", "承办人", UNIT)),
        ("start", lambda: Step("start", "承办人", UNIT)),
        ("complete", lambda: Step("complete", "承办人", UNIT, note="已整改到位")),
        (
            "visit",
            lambda: Step("visit", "市民", CITIZEN, satisfaction="satisfied"),
        ),
    )
    for name, step_of in steps:
        for number in numbers:
            timed(name, number, step_of)
    return {name: _percentiles(samples) for name, samples in timings.items()}


def _by_number(number: str):
    from sqlalchemy import select

    from cases.models import WorkOrder

    return select(WorkOrder).where(WorkOrder.number == number)


def write_open_orders(engine, count: int, seed: int = 7) -> dict[str, int]:
    """Bulk-insert ``count`` open orders with their first history line."""
    from sqlalchemy import insert, select

    from cases.lifecycle import sign_due
    from cases.models import WorkOrder, WorkOrderUpdate
    from cases.workdays import add_working_days
    from knowledge_base.models import WorkOrderCategory

    rng = random.Random(seed)
    with engine.connect() as connection:
        categories = connection.execute(
            select(
                WorkOrderCategory.id,
                WorkOrderCategory.department_id,
                WorkOrderCategory.time_limit_days,
            )
        ).all()
    shape = {"dispatched": 0, "signed": 0, "in_progress": 0}
    written = 0
    while written < count:
        rows = []
        for offset in range(min(BATCH, count - written)):
            category_id, department_id, limit = rng.choice(categories)
            # Most of a working centre's book is within its time limit; a few
            # orders are a day or two overdue, a few not signed since yesterday.
            while True:
                created = NOW - dt.timedelta(
                    days=rng.randrange(0, 28), minutes=rng.randrange(0, 24 * 60)
                )
                due = add_working_days(created.date(), limit)
                overdue = due < NOW.date()
                if due >= NOW.date() - dt.timedelta(days=4) and (
                    not overdue or rng.random() < 0.05
                ):
                    break
            recent = created.date() >= NOW.date() - dt.timedelta(days=4)
            status = rng.choices(
                ("dispatched", "signed", "in_progress"),
                weights=(5, 3, 2) if recent else (0, 3, 7),
            )[0]
            shape[status] += 1
            rows.append(
                {
                    "number": f"BENCH{written + offset:010d}",
                    "category_id": category_id,
                    "department_id": department_id,
                    "district": "徐汇区",
                    "description": "小区楼下饭店油烟直排，窗户都不能开",
                    "contact_phone": "13912345678",
                    "anonymous": False,
                    "status": status,
                    "due_date": due,
                    "sign_due_date": sign_due(created.date()),
                    "signed_at": None if status == "dispatched" else created,
                    "channel": "web",
                    "session_id": f"web-book-{written + offset}",
                    "language": "zh",
                    "created_at": created,
                    "updated_at": created,
                    "unit_level": "district",
                    "unit_name": "徐汇区生态环境局",
                    "supervision_count": 0,
                    "reopened_count": 0,
                }
            )
        with engine.begin() as connection:
            connection.execute(insert(WorkOrder), rows)
            ids = connection.execute(
                select(WorkOrder.id, WorkOrder.created_at).where(
                    WorkOrder.number.in_([row["number"] for row in rows])
                )
            ).all()
            connection.execute(
                insert(WorkOrderUpdate),
                [
                    {
                        "work_order_id": order_id,
                        "status": "dispatched",
                        "action": "dispatch",
                        "actor": "bench",
                        "created_at": created_at,
                    }
                    for order_id, created_at in ids
                ],
            )
        written += len(rows)
    return shape


def measure_sweeps(engine) -> dict:
    from sqlalchemy import func, select

    from cases.models import WorkOrder
    from cases.time_limits import sweep
    from foundation.db import session_scope

    with engine.connect() as connection:
        open_orders = connection.scalar(
            select(func.count()).where(
                WorkOrder.status.in_(("dispatched", "signed", "in_progress"))
            )
        )
    runs = []
    for index in range(1 + STEADY_SWEEPS):
        started = time.perf_counter()
        with session_scope(engine) as session:
            report = sweep(session, NOW + dt.timedelta(minutes=index))
        runs.append((time.perf_counter() - started, report))
    catch_up, catch_up_report = runs[0]
    steady = [seconds for seconds, _ in runs[1:]]
    assert all(
        not (r.sign_overdue or r.overdue or r.warned or r.visits_asked)
        for _, r in runs[1:]
    ), "a second sweep found nothing new"
    return {
        "open_orders": open_orders,
        "catch_up_s": round(catch_up, 2),
        "catch_up_did": catch_up_report.__dict__,
        "steady_ms": {
            "median": round(statistics.median(steady) * 1000, 1),
            "max": round(max(steady) * 1000, 1),
            "runs": len(steady),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--transitions", type=int, default=200)
    args = parser.parse_args()

    from foundation import migrate
    from foundation.db import make_engine, session_scope
    from foundation.settings import get_settings
    from harness.servers import postgres_server
    from knowledge_base.seed import seed_curated_catalogue

    with postgres_server() as url:
        migrate.upgrade(url)
        engine = make_engine(url)
        with session_scope(engine) as session:
            seed_curated_catalogue(session, get_settings().catalogue_dir)
        transitions = measure_transitions(engine, args.transitions)
        started = time.perf_counter()
        shape = write_open_orders(engine, args.orders)
        written_s = time.perf_counter() - started
        sweeps = measure_sweeps(engine)
        engine.dispose()
    report = {
        "database": "PostgreSQL (fresh cluster, this machine)",
        "transitions_ms": transitions,
        "book": {
            "orders": args.orders,
            "by_status": shape,
            "write_s": round(written_s),
        },
        "sweep": sweeps,
    }
    write_results(RESULTS, report)
    print("| transition | p50 ms | p95 ms | p99 ms | n |")
    print("|---|---|---|---|---|")
    for name, figures in transitions.items():
        print(
            f"| {name} | {figures['p50']} | {figures['p95']} | {figures['p99']} "
            f"| {figures['n']} |"
        )
    print()
    print(
        f"Sweep over {sweeps['open_orders']:,} open orders: catch-up "
        f"{sweeps['catch_up_s']} s ({sweeps['catch_up_did']}); steady "
        f"{sweeps['steady_ms']['median']} ms median, {sweeps['steady_ms']['max']} ms "
        f"max of {sweeps['steady_ms']['runs']}."
    )


if __name__ == "__main__":
    main()
