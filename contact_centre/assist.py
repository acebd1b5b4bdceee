"""Suggestions for a hotline agent while the caller is still talking.

When the caller reports an emergency, the agent gets an emergency banner (the number to
send them to and what to tell them now) instead of answers and a work order. When the
caller names a service the catalogue does not hold, the agent is told so, and the
suggestions are marked as related services only. A complaint, or a call transcript
pasted with its speaker turns, comes with a work-order draft (``prefill``): the
category, unit, place, time and demand the words already give.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

from sqlalchemy.orm import Session

from cases.routing.classify import ComplaintClassifier
from cases.routing.router import Router
from contact_centre.prefill import WorkOrderDraft, prefill_work_order, split_turns
from knowledge_base.answers import (
    ASPECTS,
    INTENT_ASPECTS,
    answer,
    bundle_answer,
    provenance_text,
)
from knowledge_base.coverage import coverage, named_catalogue_services
from knowledge_base.guidance import materials_of, steps_of
from knowledge_base.provenance import checked_on, is_stale, today
from knowledge_base.repositories.bundles import get_bundle
from knowledge_base.repositories.services import get_service
from knowledge_base.resolution import worth_offering
from knowledge_base.search.ranking import SearchHit, ServiceIndex
from safety import emergency_reply, triage
from understanding.compound import tells_what_happened
from understanding.language import detect_language

COMPLAINT_INTENT = "file_complaint"
# What the NLU says of a message it could not place: an answer to no question asked
# (inform) or nothing at all. Such a message is a complaint when it reads as one.
UNPLACED_INTENTS = frozenset({"inform", "nlu_fallback"})


@dataclass(frozen=True)
class Suggestion:
    service_code: str
    service_name: str
    score: float
    answer: str
    steps: list[str]
    materials: list[str]
    # Where the guide comes from and its 最近核验 date (with the stale warning when
    # it is past HOTLINE_GUIDE_STALE_DAYS), shown apart from the answer's preview.
    provenance: str = ""
    stale: bool = False


@dataclass(frozen=True)
class WorkOrderHint:
    category: str
    category_name: str
    department: str
    department_name: str
    time_limit_days: int
    top_level: str
    # The routing's confidence: a probability when a learned model routed it.
    confidence: float
    # Whether it would go out without review; the agent sees the alternatives.
    automatic: bool
    model_version: str | None
    alternatives: list[dict[str, object]]
    # Why: the words that decided, and the handling unit's duty (职责).
    deciding_words: list[str]
    duty: str


@dataclass(frozen=True)
class EmergencyAdvice:
    """An emergency the caller reports: what the agent's banner says.

    Attributes:
        kind: a ``safety.Kind`` value (``"fire"``).
        numbers: the numbers to call, the first one first.
        advice: what to tell the caller now, in the caller's language.
    """

    kind: str
    numbers: tuple[str, ...]
    advice: str


class Assistance(NamedTuple):
    """What an agent is shown: answers best first, and either a work order's routing
    or, for an emergency, the banner that replaces both."""

    suggestions: list[Suggestion]
    work_order: WorkOrderHint | None
    emergency: EmergencyAdvice | None = None
    # The service the caller named, when the catalogue does not hold it: the
    # suggestions are then only related services, not the answer.
    not_held: str | None = None
    # The work order as the words fill it, for a complaint or a call transcript.
    draft: WorkOrderDraft | None = None


@dataclass(frozen=True)
class _Prepared:
    """What a suggestion says of one service or bundle, for every aspect at once."""

    name: str
    answers: dict[str, str]
    steps: tuple[str, ...]
    materials: tuple[str, ...]
    provenance: str = ""
    stale: bool = False


def _work_out_now(key: Hashable, work_out: Callable[[], _Prepared]) -> _Prepared:
    return work_out()


def suggest(
    session: Session,
    index: ServiceIndex,
    router: Router,
    text: str,
    top_k: int = 3,
    intent_of: Callable[[], str | None] = lambda: None,
    remembered: Callable[
        [Hashable, Callable[[], _Prepared]], _Prepared
    ] = _work_out_now,
) -> Assistance:
    """Answers an agent can read out as they are, best first, and the routing of a complaint.

    An emergency in ``text`` (``safety.triage``) comes instead: no answers, no work
    order, only the banner; neither the catalogue nor the NLU is consulted.

    Args:
        intent_of: what the NLU made of the text; it picks the aspect to answer
            (materials, fees, …) and whether a work order is wanted. Asked for only
            once the catalogue has been searched and read, so the NLU can run
            meanwhile: the agent is waiting for both.
        remembered: keeps what is said of each service per catalogue
            (``SearchEngine.remembered``): the catalogue is then read once per
            service, not on every call.
    """
    emergency = triage(text)
    if emergency is not None:
        advice = EmergencyAdvice(
            kind=emergency.kind.value,
            numbers=emergency.numbers,
            advice=emergency_reply(emergency, detect_language(text)),
        )
        return Assistance([], None, advice)
    # A caller's complaint shares words with guides it has nothing to do with (a
    # noise complaint brushes 房产证补办); an agent reads out what is shown, so only
    # hits that would be offered to a citizen are shown.
    named = set(named_catalogue_services(index, text))
    hits = worth_offering(index, text, limit=top_k, named=named)
    # Kept per day too: what is said of a guide's age changes with the date.
    on = today()
    prepared = [
        remembered(
            ("suggestion", hit.kind, hit.code, on), partial(_prepare, session, hit, on)
        )
        for hit in hits
    ]
    routing = router.route(text, explain=True)
    intent = intent_of()
    aspect = INTENT_ASPECTS.get(intent or "", "overview")
    suggestions = [
        Suggestion(
            service_code=hit.code,
            service_name=part.name,
            score=hit.score,
            answer=part.answers[aspect],
            steps=list(part.steps),
            materials=list(part.materials),
            provenance=part.provenance,
            stale=part.stale,
        )
        for hit, part in zip(hits, prepared, strict=True)
    ]
    work_order = None
    # Without the NLU, a complaint is what the learned model or the curated
    # vocabulary can route and the catalogue has no answer for.
    routable = routing.model_version is not None or routing.confidence > 0
    if (
        intent == COMPLAINT_INTENT
        or (intent is None and not hits and routable)
        or (intent in UNPLACED_INTENTS and reads_as_a_report(router.curated, text))
    ):
        work_order = WorkOrderHint(
            routing.category,
            routing.category_name,
            routing.department,
            routing.department_name,
            routing.time_limit_days,
            routing.top_level,
            routing.confidence,
            routing.automatic,
            routing.model_version,
            [s.__dict__ for s in routing.suggestions[1:]],
            list(routing.deciding_words),
            routing.duty,
        )
        # What the caller reports is a work order, not a guide: a guide is shown
        # only when the complaint names its service (居住证办了两个月还没下来).
        suggestions = [s for s in suggestions if s.service_code in named]
    missing = coverage(index, text).missing_subject
    draft = None
    # A pasted transcript is a call to be written up, whatever the catalogue found.
    if work_order is not None or any(turn.speaker for turn in split_turns(text)):
        draft = prefill_work_order(session, router, text, routing=routing)
    return Assistance(
        suggestions,
        work_order,
        not_held=missing.text if missing else None,
        draft=draft,
    )


def reads_as_a_report(classifier: ComplaintClassifier, text: str) -> bool:
    """Whether a message the NLU could not place reports a problem: a category's
    words, or the caller telling what happened and asking nothing. The chat offers to
    report such a message, and the agent gets its routing and draft: "闵行区七宝镇…
    门口的烧烤摊…油烟和噪音很大" was read as an answer (inform) at full confidence."""
    return classifier.names_a_problem(text) or tells_what_happened(text)


def _prepare(session: Session, hit: SearchHit, on: dt.date) -> _Prepared:
    # The index was built from this catalogue, so what it found is there.
    if hit.kind == "bundle":
        bundle = get_bundle(session, hit.code)
        assert bundle is not None
        said = bundle_answer(bundle, on=on)
        return _Prepared(
            name=hit.name,
            answers=dict.fromkeys(ASPECTS, said),
            steps=tuple(f"{s.title}：{s.detail}" for s in bundle.steps),
            materials=(),
            provenance=provenance_text(bundle, on=on),
            stale=is_stale(checked_on(bundle), on),
        )
    service = get_service(session, hit.code)
    assert service is not None
    return _Prepared(
        name=service.name,
        answers={aspect: answer(service, aspect, on=on) for aspect in ASPECTS},
        steps=tuple(f"{s.title}：{s.detail}" for s in steps_of(service)),
        materials=tuple(m.name for m in materials_of(service)),
        provenance=provenance_text(service, on=on),
        stale=is_stale(checked_on(service), on),
    )
