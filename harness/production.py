"""The production topology on loopback, configured by ``HOTLINE_*`` settings alone.

``foundation.topology.Production`` on this machine: one PostgreSQL (knowledge base and
Rasa's tracker store, two databases), one Redis (Rasa's lock store and the gateways'
shared state), one action server, and replicas that are each a Rasa server plus a
gateway, as ``deploy/k8s`` runs them. Every process is a real subprocess started with
the command a container runs; the schema and the catalogue are loaded by the init job
(``hotline db upgrade``, ``hotline db seed``). Ports are free ones, since the replicas
share one host.

Used by ``tests/production`` and by the chat, load and Rasa-fixes benchmarks.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from foundation.internal_token import HEADER
from foundation.settings import Settings
from foundation.topology import (
    LOOPBACK,
    TRACKER_DATABASE,
    Process,
    Production,
    this_machine,
)
from foundation.topology import Replica as Described
from harness.processes import (
    CHANNELS,
    ROOT,
    environment,
    start,
    terminate,
    wait_ready,
)
from harness.servers import PostgresCluster, free_port, postgres_cluster, redis_server

# Not a placeholder, so that production mode accepts it; the servers are throw-away.
SECRET_KEY = "load-test-secret-not-a-placeholder"
# The personal fields' key production mode requires: 32 bytes in base64, fixed, since
# the throw-away database outlives no run.
FIELD_KEY = "bG9hZC10ZXN0LWZpZWxkLWtleS0zMi1ieXRlcy0hISE="
# Generous limits: every simulated citizen comes from 127.0.0.1, and one simulated agent
# asks for suggestions far faster than a person could.
LOAD_RATE_LIMITS = {
    "HOTLINE_RATE_LIMIT_PER_IP": "1000000/minute",
    "HOTLINE_RATE_LIMIT_PER_SESSION": "10000/minute",
    "HOTLINE_RATE_LIMIT_PER_AGENT": "1000000/minute",
}
# The official list of streets `make db` imports from beside the project: with it, every
# message is read for where the citizen is, as in a real centre.
DIVISIONS = ROOT.parent / "shared" / "data" / "shanghai_divisions" / "streets.csv"


@dataclass
class Replica:
    """One gateway and the Rasa server it talks to, as started (or a Rasa alone)."""

    name: str
    rasa: Process
    gateway: Process | None = None
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def rasa_port(self) -> int:
        return self.rasa.port

    @property
    def gateway_port(self) -> int:
        return self.gateway.port if self.gateway else 0

    @property
    def rasa_url(self) -> str:
        return self.rasa.url

    @property
    def gateway_url(self) -> str:
        if self.gateway is None:
            raise AttributeError(f"{self.name} has no gateway")
        return self.gateway.url

    def described(self) -> dict[str, Process]:
        found = {"rasa": self.rasa}
        if self.gateway is not None:
            found["gateway"] = self.gateway
        return found


@dataclass
class Topology:
    description: Production
    logs: Path
    postgres: PostgresCluster
    extra_env: dict[str, str] = field(default_factory=dict)
    # What Rasa and the action server want from their callers; new for every topology.
    internal_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    replicas: list[Replica] = field(default_factory=list)
    # Rasa servers that are not replicas (see add_rasa_only).
    extra: list[Replica] = field(default_factory=list)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def model(self) -> Path:
        return Path(self.description.model)

    @property
    def database_url(self) -> str:
        return self.description.database_url

    @property
    def tracker_store_url(self) -> str:
        return self.description.tracker_store_url

    @property
    def redis_url(self) -> str:
        return self.description.redis_url

    @property
    def redis_lock_store_url(self) -> str:
        return self.description.lock_store_url

    @property
    def actions_port(self) -> int:
        return self.description.actions_port

    @property
    def action_server_url(self) -> str:
        return self.description.action_server_url

    @property
    def internal_headers(self) -> dict[str, str]:
        """What a test's own call to Rasa or the action server carries."""
        return {HEADER: self.internal_token}

    def secrets_env(self) -> dict[str, str]:
        """What the description leaves to the environment, and the test's additions."""
        return {
            "HOTLINE_SECRET_KEY": SECRET_KEY,
            "HOTLINE_FIELD_KEY": FIELD_KEY,
            "HOTLINE_INTERNAL_TOKEN": self.internal_token,
            **LOAD_RATE_LIMITS,
            **self.extra_env,
        }

    def settings_env(self, **extra: str) -> dict[str, str]:
        """What a container of this deployment gets: ``HOTLINE_*`` variables only."""
        return environment(self.description.settings_env(), self.secrets_env(), extra)

    def settings(self) -> Settings:
        """The settings every process reads, as an object (``HOTLINE_*`` of the
        description and the secret; not the test's additions)."""
        described = self.description
        return Settings(
            environment="production",
            secret_key=SECRET_KEY,
            field_key=FIELD_KEY,
            internal_token=self.internal_token,
            database_url=described.database_url,
            tracker_store_url=described.tracker_store_url,
            lock_store_url=described.lock_store_url,
            redis_url=described.redis_url,
            action_server_url=described.action_server_url,
        )

    def _start(self, process: Process, log_name: str) -> subprocess.Popen[bytes]:
        return start(process, self.logs, log_name=log_name, env=self.secrets_env())

    # --- the init job ---------------------------------------------------------------

    def migrate_and_seed(self) -> None:
        job = self.description.init_job()
        steps = list(job.steps)
        if DIVISIONS.exists():
            hotline = job.steps[0][0]
            steps.append(
                (hotline, "places", "import-divisions", str(DIVISIONS))
                + ("--as-of", "2022-10-31", "--source", "国家统计局统计用区划代码 2022")
            )
        for step in steps:
            subprocess.run(
                step,
                cwd=ROOT,
                env=environment(job.env, self.secrets_env()),
                check=True,
                capture_output=True,
            )

    # --- the action server -------------------------------------------------------------

    def start_actions(self) -> None:
        self.processes["actions"] = self._start(self.description.actions(), "actions")

    def stop_actions(self) -> None:
        terminate(self.processes.pop("actions", None))

    def wait_actions(self, timeout: float = 120) -> None:
        wait_ready(
            self.description.actions(),
            self.processes.get("actions"),
            timeout=timeout,
            logs=self.logs,
        )

    # --- replicas ----------------------------------------------------------------------

    def add_replica(self) -> Replica:
        described: Described = self.description.replica(
            len(self.replicas) + 1, rasa_port=free_port(), gateway_port=free_port()
        )
        replica = Replica(described.name, described.rasa, described.gateway)
        self.replicas.append(replica)
        self.start_rasa(replica)
        self.start_gateway(replica)
        return replica

    def add_rasa_only(self, name: str, plain: bool = False) -> Replica:
        """A Rasa server without a gateway, for comparisons in the benchmarks.

        Args:
            name: names its log file.
            plain: ``rasa run`` as it comes: Rasa's own command, in-memory tracker and
                lock stores.
        """
        port = free_port()
        rasa = (
            self.description.plain_rasa(
                port=port, endpoints=self.logs / "plain-endpoints.yml"
            )
            if plain
            else self.description.replica(0, rasa_port=port).rasa
        )
        replica = Replica(name, rasa)
        self.extra.append(replica)
        self.start_rasa(replica)
        return replica

    def start_rasa(self, replica: Replica) -> None:
        replica.processes["rasa"] = self._start(replica.rasa, f"{replica.name}-rasa")

    def kill_rasa(self, replica: Replica) -> None:
        """SIGKILL: no shutdown hook runs, as when a node dies."""
        process = replica.processes.pop("rasa")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)

    def start_gateway(self, replica: Replica) -> None:
        assert replica.gateway is not None, f"{replica.name} has no gateway"
        replica.processes["gateway"] = self._start(
            replica.gateway, f"{replica.name}-gateway"
        )

    def wait_ready(self, timeout: float | None = None) -> None:
        """Every replica's Rasa has its model loaded and every gateway is healthy."""
        deadline = time.monotonic() + (timeout or self._longest_start_s())
        for replica in [*self.replicas, *self.extra]:
            described = replica.described()
            for name, process in replica.processes.items():
                wait_ready(
                    described[name],
                    process,
                    timeout=deadline - time.monotonic(),
                    name=f"{replica.name} {name}",
                    logs=self.logs,
                    internal_token=self.internal_token,
                )

    def _longest_start_s(self) -> float:
        """The longest any of its servers may take to start: they start side by side."""
        return max(
            (
                process.start_timeout_s
                for replica in [*self.replicas, *self.extra]
                for process in replica.described().values()
            ),
            default=1,
        )

    # --- measurements --------------------------------------------------------------------

    def named_processes(self) -> dict[str, subprocess.Popen[bytes]]:
        """Every process started here, a replica's named after it ("replica-1-rasa")."""
        found = dict(self.processes)
        for replica in [*self.replicas, *self.extra]:
            for name, process in replica.processes.items():
                found[f"{replica.name}-{name}"] = process
        return found

    def rss_mb(self) -> dict[str, dict[str, float]]:
        """Resident memory of every process (now and at its peak), from /proc."""
        return {name: _rss_mb(p.pid) for name, p in self.named_processes().items()}

    def cpu_s(self) -> dict[str, float]:
        """CPU time (user + system) each process has used so far, from /proc; the
        PostgreSQL server counts its backends, which serve the connections."""
        found = {name: _cpu_s(p.pid) for name, p in self.named_processes().items()}
        postmaster = int((self.postgres.data / "postmaster.pid").read_text().split()[0])
        found["postgres"] = sum(map(_cpu_s, [postmaster, *_children(postmaster)]))
        # Redis shows its address in its process title: "redis-server 127.0.0.1:PORT".
        found["redis"] = sum(
            map(
                _cpu_s,
                _pids_whose_command_holds(f"{LOOPBACK}:{self.description.redis_port}"),
            )
        )
        return found

    def close(self) -> None:
        for replica in [*self.replicas, *self.extra]:
            for process in replica.processes.values():
                terminate(process)
        for process in self.processes.values():
            terminate(process)


