"""Complaint classification on real citizen messages (2020 TipDM Cup, problem C).

Seven top-level categories, evaluated on the dev titles and on the dev bodies:

- without TipDM training: our keyword + BM25 ``ComplaintClassifier`` over the 18 curated
  work-order categories, its answer folded to the 7 by ``top_level_categories.yml``;
- with TipDM training: ``LearnedClassifier`` trained on ``train.tsv`` titles only.

Nothing is tuned on dev. The data is read from ``../shared/data/tipdm2020`` and never
copied into the repository.

    python benchmarks/classify_tipdm.py [--data DIR]

Prints accuracy and macro-F1 of the four combinations, per-class F1 and the confusion
matrices, and writes ``benchmarks/results/classification_tipdm.json``.
"""

from __future__ import annotations

import argparse
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.report import write_results  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "tipdm2020"
RESULTS = ROOT / "benchmarks" / "results" / "classification_tipdm.json"
SPLITS = {"titles": "dev.tsv", "bodies": "dev_bodies.tsv"}


def label_names(data: Path) -> dict[str, str]:
    """Label id → top-level category name, from ``labels.tsv``."""
    rows = [line.split("\t") for line in (data / "labels.tsv").read_text().splitlines()]
    return {label_id: name for label_id, name in rows[1:]}


def read_split(data: Path, name: str) -> tuple[list[str], list[str]]:
    """Texts and their top-level category names."""
    from cases.routing.learned import read_labelled_tsv

    names = label_names(data)
    texts, ids = read_labelled_tsv(data / name)
    return texts, [names[i] for i in ids]


def curated_classifier():
    """The production classifier, built from the curated YAML rather than a database."""
    from cases.routing.classify import CategoryProfile, ComplaintClassifier
    from foundation.settings import get_settings
    from knowledge_base.catalogue import load_catalogue

    folder = get_settings().catalogue_dir
    catalogue = load_catalogue(
        [folder / "departments.yml", folder / "work_order_categories.yml"]
    )
    departments = {d.code: d.name for d in catalogue.departments}
    return ComplaintClassifier(
        [
            CategoryProfile(
                code=c.code,
                name=c.name,
                name_en=c.name_en,
                department_code=c.department,
                department_name=departments[c.department],
                time_limit_days=c.time_limit_days,
                keywords=tuple(c.keywords),
                description=c.description,
            )
            # Sorted by code as the database returns them, so ties break the same way.
            for c in sorted(catalogue.work_order_categories, key=lambda c: c.code)
        ]
    )


def evaluate(truth: list[str], predicted: list[str], classes: list[str]) -> dict:
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

    per_class = f1_score(
        truth, predicted, labels=classes, average=None, zero_division=0
    )
    return {
        "n": len(truth),
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_f1": round(
            float(
                f1_score(
                    truth, predicted, labels=classes, average="macro", zero_division=0
                )
            ),
            4,
        ),
        "per_class_f1": {
            c: round(float(f), 4) for c, f in zip(classes, per_class, strict=True)
        },
        # Rows are the true category, columns the predicted one, both in ``classes``.
        "confusion": confusion_matrix(truth, predicted, labels=classes).tolist(),
    }


def run(data: Path) -> dict:
    from cases.routing.classify import FALLBACK_CATEGORY
    from cases.routing.learned import LearnedClassifier, top_level_of

    classes = list(label_names(data).values())
    splits = {split: read_split(data, name) for split, name in SPLITS.items()}
    results: dict = {"classes": classes, "approaches": {}, "seconds": {}}

    started = time.perf_counter()
    curated = curated_classifier()
    for split, (texts, truth) in splits.items():
        classifications = [curated.classify(text) for text in texts]
        scores = evaluate(truth, [top_level_of(c) for c in classifications], classes)
        # The catch-all category, and the part of it that had no evidence at all.
        scores["other_share"] = round(
            sum(c.category == FALLBACK_CATEGORY for c in classifications) / len(texts),
            4,
        )
        scores["no_evidence_share"] = round(
            sum(not c.scores for c in classifications) / len(texts), 4
        )
        results["approaches"].setdefault("curated_keywords", {})[split] = scores
    results["seconds"]["curated_keywords"] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    model = LearnedClassifier().fit(*read_split(data, "train.tsv"))
    for split, (texts, truth) in splits.items():
        results["approaches"].setdefault("learned_tipdm", {})[split] = evaluate(
            truth, model.predict(texts), classes
        )
    results["seconds"]["learned_tipdm"] = round(time.perf_counter() - started, 1)
    return results


def _pad(text: str, width: int) -> str:
    """Left-justify counting Chinese characters as two columns, as terminals do."""
    wide = sum(unicodedata.east_asian_width(ch) in "WF" for ch in text)
    return text + " " * max(0, width - len(text) - wide)


def report(results: dict) -> None:
    classes = results["classes"]
    header = f"{'approach':<18} {'split':<7} {'n':>5} {'accuracy':>9} {'macro-F1':>9}"
    print(header)
    print("-" * len(header))
    for approach, splits in results["approaches"].items():
        for split, r in splits.items():
            print(
                f"{approach:<18} {split:<7} {r['n']:>5} {r['accuracy']:>9.4f} {r['macro_f1']:>9.4f}"
            )
    print("\nper-class F1")
    columns = [(a, s) for a, splits in results["approaches"].items() for s in splits]
    print(
        _pad("", 18) + "".join(f"{a.split('_')[0] + '/' + s:>16}" for a, s in columns)
    )
    for i, c in enumerate(classes):
        scores = "".join(
            f"{results['approaches'][a][s]['per_class_f1'][c]:>16.3f}"
            for a, s in columns
        )
        print(_pad(f"{i} {c}", 18) + scores)
    print("\nclasses: " + ", ".join(f"{i}={c}" for i, c in enumerate(classes)))
    for a, s in columns:
        print(f"\nconfusion {a} / {s} (rows true, columns predicted)")
        print("     " + "".join(f"{i:>6}" for i in range(len(classes))))
        for i, row in enumerate(results["approaches"][a][s]["confusion"]):
            print(f"{i:>5}" + "".join(f"{v:>6}" for v in row))
    for split, r in results["approaches"]["curated_keywords"].items():
        print(
            f"curated {split}: {r['other_share']:.1%} classified 'other', "
            f"{r['no_evidence_share']:.1%} with no evidence at all"
        )
    print("\nseconds: " + ", ".join(f"{k} {v}" for k, v in results["seconds"].items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    if not args.data.is_dir():
        print(f"no TipDM data at {args.data}", file=sys.stderr)
        return 1
    results = run(args.data)
    report(results)
    write_results(RESULTS, results)
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
