"""Evaluates the trained conversation model on held-out data; prints a table, writes JSON.

    python scripts/evaluate_conversation.py [--model models/hotline.tar.gz]

NLU on ``tests/data/nlu_heldout.yml`` (never trained on), dialogue on the test stories in
``tests/conversations``. Results go to ``benchmarks/results/conversation_eval.json``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.evaluation import evaluate_core, evaluate_nlu, read_examples  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--model", type=Path, default=ROOT / "models" / "hotline.tar.gz"
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=ROOT / "benchmarks" / "results" / "conversation_eval.json",
    )
    args = parser.parse_args()
    nlu = evaluate_nlu(
        args.model, read_examples(ROOT / "tests" / "data" / "nlu_heldout.yml")
    )
    with tempfile.TemporaryDirectory() as out:
        core = evaluate_core(args.model, ROOT / "tests" / "conversations", Path(out))
    rows = [
        ("held-out NLU examples", nlu.examples),
        ("intent accuracy", nlu.intent_accuracy),
        ("intent macro-F1", nlu.intent_macro_f1),
        ("entity precision", nlu.entity_precision),
        ("entity recall", nlu.entity_recall),
        ("entity F1 (exact span)", nlu.entity_f1),
        ("entity F1 (overlapping span)", nlu.entity_f1_lenient),
        ("test stories", core["stories"]),
        ("failed test stories", core["failed_stories"]),
        ("action accuracy", core["action_accuracy"]),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    print(
        "\nentity F1 by type: "
        + ", ".join(f"{k} {v:.2f}" for k, v in nlu.per_entity_f1.items())
    )
    print("most confused intents (gold → predicted, count):")
    for gold, predicted, count in nlu.confusions:
        print(f"  {gold} → {predicted}: {count}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(
            {"model": str(args.model), "nlu": dataclasses.asdict(nlu), "core": core},
            ensure_ascii=False,
            indent=2,
        )
    )
    print(f"\nwritten to {args.output}")
    return 0 if core["failed_stories"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
