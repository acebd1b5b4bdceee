"""``/metrics``: for the scraper holding the metrics token only, and off without one."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from api.main import create_app
from api.rasa_client import RasaClient
from foundation.settings import get_settings
from harness.servers import free_port

METRICS_TOKEN = "the-metrics-token-prometheus-scrapes-with"


@pytest.fixture
def gateway(engine, monkeypatch):
    """The gateway configured by environment, ``HOTLINE_METRICS_TOKEN`` as given."""

    def build(metrics_token: str) -> TestClient:
        monkeypatch.setenv("HOTLINE_METRICS_TOKEN", metrics_token)
        get_settings.cache_clear()
        nowhere = f"http://127.0.0.1:{free_port()}"
        return TestClient(
            create_app(
                engine,
                rasa=RasaClient(nowhere, "nobody-listens"),
                action_server_url=nowhere,
            )
        )

    yield build
    get_settings.cache_clear()


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer a-guess-at-the-metrics-token-0000000"},
        {"Authorization": f"Basic {METRICS_TOKEN}"},
    ],
    ids=["no-token", "wrong-token", "not-a-bearer"],
)
def test_metrics_without_the_token_are_refused(gateway, headers):
    """They tell anyone how busy the hotline is and what fails."""
    answer = gateway(METRICS_TOKEN).get("/metrics", headers=headers)
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == "Bearer"
    assert "hotline_" not in answer.text


def test_metrics_with_the_token_are_served(gateway):
    answer = gateway(METRICS_TOKEN).get(
        "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
    )
    assert answer.status_code == 200
    assert "hotline_http_requests_total" in answer.text


def test_metrics_are_not_served_without_a_metrics_token_setting(gateway):
    assert gateway("").get("/metrics").status_code == 404
