"""The rate limits per address and per agent, over real HTTP; the address is the
client's, a forwarded one only from a trusted proxy."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import time

import httpx
import pytest
import redis
import uvicorn
from pydantic import SecretStr
from starlette.testclient import TestClient
from starlette.types import ASGIApp

from api.main import create_app
from api.middleware import RateLimits
from api.rasa_client import RasaClient
from foundation import topology
from foundation.settings import get_settings
from harness.servers import free_port, redis_server
from tests.support.live import serve

PER_IP = 3
PER_AGENT = 6
METRICS_TOKEN = "the-metrics-token-prometheus-scrapes-with"
METRICS = {"Authorization": f"Bearer {METRICS_TOKEN}"}


@pytest.fixture
def limited(engine):
    nowhere = f"http://127.0.0.1:{free_port()}"
    app = create_app(
        engine, rasa=RasaClient(nowhere, "nobody-listens"), action_server_url=nowhere
    )
    app.state.limits = RateLimits(
        "memory://", f"{PER_IP}/minute", "1000/minute", f"{PER_AGENT}/minute"
    )
    app.state.metrics_token = SecretStr(METRICS_TOKEN)
    with serve(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


def _token(engine, name: str) -> str:
    from foundation.db import session_scope
    from privacy.auth import create_token

    with session_scope(engine) as session:
        return create_token(session, "agent", name)


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
    assert limited.get("/metrics", headers=METRICS).status_code == 200
    assert limited.get("/").status_code == 200
    # Unsigned: refused for its signature, not for the rate.
    assert limited.post("/api/v1/wechat", content=b"<xml/>").status_code not in (
        429,
        500,
    )


def test_agents_behind_one_address_are_counted_per_token_not_per_address(
    limited, engine
):
    agents = [
        {"Authorization": f"Bearer {_token(engine, name)}"} for name in ("李娜", "陈静")
    ]
    for _ in range(PER_IP + 2):
        for headers in agents:
            answer = limited.get("/api/v1/agent/handoffs", headers=headers)
            assert answer.status_code == 200
    # Citizens at that address are counted on their own.
    assert limited.get("/api/v1/services", params={"q": "护照"}).status_code == 200


def test_an_agent_over_the_per_agent_rate_gets_429(limited, engine):
    headers = {"Authorization": f"Bearer {_token(engine, '周敏')}"}
    statuses = [
        limited.get("/api/v1/agent/handoffs", headers=headers).status_code
        for _ in range(PER_AGENT + 2)
    ]
    assert statuses[-1] == 429 and statuses.count(200) <= PER_AGENT + 1


def test_forged_tokens_are_counted_per_address(limited):
    statuses = [
        limited.get(
            "/api/v1/agent/handoffs", headers={"Authorization": f"Bearer forged-{n}"}
        ).status_code
        for n in range(PER_IP + 1)
    ]
    assert statuses == [401] * PER_IP + [429]
    # A forged token does not take a public call out of the address's count either.
    public = limited.get(
        "/api/v1/services", params={"q": "护照"}, headers={"Authorization": "Bearer x"}
    )
    assert public.status_code == 429


def test_a_token_not_seen_accepted_for_a_while_is_counted_per_address_again():
    now = [0.0]
    limits = RateLimits(
        "memory://", "1/minute", "1000/minute", "1000/minute", lambda: now[0]
    )
    limits.accepted("hl_agent")

    async def calls() -> list[bool]:
        allowed = [
            await limits.allow_request("10.0.0.1", "hl_agent"),
            # Per token: not the address's.
            await limits.allow_request("10.0.0.1", "hl_agent"),
            await limits.allow_request("10.0.0.1", None),  # the address's one call
        ]
        now[0] += RateLimits.AGENT_KNOWN_FOR_S
        return [*allowed, await limits.allow_request("10.0.0.1", "hl_agent")]

    assert asyncio.run(calls()) == [True, True, True, False]


def test_a_rate_check_waiting_on_redis_holds_up_no_other_request(engine):
    nowhere = f"http://127.0.0.1:{free_port()}"
    app = create_app(
        engine, rasa=RasaClient(nowhere, "nobody-listens"), action_server_url=nowhere
    )
    with redis_server() as redis_url:
        app.state.limits = RateLimits(
            redis_url, "1000/minute", "1000/minute", "1000/minute"
        )
        app.state.metrics_token = SecretStr(METRICS_TOKEN)
        with serve(app) as url, httpx.Client(base_url=url, timeout=30) as client:
            assert (
                client.get("/api/v1/services", params={"q": "护照"}).status_code == 200
            )  # connected
            redis.StrictRedis.from_url(redis_url).client_pause(600)
            with concurrent.futures.ThreadPoolExecutor() as pool:
                checked = pool.submit(
                    client.get, "/api/v1/services", params={"q": "护照"}
                )
                time.sleep(0.1)  # that call now waits on Redis for its rate check
                started = time.monotonic()
                assert client.get("/metrics", headers=METRICS).status_code == 200
                unlimited_s = time.monotonic() - started
                assert checked.result().status_code == 200
    assert unlimited_s < 0.3


def test_calls_go_through_while_the_limits_store_is_down_or_stalled():
    down = RateLimits(
        f"redis://127.0.0.1:{free_port()}/0", "1/minute", "1/minute", "1/minute"
    )
    assert asyncio.run(down.allow_session("s-1"))
    with redis_server() as redis_url:
        stalled = RateLimits(redis_url, "1/minute", "1/minute", "1/minute")
        stalled.CHECK_TIMEOUT_S = 0.2

        async def checks() -> list[bool]:
            first = await stalled.allow_session("s-2")
            redis.StrictRedis.from_url(redis_url).client_pause(1000)
            return [first, await stalled.allow_session("s-2")]

        started = time.monotonic()
        # Over the limit, but the store cannot say so in time: let through.
        assert asyncio.run(checks()) == [True, True]
        assert time.monotonic() - started < 0.9


# --- whose address is counted ----------------------------------------------------------

CITIZEN = ("203.0.113.9", 50123)  # as the gateway's socket sees the caller
PROXY = ("10.0.0.2", 41000)


@pytest.fixture
def gateway_in_a_container(engine, monkeypatch):
    """The gateway as a container runs it (uvicorn with the described command's
    options), trusting the proxies given, limited to ``PER_IP`` calls per address."""

    def build(*trusted_proxies: str) -> ASGIApp:
        monkeypatch.setenv("HOTLINE_TRUSTED_PROXIES", json.dumps(trusted_proxies))
        get_settings.cache_clear()
        nowhere = f"http://127.0.0.1:{free_port()}"
        app = create_app(
            engine,
            rasa=RasaClient(nowhere, "nobody-listens"),
            action_server_url=nowhere,
        )
        app.state.limits = RateLimits(
            "memory://", f"{PER_IP}/minute", "1000/minute", "1000/minute"
        )
        argv = list(topology.gateway(topology.IN_CONTAINERS).argv)
        options = uvicorn.main.make_context(
            "uvicorn", argv[argv.index("uvicorn") + 1 :]
        ).params
        config = uvicorn.Config(
            app,
            proxy_headers=options["proxy_headers"],
            forwarded_allow_ips=options["forwarded_allow_ips"],
        )
        config.load()
        return config.loaded_app

    yield build
    get_settings.cache_clear()


def _statuses(app: ASGIApp, caller: tuple[str, int], forwarded: list[str]) -> list[int]:
    client = TestClient(app, client=caller)
    return [
        client.get("/api/v1/anything", headers={"X-Forwarded-For": address}).status_code
        for address in forwarded
    ]


def test_a_client_naming_other_addresses_in_x_forwarded_for_is_still_limited(
    gateway_in_a_container,
):
    """Otherwise a client gets a fresh per-address limit with every call."""
    app = gateway_in_a_container()
    forged = [f"198.51.100.{n}" for n in range(PER_IP + 1)]
    assert _statuses(app, CITIZEN, forged) == [404] * PER_IP + [429]


def test_a_trusted_proxy_names_each_client_in_x_forwarded_for(gateway_in_a_container):
    app = gateway_in_a_container("10.0.0.0/24")
    clients = [f"198.51.100.{n}" for n in range(PER_IP + 1)]
    assert _statuses(app, PROXY, clients) == [404] * (PER_IP + 1)
    # One client behind the proxy is limited on its own (it has made one call).
    again = ["198.51.100.0"] * PER_IP
    assert _statuses(app, PROXY, again) == [404] * (PER_IP - 1) + [429]
