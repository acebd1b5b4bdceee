"""The centre's follow-up after filing: time limits watched, citizens and units told,
and once a day personal data past its retention anonymised.

Every gateway replica runs ``run_due_work`` on a timer (``HOTLINE_WORKER_INTERVAL_S``),
and ``hotline worker`` runs it on demand; only the holder of the database lease works, so
several replicas never sweep or send twice. The day's purge (``retention.purge_daily``)
runs in batches under the same lease until nothing is due, and its day's row keeps it
to once a day whichever replica holds the lease. A web or mini-program citizen finds a
notification in their conversation (the widget shows it when they come back); a WeChat
citizen gets a customer-service message through wechatpy's client, at the configured
API address (so the tests can stand a fake WeChat in its place,
``contact_centre.wechat_client``), and so do the messages owed to them in their
conversation (``channel_messages``: an agent's reply, their queue place).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cases import notifications, time_limits
from cases.models import Notification
from contact_centre import channel_messages, handoff, retention, wechat_client
from contact_centre.conversations import record_message
from contact_centre.models import ChannelMessage
from foundation import clock
from foundation.db import session_scope
from foundation.leases import take_lease
from foundation.settings import Settings

logger = logging.getLogger(__name__)
LEASE = "work-order-follow-up"
# Channels whose citizens read notifications in their conversation with us.
IN_CONVERSATION = ("web", "miniprogram", "rest")
WECHAT_SESSION_PREFIX = "wx:"
# What a push channel's sender is given: a work order's notification, or a message of
# the outbox of conversations; both name their citizen's session ``recipient``.
Outgoing = Notification | ChannelMessage


@dataclass(frozen=True)
class FollowUp:
    held_lease: bool
    sweep: time_limits.SweepReport | None = None
    sent: int = 0
    failed: int = 0
    # This round's batch of the day's purge; None once the day's purge is done.
    purge: retention.PurgeReport | None = None
    # The conversations' messages pushed to WeChat users (agents' replies, queue places).
    pushed: channel_messages.Delivery | None = None
    # Requests for a person that waited past HOTLINE_HANDOFF_WAIT_S and expired.
    expired_handoffs: int = 0


def run_due_work(
    engine: Engine,
    holder: str,
    *,
    lease_s: float,
    now: dt.datetime | None = None,
    senders: Mapping[str, Callable[[Outgoing], None]] | None = None,
) -> FollowUp:
    """Sweep the time limits, expire requests for a person nobody took, deliver what
    is owed and purge what is past its retention (once a day), if this process holds
    the lease.

    Args:
        holder: names this process (host and pid), to keep its lease.
        lease_s: how long the lease lasts unrenewed: a few timer intervals, so a
            crashed holder is replaced soon.
        senders: channel → sender for channels outside the conversation (WeChat),
            of notifications and of the conversations' outbox alike.
    """
    now = now or clock.now()
    with session_scope(engine) as session:
        if not take_lease(session, LEASE, holder, now, lease_s):
            return FollowUp(held_lease=False)
    with session_scope(engine) as session:
        report = time_limits.sweep(session, now)
    # Before the outbox is delivered: what an expiry owes a citizen goes this round.
    with session_scope(engine) as session:
        expired = len(handoff.expire_overdue(session, now=now))
        handoff.tell_places(session, now=now)
    with Session(engine) as session:
        channels: dict[str, Callable[[Notification], None]] = {
            channel: _into_conversation(session, now) for channel in IN_CONVERSATION
        }
        channels.update(senders or {})
        sent, failed = notifications.deliver(session, channels, now=now)
    if failed:
        logger.warning("%d notification(s) could not be sent; they are retried", failed)
    with Session(engine) as session:
        pushed = channel_messages.deliver(session, senders or {}, now=now)
    if pushed.failed or pushed.expired:
        logger.warning(
            "conversation messages: %d not sent (retried up to %d times), %d expired",
            pushed.failed,
            channel_messages.MAX_ATTEMPTS,
            pushed.expired,
        )
    with session_scope(engine) as session:
        purged = retention.purge_daily(session, now)
    if purged is not None and purged.total:
        logger.info("retention purge: %s", purged.counts)
    return FollowUp(
        True, report, sent, failed, purged, pushed, expired_handoffs=expired
    )


def wechat_sender(settings: Settings) -> Callable[[Outgoing], None] | None:
    """Sends a notification or an outbox message to the WeChat user of its session;
    None without WeChat."""
    send_text = wechat_client.text_sender(settings)
    if send_text is None:
        return None

    def send(message: Outgoing) -> None:
        recipient = message.recipient or ""
        if not recipient.startswith(WECHAT_SESSION_PREFIX):
            raise ValueError("not a WeChat session")
        send_text(recipient[len(WECHAT_SESSION_PREFIX) :], message.text)

    return send


def _into_conversation(
    session: Session, now: dt.datetime
) -> Callable[[Notification], None]:
    def send(notification: Notification) -> None:
        record_message(
            session,
            notification.recipient or "",
            "bot",
            notification.text,
            payload={"notification": notification.kind},
            now=now,
        )

    return send
