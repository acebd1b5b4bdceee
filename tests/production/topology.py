"""The production topology on loopback, configured by ``HOTLINE_*`` settings alone.

One PostgreSQL (knowledge base and Rasa's tracker store, two databases), one Redis (Rasa's
lock store and the gateways' shared state), one action server, and replicas that are
each a Rasa server plus a gateway (uvicorn), as ``deploy/k8s`` runs them. Every process
is a real subprocess started the way a container would start it; the schema and the
catalogue are loaded by ``hotline db upgrade`` and ``hotline db seed``, the init job.

Used by ``tests/production`` and by ``benchmarks/chat_bench.py`` and
``benchmarks/load_test.py``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from knowledge_base.rasa_endpoints import write_endpoints
from knowledge_base.settings import Settings
from tests.support.servers import (
    PostgresCluster,
    free_port,
    postgres_cluster,
    redis_server,
)
from tests.support.stack import BIN, ROOT, _environment, _start

RASA_START_TIMEOUT_S = 420
# Generous limits: every simulated citizen comes from 127.0.0.1, and one simulated agent
# asks for suggestions far faster than a person could.
LOAD_RATE_LIMITS = {
    "HOTLINE_RATE_LIMIT_PER_IP": "1000000/minute",
    "HOTLINE_RATE_LIMIT_PER_SESSION": "10000/minute",
    "HOTLINE_RATE_LIMIT_PER_AGENT": "1000000/minute",
}


@dataclass
class Replica:
    """One gateway and the Rasa server it talks to."""

    name: str
    rasa_port: int
    gateway_port: int
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"


@dataclass
class Topology:
    model: Path
    logs: Path
    postgres: PostgresCluster
    database_url: str
    tracker_store_url: str
    redis_url: str
    actions_port: int
    extra_env: dict[str, str]
    replicas: list[Replica] = field(default_factory=list)
    # Rasa servers that are not replicas (see add_rasa_only).
    extra: list[Replica] = field(default_factory=list)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def action_server_url(self) -> str:
        return f"http://127.0.0.1:{self.actions_port}"

    @property
    def redis_lock_store_url(self) -> str:
        # Rasa's locks in their own Redis database, apart from the gateways' state.
        return self.redis_url.rsplit("/", 1)[0] + "/1"

    def settings_env(self, **extra: str) -> dict[str, str]:
        """What a container of this deployment gets: ``HOTLINE_*`` variables only."""
        return _environment(
            HOTLINE_ENVIRONMENT="production",
            HOTLINE_SECRET_KEY="load-test-secret-not-a-placeholder",
            HOTLINE_DATABASE_URL=self.database_url,
            HOTLINE_TRACKER_STORE_URL=self.tracker_store_url,
            HOTLINE_LOCK_STORE_URL=self.redis_lock_store_url,
            HOTLINE_REDIS_URL=self.redis_url,
            HOTLINE_ACTION_SERVER_URL=self.action_server_url,
            **LOAD_RATE_LIMITS,
            **self.extra_env,
            **extra,
        )

    def settings(self) -> Settings:
        return Settings(
            environment="production",
            secret_key="load-test-secret-not-a-placeholder",
            database_url=self.database_url,
            tracker_store_url=self.tracker_store_url,
            lock_store_url=self.redis_lock_store_url,
            redis_url=self.redis_url,
            action_server_url=self.action_server_url,
        )

    # --- the init job -------------------------------------------------------------

    def migrate_and_seed(self) -> None:
        for action in ("upgrade", "seed"):
            subprocess.run(
                [str(BIN / "hotline"), "db", action],
                cwd=ROOT,
                env=self.settings_env(),
                check=True,
                capture_output=True,
            )

    # --- the action server -----------------------------------------------------------

    def start_actions(self) -> None:
        self.processes["actions"] = _start(
            "actions",
            [
                sys.executable,
                "-m",
                "actions",
                "--port",
                str(self.actions_port),
            ],
            self.settings_env(),
            self.logs,
        )

    def stop_actions(self) -> None:
        _terminate(self.processes.pop("actions", None))

    def wait_actions(self, timeout: float = 120) -> None:
        _wait_http(f"{self.action_server_url}/health", timeout)

    # --- replicas --------------------------------------------------------------------

    def add_replica(self) -> Replica:
        replica = Replica(f"replica-{len(self.replicas) + 1}", free_port(), free_port())
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
        replica = Replica(name, free_port(), 0)
        self.extra.append(replica)
        self.start_rasa(replica, plain=plain)
        return replica

    def start_rasa(self, replica: Replica, plain: bool = False) -> None:
        settings = (
            Settings(action_server_url=self.action_server_url)
            if plain
            else self.settings()
        )
        endpoints = write_endpoints(
            settings, self.logs / f"{'plain-' if plain else ''}endpoints.yml"
        )
        replica.processes["rasa"] = _start(
            f"{replica.name}-rasa",
            [
                *(
                    [str(BIN / "rasa")]
                    if plain
                    else [sys.executable, "-m", "bot.rasa_server"]
                ),
                "run",
                "--enable-api",
                "--model",
                str(self.model),
                "--port",
                str(replica.rasa_port),
                "--interface",
                "127.0.0.1",
                "--endpoints",
                str(endpoints),
                "--credentials",
                "bot/credentials.yml",
            ],
            self.settings_env(),
            self.logs,
        )

    def kill_rasa(self, replica: Replica) -> None:
        """SIGKILL: no shutdown hook runs, as when a node dies."""
        process = replica.processes.pop("rasa")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)

    def start_gateway(self, replica: Replica) -> None:
        replica.processes["gateway"] = _start(
            f"{replica.name}-gateway",
            [
                sys.executable,
                "-m",
                "uvicorn",
                "api.main:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(replica.gateway_port),
                "--timeout-keep-alive",
                "75",
                "--log-level",
                "warning",
            ],
            self.settings_env(
                HOTLINE_RASA_URL=replica.rasa_url,
                HOTLINE_PORT=str(replica.gateway_port),
            ),
            self.logs,
        )

    def wait_ready(self, timeout: float = RASA_START_TIMEOUT_S) -> None:
        """Every replica's Rasa has its model loaded and every gateway answers."""
        deadline = time.monotonic() + timeout
        for replica in [*self.replicas, *self.extra]:
            for name, process in replica.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(
                        f"{replica.name} {name} exited with {process.returncode}; "
                        f"see {self.logs}"
                    )
            if "rasa" in replica.processes:
                _wait_http(
                    f"{replica.rasa_url}/status",
                    deadline - time.monotonic(),
                    "model_file",
                )
            if "gateway" in replica.processes:
                _wait_http(
                    f"{replica.gateway_url}/openapi.json", deadline - time.monotonic()
                )

    # --- measurements ----------------------------------------------------------------

    def named_processes(self) -> dict[str, subprocess.Popen]:
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
        redis_port = self.redis_url.rsplit(":", 1)[1].split("/")[0]
        found["redis"] = sum(
            map(_cpu_s, _pids_whose_command_holds(f"127.0.0.1:{redis_port}"))
        )
        return found

    def close(self) -> None:
        for replica in [*self.replicas, *self.extra]:
            for process in replica.processes.values():
                _terminate(process)
        for process in self.processes.values():
            _terminate(process)


