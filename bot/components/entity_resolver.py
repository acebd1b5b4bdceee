"""One entity per stretch of text, whichever extractor found it.

Three extractors look at every message: the RegexEntityExtractor (phone, ID and tracking
numbers), the rule-based ZhEntityExtractor (districts, addresses, dates) and DIET
(everything it was trained on). They overlap: DIET splits "139 1234 5678" into three
phones and "work permit" into two services, and finds "徐汇区" next to the rule-based
district; its service spans are often a character off ("换驾照", "港澳签注签"). This
component keeps the rule-based entity where rules are authoritative, leaves dates to the
rules alone, snaps DIET's service spans onto the catalogue names it learned from the
lookup table, joins fragments, trims whitespace and drops one-character noise, so
actions and slots see one clean entity per span.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

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
_DIGITS = re.compile(r"\d")


def resolve_entities(
    text: str, entities: list[dict[str, Any]], service_terms: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """Trimmed, snapped, joined, de-duplicated entities in text order.

    Args:
        text: the message text the entities' offsets refer to.
        entities: entities from every extractor, as Rasa passes them.
        service_terms: catalogue names and aliases that service spans snap onto.
    """
    found_terms = _term_spans(text, service_terms)
    trimmed = [
        _snap_service(text, e, found_terms)
        for e in (_trim(text, entity) for entity in entities if _admissible(entity))
        if e is not None and _long_enough(e)
    ]
    joined = _join_fragments(text, sorted(trimmed, key=_position))
    kept: list[dict[str, Any]] = []
    for entity in sorted(joined, key=_priority):
        if _well_formed(entity) and not any(_overlaps(entity, other) for other in kept):
            kept.append(entity)
    return sorted(kept, key=_position)


def _admissible(entity: dict[str, Any]) -> bool:
    return (
        entity[ENTITY_ATTRIBUTE_TYPE] not in RULES_ONLY
        or entity.get(EXTRACTOR) in RULE_EXTRACTORS
    )


def _term_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Where catalogue terms occur in the text, case-insensitively, overlaps included."""
    lowered = text.lower()
    spans = []
    for term in terms:
        start = lowered.find(term)
        while start != -1:
            spans.append((start, start + len(term)))
            start = lowered.find(term, start + 1)
    return spans


def _snap_service(
    text: str, entity: dict[str, Any], terms: list[tuple[int, int]]
) -> dict[str, Any]:
    """A statistical service span moved onto the catalogue term it overlaps most.

    "换驾照" becomes "驾照" and "港澳" in "港澳签注" becomes "港澳签注", so the synonym
    mapper can turn the span into a service code. Ties go to the term closest to
    the original span; a span that overlaps no term is left alone.
    """
    if (
        entity[ENTITY_ATTRIBUTE_TYPE] != SERVICE
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
        return entity
    best = max(overlapping, key=closeness)
    if best == (start, end):
        return entity
    return {
        **entity,
        ENTITY_ATTRIBUTE_START: best[0],
        ENTITY_ATTRIBUTE_END: best[1],
        ENTITY_ATTRIBUTE_VALUE: text[best[0] : best[1]],
    }


def _position(entity: dict[str, Any]) -> tuple[int, int]:
    return entity.get(ENTITY_ATTRIBUTE_START, 0), entity.get(ENTITY_ATTRIBUTE_END, 0)


def _priority(entity: dict[str, Any]) -> tuple[int, int, int]:
    """Authoritative extractors first, then rule-based ones, then the longest span."""
    extractor = entity.get(EXTRACTOR)
    authoritative = AUTHORITATIVE.get(entity[ENTITY_ATTRIBUTE_TYPE]) == extractor
    length = entity.get(ENTITY_ATTRIBUTE_END, 0) - entity.get(ENTITY_ATTRIBUTE_START, 0)
    return (
        0 if authoritative else 1,
        0 if extractor in RULE_EXTRACTORS else 1,
        -length,
    )


def _overlaps(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if ENTITY_ATTRIBUTE_START not in a or ENTITY_ATTRIBUTE_START not in b:
        return a[ENTITY_ATTRIBUTE_TYPE] == b[ENTITY_ATTRIBUTE_TYPE] and a.get(
            ENTITY_ATTRIBUTE_VALUE
        ) == b.get(ENTITY_ATTRIBUTE_VALUE)
    return (
        a[ENTITY_ATTRIBUTE_START] < b[ENTITY_ATTRIBUTE_END]
        and b[ENTITY_ATTRIBUTE_START] < a[ENTITY_ATTRIBUTE_END]
    )


def _trim(text: str, entity: dict[str, Any]) -> dict[str, Any] | None:
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


def _join_fragments(text: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Adjacent pieces of one entity from one extractor, split only by spaces, become one."""
    joined: list[dict[str, Any]] = []
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


def _long_enough(entity: dict[str, Any]) -> bool:
    """A single character is noise for every type but a rating ("评分2")."""
    if (
        ENTITY_ATTRIBUTE_START not in entity
        or entity[ENTITY_ATTRIBUTE_TYPE] in SHORT_ALLOWED
    ):
        return True
    return entity[ENTITY_ATTRIBUTE_END] - entity[ENTITY_ATTRIBUTE_START] >= 2


def _well_formed(entity: dict[str, Any]) -> bool:
    value = str(entity.get(ENTITY_ATTRIBUTE_VALUE, ""))
    if entity[ENTITY_ATTRIBUTE_TYPE] == "phone":
        return len(_DIGITS.findall(value)) >= 11
    if entity[ENTITY_ATTRIBUTE_TYPE] == "id_number":
        return len(re.sub(r"\s", "", value)) == 18
    return True


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True
)
class EntityResolver(GraphComponent):
    """Runs after every extractor and before the synonym mapper.

    Training only keeps the ``service`` lookup table (generated from the catalogue), so
    the model carries the names its service spans snap onto.
    """

    TERMS_FILE = "service_terms.json"

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """No settings: the preferences are the module's documented rules."""
        return {}

    def __init__(
        self,
        model_storage: ModelStorage,
        resource: Resource,
        service_terms: Sequence[str] = (),
    ) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self._service_terms = list(service_terms)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EntityResolver:
        return cls(model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        self._service_terms = sorted(
            {
                element.strip().lower()
                for table in training_data.lookup_tables
                if table.get("name") == SERVICE
                for element in table.get("elements", [])
                if len(element.strip()) >= 2
            }
        )
        with self._model_storage.write_to(self._resource) as directory:
            (directory / self.TERMS_FILE).write_text(
                json.dumps(self._service_terms, ensure_ascii=False), encoding="utf-8"
            )
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> EntityResolver:
        with model_storage.read_from(resource) as directory:
            terms = json.loads((directory / cls.TERMS_FILE).read_text(encoding="utf-8"))
        return cls(model_storage, resource, terms)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            entities = message.get(ENTITIES, [])
            if entities:
                message.set(
                    ENTITIES,
                    resolve_entities(
                        message.get(TEXT) or "", entities, self._service_terms
                    ),
                    add_to_output=True,
                )
        return messages
