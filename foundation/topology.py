"""The assistant's processes, described once: what each runs, where it listens, when it
is ready.

Two setups, the same processes::

    embedded: hotline run, the end-to-end tests; SQLite and Rasa's in-memory stores
        gateway :8000 ──> rasa :5005 ──> actions :5055

    production: deploy/, tests/production, the benchmarks
        load balancer ──> replica-N: gateway :8000 ──> rasa 127.0.0.1:5005 ──┐
                                                                             v
                                                   actions :5055 (one, shared)
        PostgreSQL :5432 (databases hotline, rasa_tracker), Redis :6379 (0 state, 1 locks)

A replica is a Rasa server and the gateway in front of it, on one host (one pod), so the
gateway reaches its Rasa on ``127.0.0.1``. Before anything serves, the init job migrates
and seeds the database. Rasa and the action server answer only callers with the internal
token (``foundation.internal_token``), a secret that reaches every process by its
environment (or in dev its var folder), never by a command line.

What differs between a developer's machine and a cluster is the :class:`Placement`:
which interpreter, which addresses the servers bind.
``hotline run`` (``cli/run.py``) and ``harness/`` start these descriptions on this
machine; ``tests/deploy`` checks that ``deploy/compose.yml``, ``deploy/k8s`` and
``deploy/Dockerfile`` give the same commands, ports and settings as :data:`IN_CONTAINERS`.

The entry points are named as strings: this module imports none of them, and no framework.

Public: :func:`embedded`, :class:`Production`, :func:`this_machine`,
:data:`IN_CONTAINERS`, and the builders :func:`action_server`, :func:`rasa_server`,
:func:`gateway`, :func:`postgresql`, :func:`redis`.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from foundation.settings import Settings

# --- what runs ------------------------------------------------------------------------

# Rasa's own command with the project's fixes: ``python -m <this> run …``. The one place
# that names it.
RASA_MODULE = "bot.server"
ACTIONS_MODULE = "actions"
GATEWAY_APP = "api.main:create_app"
# Writes Rasa's endpoints file from the same HOTLINE_* settings every process reads.
ENDPOINTS_MODULE = "foundation.rasa_endpoints"
# Rasa's channels: the gateway's only (Rasa's REST channel is for the tests' own file).
CREDENTIALS = "bot/credentials.yml"
MODEL = "models/hotline.tar.gz"
# The init job's steps, each a ``hotline`` command.
INIT_STEPS = (("db", "upgrade"), ("db", "seed"))

# --- where it listens -----------------------------------------------------------------

RASA_PORT = 5005
ACTIONS_PORT = 5055
GATEWAY_PORT = 8000
POSTGRES_PORT = 5432
REDIS_PORT = 6379
EVERY_ADDRESS = "0.0.0.0"
LOOPBACK = "127.0.0.1"
# Rasa's HTTP API answers only the gateway beside it, on the same host or pod.
RASA_INTERFACE = LOOPBACK
# Longer than any client's or load balancer's idle timeout, so a connection is never
# closed under a request that is being sent.
GATEWAY_KEEP_ALIVE_S = 75

# --- production -------------------------------------------------------------------------

REPLICAS = 2
DATABASE_USER = "hotline"
KNOWLEDGE_DATABASE = "hotline"
# Rasa's SQL tracker store, in its own database on the same server.
TRACKER_DATABASE = "rasa_tracker"
STATE_REDIS_DB = 0  # the gateways' rate limits and WeChat nonces
LOCK_REDIS_DB = 1  # Rasa's conversation locks, apart from the gateways' state
# Redis holds locks and counters that may be lost with it: no snapshots, no journal.
REDIS_WITHOUT_PERSISTENCE = ("--save", "", "--appendonly", "no")
# In a container the only writable place; the endpoints file is written there.
CONTAINER_VAR_DIR = "/tmp/hotline"

# Every process: TensorFlow's C++ start-up logging off.
COMMON_ENV: Mapping[str, str] = {"TF_CPP_MIN_LOG_LEVEL": "3"}


@dataclass(frozen=True)
class Process:
    """One long-running process: how it starts, where it listens, when it is ready.

    Attributes:
        name: its part: ``actions``, ``rasa``, ``gateway``, ``postgres`` or ``redis``.
        argv: its command, the executable first.
        host: the address it listens on; ``0.0.0.0`` is every address.
        port: the port it listens on.
        env: the environment it needs beyond what it inherits.
        before: commands run first, in order, in the same environment and directory.
        health_path: the HTTP path that answers 200 once it serves; empty when it does
            not speak HTTP, and an open port is enough.
        health_text: what that answer holds once it is ready (Rasa: a model loaded).
        start_timeout_s: how long it may take to become ready.
        per_replica: one in every replica, rather than one for all of them.
    """

    name: str
    argv: tuple[str, ...]
    host: str
    port: int
    env: Mapping[str, str] = field(default_factory=dict)
    before: tuple[tuple[str, ...], ...] = ()
    health_path: str = ""
    health_text: str = ""
    start_timeout_s: float = 120
    per_replica: bool = False

    @property
    def url(self) -> str:
        """Where a client on the same host reaches it."""
        host = LOOPBACK if self.host in {EVERY_ADDRESS, "", "::"} else self.host
        return f"http://{host}:{self.port}"

    @property
    def health_url(self) -> str | None:
        return f"{self.url}{self.health_path}" if self.health_path else None

    def container_command(self) -> list[str]:
        """The command a container runs: the ``before`` steps, then ``exec`` of it."""
        if not self.before:
            return list(self.argv)
        steps = [shlex.join(step) for step in self.before]
        return ["sh", "-c", " && ".join([*steps, f"exec {shlex.join(self.argv)}"])]


@dataclass(frozen=True)
class Job:
    """Commands run once, to completion, before any server starts (the init job)."""

    name: str
    steps: tuple[tuple[str, ...], ...]
    env: Mapping[str, str] = field(default_factory=dict)

    def container_command(self) -> list[str]:
        return ["sh", "-c", " && ".join(shlex.join(step) for step in self.steps)]


@dataclass(frozen=True)
class Placement:
    """Where the processes run, the only thing the two machines differ in.

    Attributes:
        python: the interpreter that runs the project's modules.
        scripts: the folder of the console scripts (``hotline``, ``rasa``); empty when
            they are on the ``PATH``.
        listen_host: the address the servers others reach bind (the gateway of a
            replica, the action server, PostgreSQL, Redis).
        gateway_log_level: uvicorn's log level; ``None`` keeps uvicorn's own.
        env: what every process gets here.
    """

    python: str
    scripts: str
    listen_host: str
    gateway_log_level: str | None
    env: Mapping[str, str] = field(default_factory=dict)

    def script(self, name: str) -> str:
        return str(Path(self.scripts) / name) if self.scripts else name


def this_machine(python: str | None = None) -> Placement:
    """Every process on this machine's loopback, run by ``python`` (this interpreter).

    The gateway's log stays at warnings so that a terminal running ``hotline run`` shows
    what matters.
    """
    python = python or sys.executable
    return Placement(
        python=python,
        scripts=str(Path(python).parent),
        listen_host=LOOPBACK,
        gateway_log_level="warning",
    )


# One image (deploy/Dockerfile) for every process; the working directory holds the project.
IN_CONTAINERS = Placement(
    python="python",
    scripts="",
    listen_host=EVERY_ADDRESS,
    gateway_log_level=None,
    env={"HOTLINE_VAR_DIR": CONTAINER_VAR_DIR},
)


# --- the processes ------------------------------------------------------------------------


def action_server(
    placement: Placement,
    *,
    port: int = ACTIONS_PORT,
    host: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Process:
    """The rasa-sdk action server with the project's actions (``python -m actions``).

    Args:
        placement: where it runs.
        port: its port.
        host: the address it binds; the placement's by default.
        env: settings it reads (``HOTLINE_*``).
    """
    host = host or placement.listen_host
    # rasa-sdk binds SANIC_HOST, every address unless told.
    bind = {} if host == EVERY_ADDRESS else {"SANIC_HOST": host}
    return Process(
        name="actions",
        argv=(placement.python, "-m", ACTIONS_MODULE, "--port", str(port)),
        host=host,
        port=port,
        env={**COMMON_ENV, **placement.env, **(env or {}), **bind},
        health_path="/health",
        # It builds the search index and the classifier before it listens.
        start_timeout_s=300,
    )


def rasa_server(
    placement: Placement,
    *,
    model: str | Path,
    endpoints: str | Path,
    port: int = RASA_PORT,
    fixes: bool = True,
    channels: str = CREDENTIALS,
    env: Mapping[str, str] | None = None,
) -> Process:
    """A Rasa server with the HTTP API, on the loopback of its host.

    Every route but ``/`` wants the internal token, ``/status`` (its health check)
    included: see ``bot/internal_access.py``.

    Args:
        placement: where it runs.
        model: the trained model it loads.
        endpoints: the endpoints file, written first from the settings.
        port: its port.
        fixes: Rasa as the project runs it (:data:`RASA_MODULE`); ``False`` is Rasa's own
            ``rasa run``, for comparisons, with the fixes that the model's components
            carry switched off too (``HOTLINE_RASA_FIXES=off``).
        channels: its channels' file (Rasa's ``--credentials``).
        env: settings it reads (``HOTLINE_*``); the endpoints file is written from them.
    """
    command = (
        (placement.python, "-m", RASA_MODULE) if fixes else (placement.script("rasa"),)
    )
    return Process(
        name="rasa",
        argv=(
            *command,
            "run",
            "--enable-api",
            "--model",
            str(model),
            "--port",
            str(port),
            "--interface",
            RASA_INTERFACE,
            "--endpoints",
            str(endpoints),
            "--credentials",
            channels,
        ),
        host=RASA_INTERFACE,
        port=port,
        env={
            **COMMON_ENV,
            **placement.env,
            **(env or {}),
            **({} if fixes else {"HOTLINE_RASA_FIXES": "off"}),
        },
        before=((placement.python, "-m", ENDPOINTS_MODULE, str(endpoints)),),
        # /status answers 409 until the model is loaded, then names it.
        health_path="/status",
        health_text="model_file",
        # Loading and warming the model takes minutes on two cores.
        start_timeout_s=600,
        per_replica=True,
    )


def gateway(
    placement: Placement,
    *,
    port: int = GATEWAY_PORT,
    host: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Process:
    """The FastAPI gateway under uvicorn.

    uvicorn believes no ``X-Forwarded-For`` (``--no-proxy-headers``; its default trusts
    loopback): the gateway itself takes the client's address from the proxies that
    ``HOTLINE_TRUSTED_PROXIES`` names, and from no one else (``api/main.py``).

    Args:
        placement: where it runs.
        port: its port.
        host: the address it binds; the placement's by default.
        env: settings it reads (``HOTLINE_*``), ``HOTLINE_RASA_URL`` its Rasa.
    """
    host = host or placement.listen_host
    log_level = (
        ("--log-level", placement.gateway_log_level)
        if placement.gateway_log_level
        else ()
    )
    return Process(
        name="gateway",
        argv=(
            placement.python,
            "-m",
            "uvicorn",
            GATEWAY_APP,
            "--factory",
            "--host",
            host,
            "--port",
            str(port),
            "--no-proxy-headers",
            "--timeout-keep-alive",
            str(GATEWAY_KEEP_ALIVE_S),
            *log_level,
        ),
        host=host,
        port=port,
        env={**COMMON_ENV, **placement.env, **(env or {})},
        # 200 once the database, the catalogue, its Rasa's model and the actions answer.
        health_path="/healthz",
        start_timeout_s=300,
        per_replica=True,
    )


def postgresql(placement: Placement, *, port: int = POSTGRES_PORT) -> Process:
    """The PostgreSQL server: the knowledge base and Rasa's tracker store, two databases
    that :data:`DATABASE_USER` owns."""
    return Process(
        name="postgres",
        argv=(
            "postgres",
            "-p",
            str(port),
            "-c",
            f"listen_addresses={placement.listen_host}",
        ),
        host=placement.listen_host,
        port=port,
    )


def redis(placement: Placement, *, port: int = REDIS_PORT) -> Process:
    """The Redis server: Rasa's locks and the gateways' shared state, none of it kept."""
    return Process(
        name="redis",
        argv=(
            "redis-server",
            "--port",
            str(port),
            "--bind",
            placement.listen_host,
            *REDIS_WITHOUT_PERSISTENCE,
        ),
        host=placement.listen_host,
        port=port,
    )


# --- the embedded setup -------------------------------------------------------------------


@dataclass(frozen=True)
class Embedded:
    """One of each process on this machine, as the settings place them."""

    actions: Process
    rasa: Process
    gateway: Process

    @property
    def processes(self) -> tuple[Process, ...]:
        """In the order they start: each needs the one before it to be ready."""
        return (self.actions, self.rasa, self.gateway)


def embedded(
    settings: Settings,
    *,
    model: str | Path,
    endpoints: str | Path | None = None,
    placement: Placement | None = None,
    channels: str = CREDENTIALS,
) -> Embedded:
    """The embedded setup: the action server, Rasa and the gateway where ``settings`` say.

    Args:
        settings: ``action_server_url`` and ``rasa_url`` give those servers' ports,
            ``host`` and ``port`` the gateway's; every process shares ``database_url``
            and ``var_dir`` (where, in dev, the internal token is kept).
        model: the trained model Rasa loads.
        endpoints: where Rasa's endpoints file is written; ``var_dir/endpoints.yml`` by
            default.
        placement: this machine by default.
        channels: Rasa's channels' file (its ``--credentials``).
    """
    placement = placement or this_machine()
    endpoints = endpoints or settings.var_dir / "endpoints.yml"
    actions_at = urlsplit(settings.action_server_url)
    rasa_at = urlsplit(settings.rasa_url)
    env = {
        "HOTLINE_DATABASE_URL": settings.database_url,
        "HOTLINE_ACTION_SERVER_URL": settings.action_server_url,
        "HOTLINE_RASA_URL": settings.rasa_url,
        "HOTLINE_VAR_DIR": str(settings.var_dir),
    }
    return Embedded(
        actions=action_server(
            placement,
            host=actions_at.hostname or LOOPBACK,
            port=actions_at.port or ACTIONS_PORT,
            env=env,
        ),
        rasa=rasa_server(
            placement,
            model=model,
            endpoints=endpoints,
            port=rasa_at.port or RASA_PORT,
            channels=channels,
            env=env,
        ),
        gateway=gateway(placement, host=settings.host, port=settings.port, env=env),
    )


# --- the production setup -----------------------------------------------------------------


@dataclass(frozen=True)
class Replica:
    """A Rasa server and the gateway in front of it, on one host."""

    name: str
    rasa: Process
    gateway: Process

    @property
    def processes(self) -> tuple[Process, ...]:
        return (self.rasa, self.gateway)


@dataclass(frozen=True)
class Production:
    """The production setup: replicas, one action server, PostgreSQL and Redis.

    Credentials are no part of it: they are secrets, given by the environment.

    Attributes:
        placement: where the processes run.
        postgres_host: where the processes reach PostgreSQL.
        redis_host: where the processes reach Redis.
        actions_host: where the replicas reach the action server.
        model: the trained model every Rasa server loads.
        endpoints: where each Rasa server's endpoints file is written.
        channels: Rasa's channels' file (its ``--credentials``).
    """

    placement: Placement
    postgres_host: str
    redis_host: str
    actions_host: str
    model: str = MODEL
    endpoints: str = f"{CONTAINER_VAR_DIR}/endpoints.yml"
    channels: str = CREDENTIALS
    postgres_port: int = POSTGRES_PORT
    redis_port: int = REDIS_PORT
    actions_port: int = ACTIONS_PORT
    database_user: str = DATABASE_USER

    @property
    def database_url(self) -> str:
        return self._postgres_url("postgresql+psycopg2", KNOWLEDGE_DATABASE)

    @property
    def tracker_store_url(self) -> str:
        return self._postgres_url("postgresql", TRACKER_DATABASE)

    @property
    def redis_url(self) -> str:
        return f"redis://{self.redis_host}:{self.redis_port}/{STATE_REDIS_DB}"

    @property
    def lock_store_url(self) -> str:
        return f"redis://{self.redis_host}:{self.redis_port}/{LOCK_REDIS_DB}"

    @property
    def action_server_url(self) -> str:
        return f"http://{self.actions_host}:{self.actions_port}"

    def settings_env(self) -> dict[str, str]:
        """The ``HOTLINE_*`` settings every process of this deployment gets."""
        return {
            "HOTLINE_ENVIRONMENT": "production",
            "HOTLINE_DATABASE_URL": self.database_url,
            "HOTLINE_TRACKER_STORE_URL": self.tracker_store_url,
            "HOTLINE_LOCK_STORE_URL": self.lock_store_url,
            "HOTLINE_REDIS_URL": self.redis_url,
            "HOTLINE_ACTION_SERVER_URL": self.action_server_url,
        }

    def postgresql(self) -> Process:
        return postgresql(self.placement, port=self.postgres_port)

    def redis(self) -> Process:
        return redis(self.placement, port=self.redis_port)

    def init_job(self) -> Job:
        """Migrations and the catalogue, once per release; replicas never migrate."""
        return Job(
            name="migrate",
            steps=tuple((self.placement.script("hotline"), *s) for s in INIT_STEPS),
            env={**COMMON_ENV, **self.placement.env, **self.settings_env()},
        )

    def actions(self) -> Process:
        return action_server(
            self.placement, port=self.actions_port, env=self.settings_env()
        )

    def replica(
        self,
        number: int,
        *,
        rasa_port: int = RASA_PORT,
        gateway_port: int = GATEWAY_PORT,
    ) -> Replica:
        """Replica ``number`` (from 1); ports differ only when replicas share a host."""
        env = {
            **self.settings_env(),
            "HOTLINE_RASA_URL": f"http://{RASA_INTERFACE}:{rasa_port}",
        }
        return Replica(
            name=f"replica-{number}",
            rasa=rasa_server(
                self.placement,
                model=self.model,
                endpoints=self.endpoints,
                port=rasa_port,
                channels=self.channels,
                env=env,
            ),
            gateway=gateway(
                self.placement,
                port=gateway_port,
                env={**env, "HOTLINE_PORT": str(gateway_port)},
            ),
        )

    def replicas(self, count: int = REPLICAS) -> tuple[Replica, ...]:
        """``count`` replicas, each on its own host."""
        return tuple(self.replica(number) for number in range(1, count + 1))

    def plain_rasa(self, *, port: int, endpoints: str | Path) -> Process:
        """Rasa's own ``rasa run`` with the same model and action server and Rasa's
        in-memory stores: what the project's fixes and stores are measured against."""
        return rasa_server(
            self.placement,
            model=self.model,
            endpoints=endpoints,
            port=port,
            fixes=False,
            channels=self.channels,
            env={
                **self.settings_env(),
                "HOTLINE_TRACKER_STORE_URL": "",
                "HOTLINE_LOCK_STORE_URL": "",
            },
        )

    def _postgres_url(self, scheme: str, database: str) -> str:
        return (
            f"{scheme}://{self.database_user}@{self.postgres_host}:{self.postgres_port}"
            f"/{database}"
        )
