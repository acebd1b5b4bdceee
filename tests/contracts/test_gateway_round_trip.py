"""Both sides of the gateway↔Rasa contract, each against the pinned wire and each other.

The real ``GatewayInput`` is served the way Rasa serves it (``register`` under
``/webhooks/``) over real HTTP; a scripted agent stands in for Rasa's dialogue engine
and does what ``MessageProcessor`` does with a message: it sends the bot's utterances
through the channel's output channel and saves the tracker. The real ``RasaClient``
calls it. A change of the reply's shape fails the bot side
(``test_channel_answers_the_pinned_wire``), the gateway side
(``test_client_reads_the_pinned_wire``) and, made on one side only, the round trip.
Every call carries the internal token, as the gateway's do; without it the channel
answers nothing.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import re
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from rasa.core.actions.action import create_bot_utterance
from rasa.core.channels.channel import UserMessage, register
from rasa.core.processor import MessageProcessor
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, Event, SlotSet, UserUttered
from rasa.shared.core.slots import AnySlot
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk.executor import CollectingDispatcher
from sanic import Sanic, response

import api.rasa_client
import bot.gateway_channel
from actions.handoff import ActionHandoff
from api.rasa_client import BotTurn, RasaClient
from bot.gateway_channel import GatewayInput
from bot.tracker_store import GatewayInMemoryTrackerStore
from contracts.rasa_gateway import WEBHOOK_PATH, reply_from_wire, request_to_wire
from foundation.errors import ExternalServiceError
from foundation.internal_token import HEADER
from tests.actions.conftest import make_tracker

TOKEN = "round-trip-internal-token-not-a-real-one"
BUTTONS = [
    {"title": "办理材料", "payload": "/ask_materials"},
    {"title": "办理地点", "payload": "/ask_location"},
]


@dataclass
class Script:
    """What the bot makes of a message: the intent, the slots it sets, what it says."""

    intent: dict[str, Any] | None
    slots: dict[str, Any] = field(default_factory=dict)
    utterances: Callable[[], list[BotUttered]] = list


SCRIPTS = {
    "居住证": Script(
        intent={"name": "ask_service_guide", "confidence": 0.932149},
        slots={"service": "residence-permit", "language": "zh"},
        utterances=lambda: [
            BotUttered("您想了解哪方面？", {"buttons": copy.deepcopy(BUTTONS)}),
            # Rasa's collecting channel makes one message per paragraph.
            BotUttered("办理步骤如下。\n\n以官方指南为准。"),
        ],
    ),
    "嗯": Script(intent=None),
}

# What the channel answers to "居住证" from "web-1": the reply's shape, pinned.
PINNED_WIRE = {
    "messages": [
        {"recipient_id": "web-1", "text": "您想了解哪方面？", "buttons": BUTTONS},
        {"recipient_id": "web-1", "text": "办理步骤如下。"},
        {"recipient_id": "web-1", "text": "以官方指南为准。"},
    ],
    "intent": {"name": "ask_service_guide", "confidence": 0.932149},
    "slots": {"service": "residence-permit", "language": "zh", "handoff": None},
}
# And what the gateway makes of it.
PINNED_TURN = BotTurn(
    replies=[
        {"text": "您想了解哪方面？", "buttons": BUTTONS},
        {"text": "办理步骤如下。", "buttons": []},
        {"text": "以官方指南为准。", "buttons": []},
    ],
    intent={"name": "ask_service_guide", "confidence": 0.9321},
    service="residence-permit",
    handoff=False,
)


class ScriptedAgent:
    """Rasa's ``Agent`` for the channel: handles a message as its processor does."""

    def __init__(self) -> None:
        self.received: list[UserMessage] = []
        self.scripts = dict(SCRIPTS)
        # ``MessageProcessor.save_tracker`` needs only the processor's tracker store,
        # which hands the tracker to the channel's turn (``bot/tracker_store.py``).
        self._processor = SimpleNamespace(
            tracker_store=GatewayInMemoryTrackerStore(Domain.empty())
        )

    async def handle_message(self, message: UserMessage) -> None:
        self.received.append(message)
        script = self.scripts[message.text]
        tracker = DialogueStateTracker(
            message.sender_id,
            [AnySlot(name, mappings=[]) for name in ("service", "language", "handoff")],
        )
        events: list[Event] = [
            UserUttered(
                message.text,
                intent=script.intent,
                input_channel=message.input_channel,
                metadata=message.metadata,
            ),
            *(SlotSet(name, value) for name, value in script.slots.items()),
        ]
        for event in events:
            tracker.update(event)
        for utterance in script.utterances():
            tracker.update(utterance)
            # As MessageProcessor._send_bot_messages does.
            await message.output_channel.send_response(
                message.sender_id, utterance.message()
            )
        await MessageProcessor.save_tracker(self._processor, tracker)


