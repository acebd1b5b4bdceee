"""Bounds on path and query parameters, so that no value a client sends reaches the
database or date arithmetic it cannot survive.

A row id beyond what the database stores fails inside the driver (SQLite: an
``OverflowError`` on binding, PostgreSQL: a ``DataError``), and the last day of the
calendar overflows as soon as a route asks for the next one. Either would be a 500; a
bound here makes it a 422 that names the parameter.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any

# Every id column is an ``Integer``: 32 bits signed on PostgreSQL.
DB_ID_MAX = 2**31 - 1
# The days a dashboard or a report may ask about.
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2099, 12, 31)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class CalendarDay(dt.date):
    """A day written ``YYYY-MM-DD``, between ``FIRST_DAY`` and ``LAST_DAY``.

    Pydantic's own ``date`` also takes numbers (as Unix time, in seconds or
    milliseconds), ``inf`` (the calendar's last day) and any year up to 9999.
    """

    @classmethod
    def __get_validators__(cls) -> Iterator[Callable[..., Any]]:
        yield cls.validate

    @classmethod
    def __modify_schema__(cls, schema: dict[str, Any]) -> None:
        schema.update(
            type="string",
            format="date",
            example=FIRST_DAY.replace(year=2026).isoformat(),
        )

    @classmethod
    def validate(cls, value: Any) -> dt.date:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            day = value
        elif isinstance(value, str) and _ISO_DAY.fullmatch(value.strip()):
            try:
                day = dt.date.fromisoformat(value.strip())
            except ValueError:
                raise ValueError("not a calendar day") from None
        else:
            raise ValueError("a day is written YYYY-MM-DD")
        if not FIRST_DAY <= day <= LAST_DAY:
            raise ValueError(
                f"must be between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}"
            )
        return day
