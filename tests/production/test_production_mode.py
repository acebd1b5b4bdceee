"""Production mode is settings alone: Rasa's stores, shared gateway state, safe retries."""

from __future__ import annotations

import concurrent.futures
import time
import uuid
from urllib.parse import urlsplit

import httpx
import pytest
import sqlalchemy
import yaml

from foundation.internal_token import HEADER
from foundation.rasa_endpoints import endpoints_config
from foundation.settings import Settings

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

TOKEN = "the-internal-token-rasa-must-send-to-actions"


def test_embedded_settings_keep_rasa_in_memory():
    config = endpoints_config(
        Settings(action_server_url="http://127.0.0.1:5055", internal_token=TOKEN)
    )
    assert config == {
        "action_endpoint": {
            "url": "http://127.0.0.1:5055/webhook",
            "enable_selective_domain": True,
            "headers": {HEADER: TOKEN},
        },
        # Rasa's in-memory store, handing the gateway channel its trackers.
        "tracker_store": {"type": "bot.tracker_store.GatewayInMemoryTrackerStore"},
    }


def test_store_urls_become_the_counting_sql_tracker_and_atomic_redis_lock_stores():
    config = endpoints_config(
        Settings(
            action_server_url="http://hotline-actions:5055/",
            tracker_store_url="postgresql+psycopg2://rasa:p%40ss@db:6543/rasa_tracker",
            lock_store_url="redis://:secret@cache:6380/1",
            internal_token=TOKEN,
        )
    )
    assert config["action_endpoint"] == {
        "url": "http://hotline-actions:5055/webhook",
        "enable_selective_domain": True,
        "headers": {HEADER: TOKEN},
    }
    assert config["tracker_store"] == {
        "type": "bot.tracker_store.CountingSQLTrackerStore",
        "dialect": "postgresql",
        "url": "db",
        "port": 6543,
        "db": "rasa_tracker",
        "username": "rasa",
        "password": "p@ss",
    }
    assert config["lock_store"] == {
        "type": "bot.lock_store.AtomicRedisLockStore",
        "url": "cache",
        "port": 6380,
        "db": 1,
        "password": "secret",
    }


def test_the_running_replicas_use_the_stores_the_settings_name(topology):
    written = yaml.safe_load((topology.logs / "endpoints.yml").read_text())
    assert written["tracker_store"]["db"] == "rasa_tracker"
    assert written["lock_store"]["port"] == urlsplit(topology.redis_url).port
    engine = sqlalchemy.create_engine(topology.tracker_store_url)
    try:
        with engine.connect() as connection:
            tables = sqlalchemy.inspect(connection).get_table_names()
    finally:
        engine.dispose()
    assert "events" in tables


def test_a_catalogue_change_on_one_replica_reaches_the_other(replicas, admin_token_pg):
    code = f"test-service-{uuid.uuid4().hex[:8]}"
    name = f"测试事项{uuid.uuid4().hex[:6]}"
    one, two = (r.gateway_url for r in replicas.replicas)
    # The other replica's index is built before the change.
    assert code not in _search(two, name)
    created = httpx.post(
        f"{one}/api/v1/services",
        json={
            "code": code,
            "name": name,
            "department": "psb",
            "category": "测试",
            "summary": f"{name}的办事指南",
            "steps": [{"title": "提交申请", "detail": "测试步骤"}],
            "source": "tests/production",
            "notice": "测试数据",
            "updated_at": "2026-01-01",
        },
        headers={"Authorization": f"Bearer {admin_token_pg}"},
        timeout=60,
    )
    assert created.status_code == 201, created.text
    try:
        deadline = time.monotonic() + 30
        while code not in _search(two, name):
            assert time.monotonic() < deadline, "replica 2 never saw the new service"
            time.sleep(1)
    finally:
        httpx.delete(
            f"{one}/api/v1/services/{code}",
            headers={"Authorization": f"Bearer {admin_token_pg}"},
            timeout=60,
        )


@pytest.mark.parametrize("path", ["/api/v1/applications", "/api/v1/work-orders"])
def test_racing_requests_with_one_idempotency_key_create_one_record(replicas, path):
    bodies = {
        "/api/v1/applications": {
            "service_code": "residence-permit",
            "applicant_name": "张伟",
            "id_number": "310104199001011233",
            "phone": "13812345678",
            "district": "徐汇区",
            "consent": True,
        },
        "/api/v1/work-orders": {
            "description": "小区门口路灯坏了一个星期，晚上很黑",
            "anonymous": True,
        },
    }
    gateways = [r.gateway_url for r in replicas.replicas]
    for round_ in range(5):
        key = f"race-{uuid.uuid4().hex}"

        def create(n: int, key: str = key) -> httpx.Response:
            return httpx.post(
                gateways[n % 2] + path,
                json=bodies[path],
                headers={"Idempotency-Key": key},
                timeout=60,
            )

        with concurrent.futures.ThreadPoolExecutor(6) as pool:
            answers = list(pool.map(create, range(6)))
        assert [a.status_code for a in answers] == [201] * 6, round_
        assert len({a.json()["number"] for a in answers}) == 1


def _search(gateway: str, query: str) -> list[str]:
    answer = httpx.get(
        f"{gateway}/api/v1/services", params={"q": query, "limit": 5}, timeout=60
    )
    answer.raise_for_status()
    return [hit["code"] for hit in answer.json()["results"]]


@pytest.fixture(scope="module")
def admin_token_pg(topology) -> str:
    from foundation.db import make_engine, session_scope
    from privacy.auth import create_token

    engine = make_engine(topology.database_url)
    try:
        with session_scope(engine) as session:
            return create_token(session, "admin", "production-tests")
    finally:
        engine.dispose()
