"""The compose file and the Kubernetes manifests run what the production tests run.

They cannot be started here, so what can drift is checked instead, against the one
description of the processes (``foundation/topology.py``) that the production tests and
``hotline run`` start: every setting they give is one the code reads, they give every
setting the production topology sets, and each process's command, ports, probes and
settings are the described ones in containers (``IN_CONTAINERS``).
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from foundation import topology as described
from foundation.internal_token import HEADER
from foundation.settings import Settings
from foundation.topology import IN_CONTAINERS, Process, Production
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
    topology.internal_token = "t" * 32
    topology.description = Production(
        described.this_machine(),
        postgres_host="x",
        redis_host="127.0.0.1",
        actions_host="127.0.0.1",
        redis_port=1,
        actions_port=1,
    )
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
        assert "python -m foundation.rasa_endpoints" in command
        assert "python -m bot.server run --enable-api" in command


def test_gateways_keep_connections_open_longer_than_their_clients():
    gateways = [c for c in _commands() if "uvicorn api.main:create_app" in c]
    assert len(gateways) == 2
    assert all("--timeout-keep-alive 75" in c for c in gateways)


# --- each process as described --------------------------------------------------------

# Where the containers reach each other: compose's service names, Kubernetes' Services.
COMPOSE = Production(
    IN_CONTAINERS, postgres_host="postgres", redis_host="redis", actions_host="actions"
)
K8S = Production(
    IN_CONTAINERS,
    postgres_host="hotline-postgres",
    redis_host="hotline-redis",
    actions_host="hotline-actions",
)


def _dockerfile() -> str:
    return (DEPLOY / "Dockerfile").read_text(encoding="utf-8")


def _image_env() -> dict[str, str]:
    """What the image's ``ENV`` sets for every process."""
    block = re.search(r"^ENV (.*?)(?<!\\)\n", _dockerfile(), re.M | re.S)
    assert block is not None
    return dict(
        pair.split("=", 1) for pair in shlex.split(block.group(1).replace("\\\n", " "))
    )


def _k8s_env() -> dict[str, str]:
    found = dict(_image_env())
    for document in _k8s("config.yaml"):
        found.update(document.get("data") or {})
        found.update(document.get("stringData") or {})
    return found


def _compose_env() -> dict[str, str]:
    return {**_image_env(), **_compose()["x-settings"]}


def _without_credentials(value: str) -> str:
    """A URL's scheme, host, port and path: users and passwords are secrets."""
    parts = urlsplit(value)
    if not parts.scheme or "@" not in parts.netloc:
        return value
    return parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]).geturl()


def _env_differences(wanted: Mapping[str, str], given: Mapping[str, str]) -> list[str]:
    """Each variable of ``wanted`` that ``given`` lacks or sets otherwise; a missing
    ``HOTLINE_*`` is fine when the described value is the setting's default."""
    differences = []
    for name, value in wanted.items():
        if name in given:
            if _without_credentials(str(given[name])) != _without_credentials(value):
                differences.append(f"{name}={given[name]!r}, described {value!r}")
            continue
        field = Settings.__fields__.get(name.removeprefix("HOTLINE_").lower())
        if (
            not name.startswith("HOTLINE_")
            or field is None
            or str(field.default) != value
        ):
            differences.append(f"{name} missing, described {value!r}")
    return differences


def _compose_services(pattern: str) -> dict[str, dict]:
    return {
        name: service
        for name, service in _compose()["services"].items()
        if re.fullmatch(pattern, name)
    }


def _compose_replicas() -> list[tuple[described.Replica, dict, dict]]:
    """Each described replica with its compose services: Rasa, then its gateway."""
    services = _compose()["services"]
    rasa = _compose_services(r"rasa-\d+")
    return [
        (
            COMPOSE.replica(number),
            services[f"rasa-{number}"],
            services[f"gateway-{number}"],
        )
        for number in range(1, len(rasa) + 1)
    ]


def test_compose_runs_the_described_number_of_replicas():
    assert len(_compose_services(r"rasa-\d+")) == described.REPLICAS
    assert len(_compose_services(r"gateway-\d+")) == described.REPLICAS


def test_compose_replicas_run_the_described_commands():
    for replica, rasa, gateway in _compose_replicas():
        assert rasa["command"] == replica.rasa.container_command()
        assert gateway["command"] == replica.gateway.container_command()
        # The gateway reaches its own Rasa on the loopback of a shared network.
        assert gateway["network_mode"] == f"service:rasa-{replica.name.split('-')[1]}"


def test_compose_shared_processes_run_the_described_commands():
    services = _compose()["services"]
    assert services["actions"]["command"] == COMPOSE.actions().container_command()
    assert services["migrate"]["command"] == COMPOSE.init_job().container_command()
    assert services["postgres"]["command"] == list(COMPOSE.postgresql().argv)
    assert services["redis"]["command"] == list(COMPOSE.redis().argv)


