"""Retention: citizens' personal data is kept while it serves, then anonymised.

PIPL 2021 (art. 19) keeps personal data no longer than its purpose needs. A finished
case and a conversation are kept whole for ``HOTLINE_RETENTION_DAYS`` (default 180)
after they were last active, for the 回访, 重办, supervision and complaints about the
handling; then ``purge`` anonymises them. What makes them statistics stays: a work
order's number, category, unit, district and street, dates, status, time limits and
satisfaction; an application's number, service, district, status and dates; a message's
sender, intent and time; a hand-off's times and outcome; a message pushed to WeChat,
its kind, status and times (one not sent yet is withdrawn); a rating's stars.

It lives here, at the top of the core, because it reaches every table that holds what a
citizen gave or said: the cases' applications, work orders, their history and
notifications (``cases``), and the conversations, hand-offs and ratings of this package;
only ``contact_centre`` may use them all (the layers in ``pyproject.toml``). The parts
that need no case live in ``privacy``: the tombstones of erasures
(``privacy.erasures``) and the record of each day's purge (``privacy.models.PurgeRun``).
An erasure at a citizen's request (``contact_centre.citizen_rights``) anonymises with
the same functions, at once.

Rules (``last active``: a case's ``updated_at``, a message's time, a hand-off's close):

- an open work order (``cases.lifecycle.OPEN``) is never purged, nor is a
  conversation while a case filed from it is kept or a hand-off of it is waiting or
  active. An application is purged once inactive for the retention period whatever
  its status: the department decides it in its own system, and nothing here moves a
  submitted application on, so "open" would mean "kept for ever";
- a record is purged once it was last active strictly before the cutoff, ``now`` less
  the retention days: one last active exactly at the cutoff is kept;
- anonymised cases are marked (``anonymised_at``); anonymised conversation rows get a
  random session id of their own (``anon:…``, the WeChat openid or widget id gone), so
  a purge run twice finds nothing twice.

Public: ``PurgeReport``, ``cutoff``, ``purge``, ``purge_daily`` (the scheduler's, once
a day, in batches); for ``citizen_rights``: ``anonymise_work_order``,
``anonymise_application``, ``anonymise_conversations``, ``TABLES``.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, func, not_, or_, select, union, union_all, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.selectable import CompoundSelect

from cases.lifecycle import OPEN as OPEN_WORK_ORDERS
from cases.models import Application, Notification, WorkOrder, WorkOrderUpdate
from cases.notifications import CITIZEN, MAX_ATTEMPTS
from contact_centre.channel_messages import EXPIRED as EXPIRED_PUSH
from contact_centre.channel_messages import PENDING as PENDING_PUSH
from contact_centre.models import (
    ChannelMessage,
    ConversationMessage,
    Feedback,
    Handoff,
)
from foundation import clock
from foundation.settings import get_settings
from privacy.identity import mask_personal_data
from privacy.models import PurgeRun

# The tables anonymised, in the order reports list them.
TABLES = (
    "applications",
    "work_orders",
    "work_order_updates",
    "notifications",
    "conversation_messages",
    "handoffs",
    "channel_messages",
    "feedback",
)
OPEN_APPLICATIONS = ("submitted", "accepted", "in_review")
OPEN_HANDOFFS = ("waiting", "active")
# The session id anonymised conversation rows get, with 96 random bits after it.
ANONYMOUS_SESSION = "anon:"
# Rows of each kind (work orders, applications, conversations) one scheduled round
# anonymises: a backlog is worked off a minute at a time, inside the lease's time.
DAILY_BATCH = 500
# Why a citizen's notification not yet sent never will be.
WITHDRAWN = "withdrawn: the citizen's personal data was anonymised"


@dataclass(frozen=True)
class PurgeReport:
    """What a purge anonymised (or, dry, would), in rows per table.

    Attributes:
        before: the cutoff: records last active before it were due.
        counts: rows per table of ``TABLES``, zeros included.
        more: a batch limit stopped it with records still due.
        dry_run: nothing was changed; the counts are what a purge would do.
    """

    before: dt.datetime
    counts: dict[str, int] = field(default_factory=dict)
    more: bool = False
    dry_run: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def cutoff(now: dt.datetime, retention_days: int | None = None) -> dt.datetime:
    """The time before which a finished record's last activity makes it due.

    Args:
        retention_days: by default the settings' ``HOTLINE_RETENTION_DAYS``.
    """
    days = retention_days or get_settings().retention_days
    return now - dt.timedelta(days=days)


def purge(
    session: Session,
    *,
    before: dt.datetime,
    now: dt.datetime | None = None,
    limit: int | None = None,
    dry_run: bool = False,
) -> PurgeReport:
    """Anonymise what was last active before ``before`` and is no longer needed.

    Commits nothing (the caller does). Run again, it finds nothing more.

    Args:
        before: the cutoff (``cutoff(now)``, or an operator's earlier day).
        now: the time recorded as when the cases were anonymised.
        limit: at most this many work orders, applications and conversations each;
            ``more`` says whether some were left. None: all.
        dry_run: change nothing; count the rows a purge would anonymise.
    """
    if dry_run:
        return PurgeReport(before, _count_due(session, before), dry_run=True)
    now = now or clock.now()
    # One more than the limit is asked for, to know whether any is left.
    asked = None if limit is None else limit + 1
    counts: Counter[str] = Counter()
    orders = _due_work_orders(session, before, asked)
    counts.update(_anonymise_work_orders(session, orders[:limit], now))
    applications = _due_applications(session, before, asked)
    for application in applications[:limit]:
        counts.update(anonymise_application(application, now))
    conversations = _due_sessions(session, before, asked)
    counts.update(
        anonymise_conversations(session, conversations[:limit], before=before)
    )
    counts["feedback"] += _clear_sessionless_comments(session, before)
    session.flush()
    more = limit is not None and any(
        len(due) > limit for due in (orders, applications, conversations)
    )
    return PurgeReport(before, _in_order(counts), more=more)


def purge_daily(
    session: Session,
    now: dt.datetime,
    *,
    retention_days: int | None = None,
    batch: int = DAILY_BATCH,
) -> PurgeReport | None:
    """The scheduler's purge: one batch now, if today's purge is not done yet.

    Called every round by the holder of the follow-up lease. The day's ``PurgeRun``
    row, locked while a batch runs, makes it once a day whichever replica holds the
    lease: the first round of the day begins it, each round works off a batch, and the
    round that leaves nothing due finishes the day.

    Returns:
        The batch's report, or None when today's purge was already finished.
    """
    day = now.date()
    run = session.get(PurgeRun, day, with_for_update=True)
    if run is None:
        try:
            with session.begin_nested():
                run = PurgeRun(day=day, started_at=now, counts={})
                session.add(run)
                session.flush()
        except IntegrityError:
            return None  # another process began the day's purge a moment ago
    elif run.finished_at is not None:
        return None
    report = purge(session, before=cutoff(now, retention_days), now=now, limit=batch)
    totals = Counter(run.counts)
    totals.update(report.counts)
    run.counts = _in_order(totals)  # a new dict: the JSON column sees the change
    if not report.more:
        run.finished_at = now
    return report


def anonymise_work_order(
    session: Session,
    order: WorkOrder,
    now: dt.datetime,
    *,
    still_open: bool = False,
) -> Counter[str]:
    """Take the citizen out of a work order; rows touched per table.

    The contact, the conversation's session, and the names and numbers in the
    description, result and history notes go (``mask_personal_data``). A finished
    order also loses its address and every notification's text, and is marked
    anonymised. An open order (``still_open``: an erasure) keeps its address and its
    units' notices: the unit still has to go there and handle it, as an anonymous
    report; the purge finishes the job once it is closed and past retention.
    """
    order.contact_name = None
    order.contact_phone = None  # the hash beside it follows (cases.models)
    order.description = mask_personal_data(order.description)
    if order.result:
        order.result = mask_personal_data(order.result)
    order.session_id = None
    if not still_open:
        order.address = None
        order.anonymised_at = now
    counts: Counter[str] = Counter(work_orders=1)
    for update_ in order.updates:
        if update_.note is not None:
            update_.note = mask_personal_data(update_.note)
            counts["work_order_updates"] += 1
    notices = session.scalars(
        select(Notification).where(Notification.work_order_id == order.id)
    )
    for notice in notices:
        if notice.audience == CITIZEN:
            notice.recipient = None
            if notice.sent_at is None:
                notice.attempts = max(notice.attempts, MAX_ATTEMPTS)
                notice.last_error = WITHDRAWN
        elif still_open:
            continue
        notice.text = ""
        counts["notifications"] += 1
    return counts


def anonymise_application(application: Application, now: dt.datetime) -> Counter[str]:
    """Take the applicant out of an application: name, ID number and phone emptied,
    their hashes and the conversation's session gone; marked anonymised."""
    application.applicant_name = ""
    application.id_number = ""
    application.phone = ""
    # After the values: setting them computes hashes (cases.models).
    application.id_number_hash = None
    application.phone_hash = None
    application.session_id = None
    application.anonymised_at = now
    return Counter(applications=1)


def anonymise_conversations(
    session: Session,
    session_ids: Iterable[str],
    *,
    before: dt.datetime | None = None,
) -> Counter[str]:
    """Empty the messages, hand-off reasons and rating comments of these conversations.

    The rows stay, for statistics (a message's sender, intent and time; a hand-off's
    times; a rating's stars), under a random session id per conversation, so that
    they neither lead back to the citizen's widget or WeChat account nor to the rest
    of the conversation kept.

    Args:
        before: only rows last active before it (the purge); None: all (an erasure).
    """
    counts: Counter[str] = Counter()
    for session_id in session_ids:
        anonymous = ANONYMOUS_SESSION + secrets.token_hex(12)
        message_due = [ConversationMessage.session_id == session_id]
        handoff_due = [Handoff.session_id == session_id]
        pushed_due = [ChannelMessage.session_id == session_id]
        feedback_due = [Feedback.session_id == session_id]
        if before is not None:
            message_due.append(ConversationMessage.created_at < before)
            pushed_due.append(ChannelMessage.created_at < before)
            handoff_due.append(_handoff_last_active() < before)
            feedback_due.append(Feedback.created_at < before)
        for table, statement in (
            (
                "conversation_messages",
                update(ConversationMessage)
                .where(*message_due)
                .values(session_id=anonymous, text="", payload=None),
            ),
            (
                "handoffs",
                update(Handoff)
                .where(*handoff_due)
                .values(session_id=anonymous, reason=None),
            ),
            (
                "channel_messages",
                # One not sent yet is withdrawn: there is nobody to send it to.
                update(ChannelMessage)
                .where(*pushed_due)
                .values(
                    session_id=anonymous,
                    text="",
                    status=case(
                        (ChannelMessage.status == PENDING_PUSH, EXPIRED_PUSH),
                        else_=ChannelMessage.status,
                    ),
                    last_error=case(
                        (ChannelMessage.status == PENDING_PUSH, WITHDRAWN),
                        else_=ChannelMessage.last_error,
                    ),
                ),
            ),
            (
                "feedback",
                update(Feedback)
                .where(*feedback_due)
                .values(session_id=anonymous, comment=None),
            ),
        ):
            result = session.execute(
                statement.execution_options(synchronize_session=False)
            )
            counts[table] += result.rowcount  # type: ignore[attr-defined]
    return counts


# --- what is due --------------------------------------------------------------------


def _due_work_orders(
    session: Session, before: dt.datetime, limit: int | None
) -> Sequence[WorkOrder]:
    return session.scalars(
        select(WorkOrder)
        .where(_work_order_due(before))
        .options(selectinload(WorkOrder.updates))
        .order_by(WorkOrder.id)
        .limit(limit)
    ).all()


def _due_applications(
    session: Session, before: dt.datetime, limit: int | None
) -> Sequence[Application]:
    return session.scalars(
        select(Application)
        .where(_application_due(before))
        .order_by(Application.id)
        .limit(limit)
    ).all()


def _due_sessions(
    session: Session, before: dt.datetime, limit: int | None
) -> Sequence[str]:
    """Conversations with rows due: last active before the cutoff, not held."""
    due = union(
        select(ConversationMessage.session_id.label("session_id")).where(
            _message_due(before)
        ),
        select(Handoff.session_id).where(_handoff_due(before)),
        select(Feedback.session_id).where(
            Feedback.created_at < before, _session_due(Feedback.session_id, before)
        ),
    ).subquery()
    return session.scalars(
        select(due.c.session_id).order_by(due.c.session_id).limit(limit)
    ).all()


def _work_order_due(before: dt.datetime) -> ColumnElement[Any]:
    return and_(
        WorkOrder.anonymised_at.is_(None),
        WorkOrder.status.not_in(OPEN_WORK_ORDERS),
        WorkOrder.updated_at < before,
    )


def _application_due(before: dt.datetime) -> ColumnElement[Any]:
    # Whatever its status: the department decides an application in its own system,
    # and one with no news for the whole retention period is no longer followed here.
    return and_(
        Application.anonymised_at.is_(None),
        Application.updated_at < before,
    )


def _message_due(before: dt.datetime) -> ColumnElement[Any]:
    return and_(
        ConversationMessage.created_at < before,
        _session_due(ConversationMessage.session_id, before),
    )


def _handoff_due(before: dt.datetime) -> ColumnElement[Any]:
    return and_(
        _handoff_last_active() < before, _session_due(Handoff.session_id, before)
    )


def _handoff_last_active() -> ColumnElement[Any]:
    return func.coalesce(Handoff.closed_at, Handoff.taken_at, Handoff.requested_at)


def _session_due(column: ColumnElement[Any], before: dt.datetime) -> ColumnElement[Any]:
    """A conversation not yet anonymised, that no kept case or open hand-off holds."""
    return and_(
        column.is_not(None),
        not_(column.startswith(ANONYMOUS_SESSION)),
        column.not_in(_held_sessions(before)),
    )


def _held_sessions(before: dt.datetime) -> CompoundSelect:
    """The conversations kept whole: a case filed from it is kept (open, or active
    since the cutoff), or a person is with the citizen (a hand-off waits or is on)."""
    return union_all(
        select(WorkOrder.session_id).where(
            WorkOrder.session_id.is_not(None),
            WorkOrder.anonymised_at.is_(None),
            not_(_work_order_due(before)),
        ),
        select(Application.session_id).where(
            Application.session_id.is_not(None),
            Application.anonymised_at.is_(None),
            not_(_application_due(before)),
        ),
        select(Handoff.session_id).where(Handoff.status.in_(OPEN_HANDOFFS)),
    )


# --- doing it -----------------------------------------------------------------------


def _anonymise_work_orders(
    session: Session, orders: Sequence[WorkOrder], now: dt.datetime
) -> Counter[str]:
    counts: Counter[str] = Counter()
    for order in orders:
        counts.update(anonymise_work_order(session, order, now))
    return counts


def _clear_sessionless_comments(session: Session, before: dt.datetime) -> int:
    """Ratings given outside a conversation (no session) lose their comment."""
    result = session.execute(
        update(Feedback)
        .where(*_sessionless_comment_due(before))
        .values(comment=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def _sessionless_comment_due(before: dt.datetime) -> tuple[ColumnElement[Any], ...]:
    return (
        Feedback.session_id.is_(None),
        Feedback.comment.is_not(None),
        Feedback.created_at < before,
    )


def _count_due(session: Session, before: dt.datetime) -> dict[str, int]:
    """The rows a purge with this cutoff would anonymise, per table."""
    orders = select(WorkOrder.id).where(_work_order_due(before)).scalar_subquery()

    def count(model: type[object], *where: ColumnElement[Any]) -> int:
        return (
            session.scalar(select(func.count()).select_from(model).where(*where)) or 0
        )

    return _in_order(
        {
            "applications": count(Application, _application_due(before)),
            "work_orders": count(WorkOrder, _work_order_due(before)),
            "work_order_updates": count(
                WorkOrderUpdate,
                WorkOrderUpdate.work_order_id.in_(orders),
                WorkOrderUpdate.note.is_not(None),
            ),
            "notifications": count(
                Notification, Notification.work_order_id.in_(orders)
            ),
            "conversation_messages": count(ConversationMessage, _message_due(before)),
            "handoffs": count(Handoff, _handoff_due(before)),
            "channel_messages": count(
                ChannelMessage,
                ChannelMessage.created_at < before,
                _session_due(ChannelMessage.session_id, before),
            ),
            "feedback": count(
                Feedback,
                Feedback.created_at < before,
                or_(
                    _session_due(Feedback.session_id, before),
                    and_(*_sessionless_comment_due(before)),
                ),
            ),
        }
    )


def _in_order(counts: Mapping[str, int]) -> dict[str, int]:
    return {table: int(counts.get(table, 0)) for table in TABLES}
