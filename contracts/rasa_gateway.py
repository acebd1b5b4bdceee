"""What the gateway (``api/``) sends Rasa's gateway channel (``bot/``), and the answer.

One message of a citizen is one call::

    POST /webhooks/gateway/webhook
    GatewayRequest  {"sender": str, "message": str,
                     "metadata": {"channel": str, "lang"?: "zh" | "en", ...}}
    GatewayReply    {"messages": [BotMessage, ...],
                     "intent": {"name": str, "confidence": float} | null,
                     "slots": {str: any}}

A ``BotMessage`` is what Rasa's ``CollectingOutputChannel`` collects for one utterance:
``text``, ``buttons`` (``[{"title", "payload"}]``), ``custom`` (an action's
``json_message``, such as ``handoff_payload()``), ``image``, ``attachment`` and
``recipient_id``, each present only when set.

Each side builds its half with ``*_to_wire`` and reads the other's with ``*_from_wire``,
so a change of shape is made here, once, and reaches both. The types are
``TypedDict``s, that is plain dictionaries: the JSON libraries of both sides read and
write them as they are, and a check is a few exact type tests, no copy (about 1 µs for
an answer of one message, 3 µs for five messages and five buttons; every chat message
goes through it). Readers require every key they know and ignore keys they do not, so
either side may add a key before the other reads it. A button needs a title and a
payload: the gateway's API promises both, and this project's responses have both.

This module imports only the standard library: both Rasa and the gateway load it.
"""

from __future__ import annotations

from typing import Any, TypedDict

__all__ = [
    "CHANNEL_NAME",
    "WEBHOOK_PATH",
    "BotMessage",
    "Button",
    "ContractError",
    "GatewayReply",
    "GatewayRequest",
    "Intent",
    "RequestMetadata",
    "asks_for_handoff",
    "handoff_payload",
    "intent_to_wire",
    "reply_from_wire",
    "reply_to_wire",
    "request_from_wire",
    "request_to_wire",
]

# Rasa serves an input channel's blueprint under ``/webhooks/<its name>``.
CHANNEL_NAME = "gateway"
WEBHOOK_PATH = f"/webhooks/{CHANNEL_NAME}/webhook"

# The key of the custom message with which ``action_handoff`` tells the gateway that
# the conversation now waits for a person.
_HANDOFF = "handoff"


class ContractError(ValueError):
    """A payload that does not have the contract's shape; the message names the key."""


class RequestMetadata(TypedDict, total=False):
    channel: str  # where the citizen wrote: web, wechat, miniprogram...
    lang: str  # the language the citizen chose; absent when the bot should detect it


class GatewayRequest(TypedDict):
    sender: str  # the conversation's id
    message: str  # what the citizen wrote, or a button's payload
    metadata: RequestMetadata


class Button(TypedDict):
    title: str
    payload: str


class BotMessage(TypedDict, total=False):
    recipient_id: str
    text: str
    buttons: list[Button]
    custom: dict[str, Any]
    image: str
    attachment: str


class Intent(TypedDict):
    name: str
    confidence: float


class GatewayReply(TypedDict):
    messages: list[BotMessage]
    intent: Intent | None  # None when Rasa understood nothing (or failed first)
    slots: dict[str, Any]  # the tracker's slots after this very message


def request_to_wire(
    sender: str, message: str, *, channel: str, lang: str | None = None
) -> GatewayRequest:
    """The body of the gateway's call for one citizen message.

    Args:
        sender: the conversation's id.
        message: what the citizen wrote.
        channel: where the citizen wrote (``web``, ``wechat``...).
        lang: the language the citizen chose, or None to let the bot detect it.

    Returns:
        The request, ready to be encoded as JSON.
    """
    metadata: RequestMetadata = {"channel": channel}
    if lang:
        metadata["lang"] = lang
    return {"sender": sender, "message": message, "metadata": metadata}


def request_from_wire(body: object) -> GatewayRequest:
    """Checks the body of a call to the gateway channel.

    ``metadata`` may be left out (it reads as ``{}``), as Rasa's REST channel allows;
    it may hold keys beyond the contract's, which Rasa keeps with the message.

    Args:
        body: the decoded JSON body.

    Returns:
        The request, typed.

    Raises:
        ContractError: a key is missing or has the wrong type; the message names it.
    """
    if type(body) is not dict:
        raise ContractError(f"gateway request: expected an object, got {_kind(body)}")
    sender = body.get("sender")
    if type(sender) is not str:
        raise _wrong("gateway request", "sender", "a string", body)
    message = body.get("message")
    if type(message) is not str:
        raise _wrong("gateway request", "message", "a string", body)
    metadata = body.get("metadata")
    if metadata is None:
        metadata = {}
    elif type(metadata) is not dict:
        raise _wrong("gateway request", "metadata", "an object", body)
    else:
        for key in ("channel", "lang"):
            value = metadata.get(key)
            if value is not None and type(value) is not str:
                raise _wrong("gateway request", "metadata", "a string", metadata, key)
    # Checked above; a cast would cost a call on every message.
    checked: RequestMetadata = metadata  # type: ignore[assignment]
    return {"sender": sender, "message": message, "metadata": checked}


