"""Reading a satisfaction score out of what a citizen says ("五星", "打4分", "five stars")."""

from __future__ import annotations

import re

_NUMERALS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "满分": 5,
    "full marks": 5,
}


def parse_rating(text: str) -> int | None:
    text = (text or "").lower()
    match = re.search(r"(?<!\d)([1-5])(?!\d)", text) or re.search(
        r"(满分|full marks|一|二|两|三|四|五|one|two|three|four|five)", text
    )
    if not match:
        return None
    value = match.group(1)
    return int(value) if value.isdigit() else _NUMERALS[value]
