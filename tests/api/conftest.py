from __future__ import annotations

import httpx
import pytest

from api.main import create_app
from tests.support.live import serve


@pytest.fixture(scope="session")
def base_url(engine):
    with serve(create_app(engine)) as url:
        yield url


@pytest.fixture
def client(base_url):
    with httpx.Client(base_url=base_url, timeout=30) as client:
        yield client
