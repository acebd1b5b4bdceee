"""Described processes (``foundation.topology``) started on this machine, a log each.

Every process runs from the project's folder with the project importable, as a container
would run it from the image's working folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

import httpx

from foundation.internal_token import HEADER
from foundation.settings import PROJECT_ROOT
from foundation.topology import Process
from harness.servers import wait_for_port

ROOT = PROJECT_ROOT
BIN = Path(sys.executable).parent
# Rasa's channels here: the deployed one and Rasa's REST channel (see the file).
CHANNELS = "harness/credentials.yml"


def environment(*layers: Mapping[str, str]) -> dict[str, str]:
    """This process's environment, the project importable, then ``layers`` in order.

    Rasa's training cache is off: it does not see changes inside the jieba dictionary
    folder.
    """
    found = {
        **os.environ,
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "PYTHONPATH": str(ROOT),
        "RASA_MAX_CACHE_SIZE": "0",
    }
    for layer in layers:
        found.update(layer)
    return found


def start(
    process: Process,
    logs: Path,
    *,
    log_name: str | None = None,
    env: Mapping[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """Run ``process``'s ``before`` steps, then start it; its output goes to a log.

    Args:
        process: what to start.
        logs: the folder of the logs.
        log_name: names the log (``<log_name>.log``); the process's name by default.
        env: more environment, over the process's own (secrets, test settings).
    """
    environment_ = environment(process.env, env or {})
    log_path = logs / f"{log_name or process.name}.log"
    with open(log_path, "ab") as log:
        for step in process.before:
            subprocess.run(
                step,
                cwd=ROOT,
                env=environment_,
                check=True,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        # The child keeps its own copy of the log's descriptor.
        return subprocess.Popen(
            process.argv,
            cwd=ROOT,
            env=environment_,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def wait_ready(
    process: Process,
    running: subprocess.Popen[bytes] | None = None,
    *,
    timeout: float | None = None,
    name: str | None = None,
    logs: Path | None = None,
    internal_token: str | None = None,
) -> None:
    """Wait until ``process`` answers its health check as ready.

    Args:
        process: the described process.
        running: its subprocess: an exit stops the wait at once.
        timeout: seconds; the process's ``start_timeout_s`` by default.
        name: names it in errors.
        logs: named in errors.
        internal_token: sent with the check; Rasa's (``/status``) wants it.

    Raises:
        RuntimeError: it exited.
        TimeoutError: it was not ready in time.
    """
    name = name or process.name
    where = f"; see {logs}" if logs else ""
    seconds = max(timeout if timeout is not None else process.start_timeout_s, 1)
    deadline = time.monotonic() + seconds
    last: object = None
    headers = {HEADER: internal_token} if internal_token else {}
    while time.monotonic() < deadline:
        if running is not None and running.poll() is not None:
            raise RuntimeError(f"{name} exited with {running.returncode}{where}")
        if process.health_url is None:
            wait_for_port(process.port, timeout=max(deadline - time.monotonic(), 0.1))
            return
        try:
            response = httpx.get(process.health_url, headers=headers, timeout=5)
            if response.status_code == 200 and process.health_text in response.text:
                return
            last = response.status_code
        except httpx.HTTPError as exc:
            last = exc
        time.sleep(0.5)
    raise TimeoutError(
        f"{name} at {process.health_url or process.port} not ready after "
        f"{seconds:.0f} s (last: {last!r}){where}"
    )


def terminate(running: subprocess.Popen[bytes] | None) -> None:
    """SIGTERM, then SIGKILL after 20 s."""
    if running is None or running.poll() is not None:
        return
    running.terminate()
    try:
        running.wait(timeout=20)
    except subprocess.TimeoutExpired:
        running.kill()
        running.wait(timeout=10)


def terminate_all(running: Iterable[subprocess.Popen[bytes]]) -> None:
    """SIGTERM to all at once, then wait for each: they stop side by side."""
    running = [r for r in running if r.poll() is None]
    for each in running:
        each.terminate()
    for each in running:
        try:
            each.wait(timeout=20)
        except subprocess.TimeoutExpired:
            each.kill()
            each.wait(timeout=10)
