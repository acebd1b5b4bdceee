"""A question about a case that names its tracking number is known by rule.

"查一下GD26120634976088的进度" can mean one thing only, yet the intent model reads the
fourteen random digits as features too, and for some numbers it guesses another intent
(a small model trained for tests did so for one number in a few hundred). So a short
message that names one kind of number and asks after it is a status question whatever
the model says. A long message naming a number is left to the model: it may be a new
complaint that mentions an old order.
"""

from __future__ import annotations

import re

APPLICATION_STATUS, WORK_ORDER_STATUS = (
    "check_application_status",
    "check_work_order_status",
)
_NUMBER = re.compile(r"(?i)(SQ|GD)[\s-]?\d{14}")
_ASKING = re.compile(
    r"查|进度|进展|状态|办到|到哪|怎么样|如何了|结果|处理了|办好|办完|"
    r"status|progress|track|check|update|how is|where is",
    re.IGNORECASE,
)
# Without the number: longer than this, a message says more than "where is my case".
MAX_OTHER_CHARS = 30


def status_intent(text: str) -> str | None:
    """The status intent a message asks by rule, or None to leave it to the model."""
    kinds = {match.group(1).upper() for match in _NUMBER.finditer(text or "")}
    if len(kinds) != 1:
        return None
    rest = _NUMBER.sub("", text)
    if len(rest.strip()) > MAX_OTHER_CHARS or not _ASKING.search(rest):
        return None
    return APPLICATION_STATUS if kinds == {"SQ"} else WORK_ORDER_STATUS
