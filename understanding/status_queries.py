"""A question about a case that names its tracking number is known by rule.

"查一下GD26120634976088的进度" can mean one thing only, yet the intent model reads the
fourteen random digits as features too, and for some numbers it guesses another intent
(a small model trained for tests did so for one number in a few hundred). So a short
message that names one kind of number and asks after it is a status question whatever
the model says. A long message naming a number is left to the model: it may be a new
complaint that mentions an old order. In English, a short question after the status
of "my complaint" or "my application" is one too, number or not: the model, trained
mostly on Chinese, took "I want to check the progress of my complaint" for nothing.

A citizen who has lost the number ("编号忘了，怎么查进度", "I lost my reference number")
cannot answer the form's first question, and the model reads such a message as
anything from an emergency to a fee question. A short message that names the number
and says it is lost or unknown asks where to find it, by rule too.
"""

from __future__ import annotations

import re

APPLICATION_STATUS, WORK_ORDER_STATUS, LOST_NUMBER = (
    "check_application_status",
    "check_work_order_status",
    "lost_tracking_number",
)
_NUMBER = re.compile(r"(?i)(SQ|GD)[\s-]?\d{14}")
_ASKING = re.compile(
    r"查|进度|进展|状态|办到|到哪|怎么样|如何了|结果|处理了|办好|办完|"
    r"status|progress|track|check|update|how is|where is",
    re.IGNORECASE,
)
_NUMBER_WORD = re.compile(
    r"编号|工单号|受理号|(?<!快递)单号|查询码|回执号|流水号|"
    r"(?:tracking|reference|case|order|query)[\s-]*(?:number|code|no\b)",
    re.IGNORECASE,
)
# The code a filing without a phone gets instead, named as citizens name it.
_QUERY_CODE = re.compile(r"查询码|query[\s-]*code", re.IGNORECASE)
_LOSING = re.compile(
    r"忘|不记得|记不得|记不清|记不住|想不起|找不到|找不着|丢了|丢失|弄丢|搞丢|删了|删掉|"
    r"没保存|没存|没记|没有|不知道|不晓得|没收到|没给|在哪|哪里看|哪里找|哪儿|"
    r"lost|forgot|forget|can'?t find|cannot find|couldn'?t find|don'?t (?:have|know|remember)|"
    r"do not (?:have|know|remember)|never (?:got|received)|can'?t remember|no idea|where (?:can|do|is|to)",
    re.IGNORECASE,
)
# A problem told beside a number ("路灯没有编号，坏了也没法报修") is a report, not a
# lost tracking number: the lamp's number is missing, not the citizen's.
_PROBLEM = re.compile(
    r"坏|破|漏|堵|吵|噪|脏|臭|违|占道|欠薪|拖欠|停电|停水|投诉|举报|"
    r"broken|noise|noisy|complain|leak",
    re.IGNORECASE,
)
# Said to the form's question for the number, these alone mean it is lost.
_FORGETTING_ALONE = re.compile(
    r"^\W*(?:我|我也)?(?:真的|实在)?(?:忘了|忘记了|忘掉了|不记得了?|记不得了?|记不清了?|"
    r"想不起来了?|找不到了?|找不着了?|丢了|弄丢了|没有|没有编号|不知道|不晓得)\W*$|"
    r"^\W*(?:i\s+)?(?:forgot|forgotten|lost it|don'?t know|don'?t have it|no idea|"
    r"can'?t remember|can'?t find it)\W*$",
    re.IGNORECASE,
)
_ENGLISH_STATUS = re.compile(
    r"\b(?:status|progress|update|updates|news|been (?:handled|dealt with|resolved))\b",
    re.IGNORECASE,
)
_ENGLISH_CASE = re.compile(
    r"\bmy\s+(?:work\s+)?(complaint|case|order|report|application|request)\b",
    re.IGNORECASE,
)
# What may stand beside a number sent on its own ("我的工单号是GD…", "It's SQ…"): words
# that name it, and nothing that says what else it is for.
_BARE_NUMBER_REST = re.compile(
    r"^(?:我的|我|这个|这是|就是|是|请|麻烦|帮我|您好|你好|申请编号|申请号|办件编号|"
    r"工单编号|受理编号|编号|工单号|受理号|号码|单号|"
    r"(?:my|the|this|is|it'?s|here|hi|hello|please|number|application|reference|"
    r"tracking|case|order)\b|\W|_)*$",
    re.IGNORECASE,
)
# Without the number: longer than this, a message says more than "where is my case".
MAX_OTHER_CHARS = 30
MAX_OTHER_WORDS = 12


def status_intent(text: str) -> str | None:
    """The status intent a message asks by rule, or None to leave it to the model."""
    kinds = {match.group(1).upper() for match in _NUMBER.finditer(text or "")}
    if not kinds:
        return _english_status_intent(text or "")
    if len(kinds) != 1:
        return None
    rest = _NUMBER.sub("", text)
    # A number sent alone, or only named, can only ask after its case.
    alone = _BARE_NUMBER_REST.match(rest) is not None
    if len(rest.strip()) > MAX_OTHER_CHARS or not (alone or _ASKING.search(rest)):
        return None
    return APPLICATION_STATUS if kinds == {"SQ"} else WORK_ORDER_STATUS


def _english_status_intent(text: str) -> str | None:
    """ "I want to check the progress of my complaint": an expat's status question
    without its number, which the model, trained mostly on Chinese, can miss."""
    if not _short(text) or not _ENGLISH_STATUS.search(text):
        return None
    case = _ENGLISH_CASE.search(text)
    if case is None:
        return None
    return (
        APPLICATION_STATUS
        if case.group(1).lower() == "application"
        else WORK_ORDER_STATUS
    )


def lost_number_intent(text: str) -> str | None:
    """``LOST_NUMBER`` for a short message saying the tracking number is lost or
    unknown, or None. A message that gives a number has not lost it."""
    text = text or ""
    if _NUMBER.search(text) or not _short(text):
        return None
    if _NUMBER_WORD.search(text) and _LOSING.search(text):
        return None if _PROBLEM.search(text) else LOST_NUMBER
    return None


def names_the_query_code(text: str) -> bool:
    """Whether a message is about the query code rather than the tracking number:
    "查询码忘了" has lost the code, and still has the number."""
    return bool(_QUERY_CODE.search(text or ""))


def _short(text: str) -> bool:
    if re.search(r"[\u4e00-\u9fff]", text):
        return len(text.strip()) <= MAX_OTHER_CHARS
    return len(text.split()) <= MAX_OTHER_WORDS


def forgets_what_was_asked(text: str) -> bool:
    """True for a bare "忘了" or "I don't know" said to a question for a number."""
    return bool(_FORGETTING_ALONE.search(text or ""))


def ruled_intent(text: str) -> str | None:
    """The intent a message has by rule (a status question, a lost number), or None."""
    return status_intent(text) or lost_number_intent(text)
