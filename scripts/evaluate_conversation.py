"""Evaluates the trained conversation model on held-out data; prints a table, writes JSON.

    python scripts/evaluate_conversation.py [--model models/hotline.tar.gz]

NLU on ``tests/data/nlu_heldout.yml`` (never trained on), by our span-level scorer and by
``rasa test nlu``; dialogue on the test stories in ``tests/conversations`` by
``rasa test core``. Results go to ``benchmarks/results/conversation_eval.json``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.evaluation import (  # noqa: E402
    evaluate_core,
    evaluate_nlu,
    rasa_test_nlu,
    read_examples,
)

HELD_OUT = ROOT / "tests" / "data" / "nlu_heldout.yml"


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
    # Rasa's structured logger prints every parse at debug level otherwise.
    import structlog

    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING)
    )
    nlu = evaluate_nlu(args.model, read_examples(HELD_OUT))
    with tempfile.TemporaryDirectory() as out:
        rasa_nlu = rasa_test_nlu(args.model, HELD_OUT, Path(out) / "nlu")
        core = evaluate_core(
            args.model, ROOT / "tests" / "conversations", Path(out) / "core"
        )
    rows = [
        ("held-out NLU examples", nlu.examples),
        ("intent accuracy", nlu.intent_accuracy),
        ("intent macro-F1", nlu.intent_macro_f1),
        ("entity precision", nlu.entity_precision),
        ("entity recall", nlu.entity_recall),
        ("entity F1 (exact span)", nlu.entity_f1),
        ("entity F1 (overlapping span)", nlu.entity_f1_lenient),
        ("rasa test nlu: intent macro-F1", rasa_nlu["intent_macro_f1"]),
        ("rasa test nlu: intent accuracy", rasa_nlu["intent_accuracy"]),
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
    print(
        "rasa test nlu, token-level entity F1 by extractor: "
        + ", ".join(
            f"{k} {v:.2f}" for k, v in rasa_nlu["entity_f1_by_extractor"].items()
        )
    )
    print("most confused intents (gold → predicted, count):")
    for gold, predicted, count in nlu.confusions:
        print(f"  {gold} → {predicted}: {count}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(
            {
                "model": str(args.model),
                "nlu": dataclasses.asdict(nlu),
                "rasa_test_nlu": rasa_nlu,
                "core": core,
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    print(f"\nwritten to {args.output}")
    return 0 if core["failed_stories"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
