"""How often the curated classifier puts a labelled file's complaints where a dispatcher
would, with the misses printed so that a failing floor says what went wrong."""

from __future__ import annotations

from cases.routing.classify import ComplaintClassifier
from tests.conftest import load_yaml


def category_accuracy(classifier: ComplaintClassifier, name: str) -> float:
    """Share of the complaints in ``tests/data/<name>`` classified as ``expect``."""
    complaints = load_yaml(name)["complaints"]
    misses = [
        f"{c['text'][:60]} → {got} (want {c['expect']})"
        for c in complaints
        if (got := classifier.classify(c["text"]).category) != c["expect"]
    ]
    accuracy = 1 - len(misses) / len(complaints)
    print(f"\n{name}: {len(complaints)} complaints, accuracy {accuracy:.3f}")
    print("misses:\n  " + "\n  ".join(misses))
    return accuracy
