"""What the hotline's supervisors see: one day's volume, topics, hand-offs and ratings.

Every figure is a ``select()`` over the transcript and case tables, so the dashboard needs
no separate event store. Free text (questions the assistant could not answer, rating
comments) is masked before it leaves this module: the dashboard is shown on big screens.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import Boolean, distinct, extract, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from cases.models import Application, WorkOrder
from contact_centre.models import ConversationMessage, Feedback, Handoff
from foundation import clock
from privacy.identity import mask_personal_data

FALLBACK_INTENT = "nlu_fallback"
# Below this NLU confidence an answer is a guess; such questions feed the FAQ backlog.
LOW_CONFIDENCE = 0.5


@dataclass(frozen=True)
class IntentCount:
    intent: str
    count: int


@dataclass(frozen=True)
class UnansweredQuestion:
    text: str
    count: int
    last_asked: dt.datetime


@dataclass(frozen=True)
class HandoffStats:
    requested: int
    waiting: int
    active: int
    average_wait_seconds: float | None


@dataclass(frozen=True)
class Satisfaction:
    count: int
    average: float | None
    distribution: dict[int, int]
    recent_comments: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Dashboard:
    day: dt.date
    messages: int
    conversations: int
    hourly: list[int]
    top_intents: list[IntentCount]
    handoffs: HandoffStats
    unanswered: list[UnansweredQuestion]
    satisfaction: Satisfaction
    work_orders: int
    applications: int


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The half-open interval [midnight, next midnight) in naive Shanghai time."""
    start = dt.datetime.combine(day, dt.time.min)
    return start, start + dt.timedelta(days=1)


def dashboard(
    session: Session, day: dt.date | None = None, *, top: int = 10
) -> Dashboard:
    """Everything the supervisors' dashboard shows for one day (today by default).

    Args:
        day: the Shanghai calendar day to report on.
        top: how many intents and unanswered questions to list.

    Returns:
        The figures for that day; live queue sizes (waiting, active) are as of now.
    """
    day = day or clock.now().date()
    return Dashboard(
        day=day,
        messages=citizen_message_count(session, day),
        conversations=conversation_count(session, day),
        hourly=hourly_messages(session, day),
        top_intents=top_intents(session, day, limit=top),
        handoffs=handoff_stats(session, day),
        unanswered=unanswered_questions(session, day, limit=top),
        satisfaction=satisfaction(session, day),
        work_orders=_count_created(session, WorkOrder, day),
        applications=_count_created(session, Application, day),
    )


def _citizen_messages_on(
    day: dt.date,
) -> tuple[ColumnElement[Boolean], ColumnElement[Boolean], ColumnElement[Boolean]]:
    start, end = day_bounds(day)
    return (
        ConversationMessage.sender == "citizen",
        ConversationMessage.created_at >= start,
        ConversationMessage.created_at < end,
    )


def citizen_message_count(session: Session, day: dt.date) -> int:
    statement = select(func.count(ConversationMessage.id)).where(
        *_citizen_messages_on(day)
    )
    return session.scalar(statement) or 0


def conversation_count(session: Session, day: dt.date) -> int:
    statement = select(func.count(distinct(ConversationMessage.session_id))).where(
        *_citizen_messages_on(day)
    )
    return session.scalar(statement) or 0


def hourly_messages(session: Session, day: dt.date) -> list[int]:
    """Citizen messages in each of the day's 24 hours, midnight first."""
    hour = extract("hour", ConversationMessage.created_at)
    statement = (
        select(hour, func.count(ConversationMessage.id))
        .where(*_citizen_messages_on(day))
        .group_by(hour)
    )
    counts = [0] * 24
    for value, count in session.execute(statement):
        counts[int(value)] = count
    return counts


