"""The gateway's client for the Rasa server (its gateway channel and HTTP API)."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from knowledge_base.errors import ExternalServiceError, ServiceTimeout


@dataclass
class BotTurn:
    replies: list[dict] = field(default_factory=list)
    intent: dict | None = None
    service: str | None = None
    handoff: bool = False


class RasaClient:
    def __init__(
        self,
        base_url: str,
        timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url, timeout=timeout, transport=transport
        )

    async def close(self) -> None:
        await self._client.aclose()

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
            response = await self._client.request(method, path, **kwargs)
            response.raise_for_status()
            return response.json()
        except httpx.TimeoutException as exc:
            raise ServiceTimeout("rasa", str(exc)) from exc
        except (httpx.HTTPError, ValueError) as exc:
            raise ExternalServiceError("rasa", str(exc)) from exc
