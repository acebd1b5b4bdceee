"""The gateway's client for the Rasa server (its gateway channel and HTTP API).

It is aiohttp's rather than httpx's, which the gateway uses elsewhere: every chat message
and every agent suggestion makes a call to Rasa, and a call through httpx cost the
gateway about a quarter of its CPU per suggestion (py-spy), three times aiohttp's.

What the gateway channel takes and answers is ``contracts.rasa_gateway``'s, the module
the channel builds them with: an answer of another shape is Rasa failing. Every call
carries the internal token, without which Rasa answers nothing
(``foundation.internal_token``).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import aiohttp
import ujson

from contracts.rasa_gateway import (
    WEBHOOK_PATH,
    ContractError,
    GatewayReply,
    Intent,
    asks_for_handoff,
    reply_from_wire,
    request_to_wire,
)
from foundation.errors import ExternalServiceError, ServiceTimeout
from foundation.internal_token import HEADER


@dataclass
class BotTurn:
    """A turn as the gateway uses it: the replies to show, what the bot made of it."""

    replies: list[dict] = field(default_factory=list)  # [{"text", "buttons"}]
    intent: Intent | None = None
    service: str | None = None
    handoff: bool = False


class RasaClient:
    """Calls to one Rasa server.

    Args:
        base_url: the server, e.g. ``http://127.0.0.1:5005``.
        token: the internal token it wants.
        timeout: seconds a call may take.
    """

    def __init__(self, base_url: str, token: str, timeout: float = 30.0) -> None:
        self._base_url = base_url.rstrip("/")
        self._headers = {HEADER: token}
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    def _client(self) -> aiohttp.ClientSession:
        # Made at the first call: a session belongs to the event loop it was made in.
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                headers=self._headers,
                timeout=self._timeout,
                json_serialize=ujson.dumps,
            )
        return self._session

    async def send(
        self, session_id: str, text: str, lang: str | None, channel: str
    ) -> BotTurn:
        """One citizen message through the gateway channel (``bot/gateway_channel.py``).

        Raises:
            ExternalServiceError: Rasa is down, or answered outside the contract.
        """
        answer = await self._request(
            "POST",
            WEBHOOK_PATH,
            json=request_to_wire(session_id, text, channel=channel, lang=lang),
        )
        try:
            reply = reply_from_wire(answer)
        except ContractError as exc:
            raise ExternalServiceError("rasa", str(exc)) from exc
        return turn_of(reply)

    async def parse(self, text: str) -> dict:
        return await self._request("POST", "/model/parse", json={"text": text})

    async def status(self) -> dict:
        return await self._request("GET", "/status")

    async def _request(self, method: str, path: str, **kwargs):
        try:
            async with self._client().request(
                method, self._base_url + path, raise_for_status=True, **kwargs
            ) as response:
                return await response.json(content_type=None, loads=ujson.loads)
        except asyncio.TimeoutError as exc:
            raise ServiceTimeout("rasa", f"no answer from {path}") from exc
        except (aiohttp.ClientError, ValueError) as exc:
            raise ExternalServiceError("rasa", str(exc) or type(exc).__name__) from exc


def turn_of(reply: GatewayReply) -> BotTurn:
    """The turn the gateway shows and records for the gateway channel's ``reply``."""
    turn = BotTurn()
    for message in reply["messages"]:
        if asks_for_handoff(message):
            turn.handoff = True
        text = message.get("text")
        if text:
            # Only what the gateway's own API promises: a text and its buttons.
            turn.replies.append(
                {
                    "text": text,
                    "buttons": [
                        {"title": b["title"], "payload": b["payload"]}
                        for b in message.get("buttons") or ()
                    ],
                }
            )
    intent = reply["intent"]
    if intent:
        turn.intent = {
            "name": intent["name"],
            "confidence": round(float(intent["confidence"]), 4),
        }
    turn.service = reply["slots"].get("service")
    return turn
