from __future__ import annotations

import httpx
import pytest

from api.main import create_app
from api.rasa_client import RasaClient
from harness.servers import free_port
from tests.support.live import serve


@pytest.fixture(scope="session")
def base_url(engine):
    # Nothing listens on these ports: the gateway without Rasa, as when Rasa is down.
    nowhere = f"http://127.0.0.1:{free_port()}"
    with serve(
        create_app(
            engine,
            rasa=RasaClient(nowhere, "nobody-listens"),
            action_server_url=nowhere,
        )
    ) as url:
        yield url


@pytest.fixture
def client(base_url):
    with httpx.Client(base_url=base_url, timeout=30) as client:
        yield client
