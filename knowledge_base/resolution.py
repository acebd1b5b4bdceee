"""Which service a citizen means: the named one, the one in context, or a search result.

Elliptic follow-ups ("那要带啥？") name nothing and mean the service already discussed; a
new name switches the subject; when search cannot tell two services apart, the citizen
is asked to choose rather than guessed for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from knowledge_base.search.ranking import SearchHit, ServiceIndex, confidence

CLEAR_MARGIN = 0.2
MIN_SCORE = 4.0
CHOICES = 3


@dataclass(frozen=True)
class Resolution:
    """``code`` when one subject is clear, otherwise ``candidates`` to choose from."""

    code: str | None = None
    kind: str | None = None
    candidates: list[SearchHit] = field(default_factory=list)

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
    codes = {doc.code: doc.kind for doc in index.documents}
    for mention in mentions:
        if mention in codes:
            return Resolution(code=mention, kind=codes[mention])
    for mention in mentions:
        resolution = _from_search(index.search(mention, limit=CHOICES))
        if resolution.is_clear or resolution.candidates:
            return resolution
    if context_code in codes:
        return Resolution(code=context_code, kind=codes[context_code])
    return _from_search(index.search(text, limit=CHOICES)) if text else Resolution()


def _from_search(hits: list[SearchHit]) -> Resolution:
    hits = [hit for hit in hits if hit.score >= MIN_SCORE]
    if not hits:
        return Resolution()
    if len(hits) == 1 or confidence(hits) >= CLEAR_MARGIN:
        return Resolution(code=hits[0].code, kind=hits[0].kind)
    return Resolution(candidates=hits)
