"""The whole assistant for end-to-end tests: a trained model, the action server, Rasa, the gateway.

The model is trained from the project's own data with fewer epochs, once, and kept under
``var/test-models`` by a fingerprint of everything it is trained from, so a second run on
the same data reuses it.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge_base.rasa_endpoints import write_endpoints
from knowledge_base.settings import Settings
from tests.support.servers import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
TRAINING_INPUTS = (
    "config.yml",
    "domain.yml",
    "nlu_data",
    "bot/rules",
    "bot/stories",
    "bot/components",
)
TEST_EPOCHS = {
    "DIETClassifier": 30,
    "bot.components.retrieval_selector.RetrievalResponseSelector": 30,
    "bot.components.ted_policy.CachedTEDPolicy": 25,
}
BIN = Path(sys.executable).parent


def training_files() -> list[Path]:
    files = []
    for entry in TRAINING_INPUTS:
        path = ROOT / entry
        files.extend(
            sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and "__pycache__" not in p.parts
            )
            if path.is_dir()
            else [path]
        )
    return files


def test_config() -> dict:
    """The production pipeline with fewer epochs: same components, faster training."""
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    for component in (*config["pipeline"], *config["policies"]):
        if component["name"] in TEST_EPOCHS:
            component["epochs"] = TEST_EPOCHS[component["name"]]
    return config


def train_test_model() -> Path:
    config = test_config()
    digest = hashlib.sha256(yaml.safe_dump(config).encode())
    for file in training_files():
        digest.update(str(file.relative_to(ROOT)).encode())
        digest.update(file.read_bytes())
    fingerprint = digest.hexdigest()[:16]
    out = ROOT / "var" / "test-models"
    model = out / f"{fingerprint}.tar.gz"
    out.mkdir(parents=True, exist_ok=True)
    # Concurrent test sessions wait for one training instead of each training the same model.
    with open(out / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not model.exists():
            _train(config, fingerprint, out)
    return model


def _train(config: dict, fingerprint: str, out: Path) -> None:
    config_path = out / f"{fingerprint}-config.yml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    subprocess.run(
        [
            str(BIN / "rasa"),
            "train",
            "--data",
            "nlu_data",
            "bot/rules",
            "bot/stories",
            "--domain",
            "domain.yml",
            "--config",
            str(config_path),
            "--out",
            str(out),
            "--fixed-model-name",
            fingerprint,
            "--quiet",
        ],
        cwd=ROOT,
        check=True,
        env=_environment(),
    )


def _environment(**extra: str) -> dict[str, str]:
    # Rasa's training cache does not see changes inside the jieba dictionary folder.
    return {
        **os.environ,
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "PYTHONPATH": str(ROOT),
        "RASA_MAX_CACHE_SIZE": "0",
        **extra,
    }


@dataclass
class Stack:
    rasa_url: str
    action_server_url: str
    processes: dict[str, subprocess.Popen]
    logs: Path


@contextmanager
def rasa_stack(model: Path, database_url: str, logs: Path) -> Iterator[Stack]:
    """The action server and the Rasa server on free loopback ports, sharing ``database_url``."""
    logs.mkdir(parents=True, exist_ok=True)
    actions_port, rasa_port = free_port(), free_port()
    action_server_url = f"http://127.0.0.1:{actions_port}"
    environment = _environment(
        HOTLINE_DATABASE_URL=database_url, HOTLINE_ACTION_SERVER_URL=action_server_url
    )
    # Written from the settings as `hotline run` does (HOTLINE_TRACKER_STORE_URL, ...).
    endpoints = write_endpoints(
        Settings(action_server_url=action_server_url), logs / "endpoints.yml"
    )
    processes: dict[str, subprocess.Popen] = {}
    try:
        processes["actions"] = _start(
            "actions",
            [
                sys.executable,
                "-m",
                "actions",
                "--port",
                str(actions_port),
            ],
            environment,
            logs,
        )
        processes["rasa"] = _start(
            "rasa",
            [
                sys.executable,
                "-m",
                "bot.rasa_server",
                "run",
                "--enable-api",
                "--model",
                str(model),
                "--port",
                str(rasa_port),
                "--interface",
                "127.0.0.1",
                "--endpoints",
                str(endpoints),
                "--credentials",
                "bot/credentials.yml",
            ],
            environment,
            logs,
        )
        wait_for_port(actions_port, timeout=300)
        wait_for_port(rasa_port, timeout=600)
        yield Stack(f"http://127.0.0.1:{rasa_port}", action_server_url, processes, logs)
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _start(
    name: str, command: list[str], environment: dict[str, str], logs: Path
) -> subprocess.Popen:
    log = open(logs / f"{name}.log", "ab")  # noqa: SIM115 - the process owns it until it exits
    return subprocess.Popen(
        command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
    )
