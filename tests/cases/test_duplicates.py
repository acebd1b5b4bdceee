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


def _pairs() -> list[tuple[int, Report, Report, bool]]:
    pairs = []
    for index, pair in enumerate(load_yaml("duplicate_pairs.yml")["pairs"]):
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


def test_group_joins_transitively() -> None:
    # a and c share no road in their text; b links them (a~b by the junction, b~c by
    # the house number), so all three are one event.
    a = Report("a", LIGHT, T0, "roads-municipal", "徐汇区", "田林街道")
    b = Report(
        "b",
        "宜山路钦州路口路灯不亮",
        T0,
        "roads-municipal",
        "徐汇区",
        "田林街道",
        "宜山路700号",
    )
    c = Report(
        "c", "宜山路710号门口路灯坏了", T0, "roads-municipal", "徐汇区", "田林街道"
    )
    other = Report("d", "田林路200号饭店油烟", T0, "pollution", "徐汇区", "田林街道")
    groups = group([a, other, c, b])
    assert sorted(r.key for r in groups[0]) == ["a", "b", "c"]
    assert [r.key for r in groups[1]] == ["d"]
