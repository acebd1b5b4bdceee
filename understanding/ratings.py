"""Reading a satisfaction score out of what a citizen says ("五星", "打4分", "five stars").

A number counts as a score only where it is given as one: with a unit of score (分, 星,
stars, out of 5), after a verb of scoring ("give it four", "打三"), or said on its own
("4", "五"). Chinese numerals are everywhere in ordinary speech (评价一下, 一般般,
一直很慢, 五分钟), and reading any 一 as a score recorded "我要评价一下" as one star.
Failing a number, the degree of satisfaction that the rating buttons name beside each
score counts (非常满意 5 … 非常不满意 1).
"""

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
}
_SCORE = r"[1-5]|[一二两三四五]|one|two|three|four|five"
_GIVEN_WITH_A_UNIT = re.compile(
    rf"(?<![a-z\d.])({_SCORE})(?![\d.])\s*(?:颗|个)?\s*"
    r"(?:星(?!期)|分(?!钟|之|局|行|店|公司|享)|心|stars?\b|points?\b|out of\b|/\s*5)"
)
_GIVEN_AFTER_A_VERB = re.compile(
    rf"(?:\b(?:give|giving|gave|rate|rating|score)\s+(?:it|you|this|the service)?\s*"
    rf"(?:an?\s+)?|(?:打|给|评)\s*)({_SCORE})(?![\d.])(?!\s*(?:次|天|个|年|月|号|点|遍))"
)
_SAID_ALONE = re.compile(
    rf"^\W*(?:就|给|打|我给|评)?\s*({_SCORE})\s*(?:吧|呗|啦|了)?\W*$", re.IGNORECASE
)
_FULL_MARKS = re.compile(r"满分|full marks")
# The degrees the rating buttons name beside their scores (5分 非常满意 … 1分 非常不满意),
# and the midpoint of the usual five-point scale (一般); the strongest reading first.
_DEGREES = (
    (re.compile(r"(?:非常|很|十分|特别)不满意|\bvery (?:dis|un)satisfied\b"), 1),
    (re.compile(r"不(?:太|是很)?满意|\b(?:dis|un|not )satisfied\b"), 2),
    (re.compile(r"基本满意|^\W*一般(?:般)?\W*$|\bbasically satisfied\b"), 3),
    (re.compile(r"(?:非常|很|十分|特别)满意|\bvery satisfied\b"), 5),
    (re.compile(r"满意|\bsatisfied\b"), 4),
)


def parse_rating(text: str) -> int | None:
    """The score from 1 to 5 a message gives, or None when it gives none."""
    text = (text or "").lower()
    if _FULL_MARKS.search(text):
        return 5
    for pattern in (_GIVEN_WITH_A_UNIT, _GIVEN_AFTER_A_VERB, _SAID_ALONE):
        match = pattern.search(text)
        if match:
            value = match.group(1)
            return int(value) if value.isdigit() else _NUMERALS[value]
    for degree, score in _DEGREES:
        if degree.search(text):
            return score
    return None
