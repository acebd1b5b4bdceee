"""Where a guide comes from, when it was last checked, and whether that is too long ago.

A citizen acting on a guide needs to know how current it is: every answer ends with its
source and its 最近核验 (last verified) date, and a guide not checked for longer than
``HOTLINE_GUIDE_STALE_DAYS`` says so and sends the citizen to the official portal. A
guide never verified counts from its last update and is said to be updated, not
verified, so no answer claims a check that nobody made.

Public: ``checked_on``, ``is_stale``, ``stale_days``, ``today``, ``date_zh``, ``date_en``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from foundation.clock import now
from foundation.settings import get_settings
from knowledge_base.models import Bundle, Office, Service

_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class Checked:
    """The date a guide's currency is reckoned from.

    Attributes:
        on: the last-verified date, or without one the last update; None for a guide
            that records neither (a bundle or office imported before dates were kept).
        verified: whether ``on`` is a verification (最近核验) or only an update.
    """

    on: dt.date | None
    verified: bool


def checked_on(guide: Service | Bundle | Office) -> Checked:
    if guide.verified_at is not None:
        return Checked(guide.verified_at, True)
    return Checked(getattr(guide, "updated_at", None), False)


def stale_days() -> int:
    return get_settings().guide_stale_days


def today() -> dt.date:
    """Shanghai's date: a guide goes stale on the citizen's calendar, not the server's."""
    return now().date()


def is_stale(checked: Checked, on: dt.date | None = None) -> bool:
    """Whether the guide was last checked more than the stale setting's days before ``on``.

    A guide with no date at all is not called stale: there is nothing to reckon from,
    and its source line already says no date is held.
    """
    if checked.on is None:
        return False
    return ((on or today()) - checked.on).days > stale_days()


def date_zh(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def date_en(day: dt.date) -> str:
    # Not strftime("%B"): the month's name would follow the server's locale.
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
