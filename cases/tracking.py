"""Tracking numbers citizens read out on the phone: a prefix and fourteen digits.

``SQ`` (申请) marks an application and ``GD`` (工单) a work order, so one status question
answers both. A new number is the date as ``YYMMDD`` and eight random digits
(``GD26120648271903``); numbers issued before December 2026 are the date as
``YYYYMMDD`` and six random digits (``GD20261120000456``). Both are fourteen digits, so
citizens, agents and every pattern read them alike, and they never collide: an old
number starts with ``20`` and a month, a new one with a two-digit year of 26 or later.

The digits are random rather than sequential: replicas need no shared counter, numbers
reveal nothing about volumes, and a number is hard to guess. Eight random digits give
10**8 numbers a day: with 10,000 cases filed on one day, a guessed number of that day
exists once in 10,000 tries, and a number alone opens nothing anyway
(``cases.access``: its owner's phone digits or query code are needed too).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Callable

APPLICATION_PREFIX = "SQ"
WORK_ORDER_PREFIX = "GD"
RANDOM_DIGITS = 8
_NUMBER = re.compile(r"^(SQ|GD)(\d{14})$")


def new_number(prefix: str, today: dt.date, exists: Callable[[str], bool]) -> str:
    """A fresh number for ``today``; ``exists`` tells whether a candidate is taken."""
    while True:
        random_part = secrets.randbelow(10**RANDOM_DIGITS)
        candidate = f"{prefix}{today:%y%m%d}{random_part:0{RANDOM_DIGITS}d}"
        if not exists(candidate):
            return candidate


def normalise_number(text: str) -> str | None:
    """The canonical number inside what a citizen typed (spaces, lower case), or None."""
    candidate = re.sub(r"[\s-]", "", text or "").upper()
    return candidate if _NUMBER.match(candidate) else None


def kind_of(number: str) -> str | None:
    match = _NUMBER.match(number)
    if not match:
        return None
    return "application" if match.group(1) == APPLICATION_PREFIX else "work_order"


def find_numbers(text: str) -> list[str]:
    return [m.group(0).upper() for m in re.finditer(r"(?i)(?:SQ|GD)\d{14}", text or "")]