@contextmanager
def production_topology(
    model: Path,
    logs: Path,
    replicas: int = 2,
    extra_env: dict[str, str] | None = None,
    also: Callable[[Topology], None] | None = None,
) -> Iterator[Topology]:
    """Start everything, wait until it is ready, and stop it all afterwards.

    Args:
        model: the trained Rasa model every Rasa server loads.
        logs: where each process writes its log.
        replicas: how many Rasa + gateway pairs.
        extra_env: more settings for every process (WeChat, say).
        also: starts more processes (``add_rasa_only``) while the replicas start.
    """
    logs.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        postgres = stack.enter_context(postgres_cluster())
        redis_url = stack.enter_context(redis_server())
        topology = Topology(
            model=model,
            logs=logs,
            postgres=postgres,
            database_url=postgres.url,
            tracker_store_url=postgres.create_database("rasa_tracker"),
            redis_url=redis_url,
            actions_port=free_port(),
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


def _wait_http(url: str, timeout: float, expect: str | None = None) -> None:
    deadline = time.monotonic() + max(timeout, 1)
    last: object = None
    while time.monotonic() < deadline:
        try:
            response = httpx.get(url, timeout=5)
            if response.status_code < 500 and (
                expect is None or expect in response.text
            ):
                return
            last = response.status_code
        except httpx.HTTPError as exc:
            last = exc
        time.sleep(0.5)
    raise TimeoutError(f"{url} not ready after {timeout:.0f} s (last: {last!r})")


def _terminate(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


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
