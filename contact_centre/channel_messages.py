"""Messages owed to citizens on channels that only hear what we push (WeChat), and
their delivery.

A web, mini-program or REST citizen reads their conversation (the widget polls it), so
an agent's reply written to the transcript reaches them. A WeChat user hears only what
we send through WeChat's customer-service API, so what they are owed is written here,
an outbox, in the transaction of what it reports (an agent's reply, a queue place, the
end of a hand-off): if that transaction rolls back, nothing is owed. ``deliver`` (the
worker's round, ``follow_up.run_due_work``) sends it.

WeChat's rules, and how each is kept:

- a customer-service message may reach a user only within 48 hours of their last
  message to us (the last citizen message of the transcript): outside it nothing is
  sent, the message is ``expired`` with the reason, and never tried again. WeChat's own
  refusal (45015, ``OutsideReplyWindow``) ends it the same way;
- a rate limit (``RateLimited``: 45009, 45047) sends nothing: the message waits for a
  later round without using a try, the 48-hour window bounding how long;
- any other failure is tried again on later rounds, up to ``MAX_ATTEMPTS``, then
  ``failed``; ``last_error`` keeps why (the sender's error, with no credentials).

Once only, and what cannot be: each try is claimed in its own commit before the call
(``attempts`` compared and set), and the result committed after it. Two workers whose
leases overlap never send one message both; a process that dies before the call has
used a try and sends nothing. A process that dies after WeChat took the message but
before the commit sends it again on the next round: WeChat's API has no idempotency key
to ask with, so that duplicate (one crash, one message) is the price of never losing an
agent's reply. A timeout is the same case: WeChat may have taken it. An error WeChat
answers (an ``errcode``) means it took nothing, so its retry is no duplicate.

Messages of one conversation go in the order they were owed: one not sent this round
holds back the later ones of its conversation until the next.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from contact_centre.models import ChannelMessage
from contact_centre.repositories import channel_messages as repository
from foundation import clock
from foundation.errors import OutsideReplyWindow, RateLimited
from privacy.chat_sessions import WECHAT, is_wechat

MAX_ATTEMPTS = 5
# How long after the citizen's last message each push channel takes messages to them.
REPLY_WINDOWS = {WECHAT: dt.timedelta(hours=48)}
PENDING, SENT, EXPIRED, FAILED = "pending", "sent", "expired", "failed"
# A round's outcome for a message that stays pending without using a try.
DEFERRED = "deferred"
# The kinds owed today: an agent's reply (its key: the transcript message's id), a
# change of queue place, the end of a hand-off (expired, cancelled).
AGENT_REPLY, QUEUE, HANDOFF = "agent_reply", "queue", "handoff"

Sender = Callable[[ChannelMessage], None]


@dataclass(frozen=True)
class Delivery:
    """One round's outcome: sent, failed (to be tried again, or given up), expired
    (the window closed) and deferred (a rate limit: no try used)."""

    sent: int = 0
    failed: int = 0
    expired: int = 0
    deferred: int = 0


def queue_for_citizen(
    session: Session,
    *,
    session_id: str,
    channel: str,
    text: str,
    kind: str,
    key: str | None = None,
    now: dt.datetime | None = None,
) -> bool:
    """Owe ``text`` to the citizen of ``session_id`` if their channel needs it pushed.

    Call it in the transaction of what the message reports; it never commits.

    Args:
        channel: the conversation's channel; only those in ``REPLY_WINDOWS`` (WeChat)
            are pushed to. Others read their transcript and are owed nothing here.
        kind: ``AGENT_REPLY``, ``QUEUE`` or ``HANDOFF``.
        key: makes the message one of a kind: owed again under the same session, kind
            and key, it is not owed twice. None: every call owes one.

    Returns:
        Whether a message is now owed: False for a channel that reads its transcript,
        or for a key already owed.

    Raises:
        ValueError: a WeChat channel for a session that is not a WeChat user's.
    """
    if channel not in REPLY_WINDOWS:
        return False
    if channel == WECHAT and not is_wechat(session_id):
        raise ValueError("a WeChat message needs a WeChat user's session")
    return repository.add_once(
        session,
        ChannelMessage(
            session_id=session_id,
            channel=channel,
            kind=kind,
            key=key,
            text=text,
            status=PENDING,
            created_at=now or clock.now(),
            attempts=0,
        ),
    )


def deliver(
    session: Session,
    senders: Mapping[str, Sender],
    limit: int = 100,
    now: dt.datetime | None = None,
) -> Delivery:
    """Send what is owed on the channels with a sender, oldest first.

    Commits each message's claim and its outcome (see the module's docstring); the
    caller's session must have no other work pending.

    Args:
        senders: channel → a sender that raises when the message was not taken:
            ``RateLimited`` to wait without using a try, ``OutsideReplyWindow`` when
            the channel will never take it, anything else to be tried again.
        limit: messages looked at this round; the rest wait for the next.
    """
    now = now or clock.now()
    pending = repository.pending(session, list(senders), limit)
    counts = {SENT: 0, FAILED: 0, EXPIRED: 0, DEFERRED: 0}
    last_heard: dict[str, dt.datetime | None] = {}
    held: set[str] = set()
    for message in pending:
        if message.session_id in held:
            continue
        if message.session_id not in last_heard:
            last_heard[message.session_id] = repository.last_citizen_message_at(
                session, message.session_id
            )
        closed = _window_closed(message, last_heard[message.session_id], now)
        if closed:
            _settle(message, EXPIRED, now, closed)
            outcome = EXPIRED
        elif _claim(session, message):
            outcome = _send(message, senders[message.channel], now)
        else:
            # Another worker has it (its lease overlapped ours): leave it to them.
            held.add(message.session_id)
            continue
        session.commit()
        counts[outcome] += 1
        if message.status == PENDING:
            held.add(message.session_id)
    return Delivery(counts[SENT], counts[FAILED], counts[EXPIRED], counts[DEFERRED])


def _window_closed(
    message: ChannelMessage, heard: dt.datetime | None, now: dt.datetime
) -> str | None:
    """Why the channel no longer takes this message; None while it does."""
    window = REPLY_WINDOWS[message.channel]
    hours = window / dt.timedelta(hours=1)
    if heard is None:
        return f"outside the {hours:g}-hour reply window: the citizen never wrote"
    if now - heard >= window:
        return (
            f"outside the {hours:g}-hour reply window: the citizen last wrote at "
            f"{heard:%Y-%m-%d %H:%M}"
        )
    return None


def _claim(session: Session, message: ChannelMessage) -> bool:
    """Take this try: committed before the call, so no other worker makes it too."""
    claimed = repository.take_attempt(session, message)
    session.commit()
    return claimed


def _send(message: ChannelMessage, sender: Sender, now: dt.datetime) -> str:
    """Make the claimed try and record it on ``message`` (not committed); the outcome:
    ``SENT``, ``EXPIRED``, ``DEFERRED`` or ``FAILED`` (tried again unless given up)."""
    try:
        sender(message)
    except RateLimited as error:
        # Nothing was sent and the message is not at fault: the try is given back.
        message.attempts -= 1
        message.last_error = _describe(error)
        return DEFERRED
    except OutsideReplyWindow as error:
        _settle(message, EXPIRED, now, _describe(error))
        return EXPIRED
    except Exception as error:  # noqa: BLE001 - any other failure is tried again
        message.last_error = _describe(error)
        if message.attempts >= MAX_ATTEMPTS:
            _settle(message, FAILED, now, message.last_error)
        return FAILED
    _settle(message, SENT, now, None)
    return SENT


def _settle(
    message: ChannelMessage, status: str, now: dt.datetime, why: str | None
) -> None:
    message.status = status
    message.settled_at = now
    message.last_error = why


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:500]
