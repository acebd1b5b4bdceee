"""The routing models a centre keeps, which one routes, and what agents corrected.

Operators see and switch models through these; the models themselves are trained in
``training`` and loaded by ``router``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from cases.repositories import routing_models as repository
from knowledge_base.repositories.work_order_categories import list_categories


@dataclass(frozen=True)
class ModelSummary:
    version: str
    active: bool
    created_at: str
    source: str
    label_kind: str
    training_size: int
    threshold: float
    metrics: dict[str, Any]


def kept_models(session: Session) -> list[ModelSummary]:
    """Every kept model, newest first, without its payload."""
    return [
        ModelSummary(
            version=m.version,
            active=m.active,
            created_at=m.created_at.isoformat(timespec="seconds"),
            source=m.source,
            label_kind=m.label_kind,
            training_size=m.training_size,
            threshold=m.threshold,
            metrics=m.metrics,
        )
        for m in repository.list_models(session)
    ]


def corrections(session: Session) -> list[tuple[str, str]]:
    """The agents' corrections as (masked text, category code), oldest first."""
    return [(c.text, c.category) for c in repository.list_corrections(session)]


def activate(session: Session, version: str) -> bool:
    """Route with ``version`` from every process's next catalogue check; False if
    there is no such model."""
    return repository.activate(session, version) is not None


def route_with_curated_vocabulary(session: Session) -> None:
    repository.deactivate_all(session)


def category_codes(session: Session) -> set[str]:
    """The codes an archive may label its messages with."""
    return {category.code for category in list_categories(session)}
