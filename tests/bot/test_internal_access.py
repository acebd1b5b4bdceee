"""The real Rasa server answers the assistant's own processes only.

Anyone else who reached its port could read a conversation's slots (ID and phone
numbers), replace the model, or talk for a citizen whom the gateway has muted; every
route but ``/`` wants the internal token (``bot/internal_access.py``).
"""

from __future__ import annotations

import uuid

import httpx
import pytest

from contracts.rasa_gateway import WEBHOOK_PATH
from foundation.internal_token import HEADER

pytestmark = pytest.mark.slow

WRONG = {HEADER: "a-guess-at-the-internal-token-00000"}
# Each call of Rasa's that an attacker wanted, with its body.
ATTACKS = {
    "read-tracker": ("GET", "/conversations/{victim}/tracker", None),
    "replace-model": ("PUT", "/model", {"model_file": "/nowhere/model.tar.gz"}),
    "parse": ("POST", "/model/parse", {"text": "我的身份证号是110101199003071234"}),
    "rest-channel": (
        "POST",
        "/webhooks/rest/webhook",
        {"sender": "{victim}", "message": "你好"},
    ),
    "gateway-channel": (
        "POST",
        WEBHOOK_PATH,
        {"sender": "{victim}", "message": "你好"},
    ),
    "status": ("GET", "/status", None),
}


@pytest.fixture(scope="module")
def victim(stack) -> str:
    """A conversation with a slot set, started by the gateway (with the token)."""
    sender = f"web-{uuid.uuid4().hex[:12]}"
    answer = httpx.post(
        stack.rasa_url + WEBHOOK_PATH,
        json={"sender": sender, "message": "刚来上海工作，居住证要怎么办"},
        headers=stack.internal_headers,
        timeout=60,
    )
    assert answer.status_code == 200, answer.text
    return sender


def _call(stack, victim: str, attack: str, headers: dict[str, str]) -> httpx.Response:
    method, path, body = ATTACKS[attack]
    if body is not None:
        body = {k: v.format(victim=victim) for k, v in body.items()}
    return httpx.request(
        method,
        stack.rasa_url + path.format(victim=victim),
        json=body,
        headers=headers,
        timeout=60,
    )


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("headers", [{}, WRONG], ids=["no-token", "wrong-token"])
def test_a_call_without_the_internal_token_is_refused(stack, victim, attack, headers):
    answer = _call(stack, victim, attack, headers)
    assert answer.status_code == 401
    assert answer.json()["error"] == "unauthorized"
    assert "residence-permit" not in answer.text


def test_the_gateway_with_the_internal_token_reads_the_tracker(stack, victim):
    answer = _call(stack, victim, "read-tracker", stack.internal_headers)
    assert answer.status_code == 200
    assert answer.json()["slots"]["service"] == "residence-permit"


def test_the_tests_rest_channel_answers_with_the_internal_token(stack, victim):
    answer = _call(stack, victim, "rest-channel", stack.internal_headers)
    assert answer.status_code == 200
    assert answer.json()


def test_liveness_answers_without_the_token(stack):
    assert httpx.get(stack.rasa_url + "/", timeout=30).status_code == 200
