"""Which service a citizen means: the named one, the one in context, or a search result.

Elliptic follow-ups ("那要带啥？") name nothing and mean the service already discussed; a
new name switches the subject, and a name the catalogue does not hold (knowledge_base.
coverage) drops it: the citizen is told so rather than given a neighbour's guide. When
search cannot tell two services apart, the citizen is asked to choose rather than
guessed for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from knowledge_base.coverage import coverage, named_catalogue_services
from knowledge_base.search.ranking import SearchHit, ServiceIndex, confidence

CLEAR_MARGIN = 0.2
MIN_SCORE = 4.0
CHOICES = 3
# Offered when the NLU is unsure: a hit this strong, or one the message names. Weaker
# ones are coincidences of a word (火车票怎么退 → 临时身份证, 6.8), not suggestions.
OFFER_SCORE = 8.0
# Related services offered beside "not held": only those near the best one.
RELATED_SHARE = 0.75


@dataclass(frozen=True)
class Resolution:
    """``code`` when one subject is clear, otherwise ``candidates`` to choose from.

    ``missing`` is the service name the citizen typed when the catalogue does not hold it;
    ``candidates`` are then related services to offer, never to answer with.
    ``unheard`` are the words of a question no guide contains, when search found
    nothing: it names a subject the catalogue lacks (无人机飞行怎么报备), which asking
    "which service?" would only send round again.
    """

    code: str | None = None
    kind: str | None = None
    candidates: list[SearchHit] = field(default_factory=list)
    missing: str | None = None
    unheard: tuple[str, ...] = ()

    @property
    def is_clear(self) -> bool:
        return self.code is not None


def resolve_subject(
    index: ServiceIndex,
    *,
    mentions: Sequence[str] = (),
    context_code: str | None = None,
    text: str = "",
) -> Resolution:
    """Resolve the subject of a question.

    Args:
        index: the catalogue's search index.
        mentions: service names the NLU found (codes when synonyms mapped them).
        context_code: the service the conversation was already about.
        text: the whole message, searched when nothing else identifies the service.
    """
    codes = index.kinds
    missing = coverage(index, text).missing_subject if text else None
    if missing is not None:
        return Resolution(
            missing=missing.text, candidates=_related(index.search(text, limit=CHOICES))
        )
    for mention in mentions:
        if mention in codes:
            return Resolution(code=mention, kind=codes[mention])
    for mention in mentions:
        resolution = _from_search(index.search(mention, limit=CHOICES))
        if resolution.is_clear or resolution.candidates:
            return resolution
    if context_code in codes and _still_the_subject(index, text, context_code):
        return Resolution(code=context_code, kind=codes[context_code])
    if not text:
        return Resolution()
    resolution = _from_search(index.search(text, limit=CHOICES))
    if resolution.is_clear or resolution.candidates:
        return resolution
    return Resolution(unheard=tuple(index.unheard_words(text)))


def _still_the_subject(index: ServiceIndex, text: str, code: str) -> bool:
    """Whether a follow-up may still be about ``code``: yes, unless it names other
    services only."""
    named = named_catalogue_services(index, text) if text else []
    return not named or code in named


def worth_offering(
    index: ServiceIndex,
    text: str,
    limit: int = CHOICES,
    named: set[str] | None = None,
) -> list[SearchHit]:
    """Services to offer when the NLU cannot tell what a message asks: strong hits and
    those it names; none when the words only brush the catalogue.

    ``named``: the services ``text`` names, for a caller that has read them already.
    """
    if named is None:
        named = set(named_catalogue_services(index, text))
    return [
        hit
        for hit in index.search(text, limit=limit)
        if hit.score >= OFFER_SCORE or hit.code in named
    ]


def _related(hits: list[SearchHit]) -> list[SearchHit]:
    hits = _above_floor(hits)
    return [hit for hit in hits if hit.score >= RELATED_SHARE * hits[0].score]


def _above_floor(hits: list[SearchHit]) -> list[SearchHit]:
    return [hit for hit in hits if hit.score >= MIN_SCORE]


def _from_search(hits: list[SearchHit]) -> Resolution:
    hits = _above_floor(hits)
    if not hits:
        return Resolution()
    if len(hits) == 1 or confidence(hits) >= CLEAR_MARGIN:
        return Resolution(code=hits[0].code, kind=hits[0].kind)
    return Resolution(candidates=hits)
