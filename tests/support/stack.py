"""The assistant for end-to-end tests: a trained model, the action server and Rasa.

The embedded setup of ``foundation.topology`` on free loopback ports, sharing the test
database and, as in dev, the internal token kept in the var folder; Rasa serves its REST
channel too (``harness/credentials.yml``). The gateway runs in the test process
(``live_app``). The model is the
harness's, trained from the project's own data with fewer epochs (``harness/model.py``).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from foundation.internal_token import HEADER, internal_token
from foundation.settings import Settings
from foundation.topology import LOOPBACK, embedded
from harness.model import train_test_model
from harness.processes import BIN, CHANNELS, ROOT, start, terminate_all, wait_ready
from harness.servers import free_port

__all__ = ["BIN", "ROOT", "Stack", "rasa_stack", "train_test_model"]


@dataclass
class Stack:
    rasa_url: str
    action_server_url: str
    processes: dict[str, subprocess.Popen[bytes]]
    logs: Path
    internal_token: str

    @property
    def internal_headers(self) -> dict[str, str]:
        """What a test's own call to Rasa or the action server carries."""
        return {HEADER: self.internal_token}


@contextmanager
def rasa_stack(model: Path, database_url: str, logs: Path) -> Iterator[Stack]:
    """The action server and the Rasa server on free loopback ports, sharing ``database_url``."""
    logs.mkdir(parents=True, exist_ok=True)
    settings = Settings(
        database_url=database_url,
        action_server_url=f"http://{LOOPBACK}:{free_port()}",
        rasa_url=f"http://{LOOPBACK}:{free_port()}",
    )
    # Rasa's endpoints file is written from the settings as `hotline run` writes it
    # (HOTLINE_TRACKER_STORE_URL, ...).
    described = embedded(
        settings, model=model, endpoints=logs / "endpoints.yml", channels=CHANNELS
    )
    token = internal_token(settings)
    processes: dict[str, subprocess.Popen[bytes]] = {}
    try:
        for process in (described.actions, described.rasa):
            processes[process.name] = start(process, logs)
        for process in (described.actions, described.rasa):
            wait_ready(
                process, processes[process.name], logs=logs, internal_token=token
            )
        yield Stack(
            settings.rasa_url, settings.action_server_url, processes, logs, token
        )
    finally:
        terminate_all(processes.values())
