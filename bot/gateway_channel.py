"""The channel the gateway (``api/``) talks to: one call gives the replies and the turn's state.

Rasa's REST channel answers with the bot's messages only, so the gateway had to ask
``GET /conversations/{id}/tracker`` afterwards for the intent and the ``service`` slot.
That second call costs a tracker load per message and, with Rasa's in-memory tracker
store, reports a stale intent while a form is filling (that store rebuilds a tracker
from its applied events, which fold the form's turns). This channel answers with the
intent and slots of the tracker Rasa saved for this very message, inside its lock.

    POST /webhooks/gateway/webhook {"sender", "message", "metadata"}
    -> {"messages": [...], "intent": {"name", "confidence"} | null, "slots": {...}}
"""

from __future__ import annotations

import contextvars
import functools
import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

# The trackers Rasa saves while this task handles one gateway message.
_saved_in_this_turn: contextvars.ContextVar[list[DialogueStateTracker] | None] = (
    contextvars.ContextVar("saved_in_this_turn", default=None)
)


@functools.cache
def hear_saved_trackers() -> None:
    """Makes ``MessageProcessor.save_tracker`` hand the tracker to the turn that saved it."""
    from rasa.core.processor import MessageProcessor

    original = MessageProcessor.save_tracker

    async def save_tracker(self: MessageProcessor, tracker: DialogueStateTracker):
        await original(self, tracker)
        saved = _saved_in_this_turn.get()
        if saved is not None:
            saved.append(tracker)

    MessageProcessor.save_tracker = save_tracker


def turn_state(tracker: DialogueStateTracker | None) -> dict[str, Any]:
    """The intent Rasa understood and the slots it holds after the turn."""
    if tracker is None:
        return {"intent": None, "slots": {}}
    intent = tracker.latest_message.intent if tracker.latest_message else {}
    return {
        "intent": (
            {"name": intent["name"], "confidence": float(intent.get("confidence") or 0)}
            if intent.get("name")
            else None
        ),
        "slots": tracker.current_slot_values(),
    }


class GatewayInput(RestInput):
    """Rasa's REST channel, answering with the turn's intent and slots as well."""

    @classmethod
    def name(cls) -> str:
        return "gateway"

    def __init__(self) -> None:
        hear_saved_trackers()

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        webhook = Blueprint("gateway_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            collector = CollectingOutputChannel()
            metadata = self.get_metadata(request) or {}
            saved: list[DialogueStateTracker] = []
            token = _saved_in_this_turn.set(saved)
            try:
                await on_new_message(
                    UserMessage(
                        self._extract_message(request),
                        collector,
                        await self._extract_sender(request),
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
                _saved_in_this_turn.reset(token)
            return response.json(
                {
                    "messages": collector.messages,
                    **turn_state(saved[-1] if saved else None),
                }
            )

        return webhook