@contextmanager
def production_topology(
    model: Path,
    logs: Path,
    replicas: int = 2,
    extra_env: Mapping[str, str] | None = None,
    also: Callable[[Topology], None] | None = None,
) -> Iterator[Topology]:
    """Start everything, wait until it is ready, and stop it all afterwards.

    Args:
        model: the trained Rasa model every Rasa server loads.
        logs: where each process writes its log (and Rasa its endpoints file).
        replicas: how many Rasa + gateway pairs.
        extra_env: more settings for every process (WeChat, say).
        also: starts more processes (``add_rasa_only``) while the replicas start.
    """
    logs.mkdir(parents=True, exist_ok=True)
    description = Production(
        this_machine(),
        postgres_host=LOOPBACK,
        redis_host=LOOPBACK,
        actions_host=LOOPBACK,
        model=str(model),
        endpoints=str(logs / "endpoints.yml"),
        channels=CHANNELS,
        postgres_port=free_port(),
        redis_port=free_port(),
        actions_port=free_port(),
    )
    with ExitStack() as stack:
        postgres = stack.enter_context(postgres_cluster(description.postgresql()))
        postgres.create_database(TRACKER_DATABASE)
        stack.enter_context(redis_server(description.redis()))
        topology = Topology(
            description=description,
            logs=logs,
            postgres=postgres,
            extra_env=dict(extra_env or {}),
        )
        stack.callback(topology.close)
        topology.migrate_and_seed()
        topology.start_actions()
        topology.wait_actions()
        # Started together: Rasa retries when two create the tracker table at once.
        for _ in range(replicas):
            topology.add_replica()
        if also is not None:
            also(topology)
        topology.wait_ready()
        yield topology


def _stat_after_name(pid: int | str) -> list[str]:
    """The fields of ``/proc/PID/stat`` after the command name (state, ppid, …)."""
    # The name is in parentheses and may hold spaces or parentheses itself.
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _cpu_s(pid: int) -> float:
    try:
        fields = _stat_after_name(pid)
    except OSError:
        return 0.0
    # utime and stime, the 14th and 15th fields of the whole line, in clock ticks.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if int(_stat_after_name(entry.name)[1]) == parent:
                found.append(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


def _pids_whose_command_holds(text: str) -> list[int]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if text.encode() in cmdline.read_bytes():
                found.append(int(cmdline.parent.name))
        except OSError:
            continue
    return found


def _rss_mb(pid: int) -> dict[str, float]:
    """Resident memory now (``rss``) and at its peak (``peak``, VmHWM), in MB."""
    found = {"rss": float("nan"), "peak": float("nan")}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                found["rss"] = round(int(line.split()[1]) / 1024, 1)
            elif line.startswith("VmHWM:"):
                found["peak"] = round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return found
