"""Suggestions for a hotline agent while the caller is still talking."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from knowledge_base.answers import INTENT_ASPECTS, answer, bundle_answer
from knowledge_base.guidance import materials_of, steps_of
from knowledge_base.repositories.bundles import get_bundle
from knowledge_base.repositories.services import get_services
from knowledge_base.search.classify import ComplaintClassifier
from knowledge_base.search.ranking import ServiceIndex

COMPLAINT_INTENT = "file_complaint"


@dataclass(frozen=True)
class Suggestion:
    service_code: str
    service_name: str
    score: float
    answer: str
    steps: list[str]
    materials: list[str]


@dataclass(frozen=True)
class WorkOrderHint:
    category: str
    category_name: str
    department: str
    department_name: str
    time_limit_days: int


def suggest(
    session: Session,
    index: ServiceIndex,
    classifier: ComplaintClassifier,
    text: str,
    top_k: int = 3,
    intent_of: Callable[[], str | None] = lambda: None,
) -> tuple[list[Suggestion], WorkOrderHint | None]:
    """Answers an agent can read out as they are, best first, and the routing of a complaint.

    Args:
        intent_of: what the NLU made of the text; it picks the aspect to answer
            (materials, fees, …) and whether a work order is wanted. Asked for only
            once the catalogue has been searched and read, so the NLU can run
            meanwhile: the agent is waiting for both.
    """
    hits = index.search(text, limit=top_k)
    services = {
        s.code: s
        for s in get_services(session, [h.code for h in hits if h.kind == "service"])
    }
    classification = classifier.classify(text)
    intent = intent_of()
    aspect = INTENT_ASPECTS.get(intent or "", "overview")
    suggestions = []
    for hit in hits:
        if hit.kind == "bundle":
            bundle = get_bundle(session, hit.code)
            steps = [f"{s.title}：{s.detail}" for s in bundle.steps]
            suggestions.append(
                Suggestion(
                    hit.code, hit.name, hit.score, bundle_answer(bundle), steps, []
                )
            )
            continue
        service = services[hit.code]
        suggestions.append(
            Suggestion(
                service_code=service.code,
                service_name=service.name,
                score=hit.score,
                answer=answer(service, aspect),
                steps=[f"{s.title}：{s.detail}" for s in steps_of(service)],
                materials=[m.name for m in materials_of(service)],
            )
        )
    work_order = None
    if intent == COMPLAINT_INTENT or (
        intent is None and not hits and classification.score > 0
    ):
        work_order = WorkOrderHint(
            classification.category,
            classification.category_name,
            classification.department,
            classification.department_name,
            classification.time_limit_days,
        )
    return suggestions, work_order