@contextmanager
def served(app: Sanic) -> Iterator[str]:
    """Sanic's own server, as Rasa runs it, on a free loopback port in a thread."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    async def start() -> Any:
        server = await app.create_server(
            sock=sock, return_asyncio_server=True, access_log=False
        )
        # Awaiting create_server made it listen; startup finalises the routes, and the
        # listeners run before a server starts (the channel's lock) then run, as
        # ``app.run`` runs them for Rasa.
        await server.startup()
        await server.before_start()
        return server

    async def stop(server: Any) -> None:
        server.close()
        await server.wait_closed()

    server = asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=30)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        asyncio.run_coroutine_threadsafe(stop(server), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
        sock.close()


@pytest.fixture(scope="module")
def rasa() -> Iterator[SimpleNamespace]:
    """The gateway channel served over HTTP by Rasa's own channel registration.

    ``pinned_url`` is a server that answers every message with the pinned wire. It is
    the same Sanic app: Sanic 21.12 cannot start a second app in one process.
    """
    app = Sanic("gateway_contract_round_trip")
    app.config.MOTD = False
    app.ctx.agent = ScriptedAgent()
    register([GatewayInput(TOKEN)], app, route="/webhooks/")

    @app.post("/pinned" + WEBHOOK_PATH)
    async def pinned(request: Any) -> Any:
        return response.json(PINNED_WIRE)

    with served(app) as url:
        yield SimpleNamespace(url=url, pinned_url=url + "/pinned", agent=app.ctx.agent)


def _send(url: str, sender: str, text: str, lang: str | None, channel: str) -> BotTurn:
    async def call() -> BotTurn:
        client = RasaClient(url, TOKEN, timeout=10)
        try:
            return await client.send(sender, text, lang, channel)
        finally:
            await client.close()

    return asyncio.run(call())


def test_channel_answers_the_pinned_wire(rasa):
    answer = httpx.post(
        rasa.url + WEBHOOK_PATH,
        json=request_to_wire("web-1", "居住证", channel="web"),
        headers={HEADER: TOKEN},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == PINNED_WIRE
    assert reply_from_wire(answer.json()) == PINNED_WIRE


def test_client_reads_the_pinned_wire(rasa):
    assert _send(rasa.pinned_url, "web-1", "居住证", None, "web") == PINNED_TURN


def test_client_reads_what_the_channel_answers(rasa):
    assert _send(rasa.url, "web-1", "居住证", None, "web") == PINNED_TURN


def test_channel_reads_what_the_client_sends(rasa):
    _send(rasa.url, "wx:o-abc", "居住证", "en", "wechat")
    message = rasa.agent.received[-1]
    assert (message.sender_id, message.text) == ("wx:o-abc", "居住证")
    # Applications and work orders record where the citizen wrote.
    assert message.input_channel == "wechat"
    assert message.metadata == {"channel": "wechat", "lang": "en"}


def test_turn_without_intent_or_reply_reaches_the_gateway_empty(rasa):
    turn = _send(rasa.url, "web-2", "嗯", "zh", "web")
    assert turn == BotTurn(replies=[], intent=None, service=None, handoff=False)


def test_handoff_uttered_by_the_action_reaches_the_gateway(engine, rasa, monkeypatch):
    """``action_handoff``'s custom message, through Rasa's channel, is a hand-off."""
    dispatcher = CollectingDispatcher()
    ActionHandoff().run(
        dispatcher, make_tracker(text="转人工", sender_id="web-handoff"), {}
    )
    custom = [dict(m) for m in dispatcher.messages if m.get("custom")]
    assert custom, dispatcher.messages
    monkeypatch.setitem(
        rasa.agent.scripts,
        "转人工",
        Script(
            intent={"name": "request_human", "confidence": 0.99},
            # As Rasa's RemoteAction turns an action server's response into an event.
            utterances=lambda: [create_bot_utterance(dict(m)) for m in custom],
        ),
    )
    turn = _send(rasa.url, "web-handoff", "转人工", "zh", "web")
    assert turn.handoff is True
    assert turn.intent == {"name": "request_human", "confidence": 0.99}


_counter = itertools.count()


def _renamed(old: str, new: str) -> Callable[[dict], None]:
    def change(reply: dict) -> None:
        reply[new] = reply.pop(old)

    return change


def _renamed_in_buttons(old: str, new: str) -> Callable[[dict], None]:
    def change(reply: dict) -> None:
        for button in reply["messages"][0]["buttons"]:
            button[new] = button.pop(old)

    return change


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (_renamed("slots", "state"), "missing 'slots'"),
        (_renamed("messages", "replies"), "missing 'messages'"),
        (
            _renamed_in_buttons("title", "label"),
            "'messages[0].buttons[0].title' is missing",
        ),
        (lambda reply: reply.update(intent="ask_service_guide"), "'intent' must be"),
    ],
    ids=["slots-renamed", "messages-renamed", "button-title-renamed", "intent-flat"],
)
def test_reply_changed_on_the_bot_side_only_fails_at_the_gateway(
    rasa, monkeypatch, change, error
):
    """A channel answering another shape is Rasa failing, named in the gateway's log."""
    original = bot.gateway_channel.reply_to_wire

    def changed_reply_to_wire(*args: Any) -> dict:
        reply = copy.deepcopy(original(*args))
        change(reply)
        return reply

    monkeypatch.setattr(bot.gateway_channel, "reply_to_wire", changed_reply_to_wire)
    with pytest.raises(ExternalServiceError, match=re.escape(error)):
        _send(rasa.url, f"web-changed-{next(_counter)}", "居住证", None, "web")


