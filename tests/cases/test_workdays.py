"""Time limits count China's working days: holidays skipped, 调休 weekends counted."""

from __future__ import annotations

import datetime as dt

import pytest

from cases.workdays import (
    add_working_days,
    arrangement_published,
    is_working_day,
    working_days_between,
)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (dt.date(2026, 12, 7), True),  # a Monday
        (dt.date(2026, 12, 6), False),  # a Sunday
        (dt.date(2026, 10, 1), False),  # National Day
        (dt.date(2026, 10, 5), False),  # the Golden Week, a Monday
        (dt.date(2026, 10, 10), True),  # a Saturday made a working day (调休)
        (dt.date(2026, 2, 14), True),  # the Saturday before the Spring Festival
        (dt.date(2026, 2, 17), False),  # the Spring Festival, a Tuesday
    ],
)
def test_a_day_works_as_the_state_council_arranged_it(day, working):
    assert is_working_day(day) is working


def test_five_working_days_from_before_national_day_skip_the_golden_week():
    # 30 Sept 2026 (Wed): 1-7 Oct are off, Sat 10 Oct is worked.
    assert add_working_days(dt.date(2026, 9, 30), 5) == dt.date(2026, 10, 13)


def test_a_plain_week_counts_monday_to_friday():
    assert add_working_days(dt.date(2026, 12, 4), 5) == dt.date(2026, 12, 11)
    assert add_working_days(dt.date(2026, 12, 4), 0) == dt.date(2026, 12, 4)


def test_counting_back_gives_the_days_added():
    start = dt.date(2026, 9, 25)
    for days in (1, 5, 10, 15, 30):
        assert working_days_between(start, add_working_days(start, days)) == days


def test_a_negative_time_limit_is_refused():
    with pytest.raises(ValueError, match="negative"):
        add_working_days(dt.date(2026, 1, 1), -1)


def test_only_published_years_claim_to_know_their_arrangement():
    assert arrangement_published(2026)
    assert not arrangement_published(2040)
