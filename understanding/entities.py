"""The entities a citizen's message names, and which reading of each wins.

`entities_in` finds districts, addresses and dates by grammar alone, so they work from
the first message without training. `resolve_entities` then settles what every
extractor found, for Rasa's three overlap: the RegexEntityExtractor (phone, ID and
tracking numbers), the rule-based ZhEntityExtractor (this package's grammars) and DIET
(everything it was trained on). DIET splits "139 1234 5678" into three phones and
"work permit" into two services, and finds "徐汇区" next to the rule-based district;
its service spans are often a character off ("换驾照", "港澳签注签"), and now and then
it calls a plain word a service ("宝宝", "小店"). The rules keep the rule-based entity
where rules are authoritative, leave dates to the rules alone, snap DIET's service
spans onto the service vocabulary (written or sounding alike), drop those that name
nothing in it and add catalogue names written in full that DIET missed, keep only
ratings that are ratings and start them at their number, join fragments, trim
whitespace and drop one-character noise, so actions and slots see one clean entity per
span.

Entities are dictionaries in Rasa's format (``entity``, ``start``, ``end``, ``value``,
``extractor`` …), the form every extractor hands over; the rules need no Rasa.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from knowledge_base.search.phonetic import HomophoneRepairer
from understanding.addresses import address_spans, place_spans
from understanding.dates import date_spans
from understanding.ratings import parse_rating
from understanding.spans import without_overlaps

Entity = dict[str, Any]
"""An entity as Rasa's extractors hand it over; only ``entity`` is always there."""

ENTITY_ATTRIBUTE_TYPE = "entity"
ENTITY_ATTRIBUTE_START = "start"
ENTITY_ATTRIBUTE_END = "end"
ENTITY_ATTRIBUTE_VALUE = "value"
EXTRACTOR = "extractor"
# The name written services are credited to: the component that applies these rules.
RESOLVER = "EntityResolver"


def entities_in(text: str, now: datetime) -> list[Entity]:
    """Finds districts, addresses and dates in a message.

    Args:
        text: The message as the citizen wrote it.
        now: The time relative dates (今天, 下周一) count from.

    Returns:
        Entities with character offsets into `text`, sorted by position and never
        overlapping one another.
    """
    places = place_spans(text)
    dates = date_spans(text, now)
    stops = {span.end for span in (*places, *dates)}
    addresses = address_spans(text, places, stops)
    kept = without_overlaps([*addresses, *places, *dates])
    return [span.as_entity() for span in kept]


RULE_EXTRACTORS = ("RegexEntityExtractor", "ZhEntityExtractor")
# Where rules know better than a statistical model.
AUTHORITATIVE = {
    "phone": "RegexEntityExtractor",
    "id_number": "RegexEntityExtractor",
    "tracking_number": "RegexEntityExtractor",
    "district": "ZhEntityExtractor",
    "date": "ZhEntityExtractor",
    "address": "ZhEntityExtractor",
}
# The rules know every date form the hotline needs; DIET's dates are guesses ("开始").
RULES_ONLY = {"date"}
SHORT_ALLOWED = ("rating",)
SERVICE = "service"
RATING = "rating"
_DIGITS = re.compile(r"\d")
# Where a rating's number starts: "评分2" is the rating 2, "打4分" is 4分.
_RATING_NUMBER = re.compile(r"[0-9一二两三四五]")


