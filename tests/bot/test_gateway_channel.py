"""The gateway channel on the real Rasa server: replies and the state of the same turn.

Every answer is read through the contract the gateway reads it with
(``contracts.rasa_gateway``), so a change of its shape fails here too.
"""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

from contracts.rasa_gateway import WEBHOOK_PATH, reply_from_wire

pytestmark = pytest.mark.slow


def _say(client: httpx.Client, sender: str, text: str, **metadata) -> dict:
    answer = client.post(
        WEBHOOK_PATH,
        json={"sender": sender, "message": text, "metadata": metadata},
    )
    assert answer.status_code == 200, answer.text
    return reply_from_wire(answer.json())


def test_answer_holds_replies_intent_and_slots_of_the_turn(stack):
    sender = f"test-{uuid.uuid4().hex[:12]}"
    with httpx.Client(
        base_url=stack.rasa_url, headers=stack.internal_headers, timeout=60
    ) as client:
        turn = _say(client, sender, "刚来上海工作，居住证要怎么办", channel="web")
        assert any("上海市居住证办理" in m.get("text", "") for m in turn["messages"])
        assert turn["intent"]["name"] == "ask_service_guide"
        assert turn["slots"]["service"] == "residence-permit"
        tracker = client.get(f"/conversations/{sender}/tracker").json()
    assert tracker["slots"] == turn["slots"]
    assert tracker["latest_input_channel"] == "web"


def test_concurrent_conversations_each_get_their_own_state(stack):
    """The state comes from the tracker saved for this request, not another one."""
    questions = {
        f"test-{uuid.uuid4().hex[:12]}": text
        for text in ("护照怎么办", "居住证怎么办", "公积金怎么提取", "结婚登记要带什么")
        for _ in range(3)
    }

    async def ask_all() -> dict[str, dict]:
        async with httpx.AsyncClient(
            base_url=stack.rasa_url, headers=stack.internal_headers, timeout=120
        ) as client:
            answers = await asyncio.gather(
                *(
                    client.post(WEBHOOK_PATH, json={"sender": sender, "message": text})
                    for sender, text in questions.items()
                )
            )
            return {
                s: reply_from_wire(a.json())
                for s, a in zip(questions, answers, strict=True)
            }

    answers = asyncio.run(ask_all())
    with httpx.Client(
        base_url=stack.rasa_url, headers=stack.internal_headers, timeout=60
    ) as client:
        for sender, answer in answers.items():
            stored = client.get(f"/conversations/{sender}/tracker").json()
            assert answer["slots"] == stored["slots"]
            assert (
                answer["intent"]["name"] == stored["latest_message"]["intent"]["name"]
            )
    assert len({a["slots"]["service"] for a in answers.values()}) >= 3
