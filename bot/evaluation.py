"""Evaluation of the conversation model on data it was never trained on.

NLU: every held-out example is parsed by the trained model; intents (retrieval intents
with their response key, e.g. ``faq/hotline_hours``) give accuracy and macro-F1, and the
final merged entities (whatever extractor found them) give precision, recall and F1,
strict (same type and span) and lenient (same type, overlapping span). Rasa's own
``rasa test nlu`` on the same file is the cross-check: its intent macro-F1, and its
token-level entity F1 for each extractor (which cannot show the merged result the
actions see). Core: ``rasa test core`` over the test stories, which must all pass.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

_ANNOTATION = re.compile(r"\[([^\]]+)\]\((\w+)(?::[^)]*)?\)|\[([^\]]+)\]\{([^}]*)\}")


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    entities: tuple[tuple[str, int, int], ...]


@dataclass
class NluReport:
    examples: int
    intent_accuracy: float
    intent_macro_f1: float
    entity_precision: float
    entity_recall: float
    entity_f1: float
    entity_f1_lenient: float
    per_intent_f1: dict[str, float] = field(default_factory=dict)
    per_entity_f1: dict[str, float] = field(default_factory=dict)
    confusions: list[tuple[str, str, int]] = field(default_factory=list)


def read_examples(path: Path) -> list[Example]:
    """Rasa YAML training-format examples with their annotated entity spans."""
    examples = []
    for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
        if "intent" not in block:
            continue
        for line in block["examples"].splitlines():
            line = line.strip()
            if not line.startswith("- "):
                continue
            examples.append(_strip_annotations(line[2:].strip(), block["intent"]))
    return examples


def _strip_annotations(annotated: str, intent: str) -> Example:
    text, entities, position = "", [], 0
    for match in _ANNOTATION.finditer(annotated):
        text += annotated[position : match.start()]
        if match.group(1) is not None:
            value, entity = match.group(1), match.group(2)
        else:
            value, entity = (
                match.group(3),
                json.loads("{" + match.group(4) + "}")["entity"],
            )
        entities.append((entity, len(text), len(text) + len(value)))
        text += value
        position = match.end()
    text += annotated[position:]
    return Example(text, intent, tuple(entities))


def evaluate_nlu(model: Path, examples: list[Example]) -> NluReport:
    from rasa.core.agent import Agent
    from sklearn.metrics import accuracy_score, f1_score

    agent = Agent.load(str(model))

    async def parse_all():
        return [await agent.parse_message(example.text) for example in examples]

    parsed = asyncio.run(parse_all())
    predicted_intents = [_full_intent(p) for p in parsed]
    gold_intents = [e.intent for e in examples]
    labels = sorted(set(gold_intents))
    true_positive, predicted_total, gold_total, lenient_hits = (
        Counter(),
        Counter(),
        Counter(),
        0,
    )
    for example, result in zip(examples, parsed, strict=True):
        predicted = _merged_entities(result)
        gold = set(example.entities)
        for entity in gold:
            gold_total[entity[0]] += 1
        for entity in predicted:
            predicted_total[entity[0]] += 1
            if entity in gold:
                true_positive[entity[0]] += 1
        lenient_hits += sum(
            any(p[0] == g[0] and p[1] < g[2] and g[1] < p[2] for p in predicted)
            for g in gold
        )
    tp, pp, gp = (
        sum(true_positive.values()),
        sum(predicted_total.values()),
        sum(gold_total.values()),
    )
    precision = tp / pp if pp else 0.0
    recall = tp / gp if gp else 0.0
    lenient_recall = lenient_hits / gp if gp else 0.0
    confusions = Counter(
        (g, p) for g, p in zip(gold_intents, predicted_intents, strict=True) if g != p
    )
    return NluReport(
        examples=len(examples),
        intent_accuracy=round(accuracy_score(gold_intents, predicted_intents), 4),
        intent_macro_f1=round(
            f1_score(
                gold_intents,
                predicted_intents,
                labels=labels,
                average="macro",
                zero_division=0,
            ),
            4,
        ),
        entity_precision=round(precision, 4),
        entity_recall=round(recall, 4),
        entity_f1=round(_f1(precision, recall), 4),
        entity_f1_lenient=round(_f1(precision, lenient_recall), 4),
        per_intent_f1={
            label: round(score, 4)
            for label, score in zip(
                labels,
                f1_score(
                    gold_intents,
                    predicted_intents,
                    labels=labels,
                    average=None,
                    zero_division=0,
                ),
                strict=True,
            )
        },
        per_entity_f1={
            entity: round(
                _f1(
                    true_positive[entity] / predicted_total[entity]
                    if predicted_total[entity]
                    else 0.0,
                    true_positive[entity] / gold_total[entity],
                ),
                4,
            )
            for entity in sorted(gold_total)
        },
        confusions=[(g, p, n) for (g, p), n in confusions.most_common(15)],
    )


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _full_intent(parsed: dict) -> str:
    """The intent with its response key for retrieval intents ("faq/hotline_hours")."""
    intent = parsed["intent"]["name"]
    selectors = parsed.get("response_selector") or {}
    # One selector for every retrieval intent answers under "default".
    selector = selectors.get(intent) or selectors.get("default") or {}
    key = selector.get("response", {}).get("intent_response_key") or ""
    return key if key.startswith(f"{intent}/") else intent


def _merged_entities(parsed: dict) -> set[tuple[str, int, int]]:
    """Final entities, one per type and span, whichever extractor produced them."""
    return {
        (e["entity"], e["start"], e["end"])
        for e in parsed.get("entities", [])
        if "start" in e
    }


def rasa_test_nlu(model: Path, held_out: Path, out: Path) -> dict:
    """``rasa test nlu`` on the held-out file: Rasa's own intent and entity reports."""
    out.mkdir(parents=True, exist_ok=True)
    process = subprocess.run(
        [
            str(Path(sys.executable).parent / "rasa"),
            "test",
            "nlu",
            "--model",
            str(model),
            "--nlu",
            str(held_out),
            "--out",
            str(out),
            "--no-plot",
        ],
        capture_output=True,
        text=True,
    )
    intents = _json_or_empty(out / "intent_report.json")
    entities = {
        path.name.removesuffix("_report.json"): round(
            _json_or_empty(path).get("micro avg", {}).get("f1-score", 0.0), 4
        )
        for path in sorted(out.glob("*_report.json"))
        if path.name not in ("intent_report.json", "response_selection_report.json")
    }
    return {
        "intent_macro_f1": round(intents.get("macro avg", {}).get("f1-score", 0.0), 4),
        "intent_accuracy": round(intents.get("accuracy", 0.0), 4),
        "entity_f1_by_extractor": entities,
        "returncode": process.returncode,
    }


