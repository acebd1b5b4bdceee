"""The compose file and the Kubernetes manifests run what the production tests run.

They cannot be started here, so what can drift is checked instead: every setting they
give is one the code reads, they give every setting the production topology sets, and
their Rasa and gateway commands are the ones the tests start.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from knowledge_base.settings import Settings
from tests.production.topology import Topology

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
RASA_ONLY = {"TICKET_LOCK_LIFETIME"}  # read by Rasa's lock stores, not by Settings


def _compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yml").read_text(encoding="utf-8"))


def _k8s(name: str) -> list[dict]:
    return list(yaml.safe_load_all((DEPLOY / "k8s" / name).read_text(encoding="utf-8")))


def _settings_given() -> dict[str, set[str]]:
    k8s = set()
    for document in _k8s("config.yaml"):
        k8s |= set(document.get("data") or {}) | set(document.get("stringData") or {})
    return {"compose": set(_compose()["x-settings"]), "k8s": k8s}


@pytest.fixture
def topology_settings(monkeypatch) -> set[str]:
    """What the production tests set explicitly (``Topology.settings``)."""
    for name in [k for k in os.environ if k.startswith("HOTLINE_")]:
        # Pydantic counts settings read from the environment as set.
        monkeypatch.delenv(name)
    topology = Topology.__new__(Topology)
    topology.database_url = topology.tracker_store_url = "postgresql://x/y"
    topology.redis_url = "redis://127.0.0.1:1/0"
    topology.actions_port = 1
    return {f"HOTLINE_{name.upper()}" for name in topology.settings().__fields_set__}


@pytest.mark.parametrize("where", ["compose", "k8s"])
def test_every_setting_given_is_read_by_the_code(where):
    known = {f"HOTLINE_{name.upper()}" for name in Settings.__fields__} | RASA_ONLY
    assert _settings_given()[where] - known == set()


@pytest.mark.parametrize("where", ["compose", "k8s"])
def test_every_setting_the_production_tests_use_is_given(where, topology_settings):
    assert "HOTLINE_LOCK_STORE_URL" in topology_settings
    assert topology_settings - _settings_given()[where] == set()


def _commands() -> list[str]:
    compose = _compose()
    found = [" ".join(compose[anchor]["command"]) for anchor in ("x-rasa", "x-gateway")]
    for document in _k8s("replica.yaml"):
        spec = document.get("spec", {}).get("template", {}).get("spec", {})
        for container in spec.get("containers", []):
            found.append(" ".join(container.get("command", [])))
    return found


def test_rasa_runs_through_the_projects_wrapper_with_its_endpoints():
    rasa = [c for c in _commands() if "rasa" in c and "uvicorn" not in c]
    assert len(rasa) == 2
    for command in rasa:
        assert "python -m knowledge_base.rasa_endpoints" in command
        assert "python -m bot.rasa_server run --enable-api" in command


def test_gateways_keep_connections_open_longer_than_their_clients():
    gateways = [c for c in _commands() if "uvicorn api.main:create_app" in c]
    assert len(gateways) == 2
    assert all("--timeout-keep-alive 75" in c for c in gateways)
