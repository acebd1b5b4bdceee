"""The current time in one place, so tests and replicas agree on what "now" means."""

from __future__ import annotations

import datetime as dt

SHANGHAI = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")


def now() -> dt.datetime:
    """Naive local Shanghai time: what citizens, agents and due dates are reckoned in."""
    return dt.datetime.now(SHANGHAI).replace(tzinfo=None)