def _json_or_empty(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def evaluate_core(model: Path, stories: Path, out: Path) -> dict:
    """``rasa test core``; returns how many stories and actions were predicted correctly."""
    out.mkdir(parents=True, exist_ok=True)
    process = subprocess.run(
        [
            str(Path(sys.executable).parent / "rasa"),
            "test",
            "core",
            "--model",
            str(model),
            "--stories",
            str(stories),
            "--out",
            str(out),
            "--no-plot",
        ],
        capture_output=True,
        text=True,
    )
    failed_path = out / "failed_test_stories.yml"
    failed_text = (
        failed_path.read_text(encoding="utf-8") if failed_path.exists() else ""
    )
    failed = (
        0
        if "None of the test stories failed" in failed_text or not failed_text.strip()
        else failed_text.count("- story:")
    )
    total = (
        len(yaml.safe_load(stories.read_text(encoding="utf-8"))["stories"])
        if stories.is_file()
        else sum(
            len(yaml.safe_load(p.read_text(encoding="utf-8"))["stories"])
            for p in stories.glob("test_*.yml")
        )
    )
    report = _json_or_empty(out / "story_report.json")
    return {
        "stories": total,
        "failed_stories": failed,
        "action_accuracy": round(report.get("accuracy", 0.0), 4),
        "action_macro_f1": round(report.get("macro avg", {}).get("f1-score", 0.0), 4),
        "returncode": process.returncode,
    }
