"""What the gateway's rules cost each message before Rasa: emergency triage and the
sensitive-question check, in CPU time per message.

Both run inline on the event loop for every citizen message (``api/conversation.py``),
so their cost adds to every chat turn. Timed in one process pinned to one core, over
the chat benchmark's messages, the labelled emergency file and, when present, real
citizen messages (TipDM 2020; long letters cost the most).

    python benchmarks/safety_bench.py [--rounds 5]

Prints a table and writes ``benchmarks/results/safety.json``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.report import write_results  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "safety.json"
TIPDM = ROOT.parent / "shared" / "data" / "tipdm2020"


def _message_sets() -> dict[str, list[str]]:
    import yaml

    from benchmarks.chat_bench import CONVERSATIONS, SUGGEST_TEXTS

    labelled = yaml.safe_load(
        (ROOT / "tests" / "data" / "emergencies.yml").read_text(encoding="utf-8")
    )
    sets = {
        "chat benchmark": [text for talk in CONVERSATIONS for text in talk]
        + SUGGEST_TEXTS,
        "labelled emergencies and look-alikes": [
            *(text for texts in labelled["emergencies"].values() for text in texts),
            *labelled["ordinary"],
        ],
    }
    if TIPDM.is_dir():
        rows = (TIPDM / "board_messages.tsv").read_text(encoding="utf-8").splitlines()
        sets["real messages (TipDM titles and letters)"] = [
            field for row in rows[1:] for field in row.split("\t")[2:4] if field.strip()
        ]
    return sets


def _time_per_message(check: Callable[[str], object], texts: list[str], rounds: int):
    import numpy as np

    samples = []
    for _ in range(rounds):
        for text in texts:
            started = time.process_time_ns()
            check(text)
            samples.append(time.process_time_ns() - started)
    values = np.array(samples) / 1000
    return {
        "mean_us": round(float(values.mean()), 1),
        "p50_us": round(float(np.percentile(values, 50)), 1),
        "p99_us": round(float(np.percentile(values, 99)), 1),
        "max_us": round(float(values.max()), 1),
    }


def run(rounds: int) -> dict:
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    from safety import compile_patterns, triage
    from safety.sensitive import sensitive_question

    compile_patterns()
    checks = {"triage": triage, "sensitive question": sensitive_question}
    sets = _message_sets()
    # Lazily built parts (the context rules, jieba's cache of OpenCC) are not per message.
    for function in checks.values():
        for texts in sets.values():
            for text in texts[:200]:
                function(text)
    report: dict = {"rounds": rounds, "sets": {}}
    for name, texts in sets.items():
        report["sets"][name] = {
            "messages": len(texts),
            "mean_chars": round(sum(map(len, texts)) / len(texts), 1),
            **{
                check: _time_per_message(function, texts, rounds)
                for check, function in checks.items()
            },
        }
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    report = run(parser.parse_args().rounds)
    print(
        f"{'messages':42s} {'n':>6s} {'chars':>6s}  check               mean   p99 (µs)"
    )
    for name, figures in report["sets"].items():
        for check in ("triage", "sensitive question"):
            print(
                f"{name:42s} {figures['messages']:6d} {figures['mean_chars']:6.0f}  "
                f"{check:18s} {figures[check]['mean_us']:6.1f} "
                f"{figures[check]['p99_us']:6.1f}"
            )
    write_results(RESULTS, report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
