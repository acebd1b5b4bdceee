"""Hand-off to a person: a state machine the citizen can always leave.

A conversation is the assistant's until the citizen asks for a person; then its
hand-off waits in the agents' queue, an agent takes it, and hands it back. Rasa cannot
resume a conversation it paused (RasaHQ/rasa#8119), so the assistant never pauses:
the gateway decides, by the hand-off's status, who answers. While the hand-off waits
the assistant still answers, and says the request stands and the citizen's place; only
an agent who has taken it owns the conversation. Every path ends:

    from       event                                   to         who
    ---------  --------------------------------------  ---------  -------------------
    (bot)      asks for a person, within agents' hours  waiting    citizen
    (bot)      asks for a person, outside them          (bot)      citizen: offered a
                                                                   callback at once
    any        reports an emergency                     waiting,   citizen: the number
                                                        urgent     first, any hour
    waiting    takes it                                 active     agent
    waiting    "算了", "不等了", "取消", "cancel", …     cancelled  citizen (words or
               or the "stop waiting" button                        button)
    waiting    nobody took it in HOTLINE_HANDOFF_WAIT_S  expired    worker, or the
               (not urgent)                                        citizen's next
                                                                   message or poll:
                                                                   offered a callback
    waiting    hands it back                            returned   any agent
    active     hands it back                            returned   its agent, an admin
    active     a cancel word or the button              cancelled  citizen (the agent
                                                                   is told)
    cancelled, takes it, replies, hands it back         refused    agent (409)
    expired

An urgent hand-off never expires: the citizen was given the number to call, and the
agents see it first whenever they come; it does not mute the citizen, who is answered
by the assistant while it waits and may leave it like any other.

Which words leave a hand-off is decided here by rules (``is_cancel``), before Rasa, and
only while a hand-off is open: elsewhere "算了" is the assistant's (it stops a form).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from contact_centre import channel_messages
from contact_centre.conversations import record_message, record_turn
from contact_centre.models import ConversationMessage, Handoff
from contact_centre.repositories import conversations as repository
from foundation import clock
from foundation.clock import DailyHours
from foundation.errors import Conflict, Forbidden, NotFoundError, ValidationFailed
from foundation.settings import get_settings
from privacy.auth import Staff
from privacy.chat_sessions import channel_of
from safety import Emergency, emergency_reply

WAITING, ACTIVE, RETURNED, CANCELLED, EXPIRED = (
    "waiting",
    "active",
    "returned",
    "cancelled",
    "expired",
)
OPEN = repository.OPEN
# What the transcript and the gateway say the assistant made of a message.
EMERGENCY_INTENT = "emergency"
CANCEL_INTENT = "cancel_handoff"
# The payload of the widget's "stop waiting" button.
CANCEL_PAYLOAD = "/" + CANCEL_INTENT
CALLBACK_PAYLOAD = "/request_callback"

CANCELLED_REPLY = {
    "zh": "好的，已为您取消人工服务，您可以继续向智能客服提问。",
    "en": "All right, I have cancelled your request for a person. You can carry on "
    "asking me.",
}
QUEUE_LINE = {
    "zh": "您的人工服务请求仍在排队（当前第{position}位）",
    "en": "Your request for a person is still in the queue (you are number "
    "{position}).",
}
EXPIRED_REPLY = {
    "zh": "很抱歉，目前人工客服繁忙，暂时无法接入。您可以留下手机号码，我们的工作人员将在"
    "工作时间回电。",
    "en": "Sorry, all our agents are busy and none could take your request. You can "
    "leave a mobile number and a hotline agent will call you back during working "
    "hours.",
}
AWAY_REPLY = {
    "zh": "人工客服的服务时间为每天 {hours}，现在不在服务时间内。您可以留下手机号码，"
    "我们的工作人员将在工作时间回电。",
    "en": "Hotline agents answer every day {hours} (Shanghai time), and it is outside "
    "those hours now. You can leave a mobile number and a hotline agent will call you "
    "back during working hours.",
}
# Pushed to a channel without buttons (WeChat): the words that do what a button would.
PLACE_PUSHED = {
    "zh": "您的人工服务请求正在排队，您前面还有{ahead}位，请稍候。如不想等待，请回复“算了”。",
    "en": "Your request for a person is in the queue, with {ahead} ahead of you. "
    'To stop waiting, reply "cancel".',
}
NEXT_PUSHED = {
    "zh": "您的人工服务请求即将接入，下一位就是您，请稍候。如不想等待，请回复“算了”。",
    "en": "You are next in the queue for a person; please stay with us. To stop "
    'waiting, reply "cancel".',
}
CALLBACK_HINT = {
    "zh": "如需工作人员回电，请回复“请给我回电”。",
    "en": 'To have an agent call you back, reply "call me back".',
}
RETURNED_PUSHED = {
    "zh": "人工客服已结束本次服务，您可以继续向智能客服提问。",
    "en": "The agent has finished helping you; the assistant answers your questions "
    "again.",
}
CALLBACK_BUTTON = {
    "zh": {"title": "留下电话，请工作人员回电", "payload": CALLBACK_PAYLOAD},
    "en": {"title": "Leave a number for a callback", "payload": CALLBACK_PAYLOAD},
}

# A message that opens with one of these leaves the hand-off ("算了不等了，我自己查").
_ZH_OPENERS = ("算了", "不等了", "不用等了", "不用了", "不要了", "不需要了")
# A first clause that is one of these, alone, leaves it too ("取消" opens questions
# such as "取消预约怎么办", so it counts only alone).
_ZH_ALONE = {"取消", "取消人工", "取消转人工", "取消排队", "不转人工了", "不要人工了"}
_EN_ALONE = {
    "cancel",
    "cancel it",
    "cancel that",
    "cancel the request",
    "never mind",
    "nevermind",
    "stop waiting",
    "forget it",
    "no thanks",
    "no thank you",
}
_CLAUSE = re.compile(r"[，。！？；、,.!?;:：\s]+")
_ZH_TRAILING = "吧了啦呀啊哈"
_EN_FILLERS = {"ok", "okay", "oh", "please", "just", "well"}


@dataclass(frozen=True)
class QueuePlace:
    handoff: Handoff
    position: int


@dataclass(frozen=True)
class AgentsAway:
    """Nobody is on duty: the request was not queued, a callback is offered."""

    hours: DailyHours

    def reply(self, language: str) -> dict[str, Any]:
        """The hours and the callback button, ``{"text", "buttons"}``."""
        return {
            "text": AWAY_REPLY[language].format(hours=self.hours),
            "buttons": [CALLBACK_BUTTON[language]],
        }


@dataclass(frozen=True)
class EmergencyAnswer:
    """What the citizen is told of an emergency, and the urgent hand-off it made.

    Attributes:
        replies: the first reply, ``[{"text", "buttons"}]``, the number to call first.
        place: the urgent hand-off and its place in the agents' queue.
        opened: whether the hand-off is new (else one waiting or active was marked).
    """

    replies: list[dict[str, Any]]
    place: QueuePlace
    opened: bool


@dataclass(frozen=True)
class Standing:
    """Where a conversation's hand-off stands when the citizen writes or polls.

    Attributes:
        status: ``"none"`` (the assistant's), ``"waiting"`` or ``"active"``.
        position: the place in the agents' queue while waiting (1 = next), else None.
        expired: the hand-off that expired on this look, which the citizen is to be
            told of; None otherwise.
    """

    status: str
    position: int | None = None
    expired: Handoff | None = None


def is_cancel(text: str) -> bool:
    """Whether the citizen's message says they no longer want a person.

    Rules, not the model: "算了不等了，我自己查", "不用了", "取消", "cancel", "never mind" and
    the button's payload; a question that merely contains such a word ("取消预约怎么办")
    does not.
    """
    said = (text or "").strip().lower()
    if said == CANCEL_PAYLOAD:
        return True
    if said.startswith(_ZH_OPENERS):
        return True
    first = next((c for c in _CLAUSE.split(said) if c), "")
    if first.rstrip(_ZH_TRAILING) in _ZH_ALONE:
        return True
    # English clauses are split on punctuation only: "never mind" is two words.
    clause = re.split(r"[,.!?;:，。！？；]+", said)[0]
    words = [w for w in clause.replace("’", "'").split() if w not in _EN_FILLERS]
    return " ".join(words) in _EN_ALONE


def position_worth_telling(told: int | None, now: int) -> bool:
    """Whether a citizen's new place in the queue is worth a message of its own.

    Every step would be noise on a channel we push to (WeChat): tell the first place,
    reaching the head of the queue, and each halving of the place last told.

    Args:
        told: the place last told, None if none was.
        now: the place now (1 = next).
    """
    if told is None:
        return True
    if now >= told:
        return False
    return now == 1 or now * 2 <= told


def request_handoff(
    session: Session,
    session_id: str,
    *,
    reason: str | None = None,
    language: str = "zh",
    channel: str = "web",
    emergency: str | None = None,
    now: dt.datetime | None = None,
    wait_s: float | None = None,
) -> QueuePlace:
    """Put the conversation in the agents' queue (once) and tell its place in it (1 = next).

    Whatever the hour: ``ask_for_person`` is the citizen's request, which minds the
    agents' hours; an emergency is queued at any hour.

    Args:
        emergency: the kind of emergency the citizen reported (a ``safety.Kind``
            value). The hand-off is then urgent, at the head of the queue behind only
            earlier urgent ones; one already waiting or active is marked urgent, and
            keeps the first emergency it was marked with.
        wait_s: how long a request waits before it expires (default
            ``HOTLINE_HANDOFF_WAIT_S``): those past it are not counted ahead.

    Returns:
        The hand-off and its place among those waiting (0 once an agent has it).
    """
    at = now or clock.now()
    handoff = repository.open_handoff(session, session_id)
    if handoff is None:
        handoff = repository.add_handoff(
            session,
            Handoff(
                session_id=session_id,
                status=WAITING,
                reason=reason,
                language=language,
                channel=channel,
                urgent=emergency is not None,
                emergency=emergency,
                requested_at=at,
            ),
        )
    elif emergency is not None and not handoff.urgent:
        handoff.urgent = True
        handoff.emergency = emergency
        session.flush()
    position = _position(session, handoff, at, wait_s) or 0
    # The caller tells the citizen this place in its reply.
    handoff.told_position = position or None
    return QueuePlace(handoff, position)


def ask_for_person(
    session: Session,
    session_id: str,
    *,
    reason: str | None = None,
    language: str = "zh",
    channel: str = "web",
    now: dt.datetime | None = None,
    hours: DailyHours | None = None,
) -> QueuePlace | AgentsAway:
    """The citizen asks for a person: queued within the agents' hours; outside them
    (``HOTLINE_AGENT_HOURS`` unless ``hours`` is given) not queued, so that nobody
    waits for an agent who is not coming: a callback is offered instead. One already
    waiting or with an agent keeps its place at any hour."""
    at = now or clock.now()
    hours = hours or DailyHours.parse(get_settings().agent_hours)
    if repository.open_handoff(session, session_id) is None and at not in hours:
        return AgentsAway(hours)
    return request_handoff(
        session, session_id, reason=reason, language=language, channel=channel, now=at
    )


def answer_emergency(
    session: Session,
    session_id: str,
    text: str,
    emergency: Emergency,
    *,
    language: str = "zh",
    channel: str = "web",
    now: dt.datetime | None = None,
) -> EmergencyAnswer:
    """Answer an emergency message first, whatever the conversation's state.

    The reply names the number to call first (``safety.emergency_reply``); the turn is
    recorded like any bot turn; the conversation gets an urgent hand-off at the head of
    the queue, or its waiting or active one is marked urgent. The bot is not asked, so
    no form starts and an open one waits until the conversation is the bot's again.

    Args:
        emergency: what ``safety.triage`` found in ``text``.
        language: the language of ``text`` (``"en"`` or ``"zh"``), the reply's.
    """
    at = now or clock.now()
    replies: list[dict[str, Any]] = [
        {"text": emergency_reply(emergency, language), "buttons": []}
    ]
    opened = repository.open_handoff(session, session_id) is None
    place = request_handoff(
        session,
        session_id,
        reason=text,
        language=language,
        channel=channel,
        emergency=emergency.kind.value,
        now=at,
    )
    record_turn(
        session,
        session_id,
        text,
        replies,
        intent=EMERGENCY_INTENT,
        confidence=1.0,
        now=at,
    )
    return EmergencyAnswer(replies, place, opened)


def standing(
    session: Session,
    session_id: str,
    *,
    now: dt.datetime | None = None,
    wait_s: float | None = None,
    announce_expiry: bool = True,
) -> Standing:
    """The hand-off's status and the citizen's place, expiring one past its time.

    Args:
        announce_expiry: write the apology and the callback offer into the
            conversation when the hand-off expires now (a poll); False when the caller
            puts them in its own reply (``expiry_reply``), as the gateway does when
            the citizen writes.
    """
    at = now or clock.now()
    handoff = repository.open_handoff(session, session_id)
    if handoff is None:
        return Standing("none")
    if _past_its_time(handoff, at, wait_s) and expire(
        session, handoff, now=at, announce=announce_expiry
    ):
        return Standing("none", expired=handoff)
    if handoff.status == ACTIVE:
        return Standing(ACTIVE)
    if handoff.status != WAITING:
        return Standing("none")
    return Standing(WAITING, _position(session, handoff, at, wait_s))


def expire(
    session: Session,
    handoff: Handoff,
    *,
    now: dt.datetime | None = None,
    announce: bool = True,
) -> bool:
    """A waiting hand-off nobody took ends; with ``announce`` the citizen finds the
    apology and the callback offer in their conversation.

    Returns:
        Whether this call expired it (another process may have moved it first).
    """
    at = now or clock.now()
    if handoff.status != WAITING or not repository.move(
        session, handoff, EXPIRED, closed_at=at
    ):
        return False
    if announce:
        reply = expiry_reply(handoff.language)
        record_message(
            session,
            handoff.session_id,
            "bot",
            reply["text"],
            payload={"buttons": reply["buttons"], "handoff": EXPIRED},
            now=at,
        )
        _push(
            session,
            handoff,
            f"{reply['text']}{CALLBACK_HINT[handoff.language]}",
            f"{handoff.id}-expired",
            at,
        )
    return True


def tell_places(
    session: Session, *, now: dt.datetime | None = None, wait_s: float | None = None
) -> int:
    """Push each citizen waiting on a channel we push to (WeChat) their new place in
    the queue, when it is worth a message (``position_worth_telling``); the worker's
    periodic step. The web and the mini-program show it from their polls.

    Returns:
        How many places were pushed.
    """
    at = now or clock.now()
    told = 0
    pushed = tuple(channel_messages.REPLY_WINDOWS)
    for handoff in repository.waiting_on_channels(session, pushed):
        position = _position(session, handoff, at, wait_s)
        if position is None or not position_worth_telling(
            handoff.told_position, position
        ):
            continue
        said = (
            NEXT_PUSHED[handoff.language]
            if position == 1
            else PLACE_PUSHED[handoff.language].format(ahead=position - 1)
        )
        told += _push(
            session,
            handoff,
            said,
            f"{handoff.id}-place-{position}",
            at,
            kind=channel_messages.QUEUE,
        )
        handoff.told_position = position
    return told


def expire_overdue(
    session: Session, *, now: dt.datetime | None = None, wait_s: float | None = None
) -> list[Handoff]:
    """Expire every waiting hand-off past its time, each citizen told in their
    conversation (the worker's periodic step).

    Returns:
        The hand-offs this call expired (for channels we push to, such as WeChat).
    """
    at = now or clock.now()
    return [
        handoff
        for handoff in repository.overdue(session, _since(at, wait_s))
        if expire(session, handoff, now=at)
    ]


def leave(
    session: Session,
    session_id: str,
    text: str,
    *,
    language: str = "zh",
    now: dt.datetime | None = None,
) -> list[dict[str, Any]] | None:
    """The citizen leaves the hand-off, waiting or with an agent, if ``text`` says so.

    The turn is recorded and the hand-off cancelled (its agent's console shows that the
    citizen ended it). The button's payload is answered even when nothing is open any
    more (it expired, or an agent handed it back, as the citizen clicked), so a click
    never reaches Rasa.

    Returns:
        The replies, ``[{"text", "buttons"}]``; None when the message is not for the
        hand-off (no cancel word, or no hand-off open): the assistant answers it.
    """
    if not is_cancel(text):
        return None
    at = now or clock.now()
    handoff = repository.open_handoff(session, session_id)
    if handoff is None and text.strip() != CANCEL_PAYLOAD:
        return None
    if handoff is not None:
        _end(session, handoff, CANCELLED, at)
    replies = [{"text": CANCELLED_REPLY[language], "buttons": []}]
    record_turn(
        session, session_id, text, replies, intent=CANCEL_INTENT, confidence=1.0, now=at
    )
    return replies


def queue_line(position: int, language: str) -> dict[str, Any]:
    """What follows the assistant's answer while the request waits."""
    return {"text": QUEUE_LINE[language].format(position=position), "buttons": []}


def expiry_reply(language: str) -> dict[str, Any]:
    """The apology for a request nobody took, and the callback button."""
    return {"text": EXPIRED_REPLY[language], "buttons": [CALLBACK_BUTTON[language]]}


def agents_queue(
    session: Session, *, now: dt.datetime | None = None, wait_s: float | None = None
) -> list[Handoff]:
    """What agents see, urgent first then oldest first: those taken, and those waiting
    that are not past their time (one cancelled or expired is gone)."""
    return repository.agents_queue(session, _since(now or clock.now(), wait_s))


def take_handoff(
    session: Session,
    handoff_id: int,
    agent: Staff,
    now: dt.datetime | None = None,
    wait_s: float | None = None,
) -> Handoff:
    """``agent`` takes the conversation: from now on it is theirs, by their token.

    Taking one's own again changes nothing. One that nobody owns by token (taken before
    ownership was recorded) is claimed.

    Raises:
        Forbidden: another agent has taken it.
        Conflict: the citizen stopped waiting, or the request expired (or is past its
            time), or the citizen left as the agent took it.
        ValidationFailed: it was handed back to the assistant already.
    """
    at = now or clock.now()
    handoff = _handoff(session, handoff_id)
    _refuse_ended(handoff)
    if handoff.status == RETURNED:
        raise ValidationFailed(
            "handoff", "this conversation was already handed back to the assistant"
        )
    if handoff.status == WAITING and _past_its_time(handoff, at, wait_s):
        raise Conflict(
            f"conversation {handoff.id} waited past its time and has expired; the "
            "citizen was offered a callback"
        )
    if handoff.status == ACTIVE and handoff.agent_token_id not in (
        None,
        agent.token_id,
    ):
        raise Forbidden(
            f"conversation {handoff.id} is already taken by {handoff.agent}; "
            "only they or an admin may act on it"
        )
    if not repository.move(
        session,
        handoff,
        ACTIVE,
        agent=agent.name,
        agent_token_id=agent.token_id,
        taken_at=handoff.taken_at or at,
    ):
        _refuse_ended(handoff)
        raise Conflict(f"conversation {handoff.id} changed meanwhile; reload the queue")
    return handoff


def agent_reply(
    session: Session,
    handoff_id: int,
    agent: Staff,
    text: str,
    now: dt.datetime | None = None,
) -> ConversationMessage:
    """The owner's (or an admin's) reply to the citizen.

    Raises:
        Forbidden: another agent has taken the conversation.
        Conflict: the citizen ended the hand-off, or it expired.
        ValidationFailed: nobody has taken it (take it first), or the text is empty.
    """
    handoff = _handoff(session, handoff_id)
    _refuse_ended(handoff)
    if handoff.status != ACTIVE or (
        handoff.agent_token_id is None and not agent.supervises
    ):
        raise ValidationFailed("handoff", "take the conversation before replying")
    _require_owner(handoff, agent, "reply to it")
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("text", "the reply is empty")
    message = record_message(session, handoff.session_id, "agent", text, now=now)
    # A WeChat user hears only what is pushed: the reply is owed to them too.
    channel_messages.queue_for_citizen(
        session,
        session_id=handoff.session_id,
        channel=channel_of(handoff.session_id),
        text=text,
        kind=channel_messages.AGENT_REPLY,
        key=str(message.id),
        now=now,
    )
    return message


def return_to_bot(
    session: Session, handoff_id: int, agent: Staff, now: dt.datetime | None = None
) -> Handoff:
    """The conversation goes back to the assistant.

    One still waiting may be handed back by any agent; a taken one only by its owner
    or an admin.

    Raises:
        Forbidden: another agent has taken it.
        Conflict: the citizen ended it, or it expired, before.
    """
    handoff = _handoff(session, handoff_id)
    _refuse_ended(handoff)
    if handoff.status == ACTIVE:
        _require_owner(handoff, agent, "hand it back")
    if handoff.status in OPEN:
        at = now or clock.now()
        _end(session, handoff, RETURNED, at)
        _refuse_ended(handoff)
        _push(
            session,
            handoff,
            RETURNED_PUSHED[handoff.language],
            f"{handoff.id}-returned",
            at,
        )
    return handoff


def _push(
    session: Session,
    handoff: Handoff,
    text: str,
    key: str,
    at: dt.datetime,
    kind: str = channel_messages.HANDOFF,
) -> bool:
    """Owe ``text`` to the hand-off's citizen if their channel is pushed to."""
    return channel_messages.queue_for_citizen(
        session,
        session_id=handoff.session_id,
        channel=channel_of(handoff.session_id),
        text=text,
        kind=kind,
        key=key,
        now=at,
    )


def _end(session: Session, handoff: Handoff, to: str, at: dt.datetime) -> None:
    """Close an open hand-off as ``to``, whatever open status another process left it
    in meanwhile (an agent taking it as the citizen leaves)."""
    while handoff.status in OPEN:
        if repository.move(session, handoff, to, closed_at=at):
            return


def _refuse_ended(handoff: Handoff) -> None:
    if handoff.status == CANCELLED:
        raise Conflict(
            f"conversation {handoff.id}: the citizen ended the request for a person"
        )
    if handoff.status == EXPIRED:
        raise Conflict(
            f"conversation {handoff.id} expired unanswered; the citizen was offered a "
            "callback"
        )


def _require_owner(handoff: Handoff, agent: Staff, doing: str) -> None:
    if agent.supervises or handoff.agent_token_id == agent.token_id:
        return
    if handoff.agent_token_id is None:
        raise Forbidden(
            f"conversation {handoff.id} has no owner on record; take it before you "
            f"{doing}"
        )
    raise Forbidden(
        f"conversation {handoff.id} is handled by {handoff.agent}; only they or an "
        f"admin may {doing}"
    )


def _since(at: dt.datetime, wait_s: float | None) -> dt.datetime:
    """Requests made before this are past their time."""
    return at - dt.timedelta(seconds=wait_s or get_settings().handoff_wait_s)


def _past_its_time(handoff: Handoff, at: dt.datetime, wait_s: float | None) -> bool:
    return (
        handoff.status == WAITING
        and not handoff.urgent
        and handoff.requested_at < _since(at, wait_s)
    )


def _position(
    session: Session, handoff: Handoff, at: dt.datetime, wait_s: float | None
) -> int | None:
    if handoff.status != WAITING:
        return None
    return repository.waiting_before(session, handoff, _since(at, wait_s)) + 1


def _handoff(session: Session, handoff_id: int) -> Handoff:
    handoff = repository.get_handoff(session, handoff_id)
    if handoff is None:
        raise NotFoundError("handoff", str(handoff_id))
    return handoff
