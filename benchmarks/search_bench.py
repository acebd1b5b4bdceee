"""Search and classification speed and memory at the curated size and at platform scale.

Each scenario runs in its own process pinned to one core: the catalogue is loaded into a
fresh SQLite database, the index is built (timed, with the resident memory it adds), then
every question of the labelled set is searched repeatedly (latency percentiles).

    python benchmarks/search_bench.py [--scenarios curated,synthetic,guangdong] [--rounds 5]

Prints a table and writes ``benchmarks/results/search.json``.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.report import write_results  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "search.json"
GUANGDONG = ROOT.parent / "shared" / "data" / "gd_services" / "policy.jsonl"


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _percentiles(samples: list[float]) -> dict[str, float]:
    import numpy as np

    values = np.array(samples) * 1000
    return {f"p{p}": round(float(np.percentile(values, p)), 3) for p in (50, 95, 99)}


def run_scenario(name: str, rounds: int) -> dict:
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    import yaml

    from cases.routing.classify import build_classifier
    from foundation import migrate
    from foundation.db import make_engine, session_scope
    from foundation.settings import get_settings
    from knowledge_base.catalogue import Catalogue, load_catalogue
    from knowledge_base.importers import gdzwfw
    from knowledge_base.importers.catalogue import import_catalogue
    from knowledge_base.search.build import build_service_index
    from knowledge_base.search.text import Segmenter
    from knowledge_base.synthetic import synthetic_catalogue

    Segmenter()  # jieba's own dictionary load is a one-off per process, not index cost
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        migrate.upgrade(url)
        engine = make_engine(url)
        with session_scope(engine) as session:
            import_catalogue(session, load_catalogue([get_settings().catalogue_dir]))
            if name == "synthetic":
                import_catalogue(
                    session, Catalogue.parse_obj(synthetic_catalogue(3622, 20000))
                )
            elif name == "guangdong":
                import_catalogue(session, gdzwfw.read_catalogue(GUANGDONG)[0])
        rss_before = _rss_mb()
        started = time.perf_counter()
        with session_scope(engine) as session:
            index = build_service_index(session)
        build_seconds = time.perf_counter() - started
        index_mb = _rss_mb() - rss_before
        with session_scope(engine) as session:
            classifier = build_classifier(session)

    data = ROOT / "tests" / "data"
    questions = [
        q["q"]
        for q in yaml.safe_load((data / "search_questions.yml").read_text())[
            "questions"
        ]
    ]
    complaints = [
        c["text"]
        for c in yaml.safe_load((data / "complaints.yml").read_text())["complaints"]
    ]
    for question in questions[:20]:
        index.search(question)
    search_times, classify_times = [], []
    for _ in range(rounds):
        for question in questions:
            started = time.perf_counter()
            index.search(question)
            search_times.append(time.perf_counter() - started)
        for complaint in complaints:
            started = time.perf_counter()
            classifier.classify(complaint)
            classify_times.append(time.perf_counter() - started)
    return {
        "scenario": name,
        "documents": len(index),
        "index_build_s": round(build_seconds, 3),
        "index_rss_mb": round(index_mb, 1),
        "process_rss_mb": round(_rss_mb(), 1),
        "search_ms": _percentiles(search_times),
        "search_queries": len(search_times),
        "classify_ms": _percentiles(classify_times),
        "classify_queries": len(classify_times),
    }


def _worker(name: str, rounds: int, queue) -> None:
    queue.put(run_scenario(name, rounds))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", default="curated,synthetic,guangdong")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    scenarios = [
        s for s in args.scenarios.split(",") if s != "guangdong" or GUANGDONG.exists()
    ]
    context = multiprocessing.get_context("spawn")
    results = []
    for name in scenarios:
        queue = context.Queue()
        process = context.Process(target=_worker, args=(name, args.rounds, queue))
        process.start()
        results.append(queue.get())
        process.join()

    header = f"{'scenario':<10} {'docs':>6} {'build s':>8} {'index MB':>9} {'search p50/p95/p99 ms':>24} {'classify p50/p95/p99 ms':>26}"
    print(header)
    print("-" * len(header))
    for r in results:
        s, c = r["search_ms"], r["classify_ms"]
        print(
            f"{r['scenario']:<10} {r['documents']:>6} {r['index_build_s']:>8.2f} {r['index_rss_mb']:>9.1f} "
            f"{s['p50']:>8.2f}/{s['p95']:>6.2f}/{s['p99']:>6.2f} {c['p50']:>10.2f}/{c['p95']:>6.2f}/{c['p99']:>6.2f}"
        )
    write_results(RESULTS, {"one_core": True, "results": results})
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
