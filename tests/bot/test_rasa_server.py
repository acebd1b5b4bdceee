"""Rasa with action answers validated by a validator compiled once."""

from __future__ import annotations

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from bot.rasa_server import validate_action_results_once_compiled

ANSWERS = [
    {"events": [], "responses": []},
    {
        "events": [{"event": "slot", "name": "service", "value": "passport"}],
        "responses": [
            {"text": "办理护照", "buttons": [{"title": "材料", "payload": "/x"}]}
        ],
    },
    {"events": "not a list", "responses": []},
    {"events": [{"name": "no event type"}], "responses": []},
    {"events": [{"event": "slot", "name": 3}], "responses": []},
]


@pytest.fixture
def patched(monkeypatch) -> RemoteAction:
    # Registered first so that the test's end puts Rasa's own method back.
    monkeypatch.setattr(
        RemoteAction, "_validate_action_result", RemoteAction._validate_action_result
    )
    validate_action_results_once_compiled()
    return RemoteAction("action_service_guidance", None)


def _verdict_of_jsonschema(answer: dict) -> bool:
    try:
        jsonschema.validate(answer, RemoteAction.action_response_format_spec())
        return True
    except jsonschema.ValidationError:
        return False


@pytest.mark.parametrize("answer", ANSWERS)
def test_compiled_validator_gives_the_verdict_of_jsonschema_validate(patched, answer):
    try:
        verdict = patched._validate_action_result(answer)
    except jsonschema.ValidationError:
        verdict = False
    assert verdict == _verdict_of_jsonschema(answer)


def test_invalid_answer_still_names_the_custom_actions_documentation(patched):
    with pytest.raises(jsonschema.ValidationError, match="custom-actions"):
        patched._validate_action_result({"events": "not a list"})
