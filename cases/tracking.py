"""Tracking numbers citizens read out on the phone: a prefix, the date and six digits.

``SQ`` (申请) marks an application and ``GD`` (工单) a work order, so one status question
answers both. The six digits are random rather than sequential: replicas need no shared
counter, and numbers reveal nothing about volumes.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Callable

APPLICATION_PREFIX = "SQ"
WORK_ORDER_PREFIX = "GD"
_NUMBER = re.compile(r"^(SQ|GD)(\d{8})(\d{6})$")


def new_number(prefix: str, today: dt.date, exists: Callable[[str], bool]) -> str:
    """A fresh number for ``today``; ``exists`` tells whether a candidate is taken."""
    while True:
        candidate = f"{prefix}{today:%Y%m%d}{secrets.randbelow(10**6):06d}"
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
