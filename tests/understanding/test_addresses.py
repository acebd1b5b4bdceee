"""The Shanghai address grammar: districts, subdistricts, towns, roads and estates."""

from __future__ import annotations

from datetime import datetime

import pytest

from understanding import addresses, entities_in

# Friday 20 November 2026, 09:30 in Shanghai.
NOW = datetime(2026, 11, 20, 9, 30)

Found = list[tuple[str, str, str]]


def found(text: str) -> Found:
    """(entity, the text it covers, value): offsets must point at the right text."""
    return [
        (e["entity"], text[e["start"] : e["end"]], e["value"])
        for e in entities_in(text, NOW)
    ]


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
def test_addresses_finds_places(text: str, expected: Found) -> None:
    assert found(text) == expected


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
def test_addresses_finds_no_place_in_plain_words(text: str) -> None:
    assert entities_in(text, NOW) == []


@pytest.mark.parametrize(
    "text",
    ["浦东新区路灯坏了", "静安区马路上有坑", "徐汇区道路积水", "徐汇区发现路边有垃圾"],
)
def test_addresses_reads_no_road_into_road_words_after_a_district(text: str) -> None:
    assert [e["entity"] for e in entities_in(text, NOW)] == ["district"]


def test_addresses_leaves_the_global_jieba_dictionary_alone() -> None:
    import jieba

    jieba.initialize()
    before = jieba.dt.FREQ.get("外冈")
    addresses._place_pipeline.cache_clear()
    addresses._segmenter.cache_clear()
    addresses._pos_tagger.cache_clear()

    entities_in("我住在外冈", NOW)

    # The place names go to the grammar's private dictionary: Rasa's
    # JiebaTokenizer (the global one) splits messages the same whether or not
    # the grammar loaded first.
    assert jieba.dt.FREQ.get("外冈") == before