def test_compose_gives_every_process_its_described_settings():
    given = _compose_env()
    processes: list[Process] = [COMPOSE.actions()]
    for replica, rasa, gateway in _compose_replicas():
        assert rasa["environment"] == gateway["environment"] == _compose()["x-settings"]
        processes += replica.processes
    for service in ("actions", "migrate"):
        assert (
            _compose()["services"][service]["environment"] == _compose()["x-settings"]
        )
    assert _env_differences(COMPOSE.init_job().env, given) == []
    for process in processes:
        assert _env_differences(process.env, given) == [], process.name


def test_compose_postgres_holds_both_described_databases():
    postgres = _compose()["services"]["postgres"]
    assert postgres["environment"]["POSTGRES_USER"] == described.DATABASE_USER
    assert postgres["environment"]["POSTGRES_DB"] == described.KNOWLEDGE_DATABASE
    assert postgres["healthcheck"]["test"][-2:] == ["-U", described.DATABASE_USER]
    init = (DEPLOY / "postgres-init.sql").read_text(encoding="utf-8")
    assert f"CREATE DATABASE {described.TRACKER_DATABASE} " in init


def test_the_load_balancer_sends_to_every_replicas_gateway():
    nginx = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    upstreams = re.findall(r"^\s*server\s+(\S+);", nginx, re.M)
    assert upstreams == [
        f"rasa-{number}:{described.GATEWAY_PORT}"
        for number in range(1, described.REPLICAS + 1)
    ]


def _deployment(name: str) -> dict:
    (found,) = [d for d in _k8s(name) if d["kind"] in {"Deployment", "Job"}]
    return found


def _containers(name: str) -> dict[str, dict]:
    spec = _deployment(name)["spec"]["template"]["spec"]
    return {container["name"]: container for container in spec["containers"]}


def _services(name: str) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in _k8s(name) if d["kind"] == "Service"}


def test_k8s_replica_pods_run_the_described_commands_ports_and_probes():
    replica = K8S.replica(1)
    deployment = _deployment("replica.yaml")
    assert deployment["spec"]["replicas"] == described.REPLICAS
    containers = _containers("replica.yaml")
    gateway, rasa = containers["gateway"], containers["rasa"]
    assert gateway["command"] == replica.gateway.container_command()
    assert [p["containerPort"] for p in gateway["ports"]] == [replica.gateway.port]
    for probe in ("readinessProbe", "livenessProbe"):
        assert gateway[probe]["httpGet"] == {
            "path": replica.gateway.health_path,
            "port": replica.gateway.port,
        }
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/port"] == str(replica.gateway.port)
    assert rasa["command"] == replica.rasa.container_command()
    startup = rasa["startupProbe"]
    assert f"'{replica.rasa.health_url}'" in startup["exec"]["command"][-1]
    # The pod may take as long to start as the description allows.
    allowed_s = startup["periodSeconds"] * startup["failureThreshold"]
    assert allowed_s >= replica.rasa.start_timeout_s


def test_k8s_action_server_runs_the_described_command_port_and_probe():
    actions = K8S.actions()
    (container,) = _containers("actions.yaml").values()
    assert container["command"] == actions.container_command()
    assert [p["containerPort"] for p in container["ports"]] == [actions.port]
    assert container["readinessProbe"]["httpGet"] == {
        "path": actions.health_path,
        "port": actions.port,
    }
    service = _services("actions.yaml")[K8S.actions_host]
    assert service["spec"]["ports"] == [
        {"port": K8S.actions_port, "targetPort": actions.port}
    ]


def test_k8s_init_job_runs_the_described_steps():
    (container,) = _containers("migrate-job.yaml").values()
    assert container["command"] == K8S.init_job().container_command()


def test_k8s_gives_every_process_its_described_settings():
    given = _k8s_env()
    replica = K8S.replica(1)
    for process in (K8S.actions(), *replica.processes):
        assert _env_differences(process.env, given) == [], process.name
    assert _env_differences(K8S.init_job().env, given) == []
    for name in ("replica.yaml", "actions.yaml", "migrate-job.yaml"):
        for container in _containers(name).values():
            assert container["envFrom"] == [
                {"configMapRef": {"name": "hotline-settings"}},
                {"secretRef": {"name": "hotline-secrets"}},
            ]


def test_k8s_reaches_postgres_and_redis_by_the_described_names():
    services = _services("external-services.yaml")
    assert set(services) == {K8S.postgres_host, K8S.redis_host}


def test_the_image_holds_what_the_described_commands_run():
    dockerfile = _dockerfile()
    copied = {
        path
        for line in re.findall(r"^COPY (.*)$", dockerfile, re.M)
        for path in line.split()[:-1]
    }
    for module in (
        described.RASA_MODULE,
        described.ACTIONS_MODULE,
        described.GATEWAY_APP.split(":")[0],
        described.ENDPOINTS_MODULE,
    ):
        assert module.split(".")[0] in copied, module
    assert described.CREDENTIALS.split("/")[0] in copied
    assert described.MODEL in copied
    exposed = re.search(r"^EXPOSE (.*)$", dockerfile, re.M)
    assert exposed is not None
    assert set(exposed.group(1).split()) == {
        str(described.GATEWAY_PORT),
        str(described.ACTIONS_PORT),
    }
    # Each process writes only under the var folder, which the image sets.
    assert _image_env()["HOTLINE_VAR_DIR"] == described.CONTAINER_VAR_DIR
    assert COMPOSE.endpoints.startswith(f"{described.CONTAINER_VAR_DIR}/")


