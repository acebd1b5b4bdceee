"""Learned routing measured as the product runs it, through its own commands.

On a fresh embedded database: ``hotline routing train`` on the TipDM training titles
(label ids named by ``labels.tsv``), then the dev titles and the dev bodies piped through
``hotline kb classify --json`` in batch mode. Reports the top-level accuracy and
macro-F1, the share routed automatically (the model's confidence at or above the
threshold cross-validation chose for 95% precision) and the precision of those, and the
router's latency per message in process (p50/p95 over single messages).

Dev is read only here, for the final figures; the threshold comes from the training
archive's cross-validation. The data is read from ``../shared/data/tipdm2020`` and never
copied into the repository, nor is the model kept: the database is a temporary file.

    python benchmarks/routing_product.py [--data DIR]

Writes ``benchmarks/results/routing_product.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.report import write_results  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "tipdm2020"
RESULTS = ROOT / "benchmarks" / "results" / "routing_product.json"
SPLITS = {"titles": "dev.tsv", "bodies": "dev_bodies.tsv"}
HOTLINE = [sys.executable, "-m", "cli.main"]
LATENCY_SAMPLE = 300


def _run(args: list[str], env: dict[str, str], stdin: str | None = None) -> str:
    done = subprocess.run(
        HOTLINE + args, input=stdin, capture_output=True, text=True, env=env, cwd=ROOT
    )
    if done.returncode != 0:
        raise SystemExit(f"hotline {' '.join(args[:2])} failed:\n{done.stderr}")
    return done.stdout


def _split(data: Path, name: str, names: dict[str, str]) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for line in (data / name).read_text(encoding="utf-8").splitlines():
        text, _, label = line.rpartition("\t")
        # One message a line on stdin: the bodies' publisher already removed newlines.
        texts.append(" ".join(text.split()))
        labels.append(names[label.strip()])
    return texts, labels


def _figures(labels: list[str], routed: list[dict]) -> dict:
    from sklearn.metrics import accuracy_score, f1_score

    predicted = [r["top_level"] for r in routed]
    automatic = [r for r, label in zip(routed, labels, strict=True) if r["automatic"]]
    right = sum(
        r["top_level"] == label
        for r, label in zip(routed, labels, strict=True)
        if r["automatic"]
    )
    return {
        "messages": len(labels),
        "accuracy": round(float(accuracy_score(labels, predicted)), 4),
        "macro_f1": round(float(f1_score(labels, predicted, average="macro")), 4),
        "automatic_share": round(len(automatic) / len(labels), 4),
        "automatic_precision": round(right / len(automatic), 4) if automatic else None,
    }


def _latency(env: dict[str, str], texts: list[str]) -> dict:
    """Per-message routing time in process, as a gateway replica routes."""
    os.environ.update(env)
    from cases.routing.router import build_router
    from foundation.db import session_scope
    from foundation.settings import get_settings

    get_settings.cache_clear()
    with session_scope() as session:
        router = build_router(session)
    router.route(texts[0])
    timings = []
    for text in texts[:LATENCY_SAMPLE]:
        started = time.perf_counter()
        router.route(text)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    if not (args.data / "train.tsv").exists():
        print(f"no TipDM data in {args.data}", file=sys.stderr)
        return 1
    names = dict(
        line.split("\t")
        for line in (args.data / "labels.tsv").read_text().splitlines()[1:]
    )
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "HOTLINE_DATABASE_URL": f"sqlite:///{tmp}/routing.db",
            "PYTHONPATH": str(ROOT),
        }
        _run(["db", "upgrade"], env)
        _run(["db", "seed"], env)
        started = time.perf_counter()
        _run(
            [
                "routing",
                "train",
                str(args.data / "train.tsv"),
                "--labels",
                str(args.data / "labels.tsv"),
            ],
            env,
        )
        training_s = time.perf_counter() - started
        status = json.loads(_run(["routing", "status", "--json"], env))["active"]
        report: dict = {
            "model": {
                "version": status["version"],
                "training_size": status["training_size"],
                "threshold": status["threshold"],
                "cross_validation": status["metrics"]["cross_validation"],
                "cv_automatic_share": status["metrics"]["automatic_share"],
                "train_command_s": round(training_s, 1),
            },
            "dev": {},
        }
        for split, file in SPLITS.items():
            texts, labels = _split(args.data, file, names)
            output = _run(["kb", "classify", "--json"], env, "\n".join(texts) + "\n")
            routed = [json.loads(line) for line in output.splitlines()]
            report["dev"][split] = _figures(labels, routed)
        titles, _ = _split(args.data, "dev.tsv", names)
        report["latency"] = _latency(env, titles)
    print("| dev split | accuracy | macro-F1 | automatic share | automatic precision |")
    print("| --- | --- | --- | --- | --- |")
    for split, figures in report["dev"].items():
        print(
            f"| {split} | {figures['accuracy']:.4f} | {figures['macro_f1']:.4f} "
            f"| {figures['automatic_share']:.1%} | {figures['automatic_precision']} |"
        )
    print(
        f"training (CV and final fit) {report['model']['train_command_s']} s; "
        f"routing p50 {report['latency']['p50_ms']} ms, "
        f"p95 {report['latency']['p95_ms']} ms"
    )
    write_results(RESULTS, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
