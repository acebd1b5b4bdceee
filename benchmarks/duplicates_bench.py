"""Duplicate detection on PostgreSQL: how long a citizen waits for "has this been
reported already?" with a large book of open orders.

A fresh PostgreSQL cluster is started and migrated, the curated catalogue seeded, and
``--orders`` open orders (default 100,000) written in bulk: filed over the last four
weeks in the 16 districts, 15 streets each, every category, their descriptions made
of the problems and roads citizens write about, so the matcher compares real texts.
Then, for ``--reports`` new reports of random problems at random places:

- **find:** ``cases.merging.find_duplicates`` alone (the open orders of the district
  filed within the window, in the report's street or of its category, read,
  decrypted and compared);
- **file:** a whole filing with ``join_duplicates`` (routing, place, the check,
  the insert, commit), against the same filing without it.

    python benchmarks/duplicates_bench.py [--orders 100000] [--reports 200]

Prints a table and writes ``benchmarks/results/duplicates.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.report import write_results  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "duplicates.json"
NOW = dt.datetime(2026, 12, 7, 9, 0)
BATCH = 5_000
STREETS_PER_DISTRICT = 15
ROADS = [
    "宜山路",
    "漕溪北路",
    "共和新路",
    "长寿路",
    "曹杨路",
    "武宁路",
    "四平路",
    "控江路",
    "张杨路",
    "浦东南路",
    "沪闵路",
    "七莘路",
    "真北路",
    "金沙江路",
    "延安西路",
    "虹桥路",
    "中山北路",
    "天山路",
    "仙霞路",
    "淮海中路",
    "南京西路",
    "江宁路",
    "大连路",
    "周家嘴路",
]
PROBLEMS = [
    "路口的路灯坏了，晚上一片漆黑",
    "楼下饭店油烟直排，窗户都不能开",
    "工地晚上十一点还在施工，噪音太大",
    "人行道上有个大坑，已经有人摔倒了",
    "小区门口垃圾好几天没人清运，臭气熏天",
    "共享单车乱停把盲道都占了",
    "有人在绿化带里违章搭建棚子",
    "窨井盖缺了一块，很危险",
    "广场舞音响开得太响，每天晚上吵到九点",
    "路边有车辆长期占道停放",
]


def _percentiles(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)

    def at(share: float) -> float:
        return round(
            ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000, 2
        )

    return {"p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "n": len(ordered)}


def _streets(districts: list[str]) -> list[tuple[str, str, str]]:
    """(district, street code, street name): invented codes, as many as a district has."""
    return [
        (district, f"{index:02d}{number:04d}", f"{district[:2]}第{number}街道")
        for index, district in enumerate(districts)
        for number in range(STREETS_PER_DISTRICT)
    ]


def _text(rng: random.Random) -> tuple[str, str]:
    road, cross = rng.sample(ROADS, 2)
    return f"{road}{cross}{rng.choice(PROBLEMS)}", f"{road}{cross}路口"


def write_open_orders(engine, count: int, places, seed: int = 28) -> None:
    from sqlalchemy import insert, select

    from cases.models import WorkOrder
    from knowledge_base.models import WorkOrderCategory

    rng = random.Random(seed)
    with engine.connect() as connection:
        categories = connection.execute(
            select(WorkOrderCategory.id, WorkOrderCategory.department_id)
        ).all()
    written = 0
    while written < count:
        rows = []
        for offset in range(min(BATCH, count - written)):
            category_id, department_id = rng.choice(categories)
            district, code, street = rng.choice(places)
            text, address = _text(rng)
            created = NOW - dt.timedelta(minutes=rng.randrange(0, 28 * 24 * 60))
            rows.append(
                {
                    "number": f"BENCH{written + offset:010d}",
                    "category_id": category_id,
                    "department_id": department_id,
                    "district": district,
                    "street_code": code,
                    "street": street,
                    "address": address,
                    "description": text,
                    "anonymous": False,
                    "status": rng.choice(("dispatched", "signed", "in_progress")),
                    "due_date": (created + dt.timedelta(days=14)).date(),
                    "channel": "web",
                    "language": "zh",
                    "created_at": created,
                    "updated_at": created,
                    "supervision_count": 0,
                    "reopened_count": 0,
                }
            )
        with engine.begin() as connection:
            connection.execute(insert(WorkOrder), rows)
        written += len(rows)


def measure_find(engine, places, reports: int) -> dict:
    from cases.duplicates import Report
    from cases.merging import find_duplicates
    from foundation.db import session_scope
    from knowledge_base.repositories.work_order_categories import get_category

    rng = random.Random(6)
    seconds, found = [], 0
    with session_scope(engine) as session:
        codes = ["roads-municipal", "pollution", "noise", "city-appearance"]
        categories = [get_category(session, code) for code in codes]
        for index in range(reports):
            district, code, street = rng.choice(places)
            category = rng.choice(categories)
            text, address = _text(rng)
            report = Report(
                key=f"new-{index}",
                text=text,
                reported_at=NOW,
                category=category.code,
                district=district,
                street=street,
                address=address,
            )
            started = time.perf_counter()
            matches = find_duplicates(session, report, category.id, code)
            seconds.append(time.perf_counter() - started)
            found += bool(matches)
            session.expunge_all()
    return {**_percentiles(seconds), "with_a_candidate": found}


def measure_filing(engine, reports: int) -> dict:
    from cases.routing.router import build_router
    from cases.work_orders import WorkOrderRequest, file_work_order
    from foundation.db import session_scope

    with session_scope(engine) as session:
        router = build_router(session)
    rng = random.Random(7)
    result = {}
    for join in (False, True):
        seconds = []
        for _ in range(reports):
            text, address = _text(rng)
            request = WorkOrderRequest(
                description=text,
                district="徐汇区",
                address=address,
                contact_phone="13812345678",
                join_duplicates=join,
            )
            started = time.perf_counter()
            with session_scope(engine) as session:
                file_work_order(session, request, router, now=NOW)
            seconds.append(time.perf_counter() - started)
        result["with_join" if join else "without_join"] = _percentiles(seconds)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--reports", type=int, default=200)
    args = parser.parse_args()

    from foundation import migrate
    from foundation.db import make_engine, session_scope
    from foundation.settings import get_settings
    from harness.servers import postgres_server
    from knowledge_base.places import get_places
    from knowledge_base.seed import seed_curated_catalogue

    places = _streets([d.name for d in get_places().districts])
    with postgres_server() as url:
        migrate.upgrade(url)
        engine = make_engine(url)
        with session_scope(engine) as session:
            seed_curated_catalogue(session, get_settings().catalogue_dir)
        started = time.perf_counter()
        write_open_orders(engine, args.orders, places)
        written_s = time.perf_counter() - started
        find = measure_find(engine, places, args.reports)
        filing = measure_filing(engine, args.reports)
        engine.dispose()
    report = {
        "database": "PostgreSQL (fresh cluster, this machine)",
        "open_orders": args.orders,
        "districts": len({p[0] for p in places}),
        "streets": len(places),
        "write_s": round(written_s),
        "find_ms": find,
        "filing_ms": filing,
    }
    write_results(RESULTS, report)
    print(f"{args.orders:,} open orders in {len(places)} streets, PostgreSQL")
    print("| measure | p50 ms | p95 ms | p99 ms | n |")
    print("|---|---|---|---|---|")
    rows = [
        ("find_duplicates", find),
        *[
            (f"file_work_order {name.replace('_', ' ')}", figures)
            for name, figures in filing.items()
        ],
    ]
    for name, figures in rows:
        print(
            f"| {name} | {figures['p50']} | {figures['p95']} | {figures['p99']} "
            f"| {figures['n']} |"
        )
    print(f"\n{find['with_a_candidate']} of {find['n']} new reports found a candidate.")


if __name__ == "__main__":
    main()
