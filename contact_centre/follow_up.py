"""The centre's follow-up after filing: time limits watched, citizens and units told,
and once a day personal data past its retention anonymised.

Every gateway replica runs ``run_due_work`` on a timer (``HOTLINE_WORKER_INTERVAL_S``),
and ``hotline worker`` runs it on demand; only the holder of the database lease works, so
several replicas never sweep or send twice. The day's purge (``retention.purge_daily``)
runs in batches under the same lease until nothing is due, and its day's row keeps it
to once a day whichever replica holds the lease. A web or mini-program citizen finds a
notification in their conversation (the widget shows it when they come back); a WeChat
citizen gets a customer-service message through wechatpy's client, at the configured
API address (so the tests can stand a fake WeChat in its place).
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
from contact_centre import retention
from contact_centre.conversations import record_message
from foundation import clock
from foundation.db import session_scope
from foundation.leases import take_lease
from foundation.settings import Settings

logger = logging.getLogger(__name__)
LEASE = "work-order-follow-up"
# Channels whose citizens read notifications in their conversation with us.
IN_CONVERSATION = ("web", "miniprogram", "rest")
WECHAT_SESSION_PREFIX = "wx:"


@dataclass(frozen=True)
class FollowUp:
    held_lease: bool
    sweep: time_limits.SweepReport | None = None
    sent: int = 0
    failed: int = 0
    # This round's batch of the day's purge; None once the day's purge is done.
    purge: retention.PurgeReport | None = None


def run_due_work(
    engine: Engine,
    holder: str,
    *,
    lease_s: float,
    now: dt.datetime | None = None,
    senders: Mapping[str, Callable[[Notification], None]] | None = None,
) -> FollowUp:
    """Sweep the time limits, deliver what is owed and purge what is past its
    retention (once a day), if this process holds the lease.

    Args:
        holder: names this process (host and pid), to keep its lease.
        lease_s: how long the lease lasts unrenewed: a few timer intervals, so a
            crashed holder is replaced soon.
        senders: channel → sender for channels outside the conversation (WeChat).
    """
    now = now or clock.now()
    with session_scope(engine) as session:
        if not take_lease(session, LEASE, holder, now, lease_s):
            return FollowUp(held_lease=False)
    with session_scope(engine) as session:
        report = time_limits.sweep(session, now)
    with Session(engine) as session:
        channels: dict[str, Callable[[Notification], None]] = {
            channel: _into_conversation(session, now) for channel in IN_CONVERSATION
        }
        channels.update(senders or {})
        sent, failed = notifications.deliver(session, channels, now=now)
    if failed:
        logger.warning("%d notification(s) could not be sent; they are retried", failed)
    with session_scope(engine) as session:
        purged = retention.purge_daily(session, now)
    if purged is not None and purged.total:
        logger.info("retention purge: %s", purged.counts)
    return FollowUp(True, report, sent, failed, purged)


def wechat_sender(settings: Settings) -> Callable[[Notification], None] | None:
    """Sends a notification to the WeChat user of its session; None without WeChat."""
    if not (settings.wechat_app_id and settings.wechat_app_secret):
        return None
    from wechatpy import WeChatClient

    api = settings.wechat_api_base_url.rstrip("/") + "/cgi-bin/"

    class Client(WeChatClient):  # type: ignore[misc]
        """wechatpy's client at the configured API address, its token included."""

        API_BASE_URL = api

        def fetch_access_token(self) -> dict[str, object]:
            fetched: dict[str, object] = self._fetch_access_token(
                url=f"{api}token",
                params={
                    "grant_type": "client_credential",
                    "appid": self.appid,
                    "secret": self.secret,
                },
            )
            return fetched

    client = Client(settings.wechat_app_id, settings.wechat_app_secret, timeout=10)

    def send(notification: Notification) -> None:
        recipient = notification.recipient or ""
        if not recipient.startswith(WECHAT_SESSION_PREFIX):
            raise ValueError("not a WeChat session")
        client.message.send_text(
            recipient[len(WECHAT_SESSION_PREFIX) :], notification.text
        )

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
