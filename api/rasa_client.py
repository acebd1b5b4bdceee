"""The gateway's client for the Rasa server (its gateway channel and HTTP API).

It is aiohttp's rather than httpx's, which the gateway uses elsewhere: every chat message
and every agent suggestion makes a call to Rasa, and a call through httpx cost the
gateway about a quarter of its CPU per suggestion (py-spy), three times aiohttp's.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import aiohttp
import ujson

from knowledge_base.errors import ExternalServiceError, ServiceTimeout


@dataclass
class BotTurn:
    replies: list[dict] = field(default_factory=list)
    intent: dict | None = None
    service: str | None = None
    handoff: bool = False


class RasaClient:
    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        self._base_url = base_url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    def _client(self) -> aiohttp.ClientSession:
        # Made at the first call: a session belongs to the event loop it was made in.
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=self._timeout, json_serialize=ujson.dumps
            )
        return self._session

    async def send(
        self, session_id: str, text: str, lang: str | None, channel: str
    ) -> BotTurn:
        """One citizen message through the gateway channel (``bot/gateway_channel.py``)."""
        metadata = {"channel": channel, **({"lang": lang} if lang else {})}
        answer = await self._request(
            "POST",
            "/webhooks/gateway/webhook",
            json={"sender": session_id, "message": text, "metadata": metadata},
        )
        turn = BotTurn()
        for message in answer.get("messages") or []:
            custom = message.get("custom") or {}
            if custom.get("handoff"):
                turn.handoff = True
            if message.get("text"):
                turn.replies.append(
                    {
                        "text": message["text"],
                        "buttons": [
                            {
                                "title": b.get("title", ""),
                                "payload": b.get("payload", ""),
                            }
                            for b in message.get("buttons") or []
                        ],
                    }
                )
        intent = answer.get("intent")
        if intent:
            turn.intent = {
                "name": intent["name"],
                "confidence": round(float(intent.get("confidence") or 0), 4),
            }
        turn.service = (answer.get("slots") or {}).get("service")
        return turn

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
