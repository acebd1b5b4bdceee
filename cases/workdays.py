"""Working-day arithmetic for statutory and promised time limits."""

from __future__ import annotations

import datetime as dt


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (Monday to Friday).

    Public holidays and the make-up working weekends of China's holiday calendar change
    every year; departments apply their own calendar, so due dates here are a floor.
    """
    current = start
    remaining = days
    while remaining > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current
