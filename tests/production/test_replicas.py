"""Two replicas share one conversation state, and faults do not lose it.

Each test drives a conversation through the gateways; ``via=0`` and ``via=1`` pick the
replica. Nothing is sticky: the tracker lives in PostgreSQL and Redis locks the
conversation while one replica handles a message.
"""

from __future__ import annotations

import concurrent.futures
import re

import httpx
import pytest

from knowledge_base.answers import UNAVAILABLE

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

GUIDANCE = "刚来上海工作，居住证要怎么办"
SERVICE = "residence-permit"


def _answers_materials_of_the_permit(answer: dict) -> bool:
    text = "\n".join(r["text"] for r in answer["replies"])
    return "需要准备以下材料" in text and "居住证" in text


def test_turns_alternating_between_replicas_keep_context_and_order(citizen):
    first = citizen.say(GUIDANCE, via=0)
    assert first["service"]["code"] == SERVICE
    follow_up = citizen.say("那要带啥？", via=1)
    assert _answers_materials_of_the_permit(follow_up)
    assert follow_up["service"]["code"] == SERVICE
    assert "办理时限" in citizen.text("要多久？", via=0)
    sent = [GUIDANCE, "那要带啥？", "要多久？"]
    # Either Rasa reads the same stored tracker, with the turns in the order sent.
    assert citizen.user_texts(via=0) == sent
    assert citizen.events(via=0) == citizen.events(via=1)


def test_simultaneous_messages_to_both_replicas_are_handled_one_at_a_time(citizen):
    citizen.say(GUIDANCE, via=0)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        answers = list(
            pool.map(
                lambda args: citizen.say(*args), [("那要带啥？", 0), ("要多久？", 1)]
            )
        )
    assert all(answer["replies"] for answer in answers)
    events = citizen.events()
    # The lock store serialises the two: each message's turn ends (action_listen)
    # before the next message is read, and no event is lost or duplicated.
    turns = _turns(events)
    assert [turn[0]["text"] for turn in turns[2:]] in (
        ["那要带啥？", "要多久？"],
        ["要多久？", "那要带啥？"],
    )
    assert all(turn[-1].get("name") == "action_listen" for turn in turns), (
        "a turn was interleaved with another"
    )


def test_action_server_down_gives_a_polite_answer_and_then_recovers(citizen, replicas):
    citizen.say(GUIDANCE, via=0)
    replicas.stop_actions()
    try:
        # Rasa itself answers nothing when the action fails; the gateway apologises.
        during = citizen.say("那要带啥？", via=1)
        assert during["replies"], "the citizen was left with silence"
        assert all(r["text"].strip() for r in during["replies"])
        assert UNAVAILABLE["zh"] in [r["text"] for r in during["replies"]]
    finally:
        replicas.start_actions()
        replicas.wait_actions()
    assert _answers_materials_of_the_permit(citizen.say("那要带啥？", via=0))
    fresh = type(citizen)(replicas)
    assert fresh.say(GUIDANCE, via=1)["service"]["code"] == SERVICE


def test_a_postgresql_restart_is_survived(citizen, replicas):
    assert citizen.say(GUIDANCE, via=0)["service"]["code"] == SERVICE
    before = citizen.events()
    replicas.postgres.restart()
    # Every engine checks a pooled connection before using it (pool_pre_ping), Rasa's
    # tracker store's too: the first message to each replica after the restart is
    # answered in context, and the stored conversation is untouched.
    for via in (0, 1):
        answer = citizen.say("那要带啥？", via=via)
        assert _answers_materials_of_the_permit(answer), (
            f"replica {via} lost the conversation's context"
        )
    assert citizen.events()[: len(before)] == before
    # Writes to the knowledge base work at once.
    gateway = replicas.replicas[1].gateway_url
    created = httpx.post(
        f"{gateway}/api/v1/work-orders",
        json={"description": "小区门口路灯坏了一个星期，晚上很黑", "anonymous": True},
        headers={"Idempotency-Key": f"pg-restart-{citizen.session_id}"},
        timeout=60,
    )
    assert created.status_code == 201, created.text
    assert re.fullmatch(r"GD\d{14}", created.json()["number"])


def test_a_killed_replica_loses_nothing_and_the_other_continues(citizen, replicas):
    assert citizen.say(GUIDANCE, via=0)["service"]["code"] == SERVICE
    # Last in this module: the ``replicas`` fixture restarts it if a test follows.
    replicas.kill_rasa(replicas.replicas[0])
    # Its gateway still answers, politely, and not with a 5xx.
    orphan = citizen.say("那要带啥？", via=0)
    assert orphan["replies"][0]["text"] == UNAVAILABLE["zh"]
    # The other replica carries on where the conversation was.
    assert _answers_materials_of_the_permit(citizen.say("那要带啥？", via=1))
    assert citizen.user_texts(via=1) == [GUIDANCE, "那要带啥？"]


def _turns(events: list[dict]) -> list[list[dict]]:
    """Events split at each user message; the first part is the session start."""
    turns: list[list[dict]] = [[]]
    for event in events:
        if event["event"] == "user":
            turns.append([])
        if event["event"] in ("user", "action", "bot"):
            turns[-1].append(event)
    return turns
