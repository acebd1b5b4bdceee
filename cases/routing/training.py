"""Training a routing model on the archive: cross-validated first, so its figures are honest.

The threshold for automatic dispatch comes from the same out-of-fold predictions: the
lowest top probability at which the orders at or above it were still routed right at
least ``precision_target`` of the time. Orders below it wait for an agent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from cases.models import RoutingModel
from cases.repositories import routing_models as repository
from cases.repositories.routing_models import add_model
from cases.routing.archive import Archive
from cases.routing.learned import LearnedClassifier, load_top_level_map
from foundation import clock

CROSS_VALIDATION_FOLDS = 5
PRECISION_TARGET = 0.95


@dataclass
class TrainedModel:
    classifier: LearnedClassifier
    label_kind: str
    source: str
    training_size: int
    threshold: float
    metrics: dict[str, Any] = field(default_factory=dict)

    def version(self, created_at: dt.datetime, payload: bytes) -> str:
        """When it was trained, and a digest that tells two models of one second apart."""
        digest = hashlib.sha256(payload).hexdigest()[:8]
        return f"{created_at:%Y%m%d-%H%M%S}-{digest}"


def dispatch_threshold(
    confidences: Sequence[float], correct: Sequence[bool], precision_target: float
) -> tuple[float, float]:
    """The lowest confidence whose orders at or above it meet ``precision_target``,
    and the share of orders it dispatches. Nothing qualifies: (inf, 0.0)."""
    order = np.argsort(-np.asarray(confidences, dtype=float), kind="stable")
    ranked = np.asarray(confidences, dtype=float)[order]
    hits = np.cumsum(np.asarray(correct, dtype=float)[order])
    precision = hits / np.arange(1, len(ranked) + 1)
    qualifying = np.nonzero(precision >= precision_target)[0]
    if len(qualifying) == 0:
        return float("inf"), 0.0
    last = int(qualifying[-1])
    # Ties at the threshold dispatch together: count them all.
    threshold = float(ranked[last])
    share = float(np.mean(np.asarray(confidences, dtype=float) >= threshold))
    return threshold, share


def evaluate(
    labels: Sequence[str], predicted: Sequence[str], classes: Sequence[str]
) -> dict[str, Any]:
    """Accuracy, macro-F1 and each class's F1."""
    from sklearn.metrics import accuracy_score, f1_score

    per_class = f1_score(labels, predicted, labels=list(classes), average=None)
    return {
        "accuracy": round(float(accuracy_score(labels, predicted)), 4),
        "macro_f1": round(
            float(f1_score(labels, predicted, labels=list(classes), average="macro")),
            4,
        ),
        "per_class_f1": {
            label: round(float(score), 4)
            for label, score in zip(classes, per_class, strict=True)
        },
    }


def train_routing_model(
    archive: Archive,
    *,
    folds: int = CROSS_VALIDATION_FOLDS,
    precision_target: float = PRECISION_TARGET,
    unlabelled: Sequence[str] = (),
) -> TrainedModel:
    """Cross-validate on the archive, then fit on all of it.

    Raises:
        ValueError: fewer than two labels, or a label with fewer examples than folds.
    """
    from sklearn.model_selection import StratifiedKFold

    texts, labels = archive.texts, archive.labels
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    if len(counts) < 2:
        raise ValueError("the archive needs at least two different labels")
    rare = sorted(label for label, n in counts.items() if n < folds)
    if rare:
        raise ValueError(
            f"each label needs at least {folds} messages for cross-validation; "
            f"too few for: {', '.join(rare)}"
        )
    classes = sorted(counts)
    out_of_fold = np.zeros((len(texts), len(classes)))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    started = time.perf_counter()
    for train_rows, test_rows in splitter.split(texts, labels):
        model = _fit(
            [texts[i] for i in train_rows], [labels[i] for i in train_rows], unlabelled
        )
        columns = [classes.index(str(c)) for c in model.classes_]
        out_of_fold[np.ix_(test_rows, columns)] = model.predict_proba(
            [texts[i] for i in test_rows]
        )
    cross_validation_s = time.perf_counter() - started
    predicted = [classes[i] for i in out_of_fold.argmax(axis=1)]
    confidences = out_of_fold.max(axis=1)
    correct = [p == label for p, label in zip(predicted, labels, strict=True)]
    threshold, automatic_share = dispatch_threshold(
        confidences.tolist(), correct, precision_target
    )
    started = time.perf_counter()
    classifier = _fit(texts, labels, unlabelled)
    training_s = time.perf_counter() - started
    metrics = {
        "cross_validation": {
            "folds": folds,
            **evaluate(labels, predicted, classes),
        },
        "precision_target": precision_target,
        "automatic_share": round(automatic_share, 4),
        "label_counts": dict(sorted(counts.items())),
        "unlabelled_size": len(unlabelled),
        "cross_validation_s": round(cross_validation_s, 1),
        "training_s": round(training_s, 1),
    }
    return TrainedModel(
        classifier=classifier,
        label_kind=archive.label_kind,
        source=archive.source,
        training_size=len(texts),
        threshold=threshold,
        metrics=metrics,
    )


def _fit(
    texts: list[str], labels: list[str], unlabelled: Sequence[str]
) -> LearnedClassifier:
    if unlabelled:
        return LearnedClassifier().fit(texts, labels, unlabelled=list(unlabelled))
    return LearnedClassifier().fit(texts, labels)


def with_corrections(
    archive: Archive, corrections: Sequence[tuple[str, str]]
) -> Archive:
    """The archive and the agents' corrections (text, category code) as one.

    An archive labelled with top-level names takes each correction's top level.

    Raises:
        ValueError: a corrected category has no top level.
    """
    if not corrections:
        return archive
    if archive.label_kind == "category":
        extra = [category for _, category in corrections]
    else:
        top_level = load_top_level_map()
        extra = [top_level[category] for _, category in corrections]
    return Archive(
        texts=[*archive.texts, *(text for text, _ in corrections)],
        labels=[*archive.labels, *extra],
        label_kind=archive.label_kind,
        source=f"{archive.source} + {len(corrections)} corrections",
    )


def store_model(
    session: Session, trained: TrainedModel, *, activate: bool = True
) -> RoutingModel:
    """Keep the model and its figures; with ``activate``, every process routes with it
    from its next catalogue check on."""
    payload = pickle.dumps(trained.classifier, protocol=pickle.HIGHEST_PROTOCOL)
    created_at = clock.now()
    row = add_model(
        session,
        RoutingModel(
            version=trained.version(created_at, payload),
            created_at=created_at,
            source=trained.source,
            label_kind=trained.label_kind,
            training_size=trained.training_size,
            threshold=trained.threshold,
            metrics=trained.metrics,
            payload=payload,
            active=False,
        ),
    )
    if activate:
        repository.activate(session, row.version)
    return row
