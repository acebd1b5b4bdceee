"""The 回访 answered in the conversation: a citizen asked how satisfied they are with a
handled work order answers in their own words, and the order moves on.

The question (``cases.lifecycle.visit_question``) arrives in the citizen's conversation
when the unit completes the order. The answer is read by rules before the NLU: short,
and naming a degree of satisfaction; anything after it is the citizen's comment. Only a
conversation with a completed order waiting for its 回访 is looked up, so the database
is asked only when a message reads like such an answer.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from cases import lifecycle, merging

# Longest forms first: "不满意" contains "满意", "基本满意" too.
_DEGREES = (
    (
        r"(?:很|非常|太|特别)?不(?:太)?满意|unsatisfied|dissatisfied|not satisfied",
        "dissatisfied",
    ),
    (
        r"基本满意|还算满意|比较满意|一般|还可以|basically satisfied|fairly satisfied",
        "basically_satisfied",
    ),
    (r"(?:很|非常|十分|特别)?满意|very satisfied|satisfied", "satisfied"),
)
_ANSWER = re.compile(
    r"^\s*(?:我)?(?:觉得|对结果|评价)?[：:\s]*(?P<degree>"
    + "|".join(pattern for pattern, _ in _DEGREES)
    # The degree stands alone: "满意度调查" is a question, not an answer.
    + r")(?:吧|啊|呀|的|了)?(?:$|[。.!！,，;；\s]+(?P<comment>.*)$)",
    re.IGNORECASE | re.DOTALL,
)
MAX_ANSWER_CHARS = 200
REPLIES = {
    "zh": {
        "thanks": "感谢您的评价！工单 {number} 的回访已完成，如有新的问题欢迎随时联系12345。",
        "reopened": "已收到您的意见。工单 {number} 将退回承办单位重新办理，办理结果会再告知您。",
        "escalated": "已收到您的意见。工单 {number} 已转督办，热线将继续跟进，直到问题解决。",
        "noted": "已收到您的意见，已记入工单 {number} 的回访记录，热线复核合并办理结果时将一并考虑。",
    },
    "en": {
        "thanks": "Thank you for your feedback. The follow-up on work order {number} "
        "is complete; contact 12345 whenever you need us again.",
        "reopened": "Thank you; we have noted your view. Work order {number} goes "
        "back to the handling unit to be dealt with again, and we will tell you the "
        "result.",
        "escalated": "Thank you; we have noted your view. Work order {number} has "
        "been escalated for supervision, and the hotline will follow it until the "
        "problem is solved.",
        "noted": "Thank you; we have noted your view on work order {number}, and the "
        "hotline will take it into account when it reviews the result of the reports "
        "handled together.",
    },
}


@dataclass(frozen=True)
class VisitAnswer:
    number: str
    satisfaction: str
    reply: str


def satisfaction_in(text: str) -> tuple[str, str] | None:
    """The degree a short answer names, and the comment after it; None otherwise."""
    if len(text) > MAX_ANSWER_CHARS:
        return None
    found = _ANSWER.match(text)
    if found is None:
        return None
    said = found.group("degree").lower()
    for pattern, degree in _DEGREES:
        if re.fullmatch(pattern, said, re.IGNORECASE):
            return degree, (found.group("comment") or "").strip()
    return None


def answer_visit(
    session: Session, session_id: str, text: str, now: dt.datetime | None = None
) -> VisitAnswer | None:
    """Record the 回访 a message gives for the conversation's completed order; None
    when the message is no such answer or no order waits for one."""
    parsed = satisfaction_in(text)
    if parsed is None:
        return None
    order = lifecycle.awaiting_visit(session, session_id)
    if order is None:
        return None
    degree, comment = parsed
    if order.status == "merged":
        # A report joined to another order: its 回访 is counted, the handled order's
        # own decides its 重办 (cases.merging).
        merging.record_visit(session, order, degree, comment or None, now)
        said = REPLIES["en" if order.language == "en" else "zh"][
            "thanks" if degree != "dissatisfied" else "noted"
        ]
        return VisitAnswer(order.number, degree, said.format(number=order.number))
    reopened_before = order.reopened_count or 0
    order = lifecycle.apply(
        session,
        order.number,
        lifecycle.Step(
            "visit",
            "市民",
            lifecycle.CITIZEN,
            note=comment or None,
            satisfaction=degree,
        ),
        now,
    )
    if degree != "dissatisfied":
        reply = "thanks"
    elif order.reopened_count > reopened_before:
        reply = "reopened"
    else:
        reply = "escalated"
    said = REPLIES["en" if order.language == "en" else "zh"][reply]
    return VisitAnswer(order.number, degree, said.format(number=order.number))
