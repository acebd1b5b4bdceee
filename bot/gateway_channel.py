"""The channel the gateway (``api/``) talks to: one call gives the replies and the turn's state.

Rasa's REST channel answers with the bot's messages only, so the gateway had to ask
``GET /conversations/{id}/tracker`` afterwards for the intent and the ``service`` slot.
That second call costs a tracker load per message and, with Rasa's in-memory tracker
store, reports a stale intent while a form is filling (that store rebuilds a tracker
from its applied events, which fold the form's turns). This channel answers with the
intent and slots of the tracker Rasa saved for this very message, inside its lock: the
tracker store hands it over (``bot/tracker_store.py``; the endpoints file names one of
its stores).

    POST /webhooks/gateway/webhook {"sender", "message", "metadata"}
    -> {"messages": [...], "intent": {"name", "confidence"} | null, "slots": {...}}

Both shapes are those of ``contracts.rasa_gateway``, which the gateway reads them with.

Every Rasa of the assistant serves this channel, so it is also what locks the server:
before Rasa listens, every route but ``/`` comes to want the internal token
(``bot/internal_access.py``), this webhook and Rasa's HTTP API included.
"""

from __future__ import annotations

import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any, cast

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.internal_access import require_internal_token
from bot.tracker_store import SAVED_IN_THIS_TURN
from contracts.rasa_gateway import (
    CHANNEL_NAME,
    BotMessage,
    ContractError,
    Intent,
    intent_to_wire,
    reply_to_wire,
    request_from_wire,
)
from foundation.internal_token import internal_token
from foundation.settings import get_settings

logger = logging.getLogger(__name__)


def turn_state(
    tracker: DialogueStateTracker | None,
) -> tuple[Intent | None, dict[str, Any]]:
    """The intent Rasa understood and the slots it holds after the turn."""
    if tracker is None:
        return None, {}
    intent = tracker.latest_message.intent if tracker.latest_message else {}
    return (
        intent_to_wire(intent.get("name"), intent.get("confidence")),
        tracker.current_slot_values(),
    )


class GatewayInput(RestInput):
    """Rasa's REST channel, answering with the turn's intent and slots as well.

    Args:
        token: the internal token the server's callers must send
            (``from_credentials`` takes the settings').
    """

    def __init__(self, token: str) -> None:
        self._token = token

    @classmethod
    def name(cls) -> str:
        return CHANNEL_NAME

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GatewayInput:
        return cls(internal_token(get_settings()))

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        webhook = Blueprint("gateway_webhook", __name__)

        @webhook.listener("before_server_start")
        async def lock(app: Sanic, _: Any) -> None:
            require_internal_token(app, self._token)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                body = request_from_wire(request.json)
            except ContractError as exc:
                return response.json(
                    {"error": "bad_request", "detail": str(exc)}, status=400
                )
            metadata = body["metadata"]
            collector = CollectingOutputChannel()
            saved: list[DialogueStateTracker] = []
            token = SAVED_IN_THIS_TURN.set(saved)
            try:
                await on_new_message(
                    UserMessage(
                        body["message"],
                        collector,
                        body["sender"],
                        # Applications and work orders record where the citizen wrote.
                        input_channel=metadata.get("channel") or self.name(),
                        metadata=metadata,
                    )
                )
            except CancelledError:
                logger.error("The message timed out before Rasa answered it.")
            except Exception:
                # Like the REST channel: the citizen gets what was said before the failure.
                logger.exception("Rasa failed while handling a message.")
            finally:
                SAVED_IN_THIS_TURN.reset(token)
            return response.json(
                reply_to_wire(
                    # What Rasa's collector holds is the contract's BotMessage.
                    cast("list[BotMessage]", collector.messages),
                    *turn_state(saved[-1] if saved else None),
                )
            )

        return webhook
