"""The Rasa component around the core's entity-merge rules.

The rules themselves are tested in tests/understanding/test_entities.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.entity_resolver import EntityResolver


def _entity(kind, text, part, extractor="DIETClassifier", value=None):
    start = text.index(part)
    return {
        "entity": kind,
        "start": start,
        "end": start + len(part),
        "value": value or part,
        "extractor": extractor,
    }


@pytest.fixture()
def create_or_load_resolver(tmp_path: Path) -> Callable[..., EntityResolver]:
    model_storage = LocalModelStorage.create(tmp_path)
    resource = Resource("EntityResolver")
    execution_context = ExecutionContext(GraphSchema({}), "test-model")

    def inner(load: bool = False) -> EntityResolver:
        constructor = EntityResolver.load if load else EntityResolver.create
        return constructor({}, model_storage, resource, execution_context)

    return inner


def process(
    resolver: EntityResolver,
    text: str,
    entities: list[dict[str, Any]],
    intent: str | None = None,
) -> list[dict[str, Any]]:
    message = Message(data={TEXT: text, ENTITIES: entities})
    if intent:
        message.set(INTENT, {"name": intent})
    resolver.process([message])
    return message.get(ENTITIES)


def train(resolver: EntityResolver) -> None:
    text = "补办驾照要什么材料"
    entities = [_entity("service", text, "驾照")]
    example = Message(data={TEXT: text, INTENT: "ask_materials", ENTITIES: entities})
    resolver.train(
        TrainingData(
            [example],
            lookup_tables=[{"name": "service", "elements": ["居住证", "驾照换证"]}],
        )
    )


def test_entity_resolver_replaces_the_entities_with_the_resolved_ones(
    create_or_load_resolver: Callable[..., EntityResolver],
) -> None:
    text = "My phone number is 139 1234 5678"
    entities = [
        _entity("phone", text, "139 1234 5678", "RegexEntityExtractor"),
        _entity("phone", text, "139 "),
        _entity("phone", text, "5678"),
    ]
    assert process(create_or_load_resolver(), text, entities) == [entities[0]]


def test_entity_resolver_keeps_every_service_span_before_training(
    create_or_load_resolver: Callable[..., EntityResolver],
) -> None:
    text = "宝宝上礼拜刚出生，要办哪些手续啊"
    entities = [_entity("service", text, "宝宝")]
    assert process(create_or_load_resolver(), text, entities) == entities


def test_entity_resolver_loads_the_vocabulary_it_trained(
    create_or_load_resolver: Callable[..., EntityResolver],
) -> None:
    train(create_or_load_resolver())
    resolver = create_or_load_resolver(load=True)
    for text, predicted, snapped in [
        ("换驾照要带啥", "换驾照", "驾照"),
        ("宝宝呢", "宝宝", None),
    ]:
        resolved = process(resolver, text, [_entity("service", text, predicted)])
        assert [e["value"] for e in resolved] == ([snapped] if snapped else []), text


def test_entity_resolver_adds_written_services_only_in_service_questions(
    create_or_load_resolver: Callable[..., EntityResolver],
) -> None:
    resolver = create_or_load_resolver()
    train(resolver)
    text = "居住证丢了怎么办"
    assert [e["value"] for e in process(resolver, text, [], "ask_materials")] == [
        "居住证"
    ]
    assert process(resolver, text, [], "greet") == []
