"""Transcripts and hand-offs as the gateway writes and reads them on every message."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from contact_centre.conversations import (
    EMERGENCY_INTENT,
    agent_reply,
    answer_emergency,
    handoffs_by_status,
    is_with_agent,
    record_turn,
    request_handoff,
    return_to_bot,
    take_handoff,
    transcript,
)
from contact_centre.repositories.conversations import buttons_since_the_citizen_wrote
from foundation import migrate
from foundation.db import make_engine
from foundation.errors import Forbidden, ValidationFailed
from harness.servers import postgres_server
from privacy.auth import Staff, authenticate, create_token
from safety import triage

# Before anything the shared test database holds, so places in the queue are exact
# for urgent hand-offs (nothing urgent is older).
LONG_AGO = dt.datetime(2000, 1, 1, 9, 0)


def _inserts(session: Session) -> list[str]:
    seen: list[str] = []
    sa.event.listen(
        session.get_bind(),
        "before_cursor_execute",
        lambda conn, cursor, statement, *rest: (
            seen.append(statement)
            if statement.lstrip().upper().startswith("INSERT")
            else None
        ),
    )
    return seen


def test_a_turn_is_written_in_one_insert_citizen_first_then_each_reply(session):
    session_id = f"s-{uuid.uuid4().hex[:8]}"
    inserts = _inserts(session)
    buttons = [{"title": "黄浦区", "payload": '/inform{"district": "黄浦区"}'}]
    record_turn(
        session,
        session_id,
        "护照怎么办",
        [
            {"text": "出入境证件办理……", "buttons": []},
            {"text": "请选区", "buttons": buttons},
        ],
        intent="ask_service_guide",
        confidence=0.97,
    )

    assert len(inserts) == 1
    written = transcript(session, session_id, masked=False)
    assert [(m.sender, m.text) for m in written] == [
        ("citizen", "护照怎么办"),
        ("bot", "出入境证件办理……"),
        ("bot", "请选区"),
    ]
    assert (written[0].intent, written[0].confidence) == ("ask_service_guide", 0.97)
    assert [m.payload for m in written] == [None, None, {"buttons": buttons}]


def test_a_conversation_is_with_an_agent_while_its_handoff_waits_or_is_taken(session):
    session_id = f"s-{uuid.uuid4().hex[:8]}"
    assert not is_with_agent(session, session_id)
    place = request_handoff(session, session_id, reason="citizen asked")
    assert is_with_agent(session, session_id)
    agent = _staff(session, "agent-1")
    take_handoff(session, place.handoff.id, agent)
    assert is_with_agent(session, session_id)
    return_to_bot(session, place.handoff.id, agent)
    assert not is_with_agent(session, session_id)


def test_the_buttons_shown_are_those_since_the_citizen_last_wrote(session):
    session_id = f"s-{uuid.uuid4().hex[:8]}"
    districts = [{"title": "黄浦区", "payload": '/inform{"district": "黄浦区"}'}]
    services = [
        {"title": "办理材料", "payload": "/ask_materials"},
        {"title": "办理地点", "payload": "/ask_location"},
    ]
    assert buttons_since_the_citizen_wrote(session, session_id) == []
    record_turn(
        session,
        session_id,
        "在哪个区",
        [{"text": "请问哪个区？", "buttons": districts}],
    )
    record_turn(
        session,
        session_id,
        "居住证",
        [
            {"text": "上海市居住证", "buttons": []},
            {"text": "您想了解哪方面？", "buttons": services},
        ],
    )
    assert buttons_since_the_citizen_wrote(session, session_id) == services


def _sid() -> str:
    return f"s-{uuid.uuid4().hex[:8]}"


def _minutes(n: int) -> dt.datetime:
    return LONG_AGO + dt.timedelta(minutes=n)


def _queue_of(session: Session, *places) -> list[int]:
    mine = {place.handoff.id for place in places}
    return [
        h.id for h in handoffs_by_status(session, ("waiting", "active")) if h.id in mine
    ]


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
    early_now = request_handoff(session, early.handoff.session_id)
    later_now = request_handoff(session, later.handoff.session_id)
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
    again = request_handoff(session, waiting.handoff.session_id, emergency="fire")
    assert again.handoff.emergency == "self_harm"


def test_an_emergency_while_an_agent_holds_the_conversation_keeps_the_agent(session):
    place = request_handoff(session, _sid(), now=_minutes(0))
    take_handoff(session, place.handoff.id, _staff(session, "agent-1"))
    marked = request_handoff(session, place.handoff.session_id, emergency="violence")
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
    assert is_with_agent(session, session_id)

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
                    session, early.handoff.session_id, emergency="fire"
                )
                later = request_handoff(session, _sid(), now=_minutes(9))
                assert _queue_of(session, early, crisis.place, later) == [
                    early.handoff.id,
                    crisis.place.handoff.id,
                    later.handoff.id,
                ]
                assert (marked.position, crisis.place.position) == (1, 1)
                assert request_handoff(session, later.handoff.session_id).position == 3
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
