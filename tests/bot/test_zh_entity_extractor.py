"""The rule-based extractor for Shanghai districts, addresses and dates."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.zh_entity_extractor import ZhEntityExtractor, extract_entities
from knowledge_base import clock

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


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "我想投诉徐汇区漕溪北路1200号噪音",
            [
                ("district", "徐汇区", "徐汇区"),
                ("address", "漕溪北路1200号", "漕溪北路1200号"),
            ],
        ),
        ("浦东那边", [("district", "浦东", "浦东新区")]),
        ("静安寺附近", [("address", "静安寺", "静安寺街道")]),
        ("闸北那边的老房子", [("district", "闸北", "静安区")]),
        ("I live in Pudong", [("district", "Pudong", "浦东新区")]),
        ("My flat is in xuhui district", [("district", "xuhui district", "徐汇区")]),
        ("Jing’an", [("district", "Jing’an", "静安区")]),
        ("家在七宝", [("address", "七宝", "七宝镇")]),
        ("我住在外冈", [("address", "外冈", "外冈镇")]),
        ("南京西路100弄3号漏水", [("address", "南京西路100弄3号", "南京西路100弄3号")]),
        (
            "张江镇祖冲之路887号有人乱倒垃圾",
            [("address", "张江镇祖冲之路887号", "张江镇祖冲之路887号")],
        ),
        ("我家住在康健新村12号楼", [("address", "康健新村12号楼", "康健新村12号楼")]),
        ("阳光小区的电梯坏了", [("address", "阳光小区", "阳光小区")]),
        ("春天花园3号楼", [("address", "春天花园3号楼", "春天花园3号楼")]),
        ("关于紫金国际小区物业", [("address", "紫金国际小区", "紫金国际小区")]),
        (
            "漕溪北路和中山南二路路口红绿灯坏了",
            [("address", "漕溪北路和中山南二路路口", "漕溪北路和中山南二路路口")],
        ),
        ("浦东南路100号", [("address", "浦东南路100号", "浦东南路100号")]),
        ("华山路附近在修路", [("address", "华山路", "华山路")]),
        ("我在莘庄地铁站附近", [("address", "莘庄地铁站", "莘庄地铁站")]),
        (
            "闵行区沪闵路上有人乱停车",
            [("district", "闵行区", "闵行区"), ("address", "沪闵路", "沪闵路")],
        ),
        ("七宝镇新镇路有人乱倒垃圾", [("address", "七宝镇新镇路", "七宝镇新镇路")]),
        ("虹桥火车站出租车乱收费", [("address", "虹桥火车站", "虹桥火车站")]),
    ],
)
def test_zh_entity_extractor_finds_places(
    create_or_load_extractor: Callable[..., ZhEntityExtractor],
    text: str,
    expected: Found,
) -> None:
    extractor = create_or_load_extractor()
    assert found(text, process(extractor, text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "我想投诉小区噪音",  # 小区: "the estate", no name
        "隔壁小区天天装修",
        "黄浦江边上有人钓鱼",  # the river, not 黄浦区
        "小区路灯坏了，马路上有坑",
        "造成小区积水",  # 小区 after a verb
        "这个时候小区里很吵",
    ],
)
def test_zh_entity_extractor_finds_no_place_in_plain_words(
    create_or_load_extractor: Callable[..., ZhEntityExtractor], text: str
) -> None:
    extractor = create_or_load_extractor()
    assert process(extractor, text) == []


@pytest.mark.parametrize(
    "text",
    ["浦东新区路灯坏了", "静安区马路上有坑", "徐汇区道路积水", "徐汇区发现路边有垃圾"],
)
def test_zh_entity_extractor_reads_no_road_into_road_words_after_a_district(
    create_or_load_extractor: Callable[..., ZhEntityExtractor], text: str
) -> None:
    entities = process(create_or_load_extractor(), text)
    assert [e["entity"] for e in entities] == ["district"]


@pytest.mark.parametrize(
    "text, mention, value",
    [
        ("今天", "今天", "2026-11-20"),
        ("明天来修", "明天", "2026-11-21"),
        ("前天下的单", "前天", "2026-11-18"),
        ("大后天", "大后天", "2026-11-23"),
        ("下周一上门", "下周一", "2026-11-23"),
        ("上周三", "上周三", "2026-11-11"),
        ("三天前报的修", "三天前", "2026-11-17"),
        ("11月20号", "11月20号", "2026-11-20"),
        ("十一月二十号", "十一月二十号", "2026-11-20"),
        ("2026年11月20日", "2026年11月20日", "2026-11-20"),
        ("去年12月31日", "去年12月31日", "2025-12-31"),
        ("2026-11-25", "2026-11-25", "2026-11-25"),
        ("今天下午三点", "今天下午三点", "2026-11-20T15:00"),
        ("晚上十点", "晚上十点", "2026-11-20T22:00"),
        ("凌晨两点多", "凌晨两点多", "2026-11-20T02:00"),
        ("明早8点半", "明早8点半", "2026-11-21T08:30"),
        ("昨天晚上十点多楼上很吵", "昨天晚上十点多", "2026-11-19T22:00"),
        ("昨天晚上", "昨天晚上", "2026-11-19"),
        ("昨天晚上十二点", "昨天晚上十二点", "2026-11-20T00:00"),
        ("10:30到的", "10:30", "2026-11-20T10:30"),
        ("广场舞跳到十点", "十点", "2026-11-20T10:00"),
        ("过了十二点还在吵", "十二点", "2026-11-20T12:00"),
        # No single day: the text is the value.
        ("上个月", "上个月", "上个月"),
        ("前几天", "前几天", "前几天"),
        ("这周末", "这周末", "这周末"),
        ("2月30日", "2月30日", "2月30日"),
        ("小孩明年上小学", "明年", "明年"),
        ("国庆节期间办证大厅开不开", "国庆节", "国庆节"),
        ("春节期间有人值班吗", "春节", "春节"),
        ("帮我订个周末的酒店", "周末", "周末"),
        ("上周的会", "上周", "上周"),
    ],
)
def test_zh_entity_extractor_normalises_dates(
    create_or_load_extractor: Callable[..., ZhEntityExtractor],
    text: str,
    mention: str,
    value: str,
) -> None:
    extractor = create_or_load_extractor()
    assert found(text, process(extractor, text)) == [("date", mention, value)]


@pytest.mark.parametrize(
    "text",
    ["有一点吵", "提两点建议", "每周一次", "坐3号线", "五一路上", "都一个礼拜了"],
)
def test_zh_entity_extractor_finds_no_date_in_plain_words(
    create_or_load_extractor: Callable[..., ZhEntityExtractor], text: str
) -> None:
    extractor = create_or_load_extractor()
    assert process(extractor, text) == []


def test_zh_entity_extractor_reads_house_numbers_as_addresses_not_dates(
    create_or_load_extractor: Callable[..., ZhEntityExtractor],
) -> None:
    text = "昨天南京西路100弄3号停水"
    entities = process(create_or_load_extractor(), text)
    assert found(text, entities) == [
        ("date", "昨天", "2026-11-19"),
        ("address", "南京西路100弄3号", "南京西路100弄3号"),
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


def test_zh_entity_extractor_leaves_the_global_jieba_dictionary_alone() -> None:
    import jieba

    from bot.components import zh_entity_extractor

    jieba.initialize()
    before = jieba.dt.FREQ.get("外冈")
    zh_entity_extractor._place_pipeline.cache_clear()
    zh_entity_extractor._segmenter.cache_clear()
    zh_entity_extractor._pos_tagger.cache_clear()

    extract_entities("我住在外冈", NOW)

    # The place names go to the extractor's private dictionary: Rasa's
    # JiebaTokenizer (the global one) splits messages the same whether or not
    # this component loaded first.
    assert jieba.dt.FREQ.get("外冈") == before


_TEXT_ALPHABET = st.sampled_from(
    list("浦东徐汇区路号弄小区新村花园今天明晚上下午点半多周一月日和的在我 12:")
)


@settings(max_examples=300, deadline=None)
@given(st.text(_TEXT_ALPHABET, max_size=30))
def test_extract_entities_spans_are_in_order_and_never_overlap(text: str) -> None:
    entities = extract_entities(text, NOW)
    for entity in entities:
        assert 0 <= entity["start"] < entity["end"] <= len(text)
    for first, second in itertools.pairwise(entities):
        assert first["end"] <= second["start"]


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
