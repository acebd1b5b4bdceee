"""Each request takes at most one connection from the pool.

A request that holds a connection and waits for a second one can wait for ever once
every connection is held by such requests: under load the gateway stalls for the pool's
timeout and answers 500.
"""

from __future__ import annotations

import uuid

import httpx
import pytest

from api.main import create_app
from api.rasa_client import RasaClient
from harness.servers import free_port
from tests.support.live import serve
from tests.support.pools import one_connection_engine


@pytest.fixture
def one_connection_gateway(engine, agent_token):
    one_connection = one_connection_engine(engine.url)
    nowhere = f"http://127.0.0.1:{free_port()}"
    app = create_app(
        one_connection,
        rasa=RasaClient(nowhere, "nobody-listens"),
        action_server_url=nowhere,
    )
    with (
        serve(app) as url,
        httpx.Client(
            base_url=url,
            timeout=30,
            headers={"Authorization": f"Bearer {agent_token}"},
        ) as client,
    ):
        yield client
    one_connection.dispose()


def test_a_work_order_and_a_suggestion_each_need_one_pooled_connection(
    one_connection_gateway,
):
    # The classifier is built at the first work order, while its request holds the
    # pool's only connection.
    created = one_connection_gateway.post(
        "/api/v1/work-orders",
        json={
            "description": "小区门口共享单车乱停，盲道都被占了",
            "district": "杨浦区",
            "address": "国权路",
        },
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert created.status_code == 201, created.text
    # Authentication reads the token through the request's connection; the
    # suggestion reads the catalogue through the same one.
    suggested = one_connection_gateway.post(
        "/api/v1/agent/suggest", json={"text": "来电人问办护照要带什么材料"}
    )
    assert suggested.status_code == 200, suggested.text
    assert suggested.json()["suggestions"]
