"""Bulk review of a whole catalogue: import as one draft batch, submit, publish.

For the synthetic catalogue at the platform's scale (3,622 services, 20,000 FAQs) and
the Guangdong portal file, each into a fresh database migrated the way production is
(the curated catalogue seeded first, so the batch also meets live guides' history):

- **import:** ``editorial.import_batch`` (one draft per guide, FAQs inside);
- **submit:** ``editorial.submit_batch`` (every draft validated);
- **publish:** ``editorial.approve_batch`` (written to the live tables, previous
  versions retired, the revision raised once);
- **rebuild:** the search index over the published catalogue, as each process does
  when it sees the new revision.

Each step is its own transaction, committed. On SQLite, and on PostgreSQL when the
harness can start one.

    python benchmarks/kb_bulk_bench.py [--no-postgres] [--services 3622]

Prints a table and writes ``benchmarks/results/kb_bulk.json``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.report import write_results  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "kb_bulk.json"
GD_FILE = ROOT.parent / "shared" / "data" / "gd_services" / "policy.jsonl"


def _catalogues(services: int) -> list[tuple[str, object]]:
    from knowledge_base.catalogue import Catalogue
    from knowledge_base.importers import gdzwfw
    from knowledge_base.synthetic import synthetic_catalogue

    found = [("synthetic", Catalogue.parse_obj(synthetic_catalogue(services=services)))]
    if GD_FILE.exists():
        found.append(("guangdong", gdzwfw.read_catalogue(GD_FILE)[0]))
    return found


def measure(url: str, catalogue) -> dict[str, float | int]:
    from foundation import migrate
    from foundation.db import make_engine, session_scope
    from foundation.settings import get_settings
    from knowledge_base import editorial
    from knowledge_base.search.build import build_service_index
    from knowledge_base.seed import seed_curated_catalogue

    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            seed_curated_catalogue(session, get_settings().catalogue_dir)
        times: dict[str, float | int] = {}
        started = time.perf_counter()
        with session_scope(engine) as session:
            batch_id = editorial.import_batch(
                session, catalogue, author="样例编辑", reason="基准测试：整批导入"
            ).id
        times["import_s"] = time.perf_counter() - started
        started = time.perf_counter()
        with session_scope(engine) as session:
            submitted = editorial.submit_batch(session, batch_id, actor="样例编辑")
        times["submit_s"] = time.perf_counter() - started
        started = time.perf_counter()
        with session_scope(engine) as session:
            published = editorial.approve_batch(
                session,
                batch_id,
                reviewer="样例审核",
                comment="基准测试",
                acknowledge_warnings=True,
            )
        times["publish_s"] = time.perf_counter() - started
        started = time.perf_counter()
        with session_scope(engine) as session:
            build_service_index(session)
        times["rebuild_s"] = time.perf_counter() - started
        times["total_s"] = sum(v for v in times.values())
        print(f"{url.split(':')[0]}: {times}", flush=True)
        times = {key: round(value, 2) for key, value in times.items()}
        times["guides"] = published.moved
        times["refused"] = len(submitted.refused)
        times["with_warnings"] = submitted.with_warnings
        return times
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=3622)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()

    results: dict[str, dict[str, dict[str, float | int]]] = {}
    catalogues = _catalogues(args.services)
    with tempfile.TemporaryDirectory() as scratch:
        results["sqlite"] = {
            name: measure(f"sqlite:///{Path(scratch) / f'{name}.db'}", catalogue)
            for name, catalogue in catalogues
        }
    if not args.no_postgres:
        from harness.servers import postgres_server

        results["postgresql"] = {}
        for name, catalogue in catalogues:
            with postgres_server() as url:
                results["postgresql"][name] = measure(url, catalogue)
    write_results(RESULTS, results)
    print(
        "| database | catalogue | guides | import s | submit s | publish s "
        "| rebuild s | total s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for database, rows in results.items():
        for name, t in rows.items():
            print(
                f"| {database} | {name} | {t['guides']} | {t['import_s']} "
                f"| {t['submit_s']} | {t['publish_s']} | {t['rebuild_s']} "
                f"| {t['total_s']} |"
            )


if __name__ == "__main__":
    main()