class ServiceVocabulary:
    """The words a service span may be, as written or sounding alike ("架照" for
    "驾照", as speech recognition writes it).

    Args:
        catalogue: catalogue names and aliases, including phrases kept for search
            ("身份证丢了", "办居住证").
        annotated: the spans the training data annotates as services ("驾照",
            "身份证"): how the assistant names services, preferred where a message
            holds several overlapping terms.
    """

    def __init__(
        self, catalogue: Iterable[str] = (), annotated: Iterable[str] = ()
    ) -> None:
        self.annotated = _words(annotated)
        self.terms = sorted({*_words(catalogue), *self.annotated})
        self._sounds = HomophoneRepairer(self.terms)

    def __bool__(self) -> bool:
        return bool(self.terms)

    @classmethod
    def from_training_data(
        cls,
        lookup_tables: Iterable[dict[str, Any]],
        examples: Iterable[tuple[str, list[Entity]]],
    ) -> ServiceVocabulary:
        """The vocabulary a training set teaches.

        Args:
            lookup_tables: Its lookup tables (``name``, ``elements``); the
                ``service`` table, generated from the catalogue, is the catalogue.
            examples: Its annotated examples, each a text and its entities; the
                spans annotated as services are the annotated names.
        """
        catalogue = [
            element
            for table in lookup_tables
            if table.get("name") == SERVICE
            for element in table.get("elements", [])
        ]
        annotated = [
            text[entity[ENTITY_ATTRIBUTE_START] : entity[ENTITY_ATTRIBUTE_END]]
            for text, entities in examples
            for entity in entities
            if entity[ENTITY_ATTRIBUTE_TYPE] == SERVICE
        ]
        return cls(catalogue, annotated)

    def to_json(self) -> str:
        """The vocabulary as a trained model keeps it."""
        saved = {"terms": self.terms, "annotated": sorted(self.annotated)}
        return json.dumps(saved, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> ServiceVocabulary:
        """The vocabulary `to_json` wrote."""
        saved = json.loads(text)
        return cls(saved["terms"], saved["annotated"])

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Every stretch of ``text`` that is a term or sounds like one."""
        return sorted(
            set(_term_spans(text, self.terms)) | set(self._sounds.spans(text))
        )

    def names_written(self, text: str) -> list[tuple[int, int]]:
        """Terms written in ``text``, best first: annotated names, then the longest."""
        lowered = text.lower()
        return sorted(
            _term_spans(text, self.terms),
            key=lambda span: (
                lowered[span[0] : span[1]] not in self.annotated,
                span[0] - span[1],
            ),
        )


def _words(terms: Iterable[str]) -> set[str]:
    return {t.strip().lower() for t in terms if len(t.strip()) >= 2}


def resolve_entities(
    text: str,
    entities: list[Entity],
    vocabulary: ServiceVocabulary | None = None,
    add_written_services: bool = False,
) -> list[Entity]:
    """Trimmed, snapped, joined, de-duplicated entities in text order.

    Args:
        text: the message text the entities' offsets refer to.
        entities: entities from every extractor, as Rasa passes them.
        vocabulary: what service spans snap onto; without one they are kept as found.
        add_written_services: whether a name of the vocabulary written in the text
            becomes a service when no extractor found one (for questions about a
            service, not for "我身份证310115…", which gives a number).
    """
    found_terms = vocabulary.spans(text) if vocabulary else None
    trimmed = [
        e
        for e in (_trim(text, entity) for entity in entities if _admissible(entity))
        if e is not None and _long_enough(e)
    ]
    snapped = [
        e
        for e in (_snap_service(text, entity, found_terms) for entity in trimmed)
        if e is not None
    ]
    joined = [
        _start_rating_at_number(text, e)
        for e in _join_fragments(text, sorted(snapped, key=_position))
    ]
    kept: list[Entity] = []
    for entity in sorted(joined, key=_priority):
        if _well_formed(entity) and not any(_overlaps(entity, other) for other in kept):
            kept.append(entity)
    if (
        vocabulary
        and add_written_services
        and not any(e[ENTITY_ATTRIBUTE_TYPE] == SERVICE for e in kept)
    ):
        kept += _written_services(text, vocabulary, kept)
    return sorted(kept, key=_position)


def _written_services(
    text: str, vocabulary: ServiceVocabulary, kept: list[Entity]
) -> list[Entity]:
    """Names of the vocabulary written out where DIET saw no service ("身份证丢了")."""
    found: list[Entity] = []
    for start, end in vocabulary.names_written(text):
        entity = {
            ENTITY_ATTRIBUTE_TYPE: SERVICE,
            ENTITY_ATTRIBUTE_START: start,
            ENTITY_ATTRIBUTE_END: end,
            ENTITY_ATTRIBUTE_VALUE: text[start:end],
            EXTRACTOR: RESOLVER,
        }
        if not any(_overlaps(entity, other) for other in (*kept, *found)):
            found.append(entity)
    return found


def _admissible(entity: Entity) -> bool:
    return (
        entity[ENTITY_ATTRIBUTE_TYPE] not in RULES_ONLY
        or entity.get(EXTRACTOR) in RULE_EXTRACTORS
    )


def _term_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Where terms occur in the text, case-insensitively, overlaps included.

    An English term must stand as whole words: "id" is not in "valid".
    """
    lowered = text.lower()
    spans = []
    for term in terms:
        start = lowered.find(term)
        while start != -1:
            end = start + len(term)
            if not term.isascii() or _whole_words(lowered, start, end):
                spans.append((start, end))
            start = lowered.find(term, start + 1)
    return spans


def _whole_words(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalnum()) and not (
        after.isascii() and after.isalnum()
    )


def _snap_service(
    text: str, entity: Entity, terms: list[tuple[int, int]] | None
) -> Entity | None:
    """A statistical service span moved onto the vocabulary term it overlaps most.

    "换驾照" becomes "驾照" and "港澳" in "港澳签注" becomes "港澳签注", so the synonym
    mapper can turn the span into a service code. Ties go to the term closest to
    the original span, so a span that is a name stays as it is. A span that overlaps no term names no service the assistant
    knows: it is dropped, so the actions search with the whole message instead.
    Without a vocabulary (``terms`` is None) every span is kept.
    """
    if (
        terms is None
        or entity[ENTITY_ATTRIBUTE_TYPE] != SERVICE
        or entity.get(EXTRACTOR) in RULE_EXTRACTORS
        or ENTITY_ATTRIBUTE_START not in entity
    ):
        return entity
    start, end = entity[ENTITY_ATTRIBUTE_START], entity[ENTITY_ATTRIBUTE_END]

    def closeness(term: tuple[int, int]) -> tuple[int, int]:
        overlap = min(end, term[1]) - max(start, term[0])
        difference = abs(term[0] - start) + abs(term[1] - end)
        return overlap, -difference

    overlapping = [t for t in terms if t[0] < end and start < t[1]]
    if not overlapping:
        return None
    best = max(overlapping, key=closeness)
    if best == (start, end):
        return entity
    return {
        **entity,
        ENTITY_ATTRIBUTE_START: best[0],
        ENTITY_ATTRIBUTE_END: best[1],
        ENTITY_ATTRIBUTE_VALUE: text[best[0] : best[1]],
    }


def _start_rating_at_number(text: str, entity: Entity) -> Entity:
    """A rating starts at its number: "评分2" is the rating "2"."""
    if entity[ENTITY_ATTRIBUTE_TYPE] != RATING or ENTITY_ATTRIBUTE_START not in entity:
        return entity
    start, end = entity[ENTITY_ATTRIBUTE_START], entity[ENTITY_ATTRIBUTE_END]
    number = _RATING_NUMBER.search(text, start, end)
    if number is None or number.start() == start:
        return entity
    return {
        **entity,
        ENTITY_ATTRIBUTE_START: number.start(),
        ENTITY_ATTRIBUTE_VALUE: text[number.start() : end],
    }


def _position(entity: Entity) -> tuple[int, int]:
    return entity.get(ENTITY_ATTRIBUTE_START, 0), entity.get(ENTITY_ATTRIBUTE_END, 0)


def _priority(entity: Entity) -> tuple[int, int, int]:
    """Authoritative extractors first, then rule-based ones, then the longest span."""
    extractor = entity.get(EXTRACTOR)
    authoritative = AUTHORITATIVE.get(entity[ENTITY_ATTRIBUTE_TYPE]) == extractor
    length = entity.get(ENTITY_ATTRIBUTE_END, 0) - entity.get(ENTITY_ATTRIBUTE_START, 0)
    return (
        0 if authoritative else 1,
        0 if extractor in RULE_EXTRACTORS else 1,
        -length,
    )


def _overlaps(a: Entity, b: Entity) -> bool:
    if ENTITY_ATTRIBUTE_START not in a or ENTITY_ATTRIBUTE_START not in b:
        return a[ENTITY_ATTRIBUTE_TYPE] == b[ENTITY_ATTRIBUTE_TYPE] and a.get(
            ENTITY_ATTRIBUTE_VALUE
        ) == b.get(ENTITY_ATTRIBUTE_VALUE)
    a_start: int = a[ENTITY_ATTRIBUTE_START]
    a_end: int = a[ENTITY_ATTRIBUTE_END]
    b_start: int = b[ENTITY_ATTRIBUTE_START]
    b_end: int = b[ENTITY_ATTRIBUTE_END]
    return a_start < b_end and b_start < a_end


def _trim(text: str, entity: Entity) -> Entity | None:
    if ENTITY_ATTRIBUTE_START not in entity:
        return entity
    start, end = entity[ENTITY_ATTRIBUTE_START], entity[ENTITY_ATTRIBUTE_END]
    span = text[start:end]
    stripped = span.strip()
    if not stripped:
        return None
    if stripped == span:
        return entity
    new_start = start + (len(span) - len(span.lstrip()))
    trimmed = {
        **entity,
        ENTITY_ATTRIBUTE_START: new_start,
        ENTITY_ATTRIBUTE_END: new_start + len(stripped),
    }
    if entity.get(ENTITY_ATTRIBUTE_VALUE) == span:
        trimmed[ENTITY_ATTRIBUTE_VALUE] = stripped
    return trimmed


def _join_fragments(text: str, entities: list[Entity]) -> list[Entity]:
    """Adjacent pieces of one entity from one extractor, split only by spaces, become one."""
    joined: list[Entity] = []
    for entity in entities:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and ENTITY_ATTRIBUTE_START in entity
            and ENTITY_ATTRIBUTE_START in previous
            and previous[ENTITY_ATTRIBUTE_TYPE] == entity[ENTITY_ATTRIBUTE_TYPE]
            and previous.get(EXTRACTOR) == entity.get(EXTRACTOR)
            and 0
            <= entity[ENTITY_ATTRIBUTE_START] - previous[ENTITY_ATTRIBUTE_END]
            <= 1
            and not text[
                previous[ENTITY_ATTRIBUTE_END] : entity[ENTITY_ATTRIBUTE_START]
            ].strip()
        ):
            start, end = previous[ENTITY_ATTRIBUTE_START], entity[ENTITY_ATTRIBUTE_END]
            joined[-1] = {
                **previous,
                ENTITY_ATTRIBUTE_END: end,
                ENTITY_ATTRIBUTE_VALUE: text[start:end],
            }
            continue
        joined.append(entity)
    return joined


def _long_enough(entity: Entity) -> bool:
    """A single character is noise for every type but a rating ("评分2")."""
    if (
        ENTITY_ATTRIBUTE_START not in entity
        or entity[ENTITY_ATTRIBUTE_TYPE] in SHORT_ALLOWED
    ):
        return True
    length: int = entity[ENTITY_ATTRIBUTE_END] - entity[ENTITY_ATTRIBUTE_START]
    return length >= 2


def _well_formed(entity: Entity) -> bool:
    value = str(entity.get(ENTITY_ATTRIBUTE_VALUE, ""))
    if entity[ENTITY_ATTRIBUTE_TYPE] == "phone":
        return len(_DIGITS.findall(value)) >= 11
    if entity[ENTITY_ATTRIBUTE_TYPE] == "id_number":
        return len(re.sub(r"\s", "", value)) == 18
    if entity[ENTITY_ATTRIBUTE_TYPE] == RATING:
        return parse_rating(value) is not None  # not "71" in "71路公交车"
    return True
