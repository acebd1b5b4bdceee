"""The per-IP rate limit, over real HTTP."""

from __future__ import annotations

import httpx
import pytest

from api.main import create_app
from api.middleware import RateLimits
from api.rasa_client import RasaClient
from tests.support.live import serve
from tests.support.servers import free_port

PER_IP = 3


@pytest.fixture
def limited(engine):
    nowhere = f"http://127.0.0.1:{free_port()}"
    app = create_app(engine, rasa=RasaClient(nowhere), action_server_url=nowhere)
    app.state.limits = RateLimits("memory://", f"{PER_IP}/minute", "1000/minute")
    with serve(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


def test_api_calls_over_the_per_ip_rate_get_429_with_a_clear_answer(limited):
    for _ in range(PER_IP):
        assert limited.get("/api/v1/services", params={"q": "护照"}).status_code == 200
    refused = limited.get("/api/v1/services", params={"q": "护照"})
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "60"
    assert refused.json()["error"] == "too_many_requests"
    # A chat message over the rate is refused before any route runs.
    chat = limited.post("/api/v1/chat", json={"session_id": "s-1", "text": "你好"})
    assert chat.status_code == 429


def test_pages_metrics_and_wechat_callbacks_are_not_limited_per_ip(limited):
    for _ in range(PER_IP):
        limited.get("/api/v1/services", params={"q": "护照"})
    assert limited.get("/api/v1/services").status_code == 429
    assert limited.get("/metrics").status_code == 200
    assert limited.get("/").status_code == 200
    # Unsigned: refused for its signature, not for the rate.
    assert limited.post("/api/v1/wechat", content=b"<xml/>").status_code not in (
        429,
        500,
    )
