"""The Chinese date grammar: days, parts of the day and clock times."""

from __future__ import annotations

from datetime import datetime

import pytest

from understanding import entities_in
from understanding.dates import tells_when

# Friday 20 November 2026, 09:30 in Shanghai: what 今天 and 下周一 count from.
NOW = datetime(2026, 11, 20, 9, 30)


def found(text: str) -> list[tuple[str, str, str]]:
    """(entity, the text it covers, value): offsets must point at the right text."""
    return [
        (e["entity"], text[e["start"] : e["end"]], e["value"])
        for e in entities_in(text, NOW)
    ]


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
def test_dates_normalises_dates(text: str, mention: str, value: str) -> None:
    assert found(text) == [("date", mention, value)]


@pytest.mark.parametrize(
    "text",
    ["有一点吵", "提两点建议", "每周一次", "坐3号线", "五一路上", "都一个礼拜了"],
)
def test_dates_finds_no_date_in_plain_words(text: str) -> None:
    assert entities_in(text, NOW) == []


@pytest.mark.parametrize(
    "text, mention",
    [
        ("楼上每天晚上十一点以后还在装修", "每天晚上十一点"),
        ("天天早上六点半就开始打桩", "天天早上六点半"),
        ("一般夜里两点多才停", "一般夜里两点多"),
        ("经常凌晨三点左右放音乐", "经常凌晨三点左右"),
    ],
)
def test_a_time_that_recurs_is_kept_as_said_not_read_as_today(
    text: str, mention: str
) -> None:
    assert found(text) == [("date", mention, mention)]


def test_a_day_named_after_a_recurring_word_is_still_that_day() -> None:
    assert found("一直到昨天晚上十点还在吵") == [
        ("date", "昨天晚上十点", "2026-11-19T22:00")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "每天都这样",
        "天天如此",
        "最近一直",
        "老是这样，烦死了",
        "好几个月了",
        "一年多了",
        "从上个月开始的",
        "周末特别严重",
        "白天晚上都有",
        "昨天晚上十点多",
        "It has been going on for months",
        "lately",
        "every night",
    ],
)
def test_how_often_or_how_long_tells_when_without_naming_a_day(text: str) -> None:
    assert tells_when(text)


@pytest.mark.parametrize(
    "text",
    ["你是谁", "你是机器人吗", "谢谢", "怎么办理居住证", "收费吗", "how are you"],
)
def test_small_talk_and_questions_tell_no_time(text: str) -> None:
    assert not tells_when(text)
