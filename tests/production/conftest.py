"""One production topology for the whole package, started once: see topology.py.

Two replicas (Rasa + gateway) share one PostgreSQL (knowledge base and tracker store) and
one Redis (lock store, gateway state), with one action server; the gateways answer
WeChat callbacks too, sending replies to a fake WeChat API served here.
"""

from __future__ import annotations

import hashlib
import secrets
import time

import httpx
import pytest

from tests.production.topology import Topology, production_topology
from tests.support.chat import stored_id
from tests.support.fake_wechat import FakeWeChat
from tests.support.live import serve

WECHAT_TOKEN = "production-test-token"
WECHAT_APP_ID = "wx-production-test"
WECHAT_APP_SECRET = "production-test-secret"


@pytest.fixture(scope="package")
def fake_wechat():
    fake = FakeWeChat(WECHAT_APP_ID, WECHAT_APP_SECRET)
    with serve(fake.app) as url:
        fake.url = url
        yield fake


@pytest.fixture(scope="package")
def topology(trained_model, fake_wechat, tmp_path_factory) -> Topology:
    logs = tmp_path_factory.mktemp("production-logs")
    wechat = {
        "HOTLINE_WECHAT_TOKEN": WECHAT_TOKEN,
        "HOTLINE_WECHAT_APP_ID": WECHAT_APP_ID,
        "HOTLINE_WECHAT_APP_SECRET": WECHAT_APP_SECRET,
        "HOTLINE_WECHAT_API_BASE_URL": fake_wechat.url,
    }
    with production_topology(trained_model, logs, extra_env=wechat) as running:
        yield running


def all_replicas_up(topology: Topology) -> Topology:
    """Restart any Rasa a fault test killed, and wait until every replica answers."""
    for replica in topology.replicas:
        if "rasa" not in replica.processes:
            topology.start_rasa(replica)
    topology.wait_ready()
    return topology


@pytest.fixture
def replicas(topology: Topology) -> Topology:
    return all_replicas_up(topology)


class Citizen:
    """One conversation through the gateways; ``via`` picks the replica per message."""

    def __init__(self, topology: Topology) -> None:
        self.topology = topology
        # Issued by the gateway that answers the first message; every replica takes it.
        self.token: str | None = None
        self.client = httpx.Client(timeout=90)

    @property
    def session_id(self) -> str:
        """The conversation's id, as Rasa and the database know it."""
        assert self.token, "no message sent yet"
        return stored_id(self.token)

    def say(self, text: str, via: int = 0) -> dict:
        """The gateway's whole answer; any 5xx fails the test at once."""
        gateway = self.topology.replicas[via].gateway_url
        body = {"text": text} | ({"session_id": self.token} if self.token else {})
        answer = self.client.post(f"{gateway}/api/v1/chat", json=body)
        assert answer.status_code < 500, answer.text
        assert answer.status_code == 200, answer.text
        self.token = answer.json()["session_id"]
        return answer.json()

    def text(self, text: str, via: int = 0) -> str:
        return "\n".join(r["text"] for r in self.say(text, via)["replies"])

    def events(self, via: int = 0) -> list[dict]:
        rasa = self.topology.replicas[via].rasa_url
        answer = self.client.get(
            f"{rasa}/conversations/{self.session_id}/tracker",
            params={"include_events": "ALL"},
            headers=self.topology.internal_headers,
        )
        answer.raise_for_status()
        return answer.json()["events"]

    def user_texts(self, via: int = 0) -> list[str]:
        return [e["text"] for e in self.events(via) if e["event"] == "user"]


@pytest.fixture
def citizen(replicas: Topology) -> Citizen:
    return Citizen(replicas)


def wechat_query(token: str = WECHAT_TOKEN) -> dict[str, str]:
    """A freshly signed callback query: a new nonce every time."""
    timestamp = str(int(time.time()))
    nonce = secrets.token_hex(8)
    signature = hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode())
    return {
        "signature": signature.hexdigest(),
        "timestamp": timestamp,
        "nonce": nonce,
        "openid": "fuzz",
    }
