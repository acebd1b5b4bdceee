"""Same-event matching: measured on labelled pairs, and the rules a centre relies on."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from cases.duplicates import (
    SAME_EVENT_THRESHOLD,
    WINDOW,
    Report,
    candidates,
    group,
    similarity,
)
from tests.conftest import load_yaml

T0 = dt.datetime(2026, 5, 4, 9, 0)
# Every fourth pair is never looked at while tuning: F1 there says how the matcher
# does on pairs it was not fitted to.
HELD_BACK_EVERY = 4
MIN_F1 = 0.90
# Pairs written independently of the matcher (tests/data/duplicate_pairs_blind.yml).
# The odd-indexed half was tuned on; the even-indexed half never read. Measured at
# 0.824 (precision 0.933, recall 0.737) on the even half and 0.908 on all: the floors
# leave a small margin and are below the 0.9 aimed at on the untuned half.
BLIND = "duplicate_pairs_blind.yml"
MIN_UNTUNED_BLIND_F1 = 0.80
MIN_BLIND_F1 = 0.88
# A second set written blind after that tuning, with addresses as the chat asks for
# them, and measured once, never tuned on: 0.892 (precision 0.930, recall 0.857).
SECOND_BLIND = "duplicate_pairs_blind2.yml"
MIN_SECOND_BLIND_F1 = 0.87


def _report(key: str, fields: dict[str, Any], at: dt.datetime) -> Report:
    return Report(
        key=key,
        text=fields["text"],
        reported_at=at,
        category=fields["category"],
        district=fields["district"],
        street=fields["street"],
        address=fields["address"],
    )


def _pairs(name: str = "duplicate_pairs.yml") -> list[tuple[int, Report, Report, bool]]:
    pairs = []
    for index, pair in enumerate(load_yaml(name)["pairs"]):
        later = T0 + dt.timedelta(hours=pair["hours_apart"])
        pairs.append(
            (
                index,
                _report(f"{index}a", pair["a"], T0),
                _report(f"{index}b", pair["b"], later),
                pair["same"],
            )
        )
    return pairs


def _f1(pairs: list[tuple[int, Report, Report, bool]], label: str) -> float:
    true_positive = false_positive = false_negative = 0
    for _, a, b, same in pairs:
        predicted = similarity(a, b)[0] >= SAME_EVENT_THRESHOLD
        true_positive += predicted and same
        false_positive += predicted and not same
        false_negative += same and not predicted
    precision = true_positive / max(true_positive + false_positive, 1)
    recall = true_positive / max(true_positive + false_negative, 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-9)
    print(
        f"{label}: {len(pairs)} pairs, precision {precision:.3f}, "
        f"recall {recall:.3f}, F1 {f1:.3f}"
    )
    return f1


def test_same_event_f1_on_all_labelled_pairs() -> None:
    assert _f1(_pairs(), "all") >= MIN_F1


def test_same_event_f1_on_held_back_pairs() -> None:
    held_back = [p for p in _pairs() if p[0] % HELD_BACK_EVERY == HELD_BACK_EVERY - 1]
    assert _f1(held_back, "held back") >= MIN_F1


def test_same_event_f1_on_untuned_blind_pairs() -> None:
    # The even-indexed blind pairs were never read while tuning, nor their errors:
    # F1 there is the figure to expect on reports nobody fitted the matcher to.
    untuned = [p for p in _pairs(BLIND) if p[0] % 2 == 0]
    assert _f1(untuned, "blind, untuned half") >= MIN_UNTUNED_BLIND_F1


def test_same_event_f1_on_all_blind_pairs() -> None:
    assert _f1(_pairs(BLIND), "blind, all") >= MIN_BLIND_F1


def test_same_event_f1_on_the_second_blind_set() -> None:
    assert _f1(_pairs(SECOND_BLIND), "second blind set") >= MIN_SECOND_BLIND_F1


def test_labelled_pairs_cover_the_hard_cases() -> None:
    pairs = _pairs()
    same = sum(p[3] for p in pairs)
    assert len(pairs) >= 220
    assert 0.40 <= same / len(pairs) <= 0.50


LIGHT = "宜山路钦州路口的路灯坏了，晚上一片漆黑"


def test_different_districts_never_match() -> None:
    a = Report(
        "a", LIGHT, T0, "roads-municipal", "徐汇区", "田林街道", "宜山路钦州路口"
    )
    b = Report(
        "b", LIGHT, T0, "roads-municipal", "闵行区", "田林街道", "宜山路钦州路口"
    )
    assert similarity(a, b) == (0.0, ("不同区",))


def test_outside_the_window_never_matches() -> None:
    a = Report("a", LIGHT, T0, "roads-municipal", "徐汇区", "田林街道")
    b = Report(
        "b",
        LIGHT,
        T0 + WINDOW + dt.timedelta(hours=1),
        "roads-municipal",
        "徐汇区",
        "田林街道",
    )
    assert similarity(a, b)[0] == 0.0
    assert similarity(a, b)[0] < similarity(a, a)[0]


def test_the_same_text_at_the_same_place_matches_with_reasons() -> None:
    a = Report("a", LIGHT, T0, "roads-municipal", "徐汇区", "田林街道")
    b = Report(
        "b", "钦州路宜山路交叉口路灯不亮", T0, "roads-municipal", "徐汇区", "田林街道"
    )
    score, reasons = similarity(a, b)
    assert score >= SAME_EVENT_THRESHOLD
    assert "同一街道" in reasons and "同一路口" in reasons


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("田林路200号饭店的油烟直排进我家", "田林路200号饭店晚上吵闹，噪音扰民"),
        ("宜山路钦州路口的路灯不亮", "宜山路钦州路口路面有个大坑"),
        ("康健新村停水了", "康健新村停电了"),
        ("宜山路钦州路口马路上冒水", "宜山路钦州路口的路灯不亮"),
        ("宜山路钦州路口红绿灯一直黄闪", "宜山路钦州路口人行道上停满了车"),
    ],
)
def test_same_place_different_problem_does_not_match(first: str, second: str) -> None:
    a = Report("a", first, T0, None, "徐汇区", "田林街道")
    b = Report("b", second, T0, None, "徐汇区", "田林街道")
    assert similarity(a, b)[0] < SAME_EVENT_THRESHOLD


def test_candidates_ranks_best_first_and_respects_limit() -> None:
    new = Report(
        "new", "钦州路宜山路交叉口路灯不亮", T0, "roads-municipal", "徐汇区", "田林街道"
    )
    same_day = Report("same-day", LIGHT, T0, "roads-municipal", "徐汇区", "田林街道")
    weeks_ago = Report(
        "weeks-ago",
        LIGHT,
        T0 - dt.timedelta(days=20),
        "roads-municipal",
        "徐汇区",
        "田林街道",
    )
    elsewhere = Report(
        "elsewhere", "漕溪路路灯不亮", T0, "roads-municipal", "徐汇区", "漕河泾街道"
    )
    found = candidates(new, [weeks_ago, elsewhere, same_day, new])
    assert [m.key for m in found] == ["same-day", "weeks-ago"]
    assert found[0].score >= found[1].score >= SAME_EVENT_THRESHOLD
    assert [m.key for m in candidates(new, [weeks_ago, same_day], limit=1)] == [
        "same-day"
    ]


def test_group_joins_each_report_to_the_first_it_repeats_not_through_others() -> None:
    # b repeats a (the junction); c is at 宜山路710号, near b's 700号 but not at a's
    # junction: linked through b it would chain, joined to firsts it opens its own.
    a = Report("a", LIGHT, T0, "roads-municipal", "徐汇区", "田林街道")
    b = Report(
        "b",
        "宜山路钦州路口路灯不亮",
        T0 + dt.timedelta(hours=1),
        "roads-municipal",
        "徐汇区",
        "田林街道",
        "宜山路700号",
    )
    c = Report(
        "c",
        "宜山路710号门口路灯坏了",
        T0 + dt.timedelta(hours=2),
        "roads-municipal",
        "徐汇区",
        "田林街道",
    )
    other = Report("d", "田林路200号饭店油烟", T0, "pollution", "徐汇区", "田林街道")
    groups = group([c, other, b, a])
    # Same-sized groups in the order they were opened.
    assert [[r.key for r in members] for members in groups] == [
        ["a", "b"],
        ["d"],
        ["c"],
    ]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("宜山路钦州路口有个大坑", "宜山路虹梅路口路面塌陷"),
        ("宜山路钦州路附近有个大坑", "宜山路虹梅路那段路面破了"),
    ],
)
def test_two_cross_roads_of_one_road_are_two_spots(first: str, second: str) -> None:
    a = Report("a", first, T0, "roads-municipal", "徐汇区", None)
    b = Report("b", second, T0, "roads-municipal", "徐汇区", None)
    assert similarity(a, b)[0] < SAME_EVENT_THRESHOLD


def test_one_burst_main_matches_across_categories_and_spots() -> None:
    # No water in a lane and water bubbling up at the junction down the road: one
    # main, filed by two agents under two categories.
    a = Report(
        "a", "家里一早就停水了", T0, "utilities", "徐汇区", "田林街道", "钦州路100弄"
    )
    b = Report(
        "b",
        "宜山路钦州路口马路中间往外冒水",
        T0,
        "roads-municipal",
        "徐汇区",
        "田林街道",
    )
    assert similarity(a, b)[0] >= SAME_EVENT_THRESHOLD


def test_different_categories_with_different_problems_never_match() -> None:
    a = Report("a", "钦州路100号工地半夜施工", T0, "noise", "徐汇区", "田林街道")
    b = Report(
        "b", "钦州路100号工地渣土车掉泥", T0, "city-appearance", "徐汇区", "田林街道"
    )
    assert similarity(a, b) == (0.0, ("类别不同",))


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("上海鑫宏装饰工程有限公司拖欠三个月工资", "鑫宏公司老板跑了，工钱一直不给"),
        ("Huge pothole on Qinzhou Road near Yishan Road", "钦州路宜山路口有个大坑"),
        ("The bar at Yongkang Rd & Xiangyang Rd is loud", "永康路襄阳南路口酒吧太吵"),
    ],
)
def test_one_place_written_two_ways_matches(first: str, second: str) -> None:
    a = Report("a", first, T0, None, "徐汇区", None)
    b = Report("b", second, T0, None, "徐汇区", None)
    assert similarity(a, b)[0] >= SAME_EVENT_THRESHOLD


def test_a_street_named_after_a_road_places_a_report_without_one() -> None:
    a = Report("a", "燃气突然停了，做不了饭", T0, "utilities", "普陀区", "石泉路街道")
    b = Report("b", "石泉路这边煤气没了", T0, "utilities", "普陀区", None, "石泉路")
    score, reasons = similarity(a, b)
    assert score >= SAME_EVENT_THRESHOLD and "同一街道" in reasons


def test_two_buildings_of_one_estate_are_two_spots() -> None:
    a = Report("a", "康健新村5号楼电梯坏了", T0, None, "徐汇区", "康健新村街道")
    b = Report("b", "康健新村12号楼电梯关人了", T0, None, "徐汇区", "康健新村街道")
    assert similarity(a, b)[0] < SAME_EVENT_THRESHOLD
