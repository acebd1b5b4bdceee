"""The hand-off state machine (contact_centre.handoff): every transition, the refusals,
expiry by time, agents' hours and the queue places worth telling."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from contact_centre.conversations import messages, transcript
from contact_centre.follow_up import run_due_work
from contact_centre.handoff import (
    CALLBACK_BUTTON,
    CALLBACK_HINT,
    CANCEL_PAYLOAD,
    CANCELLED_REPLY,
    EMERGENCY_INTENT,
    EXPIRED_REPLY,
    NEXT_PUSHED,
    PLACE_PUSHED,
    RETURNED_PUSHED,
    AgentsAway,
    agent_reply,
    agents_queue,
    answer_emergency,
    ask_for_person,
    expire_overdue,
    is_cancel,
    leave,
    position_worth_telling,
    request_handoff,
    return_to_bot,
    standing,
    take_handoff,
    tell_places,
)
from contact_centre.models import ChannelMessage, Handoff
from foundation import migrate
from foundation.clock import DailyHours
from foundation.db import make_engine, session_scope
from foundation.errors import Conflict, Forbidden, ValidationFailed
from harness.servers import postgres_server
from privacy.auth import Staff, authenticate, create_token
from safety import triage

# Before anything the shared test database holds, so places in the queue are exact
# for urgent hand-offs (nothing urgent is older).
LONG_AGO = dt.datetime(2000, 1, 1, 9, 0)
WAIT_S = 600
DAYTIME = DailyHours.parse("08:00-20:00")


def _sid() -> str:
    return f"s-{uuid.uuid4().hex[:8]}"


def _minutes(n: float) -> dt.datetime:
    return LONG_AGO + dt.timedelta(minutes=n)


def _queue_of(session: Session, *places, now: dt.datetime | None = None) -> list[int]:
    mine = {place.handoff.id for place in places}
    return [h.id for h in agents_queue(session, now=now or _minutes(9)) if h.id in mine]


def _staff(session: Session, name: str, role: str = "agent") -> Staff:
    """A member of staff signed in with a real token (hand-offs refer to it)."""
    token = authenticate(session, create_token(session, role, name))
    assert token is not None
    return Staff.of(token)


# ---------------------------------------------------------------- the citizen's words


@pytest.mark.parametrize(
    "text",
    [
        "算了",
        "算了不等了，我自己查",
        "不等了",
        "不用了，谢谢",
        "取消",
        "取消吧",
        "取消人工",
        "cancel",
        "Cancel, please",
        "Never mind, I'll look it up myself",
        "stop waiting",
        CANCEL_PAYLOAD,
    ],
)
def test_is_cancel_recognises_leaving_words_and_the_button(text):
    assert is_cancel(text)


@pytest.mark.parametrize(
    "text",
    [
        "取消预约怎么办",
        "护照怎么办",
        "怎么取消居住证登记",
        "cancel my passport appointment",
        "I want to cancel a booking",
        "转人工",
        "",
    ],
)
def test_is_cancel_leaves_questions_that_merely_contain_the_words_to_the_bot(text):
    assert not is_cancel(text)


# ---------------------------------------------------------------- transitions


def test_asking_for_a_person_within_hours_queues_the_conversation(session):
    place = ask_for_person(
        session, _sid(), reason="转人工", now=_minutes(0), hours=DAYTIME
    )
    assert not isinstance(place, AgentsAway)
    assert place.handoff.status == "waiting" and place.position >= 1


def test_asking_for_a_person_outside_hours_queues_nothing_and_offers_a_callback(
    session,
):
    session_id = _sid()
    night = LONG_AGO.replace(hour=21)
    away = ask_for_person(session, session_id, now=night, hours=DAYTIME)
    assert isinstance(away, AgentsAway)
    assert standing(session, session_id, now=night).status == "none"
    reply = away.reply("zh")
    assert "每天 08:00-20:00" in reply["text"]
    assert reply["buttons"] == [CALLBACK_BUTTON["zh"]]
    assert "08:00-20:00" in away.reply("en")["text"]


def test_one_already_waiting_keeps_its_place_after_hours(session):
    session_id = _sid()
    evening = LONG_AGO.replace(hour=19, minute=58)
    ask_for_person(session, session_id, now=evening, hours=DAYTIME)
    later = ask_for_person(
        session, session_id, now=evening + dt.timedelta(minutes=3), hours=DAYTIME
    )
    assert not isinstance(later, AgentsAway) and later.handoff.status == "waiting"


def test_an_emergency_is_queued_urgently_outside_agents_hours(session):
    text = "楼下着火了，好多烟"
    answered = answer_emergency(
        session, _sid(), text, triage(text), now=LONG_AGO.replace(hour=3)
    )
    assert answered.place.handoff.status == "waiting" and answered.place.handoff.urgent


def test_the_citizen_leaves_a_waiting_handoff_and_the_bot_has_the_conversation(
    session,
):
    session_id = _sid()
    place = request_handoff(session, session_id, now=_minutes(0))
    replies = leave(session, session_id, "算了不等了，我自己查", now=_minutes(1))
    assert replies == [{"text": CANCELLED_REPLY["zh"], "buttons": []}]
    assert place.handoff.status == "cancelled"
    assert place.handoff.closed_at == _minutes(1)
    assert standing(session, session_id, now=_minutes(1)).status == "none"
    said = [(m.sender, m.text) for m in transcript(session, session_id, masked=False)]
    assert said == [("citizen", "算了不等了，我自己查"), ("bot", CANCELLED_REPLY["zh"])]


def test_the_citizen_leaves_an_agent_and_the_agent_may_no_longer_reply(session):
    session_id = _sid()
    agent = _staff(session, "王丽")
    place = request_handoff(session, session_id, now=_minutes(0))
    take_handoff(session, place.handoff.id, agent, _minutes(1))
    assert leave(session, session_id, "cancel", language="en", now=_minutes(2)) == [
        {"text": CANCELLED_REPLY["en"], "buttons": []}
    ]
    assert place.handoff.status == "cancelled"
    with pytest.raises(Conflict, match="the citizen ended"):
        agent_reply(session, place.handoff.id, agent, "您好")
    with pytest.raises(Conflict, match="the citizen ended"):
        return_to_bot(session, place.handoff.id, agent)


def test_leaving_words_without_a_handoff_are_the_bots_but_the_button_is_answered(
    session,
):
    session_id = _sid()
    assert leave(session, session_id, "算了") is None
    assert leave(session, session_id, CANCEL_PAYLOAD) == [
        {"text": CANCELLED_REPLY["zh"], "buttons": []}
    ]


def test_a_question_while_waiting_is_not_taken_for_leaving(session):
    session_id = _sid()
    place = request_handoff(session, session_id, now=_minutes(0))
    assert leave(session, session_id, "取消预约怎么办", now=_minutes(1)) is None
    assert place.handoff.status == "waiting"


def test_an_agent_may_not_take_a_cancelled_handoff(session):
    session_id = _sid()
    place = request_handoff(session, session_id, now=_minutes(0))
    leave(session, session_id, "不等了", now=_minutes(1))
    assert place.handoff.id not in _queue_of(session, place, now=_minutes(2))
    with pytest.raises(Conflict, match="the citizen ended the request"):
        take_handoff(session, place.handoff.id, _staff(session, "王丽"), _minutes(2))


# ---------------------------------------------------------------- expiry


def test_a_waiting_handoff_expires_on_the_citizens_next_poll_with_a_callback_offer(
    session,
):
    session_id = _sid()
    place = request_handoff(session, session_id, now=_minutes(0))
    assert standing(session, session_id, now=_minutes(9), wait_s=WAIT_S).position
    expired = standing(session, session_id, now=_minutes(10.5), wait_s=WAIT_S)
    assert expired.status == "none" and expired.expired is place.handoff
    assert place.handoff.status == "expired"
    [apology] = messages(session, session_id)
    assert (apology.sender, apology.text) == ("bot", EXPIRED_REPLY["zh"])
    assert apology.payload["buttons"] == [
        {"title": "留下电话，请工作人员回电", "payload": "/request_callback"}
    ]
    # Told once: the next look finds nothing open.
    again = standing(session, session_id, now=_minutes(11), wait_s=WAIT_S)
    assert again == type(again)("none")
    assert len(messages(session, session_id)) == 1


def test_expiry_the_caller_announces_writes_nothing_into_the_conversation(session):
    session_id = _sid()
    request_handoff(session, session_id, now=_minutes(0))
    found = standing(
        session, session_id, now=_minutes(11), wait_s=WAIT_S, announce_expiry=False
    )
    assert found.expired is not None and messages(session, session_id) == []


def test_an_urgent_handoff_never_expires(session):
    session_id = _sid()
    text = "我不想活了"
    answer_emergency(session, session_id, text, triage(text), now=_minutes(0))
    later = standing(session, session_id, now=_minutes(600), wait_s=WAIT_S)
    assert later.status == "waiting" and later.expired is None


def test_a_handoff_past_its_time_is_neither_listed_nor_taken(session):
    place = request_handoff(session, _sid(), now=_minutes(0))
    assert _queue_of(session, place, now=_minutes(9)) == [place.handoff.id]
    assert _queue_of(session, place, now=_minutes(11)) == []
    with pytest.raises(Conflict, match="expired"):
        take_handoff(session, place.handoff.id, _staff(session, "王丽"), _minutes(11))


def test_a_place_counts_no_one_ahead_who_waited_past_their_time(session):
    stale = request_handoff(session, _sid(), now=_minutes(0))
    fresh = request_handoff(session, _sid(), now=_minutes(5))
    behind = request_handoff(session, _sid(), now=_minutes(6))
    at_9 = standing(session, behind.handoff.session_id, now=_minutes(9)).position
    at_12 = standing(session, behind.handoff.session_id, now=_minutes(12)).position
    assert at_9 is not None and at_12 == at_9 - 1
    assert stale.handoff.status == "waiting" and fresh.handoff.status == "waiting"


def test_the_worker_expires_overdue_handoffs_and_tells_each_citizen(seeded_database):
    engine = make_engine(seeded_database)
    now = dt.datetime(2026, 12, 10, 10, 0)
    try:
        with session_scope(engine) as session:
            old = request_handoff(
                session, "web-old", now=now - dt.timedelta(minutes=11)
            )
            new = request_handoff(session, "web-new", now=now - dt.timedelta(minutes=2))
            ids = old.handoff.id, new.handoff.id
        done = run_due_work(engine, "test-worker", lease_s=60, now=now)
        assert done.expired_handoffs == 1
        with session_scope(engine) as session:
            assert [session.get(Handoff, i).status for i in ids] == [
                "expired",
                "waiting",
            ]
            assert [m.text for m in messages(session, "web-old")] == [
                EXPIRED_REPLY["zh"]
            ]
            assert expire_overdue(session, now=now) == []
    finally:
        engine.dispose()


# ---------------------------------------------------------------- queue places told


def _pushed(session: Session, session_id: str) -> list[tuple[str, str]]:
    rows = session.scalars(
        select(ChannelMessage)
        .where(ChannelMessage.session_id == session_id)
        .order_by(ChannelMessage.id)
    )
    return [(row.kind, row.text) for row in rows]


def test_a_wechat_citizen_hears_their_place_when_worth_it_and_the_expiry(
    seeded_database,
):
    engine = make_engine(seeded_database)
    now = dt.datetime(2026, 12, 10, 10, 0)
    openid = "wx:o6_bmjrPTlm6_2sgVt7hMZOPfL2M"
    try:
        with session_scope(engine) as session:
            ahead = [
                request_handoff(session, f"web-{n}", now=now).handoff.id
                for n in range(3)
            ]
            assert (
                request_handoff(session, openid, channel="wechat", now=now).position
                == 4
            )
            agent = _staff(session, "王丽")
        with session_scope(engine) as session:
            # Told 4 in the reply; one taken: 3 is not worth a message.
            take_handoff(session, ahead[0], agent, now=now)
            assert tell_places(session, now=now) == 0
            take_handoff(session, ahead[1], agent, now=now)
            assert tell_places(session, now=now) == 1
            take_handoff(session, ahead[2], agent, now=now)
            assert tell_places(session, now=now) == 1
            assert tell_places(session, now=now) == 0
        later = now + dt.timedelta(seconds=WAIT_S + 60)
        with session_scope(engine) as session:
            expire_overdue(session, now=later)
            assert _pushed(session, openid) == [
                ("queue", PLACE_PUSHED["zh"].format(ahead=1)),
                ("queue", NEXT_PUSHED["zh"]),
                ("handoff", EXPIRED_REPLY["zh"] + CALLBACK_HINT["zh"]),
            ]
            # The web's citizens read their places from their polls.
            assert _pushed(session, "web-0") == []
    finally:
        engine.dispose()


def test_a_wechat_citizen_handed_back_hears_the_assistant_is_back(seeded_database):
    engine = make_engine(seeded_database)
    now = dt.datetime(2026, 12, 10, 10, 0)
    openid = "wx:o6_bmjrPTlm6_2sgVt7hMZOPfL2N"
    try:
        with session_scope(engine) as session:
            place = request_handoff(session, openid, channel="wechat", now=now)
            agent = _staff(session, "王丽")
            take_handoff(session, place.handoff.id, agent, now=now)
            return_to_bot(session, place.handoff.id, agent, now=now)
            assert _pushed(session, openid) == [("handoff", RETURNED_PUSHED["zh"])]
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("told", "now", "worth"),
    [
        (None, 7, True),
        (8, 7, False),
        (8, 4, True),
        (3, 2, False),
        (2, 1, True),
        (1, 1, False),
        (4, 6, False),
    ],
)
def test_position_worth_telling_is_the_first_the_head_and_each_halving(
    told, now, worth
):
    assert position_worth_telling(told, now) is worth


# ---------------------------------------------------------------- agents' hours


@pytest.mark.parametrize(
    ("text", "inside", "outside"),
    [
        ("08:00-20:00", ["08:00", "19:59"], ["07:59", "20:00"]),
        ("8:00～12:00, 13:30-20:00", ["11:59", "13:30"], ["12:30", "20:01"]),
        ("20:00-08:00", ["23:00", "07:00"], ["12:00"]),
        ("00:00-24:00", ["00:00", "23:59"], []),
    ],
)
def test_daily_hours_contain_their_minutes_only(text, inside, outside):
    hours = DailyHours.parse(text)

    def at(hhmm: str) -> dt.datetime:
        return dt.datetime.combine(LONG_AGO.date(), dt.time.fromisoformat(hhmm))

    assert all(at(t) in hours for t in inside)
    assert not any(at(t) in hours for t in outside)


@pytest.mark.parametrize(
    "text", ["", "8-20", "08:00-08:00", "25:00-26:00", "9:70-10:00"]
)
def test_daily_hours_refuse_what_is_not_a_range_of_the_day(text):
    with pytest.raises(ValueError):
        DailyHours.parse(text)


def test_a_bad_agent_hours_setting_stops_the_process_with_its_reason(monkeypatch):
    from pydantic import ValidationError

    from foundation.settings import Settings

    monkeypatch.setenv("HOTLINE_AGENT_HOURS", "daytime")
    with pytest.raises(ValidationError, match="not a range of the day"):
        Settings()


# ---------------------------------------------------------------- queue order, owners


def test_the_queue_lists_urgent_handoffs_first_then_by_request_time(session):
    early = request_handoff(session, _sid(), now=_minutes(0))
    later = request_handoff(session, _sid(), now=_minutes(1))
    fire = request_handoff(session, _sid(), emergency="fire", now=_minutes(2))
    crisis = request_handoff(session, _sid(), emergency="self_harm", now=_minutes(3))

    assert _queue_of(session, early, later, fire, crisis) == [
        fire.handoff.id,
        crisis.handoff.id,
        early.handoff.id,
        later.handoff.id,
    ]
    assert (fire.handoff.urgent, fire.handoff.emergency) == (True, "fire")
    assert (early.handoff.urgent, early.handoff.emergency) == (False, None)
    assert (fire.position, crisis.position) == (1, 2)
    # Asked again, each is told its place behind every urgent hand-off.
    early_now = request_handoff(session, early.handoff.session_id, now=_minutes(4))
    later_now = request_handoff(session, later.handoff.session_id, now=_minutes(4))
    assert early_now.position > crisis.position
    assert later_now.position == early_now.position + 1


def test_an_emergency_marks_the_waiting_handoff_urgent_and_moves_it_to_the_head(
    session,
):
    first = request_handoff(session, _sid(), now=_minutes(0))
    waiting = request_handoff(session, _sid(), now=_minutes(5))
    assert _queue_of(session, first, waiting) == [first.handoff.id, waiting.handoff.id]

    marked = request_handoff(
        session, waiting.handoff.session_id, emergency="self_harm", now=_minutes(9)
    )
    assert marked.handoff.id == waiting.handoff.id
    assert (marked.handoff.urgent, marked.handoff.emergency) == (True, "self_harm")
    assert marked.handoff.requested_at == _minutes(5)
    assert marked.position == 1
    assert _queue_of(session, first, waiting) == [waiting.handoff.id, first.handoff.id]
    # A later emergency keeps the first kind it was marked with.
    again = request_handoff(
        session, waiting.handoff.session_id, emergency="fire", now=_minutes(9)
    )
    assert again.handoff.emergency == "self_harm"


def test_an_emergency_while_an_agent_holds_the_conversation_keeps_the_agent(session):
    place = request_handoff(session, _sid(), now=_minutes(0))
    take_handoff(session, place.handoff.id, _staff(session, "agent-1"), _minutes(1))
    marked = request_handoff(
        session, place.handoff.session_id, emergency="violence", now=_minutes(2)
    )
    assert marked.handoff.id == place.handoff.id
    assert (marked.handoff.status, marked.handoff.agent) == ("active", "agent-1")
    assert marked.handoff.urgent and marked.position == 0


def test_answer_emergency_replies_with_the_number_first_and_records_the_turn(
    session,
):
    session_id = _sid()
    text = "楼下着火了，好多烟"
    emergency = triage(text)
    assert emergency is not None

    answered = answer_emergency(session, session_id, text, emergency)
    assert answered.opened and answered.place.handoff.urgent
    assert answered.place.handoff.emergency == "fire"
    reply = answered.replies[0]["text"]
    assert "119" in reply.split("。")[0]
    written = transcript(session, session_id, masked=False)
    assert [(m.sender, m.text) for m in written] == [("citizen", text), ("bot", reply)]
    assert written[0].intent == EMERGENCY_INTENT
    assert standing(session, session_id).status == "waiting"

    again = answer_emergency(session, session_id, text, emergency)
    assert not again.opened and again.place.handoff.id == answered.place.handoff.id


def test_answer_emergency_answers_in_the_language_given(session):
    text = "There is a fire in my building"
    answered = answer_emergency(session, _sid(), text, triage(text), language="en")
    assert answered.replies[0]["text"].startswith("Please call 119")
    assert answered.place.handoff.language == "en"


@pytest.mark.postgres
def test_the_queue_puts_urgent_handoffs_first_on_postgresql():
    with postgres_server() as url:
        migrate.upgrade(url)
        engine = make_engine(url)
        try:
            with Session(engine) as session, session.begin():
                early = request_handoff(session, _sid(), now=_minutes(0))
                text = "我不想活了"
                crisis = answer_emergency(
                    session, _sid(), text, triage(text), now=_minutes(5)
                )
                marked = request_handoff(
                    session, early.handoff.session_id, emergency="fire", now=_minutes(6)
                )
                later = request_handoff(session, _sid(), now=_minutes(9))
                assert _queue_of(session, early, crisis.place, later) == [
                    early.handoff.id,
                    crisis.place.handoff.id,
                    later.handoff.id,
                ]
                assert (marked.position, crisis.place.position) == (1, 1)
                again = request_handoff(
                    session, later.handoff.session_id, now=_minutes(9)
                )
                assert again.position == 3
        finally:
            engine.dispose()


def test_a_handoff_taken_is_owned_by_the_token_and_shows_its_name(session):
    agent = _staff(session, "王丽")
    place = request_handoff(session, _sid())
    taken = take_handoff(session, place.handoff.id, agent)
    assert (taken.agent_token_id, taken.agent) == (agent.token_id, "王丽")


def test_another_agent_of_the_same_name_may_not_hand_back_or_reply(session):
    owner, namesake = _staff(session, "王丽"), _staff(session, "王丽")
    place = request_handoff(session, _sid())
    take_handoff(session, place.handoff.id, owner)
    with pytest.raises(Forbidden, match="handled by 王丽"):
        return_to_bot(session, place.handoff.id, namesake)
    with pytest.raises(Forbidden, match="only they or an admin may reply to it"):
        agent_reply(session, place.handoff.id, namesake, "您好")
    with pytest.raises(Forbidden, match="already taken by 王丽"):
        take_handoff(session, place.handoff.id, namesake)
    assert place.handoff.status == "active"


def test_the_owner_replies_and_hands_back(session):
    owner = _staff(session, "王丽")
    place = request_handoff(session, _sid())
    take_handoff(session, place.handoff.id, owner)
    assert agent_reply(session, place.handoff.id, owner, "您好").sender == "agent"
    assert return_to_bot(session, place.handoff.id, owner).status == "returned"


def test_an_admin_replies_to_and_hands_back_an_agents_conversation(session):
    owner, admin = _staff(session, "王丽"), _staff(session, "陈主管", "admin")
    place = request_handoff(session, _sid())
    take_handoff(session, place.handoff.id, owner)
    assert agent_reply(session, place.handoff.id, admin, "我来跟进").sender == "agent"
    assert return_to_bot(session, place.handoff.id, admin).status == "returned"


def test_any_agent_may_hand_back_a_handoff_nobody_has_taken(session):
    place = request_handoff(session, _sid())
    handed = return_to_bot(session, place.handoff.id, _staff(session, "张伟"))
    assert handed.status == "returned"


def test_a_handoff_taken_before_ownership_was_recorded_is_claimed_by_taking(session):
    place = request_handoff(session, _sid())
    place.handoff.status, place.handoff.agent = "active", "王丽"  # as 0007 left it
    agent = _staff(session, "张伟")
    with pytest.raises(ValidationFailed, match="take the conversation"):
        agent_reply(session, place.handoff.id, agent, "您好")
    with pytest.raises(Forbidden, match="no owner on record"):
        return_to_bot(session, place.handoff.id, agent)
    take_handoff(session, place.handoff.id, agent)
    assert return_to_bot(session, place.handoff.id, agent).status == "returned"


def _staff(session: Session, name: str, role: str = "agent") -> Staff:
    """A member of staff signed in with a real token (hand-offs refer to it)."""
    token = authenticate(session, create_token(session, role, name))
    assert token is not None
    return Staff.of(token)
