"""The Rasa component around the core's place and date grammars.

The grammars themselves are tested in tests/understanding/.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.zh_entity_extractor import ZhEntityExtractor
from foundation import clock
from understanding import entities_in

# Friday 20 November 2026, 09:30 in Shanghai: what 今天 and 下周一 count from.
NOW = datetime(2026, 11, 20, 9, 30)
MESSAGE_TIME = int(NOW.replace(tzinfo=clock.SHANGHAI).timestamp())

Found = list[tuple[str, str, str]]


@pytest.fixture()
def create_or_load_extractor(
    tmp_path: Path,
) -> Callable[..., ZhEntityExtractor]:
    model_storage = LocalModelStorage.create(tmp_path)
    execution_context = ExecutionContext(GraphSchema({}), "test-model")

    def inner(
        config: dict[str, Any] | None = None, load: bool = False
    ) -> ZhEntityExtractor:
        constructor = ZhEntityExtractor.load if load else ZhEntityExtractor.create
        return constructor(
            {**ZhEntityExtractor.get_default_config(), **(config or {})},
            model_storage,
            Resource("ZhEntityExtractor"),
            execution_context,
        )

    return inner


def process(extractor: ZhEntityExtractor, text: str) -> list[dict[str, Any]]:
    message = Message(data={TEXT: text}, time=MESSAGE_TIME)
    extractor.process([message])
    return message.get(ENTITIES, [])


def found(text: str, entities: list[dict[str, Any]]) -> Found:
    """(entity, the text it covers, value): offsets must point at the right text."""
    return [(e["entity"], text[e["start"] : e["end"]], e["value"]) for e in entities]


def test_zh_entity_extractor_finds_what_the_core_grammars_find(
    create_or_load_extractor: Callable[..., ZhEntityExtractor],
) -> None:
    text = "昨天徐汇区漕溪北路1200号停水"
    assert process(create_or_load_extractor(), text) == [
        {**entity, "extractor": "ZhEntityExtractor"}
        for entity in entities_in(text, NOW)
    ]


def test_zh_entity_extractor_counts_from_the_message_time(
    create_or_load_extractor: Callable[..., ZhEntityExtractor],
) -> None:
    text = "明天"
    assert found(text, process(create_or_load_extractor(), text)) == [
        ("date", "明天", "2026-11-21")
    ]


def test_zh_entity_extractor_counts_from_now_without_a_message_time(
    create_or_load_extractor: Callable[..., ZhEntityExtractor],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(clock, "now", lambda: datetime(2030, 1, 1, 8, 0))
    message = Message(data={TEXT: "明天"})
    create_or_load_extractor().process([message])
    assert message.get(ENTITIES)[0]["value"] == "2030-01-02"


def test_zh_entity_extractor_keeps_existing_entities(
    create_or_load_extractor: Callable[..., ZhEntityExtractor],
) -> None:
    existing = {"entity": "phone", "value": "13800000000", "start": 0, "end": 11}
    message = Message(data={TEXT: "13800000000 浦东"}, time=MESSAGE_TIME)
    message.set(ENTITIES, [existing])
    create_or_load_extractor().process([message])
    assert message.get(ENTITIES) == [
        existing,
        {
            "entity": "district",
            "start": 12,
            "end": 14,
            "value": "浦东新区",
            "confidence": 1.0,
            "extractor": "ZhEntityExtractor",
        },
    ]


def test_zh_entity_extractor_returns_only_configured_dimensions(
    create_or_load_extractor: Callable[..., ZhEntityExtractor],
) -> None:
    extractor = create_or_load_extractor({"dimensions": ["date"]})
    text = "昨天徐汇区漕溪北路1200号"
    assert found(text, process(extractor, text)) == [("date", "昨天", "2026-11-19")]


def test_zh_entity_extractor_loads_like_it_is_created(
    create_or_load_extractor: Callable[..., ZhEntityExtractor],
) -> None:
    extractor = create_or_load_extractor(load=True)
    assert found("浦东", process(extractor, "浦东")) == [
        ("district", "浦东", "浦东新区")
    ]


def test_zh_entity_extractor_leaves_a_message_without_text_alone(
    create_or_load_extractor: Callable[..., ZhEntityExtractor],
) -> None:
    message = Message(data={"intent": {"name": "greet"}})
    create_or_load_extractor().process([message])
    assert message.get(ENTITIES) is None


NLU_CONFIG = """\
recipe: default.v1
language: zh
assistant_id: zh-entity-extractor-test
pipeline:
  - name: JiebaTokenizer
  - name: CountVectorsFeaturizer
  - name: bot.components.zh_entity_extractor.ZhEntityExtractor
  - name: DIETClassifier
    epochs: 1
"""

NLU_DATA = """\
version: "3.1"
nlu:
- intent: complain
  examples: |
    - 楼上很吵
    - 我要投诉噪音
    - 有人乱倒垃圾
- intent: greet
  examples: |
    - 你好
    - 您好
    - 早上好
"""


@pytest.mark.slow
def test_zh_entity_extractor_runs_in_a_trained_rasa_pipeline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu

    # Keep Rasa's training cache out of the project's .rasa/.
    monkeypatch.setenv("RASA_CACHE_DIRECTORY", str(tmp_path / "cache"))

    config = tmp_path / "config.yml"
    config.write_text(NLU_CONFIG, encoding="utf-8")
    nlu = tmp_path / "nlu.yml"
    nlu.write_text(NLU_DATA, encoding="utf-8")

    model_path = train_nlu(str(config), str(nlu), str(tmp_path / "models"))
    assert model_path is not None

    agent = Agent.load(model_path)
    result = asyncio.run(agent.parse_message("浦东新区楼上很吵"))
    assert {
        "entity": "district",
        "start": 0,
        "end": 4,
        "value": "浦东新区",
        "confidence": 1.0,
        "extractor": "ZhEntityExtractor",
    } in result["entities"]