def test_request_changed_on_the_gateway_side_only_fails_at_the_channel(
    rasa, monkeypatch
):
    """Rasa refuses a request of another shape, naming the key, and handles nothing."""
    original = api.rasa_client.request_to_wire

    def changed_request_to_wire(*args: Any, **kwargs: Any) -> dict:
        request = dict(original(*args, **kwargs))
        request["text"] = request.pop("message")
        return request

    monkeypatch.setattr(api.rasa_client, "request_to_wire", changed_request_to_wire)
    handled = len(rasa.agent.received)
    with pytest.raises(ExternalServiceError, match="400"):
        _send(rasa.url, "web-3", "居住证", None, "web")
    assert len(rasa.agent.received) == handled
    answer = httpx.post(
        rasa.url + WEBHOOK_PATH,
        json=changed_request_to_wire("web-3", "居住证", channel="web"),
        headers={HEADER: TOKEN},
        timeout=10,
    )
    assert answer.status_code == 400
    assert answer.json() == {
        "error": "bad_request",
        "detail": "gateway request: 'message' is missing "
        "(it has 'sender', 'metadata', 'text')",
    }


@pytest.mark.parametrize(
    "headers",
    [{}, {HEADER: "a-guess-at-the-internal-token-00000"}],
    ids=["no-token", "wrong-token"],
)
def test_channel_refuses_a_message_without_the_internal_token(rasa, headers):
    """Anyone else reaching Rasa's port would talk for any citizen, muted or not."""
    handled = len(rasa.agent.received)
    answer = httpx.post(
        rasa.url + WEBHOOK_PATH,
        json=request_to_wire("web-victim", "居住证", channel="web"),
        headers=headers,
        timeout=10,
    )
    assert answer.status_code == 401
    assert answer.json()["error"] == "unauthorized"
    assert len(rasa.agent.received) == handled


def test_channel_lock_covers_every_route_of_the_server(rasa):
    """The lock is the server's, not the webhook's: Rasa's API routes sit beside it."""
    assert httpx.post(rasa.pinned_url + WEBHOOK_PATH, timeout=10).status_code == 401
