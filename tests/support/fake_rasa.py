"""A stand-in for Rasa's gateway channel that remembers who wrote what, on which channel.

It answers every message "已收到：…", except a request for a person, which it handles as
``action_handoff`` does: the conversation joins the agents' queue (in the test
database), and the answer carries the hand-off's custom message.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI, Request
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from contact_centre.handoff import request_handoff
from contracts.rasa_gateway import (
    WEBHOOK_PATH,
    handoff_payload,
    intent_to_wire,
    reply_to_wire,
    request_from_wire,
)
from foundation.db import session_scope

ASKS_FOR_A_PERSON = ("转人工", "/request_human")


@dataclass(frozen=True)
class Received:
    sender: str
    channel: str
    text: str


class HandoffRasa:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.received: list[Received] = []
        self.app = FastAPI()
        self.app.post(WEBHOOK_PATH)(self._handle)

    def senders(self) -> set[str]:
        return {r.sender for r in self.received}

    async def _handle(self, request: Request) -> dict:
        wire = request_from_wire(await request.json())
        channel = str(wire.get("metadata", {}).get("channel", ""))
        said = Received(wire["sender"], channel, wire["message"])
        self.received.append(said)
        if said.text in ASKS_FOR_A_PERSON:
            await run_in_threadpool(self._hand_off, said)
            return reply_to_wire(
                [{"text": "正在为您转接人工客服"}, {"custom": handoff_payload()}],
                intent_to_wire("request_human", 1.0),
                {},
            )
        return reply_to_wire(
            [{"text": f"已收到：{said.text}"}],
            intent_to_wire("ask_service_guide", 0.9),
            {},
        )

    def _hand_off(self, said: Received) -> None:
        with session_scope(self.engine) as session:
            request_handoff(
                session, said.sender, reason=said.text, channel=said.channel or "web"
            )
