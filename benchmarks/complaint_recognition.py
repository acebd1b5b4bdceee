"""How often a trained model takes a complaint for a complaint, and its held-out NLU.

A complaint is only routed once the assistant knows it is being told one: the share
of each labelled complaint file that the model reads as ``file_complaint`` (the odd
message in them that praises instead, as ``give_praise``), the intents it reads the
others as, and the held-out NLU set's figures
(``tests/data/nlu_heldout.yml``), so that a gain on complaints is seen beside what it
costs the other intents.

    python benchmarks/complaint_recognition.py [MODEL] [--verbose]

MODEL defaults to the production model (``models/hotline.tar.gz``); compare two by
running it on each. Writes ``benchmarks/results/complaint_recognition.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.report import write_results  # noqa: E402

DATA = ROOT / "tests" / "data"
COMPLAINT_FILES = (
    "complaints_en.yml",
    "complaints_en_blind.yml",
    "complaints_en_blind2.yml",
    "complaints_en_blind3.yml",
    "complaints.yml",
    "complaints_zh_blind.yml",
    "complaints_zh_blind2.yml",
)
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="?", default=str(ROOT / "models/hotline.tar.gz"))
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()

    from rasa.core.agent import Agent

    from bot.evaluation import evaluate_nlu, read_examples

    agent = Agent.load(args.model)

    async def intents(texts: list[str]) -> list[str]:
        return [(await agent.parse_message(t))["intent"]["name"] for t in texts]

    report: dict = {"model": args.model, "complaints": {}}
    print("| complaints | messages | taken for a complaint | read instead as |")
    print("| --- | --- | --- | --- |")
    for name in COMPLAINT_FILES:
        labelled = yaml.safe_load((DATA / name).read_text())["complaints"]
        texts = [c["text"] for c in labelled]
        # A message that praises instead is meant to be read as praise.
        meant = [c.get("intent", "file_complaint") for c in labelled]
        read = asyncio.run(intents(texts))
        counts = Counter(r for r, m in zip(read, meant, strict=True) if r != m)
        share = round(
            sum(r == m for r, m in zip(read, meant, strict=True)) / len(texts), 3
        )
        report["complaints"][name] = {
            "messages": len(texts),
            "file_complaint": share,
            "read_instead_as": dict(counts.most_common()),
        }
        others = ", ".join(f"{i} {n}" for i, n in counts.most_common(4))
        print(f"| `{name}` | {len(texts)} | {share:.3f} | {others} |")
        if args.verbose:
            for text, intent, wanted in zip(texts, read, meant, strict=True):
                if intent != wanted:
                    print(f"    {intent}: {text}")

    held_out = read_examples(DATA / "nlu_heldout.yml")
    for label, examples in (
        ("held-out NLU", held_out),
        ("held-out NLU, English", [e for e in held_out if not CHINESE.search(e.text)]),
    ):
        nlu = evaluate_nlu(Path(args.model), examples)
        report[label] = {
            "examples": nlu.examples,
            "intent_accuracy": nlu.intent_accuracy,
            "intent_macro_f1": nlu.intent_macro_f1,
            "entity_f1": nlu.entity_f1,
            "entity_f1_overlap": nlu.entity_f1_lenient,
        }
        print(
            f"{label}: {nlu.examples} examples, intent accuracy {nlu.intent_accuracy}, "
            f"macro-F1 {nlu.intent_macro_f1}, entity F1 {nlu.entity_f1} "
            f"(overlap {nlu.entity_f1_lenient})"
        )
    write_results(ROOT / "benchmarks/results/complaint_recognition.json", report)


if __name__ == "__main__":
    main()