def test_the_image_starts_the_described_gateway_by_default():
    command = re.search(r"^CMD (.*)$", _dockerfile(), re.M)
    assert command is not None
    assert yaml.safe_load(command.group(1)) == list(
        described.gateway(IN_CONTAINERS).argv
    )


# --- who may reach what -----------------------------------------------------------------


def test_deployments_serve_no_rasa_channel_but_the_gateways():
    """Rasa's REST channel would answer anyone a conversation the gateway has muted."""
    channels = yaml.safe_load(
        (DEPLOY.parent / described.CREDENTIALS).read_text(encoding="utf-8")
    )
    assert set(channels) == {"bot.gateway_channel.GatewayInput"}
    for command in _commands():
        if "bot.server" in command:
            assert f"--credentials {described.CREDENTIALS}" in command
    # The tests' channels file, with Rasa's REST channel, is not in the image.
    assert not re.search(r"^COPY harness", _dockerfile(), re.M)


def test_gateways_believe_no_forwarded_address_but_the_configured_proxies():
    for command in _commands():
        if "uvicorn" in command:
            assert "--no-proxy-headers" in command.split()
            assert "--forwarded-allow-ips" not in command
    # Compose's load balancer has the one address its gateways trust.
    compose = _compose()
    trusted = yaml.safe_load(compose["x-settings"]["HOTLINE_TRUSTED_PROXIES"])
    lb = compose["services"]["lb"]["networks"]["default"]["ipv4_address"]
    assert trusted == [lb]
    assert "HOTLINE_TRUSTED_PROXIES" in _settings_given()["k8s"]


def test_the_load_balancer_overwrites_the_forwarded_address():
    """Appended to, a client's own X-Forwarded-For would reach the gateways."""
    nginx = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    assert re.findall(r"proxy_set_header\s+X-Forwarded-For\s+(\S+);", nginx) == [
        "$remote_addr"
    ]


def test_k8s_rasa_startup_probe_sends_the_internal_token_from_the_environment():
    probe = _containers("replica.yaml")["rasa"]["startupProbe"]["exec"]["command"][-1]
    assert f"'{HEADER}': os.environ['HOTLINE_INTERNAL_TOKEN']" in probe


def _policies() -> dict[str, dict]:
    return {
        d["metadata"]["name"]: d["spec"]
        for d in _k8s("network-policies.yaml")
        if d["kind"] == "NetworkPolicy"
    }


def _pod_labels(name: str) -> dict[str, str]:
    return _deployment(name)["spec"]["template"]["metadata"]["labels"]


def _policy_for(labels: dict[str, str]) -> dict:
    (found,) = [
        spec
        for spec in _policies().values()
        if spec["podSelector"].get("matchLabels") == labels
    ]
    return found


def _allowed(policy: dict) -> tuple[list[dict], list[int]]:
    """Whom one policy's only rule lets in, and on which ports."""
    (rule,) = policy["ingress"]
    return rule["from"], [port["port"] for port in rule["ports"]]


def test_k8s_refuses_every_connection_no_policy_allows():
    deny = [
        spec
        for spec in _policies().values()
        if spec["podSelector"] == {} and "ingress" not in spec
    ]
    assert deny == [{"podSelector": {}, "policyTypes": ["Ingress"]}]


def test_k8s_gateways_are_reached_from_the_ingress_controller_and_prometheus_only():
    sources, ports = _allowed(_policy_for(_pod_labels("replica.yaml")))
    assert ports == [described.GATEWAY_PORT]
    # Each source is pods of another namespace: no pod of this one.
    namespaces = [s["namespaceSelector"]["matchLabels"] for s in sources]
    assert namespaces == [
        {"kubernetes.io/metadata.name": "ingress-nginx"},
        {"kubernetes.io/metadata.name": "monitoring"},
    ]
    assert all(s["podSelector"]["matchLabels"] for s in sources)


def test_k8s_action_server_is_reached_from_the_replicas_only():
    sources, ports = _allowed(_policy_for(_pod_labels("actions.yaml")))
    assert sources == [{"podSelector": {"matchLabels": _pod_labels("replica.yaml")}}]
    assert ports == [K8S.actions().port]


@pytest.mark.parametrize(
    ("server", "port", "clients"),
    [
        (
            K8S.postgres_host,
            described.POSTGRES_PORT,
            ("replica.yaml", "actions.yaml", "migrate-job.yaml"),
        ),
        (K8S.redis_host, described.REDIS_PORT, ("replica.yaml", "actions.yaml")),
    ],
)
def test_k8s_databases_are_reached_by_the_processes_that_use_them_only(
    server, port, clients
):
    sources, ports = _allowed(_policy_for({"app": server}))
    assert ports == [port]
    assert sources == [
        {"podSelector": {"matchLabels": _pod_labels(name)}} for name in clients
    ]
