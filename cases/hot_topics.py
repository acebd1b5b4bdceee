"""Hot topics (热点): many citizens reporting one problem at one place in one period.

Managers see, for the last ``days``, the clusters of similar reports, by street and
category, ranked by how many reported and how fast that grows. The clustering reads
reports as ``cases.duplicates`` does, a little more loosely (``TOPIC_THRESHOLD``): a
topic is one problem at one place, whether or not every report is the same event.

Ranking, best first: the number of reports in the period; then growth, ``count /
max(previous_count, 1)`` over the period of the same length before it (a topic new
this week with 6 reports grows 6x; one steady at 6 a week, 1x); then likes, where
the source has them (a message board), which only break ties.

``hot_topics`` is pure; ``recent_hot_topics`` reads the work orders of the last two
periods from the database and calls it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from cases.duplicates import (
    WINDOW,
    Report,
    described,
    linked_groups,
    similarity_within,
)
from cases.repositories.work_orders import reported_between
from foundation import clock
from privacy.identity import mask_personal_data

# As strict as SAME_EVENT_THRESHOLD: on the message board a looser 0.5 or 0.55 let
# single links chain hundreds of unrelated letters about one county into one topic.
# Topics are still wider than events: they link through reports in between.
TOPIC_THRESHOLD = 0.6
MIN_REPORTS = 2
EXAMPLES = 3
TITLE_FALLBACK_CHARS = 16


@dataclass(frozen=True)
class HotTopic:
    title: str  # place and problem, e.g. "田林街道 宜山路钦州路口 路灯", masked
    district: str | None
    street: str | None
    category: str | None
    count: int  # reports in the period
    previous_count: int  # reports in the period of the same length before it
    growth: float  # count / max(previous_count, 1)
    first_seen: dt.datetime
    last_seen: dt.datetime
    examples: tuple[str, ...]  # up to 3 reports, personal data masked
    keys: tuple[str, ...]  # the period's reports
    likes: int = 0  # the reports' likes, where the source has them


def hot_topics(
    reports: Sequence[Report],
    now: dt.datetime,
    days: int = 7,
    top: int = 10,
    likes: Mapping[str, int] | None = None,
) -> list[HotTopic]:
    """The top clusters of similar reports of the last ``days``.

    Args:
        reports: Reports of at least the last ``2 * days`` (older ones are ignored).
        now: The end of the period.
        days: Its length.
        top: At most this many topics.
        likes: Likes by report key, where the source has them.

    Returns:
        Topics of at least two reports in the period, best first (see the module).
    """
    period = dt.timedelta(days=days)
    start, previous_start = now - period, now - 2 * period
    recent = [r for r in reports if previous_start < r.reported_at <= now]
    # Reports further apart than an event's window link only through those between:
    # over a long period (a year of a message board) a direct link would chain
    # unrelated letters about one road.
    window = min(period, WINDOW)
    groups = linked_groups(
        recent,
        lambda a, b: similarity_within(a, b, window)[0] >= TOPIC_THRESHOLD,
    )
    topics = []
    for members in groups:
        current = sorted(
            (r for r in members if r.reported_at > start), key=lambda r: r.reported_at
        )
        if len(current) < MIN_REPORTS:
            continue
        previous_count = len(members) - len(current)
        topics.append(_topic(current, previous_count, likes or {}))
    topics.sort(key=lambda t: (-t.count, -t.growth, -t.likes))
    return topics[:top]


def recent_hot_topics(
    session: Session, now: dt.datetime | None = None, days: int = 7, top: int = 10
) -> list[HotTopic]:
    """The hot topics of the work orders filed in the last ``days``.

    Merged orders count: each was a citizen's report.
    """
    now = now or clock.now()
    orders = reported_between(session, now - dt.timedelta(days=2 * days), now)
    reports = [
        Report(
            key=order.number,
            text=order.description,
            reported_at=order.created_at,
            category=order.category.code,
            district=order.district,
            street=order.street,
            address=order.address,
        )
        for order in orders
    ]
    return hot_topics(reports, now, days, top)


def _topic(
    reports: list[Report], previous_count: int, likes: Mapping[str, int]
) -> HotTopic:
    district = _most_common(r.district for r in reports)
    street = _most_common(r.street for r in reports)
    return HotTopic(
        title=mask_personal_data(_title(reports, street)),
        district=district,
        street=street,
        category=_most_common(r.category for r in reports),
        count=len(reports),
        previous_count=previous_count,
        growth=round(len(reports) / max(previous_count, 1), 2),
        first_seen=reports[0].reported_at,
        last_seen=reports[-1].reported_at,
        examples=_examples(reports, likes),
        keys=tuple(r.key for r in reports),
        likes=sum(likes.get(r.key, 0) for r in reports),
    )


def _title(reports: list[Report], street: str | None) -> str:
    places: Counter[str] = Counter()
    problems: Counter[str] = Counter()
    for report in reports:
        named_places, named_problems = described(report)
        places.update(set(named_places))
        problems.update(set(named_problems))
    # Names most reports share; a junction's two roads both qualify.
    quorum = max(2, len(reports) // 3)
    place = (
        "".join(
            name
            for name, n in places.most_common(2)
            if n >= min(quorum, places.most_common(1)[0][1])
        )
        if places
        else ""
    )
    problem = "、".join(name for name, _ in problems.most_common(2))
    if not problem:
        shortest = min((r.text for r in reports), key=len)
        problem = shortest.split("，")[0][:TITLE_FALLBACK_CHARS]
    return " ".join(part for part in (street, place, problem) if part)


def _examples(reports: list[Report], likes: Mapping[str, int]) -> tuple[str, ...]:
    # The most liked first (the board's readers chose them), then the latest.
    ordered = sorted(
        reports, key=lambda r: (-likes.get(r.key, 0), -r.reported_at.timestamp())
    )
    examples: list[str] = []
    for report in ordered:
        text = mask_personal_data(report.text.strip())
        if text not in examples:
            examples.append(text)
        if len(examples) == EXAMPLES:
            break
    return tuple(examples)


def _most_common(values: object) -> str | None:
    found = Counter(v for v in values if v)  # type: ignore[attr-defined]
    return found.most_common(1)[0][0] if found else None
