"""One entity per stretch of text, whichever extractor found it.

Three extractors look at every message: the RegexEntityExtractor (phone, ID and tracking
numbers), the rule-based ZhEntityExtractor (districts, addresses, dates) and DIET
(everything it was trained on). They overlap: DIET splits "139 1234 5678" into three
phones and "work permit" into two services, and finds "徐汇区" next to the rule-based
district. This component keeps the rule-based entity where rules are authoritative,
joins DIET's fragments, trims whitespace and drops one-character noise, so actions and
slots see one clean entity per span.
"""

from __future__ import annotations

import re
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
SHORT_ALLOWED = ("rating",)
_DIGITS = re.compile(r"\d")


def resolve_entities(text: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Trimmed, joined, de-duplicated entities in text order.

    Args:
        text: the message text the entities' offsets refer to.
        entities: entities from every extractor, as Rasa passes them.
    """
    trimmed = [
        e
        for e in (_trim(text, entity) for entity in entities)
        if e is not None and _long_enough(e)
    ]
    joined = _join_fragments(text, sorted(trimmed, key=_position))
    kept: list[dict[str, Any]] = []
    for entity in sorted(joined, key=_priority):
        if _well_formed(entity) and not any(_overlaps(entity, other) for other in kept):
            kept.append(entity)
    return sorted(kept, key=_position)


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
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False
)
class EntityResolver(GraphComponent):
    """Runs after every extractor and before the synonym mapper."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """No settings: the preferences are the module's documented rules."""
        return {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EntityResolver:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            entities = message.get(ENTITIES, [])
            if entities:
                message.set(
                    ENTITIES,
                    resolve_entities(message.get(TEXT) or "", entities),
                    add_to_output=True,
                )
        return messages
