"""The gateway↔Rasa wire contract alone: its shape, pinned, and what its readers reject.

A change of shape must be made on purpose: it fails ``test_*_shape_is_pinned`` here, and
``test_gateway_round_trip.py`` shows that both sides then follow it.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest

from contracts.rasa_gateway import (
    WEBHOOK_PATH,
    ContractError,
    GatewayReply,
    GatewayRequest,
    asks_for_handoff,
    handoff_payload,
    intent_to_wire,
    reply_from_wire,
    reply_to_wire,
    request_from_wire,
    request_to_wire,
)

REQUEST = {
    "sender": "web-1",
    "message": "居住证",
    "metadata": {"channel": "wechat", "lang": "en"},
}
REPLY = {
    "messages": [
        {
            "recipient_id": "web-1",
            "text": "您想了解哪方面？",
            "buttons": [
                {"title": "办理材料", "payload": "/ask_materials"},
                {"title": "办理地点", "payload": "/ask_location"},
            ],
        },
        {"recipient_id": "web-1", "custom": {"handoff": True}},
    ],
    "intent": {"name": "ask_service_guide", "confidence": 0.93},
    "slots": {"service": "residence-permit", "language": "zh"},
}


def test_request_shape_is_pinned():
    assert WEBHOOK_PATH == "/webhooks/gateway/webhook"
    assert request_to_wire("web-1", "居住证", channel="wechat", lang="en") == REQUEST


def test_request_without_lang_leaves_it_out():
    request = request_to_wire("web-1", "居住证", channel="web")
    assert request["metadata"] == {"channel": "web"}


def test_reply_shape_is_pinned():
    reply = reply_to_wire(
        copy.deepcopy(REPLY["messages"]),
        intent_to_wire("ask_service_guide", 0.93),
        {"service": "residence-permit", "language": "zh"},
    )
    assert reply == REPLY


def test_reply_type_declares_the_keys_the_writer_writes():
    assert set(reply_to_wire([], None, {})) == GatewayReply.__required_keys__
    assert set(request_to_wire("s", "m", channel="web")) == (
        GatewayRequest.__required_keys__
    )


def test_intent_without_name_is_null_and_confidence_a_float():
    assert intent_to_wire(None, 0.5) is None
    assert intent_to_wire("", 0.5) is None
    assert intent_to_wire("greet", None) == {"name": "greet", "confidence": 0.0}


def test_request_from_wire_reads_what_request_to_wire_writes():
    written = request_to_wire("web-1", "居住证", channel="wechat", lang="en")
    assert request_from_wire(written) == REQUEST


def test_request_from_wire_reads_missing_metadata_as_empty():
    read = request_from_wire({"sender": "s", "message": "你好"})
    assert read == {"sender": "s", "message": "你好", "metadata": {}}


def test_request_from_wire_keeps_metadata_beyond_the_contract():
    body = {**REQUEST, "metadata": {"channel": "web", "trace": "abc"}}
    assert request_from_wire(body)["metadata"] == {"channel": "web", "trace": "abc"}


@pytest.mark.parametrize("key", sorted(GatewayRequest.__required_keys__ - {"metadata"}))
def test_request_from_wire_rejects_a_missing_key_by_name(key):
    body = {k: v for k, v in REQUEST.items() if k != key}
    with pytest.raises(ContractError, match=f"gateway request: '{key}' is missing"):
        request_from_wire(body)


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (
            {"sender": "s", "text": "你好"},
            "'message' is missing (it has 'sender', 'text')",
        ),
        ({"sender": 7, "message": "你好"}, "'sender' must be a string, got int"),
        ({**REQUEST, "metadata": []}, "'metadata' must be an object, got list"),
        (
            {**REQUEST, "metadata": {"channel": 1}},
            "'metadata.channel' must be a string, got int",
        ),
        ([REQUEST], "expected an object, got list"),
    ],
)
def test_request_from_wire_rejects_a_wrong_shape_naming_the_key(body, error):
    with pytest.raises(ContractError) as raised:
        request_from_wire(body)
    assert str(raised.value) == f"gateway request: {error}"


def test_reply_from_wire_returns_the_reply_itself():
    reply = copy.deepcopy(REPLY)
    assert reply_from_wire(reply) is reply


def test_reply_from_wire_ignores_keys_it_does_not_know():
    # A newer bot may add a key before the gateway reads it.
    reply = {**copy.deepcopy(REPLY), "active_loop": "complaint_form"}
    reply["messages"][0]["timestamp"] = 1.5
    assert reply_from_wire(reply) is reply


@pytest.mark.parametrize("key", sorted(GatewayReply.__required_keys__))
def test_reply_from_wire_rejects_a_missing_key_by_name(key):
    reply = {k: v for k, v in REPLY.items() if k != key}
    with pytest.raises(ContractError, match=f"gateway reply: missing '{key}'"):
        reply_from_wire(reply)


def test_reply_from_wire_rejects_a_renamed_key_naming_both():
    reply = copy.deepcopy(REPLY)
    reply["state"] = reply.pop("slots")
    with pytest.raises(ContractError) as raised:
        reply_from_wire(reply)
    assert str(raised.value) == (
        "gateway reply: missing 'slots' (it has 'messages', 'intent', 'state')"
    )


def _changed(path: str, value: object) -> dict:
    """``REPLY`` with the value at ``path`` (keys and indexes, dotted) replaced."""
    reply = copy.deepcopy(REPLY)
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    holder = reply
    for part in parents:
        holder = holder[part]
    if value is _DELETED:
        del holder[last]
    else:
        holder[last] = value
    return reply


_DELETED = object()


WRONG_TYPES = [
    ("messages", {}, "'messages' must be a list, got dict"),
    ("messages.0", "hi", "'messages[0]' must be an object, got str"),
    ("messages.0.text", 5, "'messages[0].text' must be a string, got int"),
    ("messages.0.buttons", {}, "'messages[0].buttons' must be a list, got dict"),
    (
        "messages.0.buttons.1",
        "办理地点",
        "'messages[0].buttons[1]' must be an object, got str",
    ),
    (
        "messages.0.buttons.1.payload",
        _DELETED,
        "'messages[0].buttons[1].payload' is missing (it has 'title')",
    ),
    (
        "messages.0.buttons.0.title",
        None,
        "'messages[0].buttons[0].title' must be a string, got null",
    ),
    ("messages.1.custom", [], "'messages[1].custom' must be an object, got list"),
    ("intent", "greet", "'intent' must be an object or null, got str"),
    (
        "intent.name",
        _DELETED,
        "'intent.name' is missing (it has 'confidence')",
    ),
    (
        "intent.confidence",
        "0.93",
        "'intent.confidence' must be a number, got str",
    ),
    ("intent.confidence", True, "'intent.confidence' must be a number, got bool"),
    ("slots", None, "'slots' must be an object, got null"),
]


@pytest.mark.parametrize(
    ("path", "value", "error"), WRONG_TYPES, ids=[c[0] for c in WRONG_TYPES]
)
def test_reply_from_wire_rejects_a_wrong_type_naming_the_key(path, value, error):
    with pytest.raises(ContractError) as raised:
        reply_from_wire(_changed(path, value))
    assert str(raised.value) == f"gateway reply: {error}"


def test_reply_from_wire_takes_a_null_intent_and_a_whole_confidence():
    assert reply_from_wire(_changed("intent", None))["intent"] is None
    assert (
        reply_from_wire(_changed("intent.confidence", 1))["intent"]["confidence"] == 1
    )


def test_reply_from_wire_rejects_what_is_not_an_object():
    with pytest.raises(
        ContractError, match="gateway reply: expected an object, got list"
    ):
        reply_from_wire([REPLY])


def test_contract_error_is_a_value_error():
    # Callers that catch a bad payload as ValueError keep doing so.
    assert issubclass(ContractError, ValueError)


def test_handoff_payload_is_what_asks_for_handoff_reads():
    assert asks_for_handoff({"custom": handoff_payload()})
    assert not asks_for_handoff({"text": "您好"})
    assert not asks_for_handoff({"custom": {"handoff": False}})
    assert not asks_for_handoff({"custom": {}})


def test_contract_imports_no_framework_and_no_adapter():
    """Both Rasa and the gateway load it: it must cost neither the other's framework."""
    forbidden = ("rasa", "rasa_sdk", "fastapi", "starlette", "sanic", "pydantic")
    adapters = ("api", "bot", "actions", "cli")
    code = (
        "import sys, contracts.rasa_gateway\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert not set(loaded) & {*forbidden, *adapters}
