"""The current time in one place, so tests and replicas agree on what "now" means."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

SHANGHAI = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")


def now() -> dt.datetime:
    """Naive local Shanghai time: what citizens, agents and due dates are reckoned in."""
    return dt.datetime.now(SHANGHAI).replace(tzinfo=None)


# "08:00-20:00", "8:00～12:00, 13:30-20:00", "20:00-08:00" (past midnight): ranges of
# the day; "24:00" ends one at midnight.
_RANGE = re.compile(r"^(\d{1,2})[:：](\d{2})\s*[-–—~～至到]\s*(\d{1,2})[:：](\d{2})$")


@dataclass(frozen=True)
class DailyHours:
    """Hours of the day, the same every day, in Shanghai time (e.g. agents' hours).

    Attributes:
        ranges: ``(start, end)`` minutes after midnight, each start before its end (one
            past midnight is kept as two).
    """

    ranges: tuple[tuple[int, int], ...]

    @classmethod
    def parse(cls, text: str) -> DailyHours:
        """Read ``"08:00-20:00"``, or several ranges separated by commas.

        Raises:
            ValueError: naming the part that is not ``HH:MM-HH:MM``, names a time that
                does not exist, or is empty.
        """
        ranges = []
        for part in re.split(r"[,，;；]", text):
            part = part.strip()
            found = _RANGE.match(part)
            if found is None:
                raise ValueError(
                    f"{part!r} is not a range of the day such as 08:00-20:00"
                )
            start_h, start_m, end_h, end_m = map(int, found.groups())
            start, end = start_h * 60 + start_m, end_h * 60 + end_m
            if start_h > 23 or end > 24 * 60 or start_m > 59 or end_m > 59:
                raise ValueError(f"{part!r} names a time that does not exist")
            if start == end:
                raise ValueError(f"{part!r} is empty")
            # One past midnight ("20:00-08:00") is the evening and the morning after.
            ranges.extend([(start, end)] if start < end else [(start, 1440), (0, end)])
        return cls(tuple(sorted(ranges)))

    def __contains__(self, at: dt.datetime) -> bool:
        minute = at.hour * 60 + at.minute
        return any(start <= minute < end for start, end in self.ranges)

    def __str__(self) -> str:
        def hhmm(minutes: int) -> str:
            return f"{minutes // 60:02d}:{minutes % 60:02d}"

        return ", ".join(f"{hhmm(s)}-{hhmm(e)}" for s, e in self.ranges)
