"""Working days as China's calendar counts them, for work-order time limits.

A time limit of five working days skips weekends and public holidays, and counts the
weekends the State Council makes working days (调休) to bridge a holiday. The calendar
comes from the maintained ``holidays`` package, never a list kept here: it records each
year's official arrangement once published. For a year whose arrangement is not yet
published the package gives the statutory holidays by rule, without 调休 weekends;
``arrangement_published`` says which, so a due date so far ahead can be flagged.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=8)
def _calendar(year: int) -> Any:
    import holidays

    return holidays.country_holidays("CN", years=range(year - 1, year + 2))


# A sweep asks about the same few hundred days for every open order.
@lru_cache(maxsize=4096)
def is_working_day(day: dt.date) -> bool:
    """Monday to Friday unless a public holiday, and the 调休 weekends."""
    return bool(_calendar(day.year).is_working_day(day))


def arrangement_published(year: int) -> bool:
    """Whether ``year``'s 调休 arrangement is known: it always moves some weekend."""
    return any(day.year == year for day in _calendar(year).weekend_workdays)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start``.

    Raises:
        ValueError: ``days`` is negative.
    """
    if days < 0:
        raise ValueError("a time limit cannot be negative")
    current = start
    remaining = days
    while remaining > 0:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: dt.date, end: dt.date) -> int:
    """How many working days come after ``start`` up to and including ``end``."""
    count = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        count += is_working_day(current)
    return count
