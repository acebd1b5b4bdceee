"""The action server, started as ``python -m actions``, answers the assistant's Rasa only.

Without the internal token, a call that reached port 5055, from a script or from a web
page in a visitor's browser (a ``text/plain`` POST needs no CORS preflight), could run
``action_handoff`` for another citizen's conversation and queue it for an agent.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy.engine import Engine

from contact_centre.conversations import open_handoff
from foundation.db import session_scope
from foundation.internal_token import HEADER, internal_token
from foundation.settings import get_settings
from foundation.topology import LOOPBACK, action_server, this_machine
from harness.processes import start, terminate, wait_ready
from harness.servers import free_port


@pytest.fixture(scope="module")
def actions_url(engine: Engine, database_url: str, tmp_path_factory) -> Iterator[str]:
    """The real action server on the test database, sharing this process's dev token."""
    settings = get_settings()
    described = action_server(
        this_machine(),
        host=LOOPBACK,
        port=free_port(),
        env={
            "HOTLINE_DATABASE_URL": database_url,
            "HOTLINE_VAR_DIR": str(settings.var_dir),
        },
    )
    logs = tmp_path_factory.mktemp("actions-logs")
    running = start(described, logs)
    try:
        wait_ready(described, running, logs=logs)
        yield described.url
    finally:
        terminate(running)


def _handoff_call(sender_id: str) -> dict:
    """What Rasa sends to run ``action_handoff`` for ``sender_id``."""
    return {
        "next_action": "action_handoff",
        "sender_id": sender_id,
        "version": "3.6.2",
        "domain": {},
        "tracker": {
            "sender_id": sender_id,
            "slots": {"language": "zh"},
            "latest_message": {"text": "转人工", "intent": {}, "entities": []},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }


def _queued(engine: Engine, sender_id: str) -> bool:
    with session_scope(engine) as session:
        return open_handoff(session, sender_id) is not None


@pytest.mark.parametrize(
    ("content_type", "headers"),
    [
        ("application/json", {}),
        ("text/plain", {}),
        ("application/json", {HEADER: "a-guess-at-the-internal-token-00000"}),
    ],
    ids=["script", "web-page", "wrong-token"],
)
def test_a_forged_handoff_is_refused_and_queues_no_one(
    actions_url, engine, content_type, headers
):
    victim = f"web-{uuid.uuid4().hex[:12]}"
    answer = httpx.post(
        f"{actions_url}/webhook",
        content=json.dumps(_handoff_call(victim)),
        headers={"Content-Type": content_type, **headers},
        timeout=30,
    )
    assert answer.status_code == 401
    assert answer.json()["error"] == "unauthorized"
    assert not _queued(engine, victim)


def test_rasa_with_the_internal_token_runs_the_action(actions_url, engine):
    citizen = f"web-{uuid.uuid4().hex[:12]}"
    answer = httpx.post(
        f"{actions_url}/webhook",
        json=_handoff_call(citizen),
        headers={HEADER: internal_token(get_settings())},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    assert _queued(engine, citizen)


def test_the_list_of_actions_is_not_given_to_strangers(actions_url):
    assert httpx.get(f"{actions_url}/actions", timeout=30).status_code == 401


def test_health_answers_the_probes_without_the_token(actions_url):
    assert httpx.get(f"{actions_url}/health", timeout=30).status_code == 200


def test_no_web_page_is_allowed_to_call_it(actions_url):
    preflight = httpx.options(
        f"{actions_url}/webhook",
        headers={
            "Origin": "https://attacker.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": HEADER,
        },
        timeout=30,
    )
    assert "access-control-allow-origin" not in preflight.headers
