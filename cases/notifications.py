"""What the centre owes people about their work orders, and its delivery.

An outbox: each notification is written in the transaction of what it reports (a step of
the order's life, a time limit reached), unique per order, kind and key, so whatever
runs twice never owes it twice. Citizens hear on the channel they used: the chat and
widget find it in their conversation, WeChat users get a customer-service message. Units
are told by the record itself (delivered when written); their workbench marks the
orders that are near or past a limit, and escalated ones. Delivery marks each
sent in its own commit; a send that fails is tried again later, up to ``MAX_ATTEMPTS``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cases.models import Notification, WorkOrder
from foundation import clock

MAX_ATTEMPTS = 5
CITIZEN, UNIT = "citizen", "unit"

Sender = Callable[[Notification], None]


def owe(
    session: Session,
    work_order: WorkOrder,
    kind: str,
    key: str,
    audience: str,
    text: str,
    now: dt.datetime | None = None,
) -> Notification | None:
    """Record a notification once; None if it was owed already or nobody can get it.

    A unit's notice is delivered by being written: the workbench shows it.
    """
    now = now or clock.now()
    channel: str
    recipient: str | None
    sent_at: dt.datetime | None
    if audience == CITIZEN:
        if not work_order.session_id:
            return None
        channel, recipient, sent_at = work_order.channel, work_order.session_id, None
    else:
        channel, recipient, sent_at = "workbench", work_order.unit_name, now
    notification = Notification(
        work_order_id=work_order.id,
        kind=kind,
        key=key,
        audience=audience,
        channel=channel,
        recipient=recipient,
        text=text,
        created_at=now,
        sent_at=sent_at,
        attempts=0,
    )
    try:
        with session.begin_nested():
            session.add(notification)
            session.flush()
    except IntegrityError:
        return None
    return notification


def deliver(
    session: Session,
    senders: Mapping[str, Sender],
    limit: int = 100,
    now: dt.datetime | None = None,
) -> tuple[int, int]:
    """Send what is owed on channels with a sender; (sent, failed).

    Each is committed as soon as it is sent, so a restart sends none twice that was
    committed; one sent but not committed (a crash between) goes again. One worker
    delivers at a time (it holds the scheduler's lease).
    """
    now = now or clock.now()
    pending = session.scalars(
        select(Notification)
        .where(
            Notification.sent_at.is_(None),
            Notification.attempts < MAX_ATTEMPTS,
            Notification.channel.in_(list(senders)),
        )
        .order_by(Notification.id)
        .limit(limit)
    ).all()
    sent = failed = 0
    for notification in pending:
        notification.attempts += 1
        try:
            senders[notification.channel](notification)
        except Exception as error:  # noqa: BLE001 - any sender's failure is retried
            notification.last_error = f"{type(error).__name__}: {error}"[:500]
            failed += 1
        else:
            notification.sent_at = now
            notification.last_error = None
            sent += 1
        session.commit()
    return sent, failed
