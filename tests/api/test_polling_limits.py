"""The widget's polling has its own limit, per session, over real HTTP (issue 25,
hole 8).

Before: every poll (one per open widget every 2 s) spent the shared per-address limit,
so citizens behind one NAT locked each other out of the whole API.
"""

from __future__ import annotations

import httpx
import pytest

from api.main import create_app
from api.middleware import RateLimits
from api.rasa_client import RasaClient
from harness.servers import free_port
from tests.support.chat import issued_session
from tests.support.live import serve

PER_IP = 3
POLLS_PER_SESSION = 4
POLLS_PER_IP = 40


@pytest.fixture
def limited(engine):
    nowhere = f"http://127.0.0.1:{free_port()}"
    app = create_app(
        engine, rasa=RasaClient(nowhere, "nobody-listens"), action_server_url=nowhere
    )
    app.state.limits = RateLimits(
        "memory://",
        f"{PER_IP}/minute",
        "1000/minute",
        "1000/minute",
        polling_per_session=f"{POLLS_PER_SESSION}/minute",
        polling_per_ip=f"{POLLS_PER_IP}/minute",
    )
    with serve(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


def _poll(client: httpx.Client, session: str) -> httpx.Response:
    return client.get(f"/api/v1/chat/{session}/messages", params={"after": 0})


def _session() -> str:
    """What a citizen's widget holds: a session the gateway issued."""
    return issued_session().token


def test_many_sessions_polling_from_one_address_leave_its_limit_alone(limited):
    # Ten citizens behind one NAT, each polling at its own pace: 30 polls in all, ten
    # times the address's limit.
    citizens = [_session() for _ in range(10)]
    for _ in range(POLLS_PER_SESSION - 1):
        for citizen in citizens:
            assert _poll(limited, citizen).status_code == 200
    # The address's own calls are still all there.
    for _ in range(PER_IP):
        assert limited.get("/api/v1/services", params={"q": "护照"}).status_code == 200
    assert limited.get("/api/v1/services", params={"q": "护照"}).status_code == 429


def test_one_session_polling_too_fast_gets_429(limited):
    eager = _session()
    for _ in range(POLLS_PER_SESSION):
        assert _poll(limited, eager).status_code == 200
    refused = _poll(limited, eager)
    assert refused.status_code == 429
    assert refused.json() == {
        "error": "too_many_requests",
        "detail": "slow down: this conversation is polled too often",
    }
    assert refused.headers["Retry-After"]
    # Another session, and the address's other calls, go on.
    assert _poll(limited, _session()).status_code == 200
    assert limited.get("/api/v1/services", params={"q": "护照"}).status_code == 200


def test_polling_made_up_sessions_stops_at_the_addresss_polling_ceiling(limited):
    # Made up, they read nothing (404), but each is counted before any route runs.
    answers = [_poll(limited, f"web-made-up-{n}").status_code for n in range(45)]
    assert answers[:POLLS_PER_IP] == [404] * POLLS_PER_IP
    assert set(answers[POLLS_PER_IP:]) == {429}


def test_the_polling_limits_are_settings(monkeypatch):
    from foundation.settings import Settings

    monkeypatch.setenv("HOTLINE_RATE_LIMIT_POLLING_PER_SESSION", "7/minute")
    monkeypatch.setenv("HOTLINE_RATE_LIMIT_POLLING_PER_IP", "70/minute")
    settings = Settings()
    assert settings.rate_limit_polling_per_session == "7/minute"
    assert settings.rate_limit_polling_per_ip == "70/minute"