def top_intents(
    session: Session, day: dt.date, *, limit: int = 10
) -> list[IntentCount]:
    """What citizens asked about most, by the NLU's reading of their messages."""
    count = func.count(ConversationMessage.id)
    statement = (
        select(ConversationMessage.intent, count)
        .where(*_citizen_messages_on(day), ConversationMessage.intent.is_not(None))
        .group_by(ConversationMessage.intent)
        .order_by(count.desc(), ConversationMessage.intent)
        .limit(limit)
    )
    return [IntentCount(intent, n) for intent, n in session.execute(statement)]


def unanswered_questions(
    session: Session, day: dt.date, *, limit: int = 10
) -> list[UnansweredQuestion]:
    """Questions the assistant did not understand, most asked first, personal data masked.

    Texts are masked before they are grouped, so no name or number reaches the
    dashboard; whitespace is collapsed so trivially different spellings count together.
    """
    statement = (
        select(ConversationMessage.text, ConversationMessage.created_at)
        .where(
            *_citizen_messages_on(day),
            or_(
                ConversationMessage.intent == FALLBACK_INTENT,
                ConversationMessage.confidence < LOW_CONFIDENCE,
            ),
        )
        .order_by(ConversationMessage.id)
    )
    counts: Counter[str] = Counter()
    last_asked: dict[str, dt.datetime] = {}
    for text, created_at in session.execute(statement):
        masked = " ".join(mask_personal_data(text).split())
        if not masked:
            continue
        counts[masked] += 1
        last_asked[masked] = max(created_at, last_asked.get(masked, created_at))
    ranked = sorted(
        counts.items(), key=lambda item: (-item[1], -last_asked[item[0]].timestamp())
    )
    return [UnansweredQuestion(text, n, last_asked[text]) for text, n in ranked[:limit]]


def handoff_stats(session: Session, day: dt.date) -> HandoffStats:
    """Hand-offs requested that day, the queue as it stands, and how long callers waited."""
    start, end = day_bounds(day)
    requested_that_day = (Handoff.requested_at >= start, Handoff.requested_at < end)
    requested = session.scalar(
        select(func.count(Handoff.id)).where(*requested_that_day)
    )
    by_status: dict[str, int] = {
        status: count
        for status, count in session.execute(
            select(Handoff.status, func.count(Handoff.id))
            .where(Handoff.status.in_(("waiting", "active")))
            .group_by(Handoff.status)
        )
    }
    # Date arithmetic differs between SQLite and PostgreSQL; a day's hand-offs are few.
    waits = [
        (taken - asked).total_seconds()
        for asked, taken in session.execute(
            select(Handoff.requested_at, Handoff.taken_at).where(
                *requested_that_day, Handoff.taken_at.is_not(None)
            )
        )
    ]
    return HandoffStats(
        requested=requested or 0,
        waiting=by_status.get("waiting", 0),
        active=by_status.get("active", 0),
        average_wait_seconds=round(sum(waits) / len(waits), 1) if waits else None,
    )


def satisfaction(session: Session, day: dt.date, *, comments: int = 5) -> Satisfaction:
    """Ratings given that day: how many, their mean, each star's count, latest comments."""
    start, end = day_bounds(day)
    that_day = (Feedback.created_at >= start, Feedback.created_at < end)
    distribution = {rating: 0 for rating in range(1, 6)}
    for rating, count in session.execute(
        select(Feedback.rating, func.count(Feedback.id))
        .where(*that_day)
        .group_by(Feedback.rating)
    ):
        distribution[int(rating)] = count
    total = sum(distribution.values())
    average = (
        round(sum(r * n for r, n in distribution.items()) / total, 2) if total else None
    )
    latest = session.scalars(
        select(Feedback.comment)
        .where(*that_day, Feedback.comment.is_not(None))
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
        .limit(comments)
    )
    return Satisfaction(
        count=total,
        average=average,
        distribution=distribution,
        recent_comments=[mask_personal_data(c) for c in latest if c.strip()],
    )


def _count_created(
    session: Session, model: type[WorkOrder | Application], day: dt.date
) -> int:
    start, end = day_bounds(day)
    statement = select(func.count(model.id)).where(
        model.created_at >= start, model.created_at < end
    )
    return session.scalar(statement) or 0
