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
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.evaluation import (  # noqa: E402
    Example,
    evaluate_core,
    evaluate_nlu,
    rasa_test_nlu,
    read_examples,
)
from understanding.characters import simplified  # noqa: E402

HELD_OUT = ROOT / "tests" / "data" / "nlu_heldout.yml"
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]{2,}")


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
    examples = read_examples(HELD_OUT)
    nlu = evaluate_nlu(args.model, examples)
    written = {
        kind: evaluate_nlu(args.model, subset)
        for kind, subset in _by_writing(examples).items()
    }
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
    for kind, report in written.items():
        print(
            f"{kind} ({report.examples} examples): intent accuracy "
            f"{report.intent_accuracy}, macro-F1 {report.intent_macro_f1}, "
            f"entity F1 {report.entity_f1}"
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
                "nlu_by_writing": {
                    kind: dataclasses.asdict(report) for kind, report in written.items()
                },
                "rasa_test_nlu": rasa_nlu,
                "core": core,
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    print(f"\nwritten to {args.output}")
    return 0 if core["failed_stories"] == 0 else 1


def _by_writing(examples: list[Example]) -> dict[str, list[Example]]:
    """The held-out examples written in traditional characters, and those mixing
    Chinese and English: the writing the NLU was not trained on."""
    traditional = [e for e in examples if simplified(e.text) != e.text]
    mixed = [
        e
        for e in examples
        if e not in traditional and _CJK.search(e.text) and _LATIN.search(e.text)
    ]
    return {"traditional characters": traditional, "mixed Chinese-English": mixed}


if __name__ == "__main__":
    sys.exit(main())