def intent_to_wire(name: str | None, confidence: float | None) -> Intent | None:
    """The intent of a turn as the reply carries it: None when there is no name."""
    if not name:
        return None
    return {"name": name, "confidence": float(confidence or 0)}


def reply_to_wire(
    messages: list[BotMessage], intent: Intent | None, slots: dict[str, Any]
) -> GatewayReply:
    """The gateway channel's answer to one message.

    Args:
        messages: what the bot uttered, as Rasa's collecting output channel holds it.
        intent: the intent of the turn (``intent_to_wire``), or None.
        slots: the tracker's slots after the turn.

    Returns:
        The reply, ready to be encoded as JSON.
    """
    return {"messages": messages, "intent": intent, "slots": slots}


def reply_from_wire(body: object) -> GatewayReply:
    """Checks the gateway channel's answer to one message.

    Args:
        body: the decoded JSON body.

    Returns:
        The same dictionary, typed.

    Raises:
        ContractError: a key is missing or has the wrong type; the message names it.
    """
    if type(body) is not dict:
        raise ContractError(f"gateway reply: expected an object, got {_kind(body)}")
    if "messages" not in body or "intent" not in body or "slots" not in body:
        missing = [key for key in GatewayReply.__annotations__ if key not in body]
        raise ContractError(
            f"gateway reply: missing {', '.join(map(repr, missing))} "
            f"(it has {_keys(body)})"
        )
    messages = body["messages"]
    if type(messages) is not list:
        raise _wrong("gateway reply", "messages", "a list", body)
    for index, message in enumerate(messages):
        if type(message) is not dict:
            raise _wrong("gateway reply", "messages", "an object", messages, index)
        _check_message(message, f"messages[{index}]")
    intent = body["intent"]
    if intent is not None:
        if type(intent) is not dict:
            raise _wrong("gateway reply", "intent", "an object or null", body)
        if type(intent.get("name")) is not str:
            raise _wrong("gateway reply", "intent", "a string", intent, "name")
        confidence = intent.get("confidence")
        # JSON decoders give an int for 1 and 0; a bool is not a confidence.
        if type(confidence) is not float and type(confidence) is not int:
            raise _wrong("gateway reply", "intent", "a number", intent, "confidence")
    if type(body["slots"]) is not dict:
        raise _wrong("gateway reply", "slots", "an object", body)
    return body  # type: ignore[return-value]  # checked above


def handoff_payload() -> dict[str, Any]:
    """The custom message (``json_message``) that hands the conversation to a person."""
    return {_HANDOFF: True}


def asks_for_handoff(message: BotMessage) -> bool:
    """Whether ``message`` is the custom message of ``handoff_payload``."""
    custom = message.get("custom")
    return bool(custom and custom.get(_HANDOFF))


def _check_message(message: dict[str, Any], where: str) -> None:
    # Absent keys are the common case: Rasa leaves out what an utterance did not set.
    for key in ("text", "image", "attachment"):
        value = message.get(key)
        if value is not None and type(value) is not str:
            raise _wrong("gateway reply", where, "a string", message, key)
    custom = message.get("custom")
    if custom is not None and type(custom) is not dict:
        raise _wrong("gateway reply", where, "an object", message, "custom")
    buttons = message.get("buttons")
    if buttons is None:
        return
    if type(buttons) is not list:
        raise _wrong("gateway reply", where, "a list", message, "buttons")
    for number, button in enumerate(buttons):
        if type(button) is not dict:
            raise _wrong(
                "gateway reply", f"{where}.buttons", "an object", buttons, number
            )
        if type(button.get("title")) is not str:
            raise _wrong(
                "gateway reply",
                f"{where}.buttons[{number}]",
                "a string",
                button,
                "title",
            )
        if type(button.get("payload")) is not str:
            raise _wrong(
                "gateway reply",
                f"{where}.buttons[{number}]",
                "a string",
                button,
                "payload",
            )


def _wrong(
    what: str,
    where: str,
    expected: str,
    holder: dict[str, Any] | list[Any],
    key: str | int | None = None,
) -> ContractError:
    """The error for ``holder[key]`` (``holder[where]`` without ``key``).

    Args:
        what: the payload, for the message ("gateway reply").
        where: the path of ``holder`` in the payload (of the value if no ``key``).
        expected: what the value should have been ("a string").
        holder: the object or list that should hold the value.
        key: the value's key in ``holder``; None when ``where`` names it.
    """
    if key is None:
        path, key = where, where
    else:
        path = f"{where}[{key}]" if type(key) is int else f"{where}.{key}"
    if type(holder) is dict and key not in holder:
        return ContractError(f"{what}: {path!r} is missing (it has {_keys(holder)})")
    value = holder[key]  # type: ignore[index]
    return ContractError(f"{what}: {path!r} must be {expected}, got {_kind(value)}")


def _keys(holder: dict[str, Any]) -> str:
    return ", ".join(map(repr, holder)) or "no key"


def _kind(value: object) -> str:
    return "null" if value is None else type(value).__name__
