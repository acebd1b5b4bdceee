"""The one description of the processes: commands, addresses and settings."""

from __future__ import annotations

import sys
from pathlib import Path

from foundation.settings import Settings
from foundation.topology import (
    ENDPOINTS_MODULE,
    IN_CONTAINERS,
    LOOPBACK,
    RASA_MODULE,
    Production,
    embedded,
    this_machine,
)


def _embedded(**settings: str | int):
    return embedded(
        Settings(**settings), model="m.tar.gz", endpoints=Path("var/endpoints.yml")
    )


def test_embedded_processes_listen_where_the_settings_say():
    running = _embedded(
        action_server_url="http://127.0.0.1:6001",
        rasa_url="http://127.0.0.1:6002",
        host="127.0.0.1",
        port=6003,
    )
    assert [(p.name, p.port) for p in running.processes] == [
        ("actions", 6001),
        ("rasa", 6002),
        ("gateway", 6003),
    ]
    assert running.gateway.health_url == "http://127.0.0.1:6003/healthz"


def test_embedded_rasa_writes_its_endpoints_file_before_it_starts():
    rasa = _embedded().rasa
    assert rasa.before == (
        (sys.executable, "-m", ENDPOINTS_MODULE, "var/endpoints.yml"),
    )
    assert rasa.argv[:4] == (sys.executable, "-m", RASA_MODULE, "run")
    assert rasa.argv[rasa.argv.index("--endpoints") + 1] == "var/endpoints.yml"


def test_embedded_processes_share_the_database_and_each_others_addresses():
    running = _embedded(
        database_url="sqlite:///x.db", action_server_url="http://127.0.0.1:6001"
    )
    for process in running.processes:
        assert process.env["HOTLINE_DATABASE_URL"] == "sqlite:///x.db"
        assert process.env["HOTLINE_ACTION_SERVER_URL"] == running.actions.url


def test_a_gateway_on_every_address_is_checked_on_loopback():
    assert _embedded(host="0.0.0.0").gateway.url == f"http://{LOOPBACK}:8000"


def test_action_server_binds_loopback_here_and_every_address_in_containers():
    here = _embedded().actions
    assert here.env["SANIC_HOST"] == LOOPBACK
    there = Production(IN_CONTAINERS, "db", "cache", "actions").actions()
    assert "SANIC_HOST" not in there.env
    assert there.host == "0.0.0.0"


def test_each_replicas_gateway_talks_to_its_own_rasa():
    production = Production(this_machine(), LOOPBACK, LOOPBACK, LOOPBACK)
    replica = production.replica(2, rasa_port=7001, gateway_port=7002)
    assert replica.name == "replica-2"
    assert replica.gateway.env["HOTLINE_RASA_URL"] == replica.rasa.url
    assert replica.gateway.port == 7002
    assert all(process.per_replica for process in replica.processes)


def test_production_locks_and_state_live_in_separate_redis_databases():
    production = Production(IN_CONTAINERS, "db", "cache", "actions")
    settings = production.settings_env()
    assert settings["HOTLINE_LOCK_STORE_URL"] == "redis://cache:6379/1"
    assert settings["HOTLINE_REDIS_URL"] == "redis://cache:6379/0"
    assert settings["HOTLINE_TRACKER_STORE_URL"].endswith("@db:5432/rasa_tracker")


def test_plain_rasa_is_rasas_own_command_with_in_memory_stores():
    production = Production(this_machine(), LOOPBACK, LOOPBACK, LOOPBACK)
    plain = production.plain_rasa(port=7003, endpoints="plain.yml")
    assert Path(plain.argv[0]).name == "rasa"
    assert plain.env["HOTLINE_TRACKER_STORE_URL"] == ""
    assert plain.env["HOTLINE_LOCK_STORE_URL"] == ""


def test_a_container_writes_the_endpoints_file_then_becomes_rasa():
    rasa = Production(IN_CONTAINERS, "db", "cache", "actions").replica(1).rasa
    shell, flag, script = rasa.container_command()
    assert (shell, flag) == ("sh", "-c")
    assert script.startswith(
        f"python -m {ENDPOINTS_MODULE} /tmp/hotline/endpoints.yml && exec python -m "
    )


def test_no_gateway_lets_uvicorn_believe_a_forwarded_address():
    """The gateway decides, from HOTLINE_TRUSTED_PROXIES alone (api/main.py)."""
    for placement in (this_machine(), IN_CONTAINERS):
        argv = Production(placement, "db", "cache", "actions").replica(1).gateway.argv
        assert "--no-proxy-headers" in argv
        assert "--forwarded-allow-ips" not in argv


def test_embedded_processes_share_the_var_folder_that_keeps_the_dev_token(tmp_path):
    running = _embedded(var_dir=str(tmp_path))
    for process in running.processes:
        assert process.env["HOTLINE_VAR_DIR"] == str(tmp_path)
