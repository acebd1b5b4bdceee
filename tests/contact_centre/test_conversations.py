"""Transcripts as the gateway writes and reads them on every message."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from contact_centre.conversations import record_turn, transcript
from contact_centre.repositories.conversations import buttons_since_the_citizen_wrote


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
