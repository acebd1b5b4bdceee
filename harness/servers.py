"""Real PostgreSQL and Redis servers on loopback, in throw-away folders.

Started as ``foundation.topology`` describes them (:func:`postgresql`, :func:`redis`), with
what a throw-away server adds: its own folder and log, and no durability (``fsync=off``).
PostgreSQL refuses to run as root, so as root the server runs as the ``postgres`` system
user that Debian's package creates.
"""

from __future__ import annotations

import glob
import os
import shlex
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from foundation.topology import (
    DATABASE_USER,
    KNOWLEDGE_DATABASE,
    LOOPBACK,
    Process,
    postgresql,
    redis,
    this_machine,
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, timeout: float = 30.0, host: str = LOOPBACK) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex((host, port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on port {port} after {timeout} s")


def postgres_bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@dataclass
class PostgresCluster:
    """A throw-away cluster: its URL, and what fault tests need to restart it."""

    url: str
    data: Path
    port: int
    bin_dir: Path
    log: Path
    server: Process

    def restart(self) -> None:
        """``pg_ctl restart -m fast``: every open connection is cut, as in a failover."""
        self._pg_ctl("-m", "fast", "-w", "restart", "-o", self._options())

    def create_database(self, name: str) -> str:
        """Create another database on this server; returns its SQLAlchemy URL."""
        subprocess.run(
            _as_server_user(
                [
                    str(self.bin_dir / "createdb"),
                    "-h",
                    LOOPBACK,
                    "-p",
                    str(self.port),
                    "-U",
                    DATABASE_USER,
                    name,
                ]
            ),
            check=True,
            capture_output=True,
        )
        return self.url.rsplit("/", 1)[0] + f"/{name}"

    def _options(self) -> str:
        # The described server's options (port, address), then the throw-away ones:
        # its socket folder, no fsync, and room for every replica's pools.
        return shlex.join(
            [
                *self.server.argv[1:],
                "-k",
                str(self.data.parent),
                "-c",
                "fsync=off",
                "-c",
                "max_connections=300",
            ]
        )

    def _pg_ctl(self, *arguments: str) -> None:
        subprocess.run(
            _as_server_user(
                [
                    str(self.bin_dir / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.log),
                ]
                + list(arguments)
            ),
            check=True,
            capture_output=True,
        )


@contextmanager
def postgres_cluster(server: Process | None = None) -> Iterator[PostgresCluster]:
    """Start a fresh PostgreSQL cluster with a ``hotline`` database; stop and remove it.

    Args:
        server: the described server (``Production.postgresql()``); by default one on
            a free loopback port.
    """
    server = server or postgresql(this_machine(), port=free_port())
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        raise RuntimeError(
            "PostgreSQL is not installed: run `make test` (it installs it with apt-get)"
        )
    root = Path(tempfile.mkdtemp(prefix="hotline-pg-"))
    data = root / "data"
    port = server.port
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    subprocess.run(
        _as_server_user(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                DATABASE_USER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        ),
        check=True,
        capture_output=True,
    )
    cluster = PostgresCluster(
        url=f"postgresql+psycopg2://{DATABASE_USER}@{LOOPBACK}:{port}/{KNOWLEDGE_DATABASE}",
        data=data,
        port=port,
        bin_dir=bin_dir,
        log=root / "server.log",
        server=server,
    )
    cluster._pg_ctl("-w", "-o", cluster._options(), "start")
    try:
        cluster.create_database(KNOWLEDGE_DATABASE)
        yield cluster
    finally:
        subprocess.run(
            _as_server_user(
                [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]
            ),
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a fresh PostgreSQL cluster; yield a SQLAlchemy URL to its ``hotline`` database."""
    with postgres_cluster() as cluster:
        yield cluster.url


@contextmanager
def redis_server(server: Process | None = None) -> Iterator[str]:
    """Start a throw-away Redis with no persistence; yield ``redis://…/0``.

    Args:
        server: the described server (``Production.redis()``); by default one on a
            free loopback port.
    """
    server = server or redis(this_machine(), port=free_port())
    executable = shutil.which(server.argv[0])
    if executable is None:
        raise RuntimeError(
            "Redis is not installed: run `make test` (it installs it with apt-get)"
        )
    root = Path(tempfile.mkdtemp(prefix="hotline-redis-"))
    process = subprocess.Popen(
        [
            executable,
            *server.argv[1:],
            "--dir",
            str(root),
            "--logfile",
            str(root / "redis.log"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(server.port)
        yield f"redis://{LOOPBACK}:{server.port}/0"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(root, ignore_errors=True)
