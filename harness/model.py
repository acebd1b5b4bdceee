"""A Rasa model trained from the project's own data with fewer epochs, for tests and
benchmarks.

Trained once and kept under ``var/test-models`` by a fingerprint of everything it is
trained from, so a second run on the same data reuses it; concurrent runs wait for one
training.
"""

from __future__ import annotations

import fcntl
import hashlib
import subprocess
from pathlib import Path
from typing import Any

import yaml

from harness.processes import BIN, ROOT, environment

# Everything the model is trained from (as the Makefile's TRAINING_INPUTS): the Rasa
# project, the custom components, and the grammars and place names their entity
# extractor uses.
TRAINING_INPUTS = (
    "config.yml",
    "domain.yml",
    "nlu_data",
    "bot/rules",
    "bot/stories",
    "bot/components",
    "bot/rasa_fixes",
    "understanding",
    "knowledge_base/places.py",
)
TEST_EPOCHS = {
    "bot.components.diet_classifier.PredictingDIETClassifier": 30,
    "bot.components.retrieval_selector.RetrievalResponseSelector": 30,
    "bot.components.ted_policy.CachedTEDPolicy": 25,
}


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


def quick_config() -> dict[str, Any]:
    """The production pipeline with fewer epochs: same components, faster training."""
    config: dict[str, Any] = yaml.safe_load(
        (ROOT / "config.yml").read_text(encoding="utf-8")
    )
    for component in (*config["pipeline"], *config["policies"]):
        if component["name"] in TEST_EPOCHS:
            component["epochs"] = TEST_EPOCHS[component["name"]]
    return config


def train_command(config: Path | str, out: Path, name: str) -> list[str]:
    """``rasa train`` of the project's data with ``config``, to ``out/name.tar.gz``."""
    return [
        str(BIN / "rasa"),
        "train",
        "--data",
        "nlu_data",
        "bot/rules",
        "bot/stories",
        "--domain",
        "domain.yml",
        "--config",
        str(config),
        "--out",
        str(out),
        "--fixed-model-name",
        name,
        "--quiet",
    ]


def train_test_model() -> Path:
    """The test model for the current data: trained now unless already trained."""
    config = quick_config()
    digest = hashlib.sha256(yaml.safe_dump(config).encode())
    for file in training_files():
        digest.update(str(file.relative_to(ROOT)).encode())
        digest.update(file.read_bytes())
    fingerprint = digest.hexdigest()[:16]
    out = ROOT / "var" / "test-models"
    model = out / f"{fingerprint}.tar.gz"
    out.mkdir(parents=True, exist_ok=True)
    # Concurrent sessions wait for one training instead of each training the same model.
    with open(out / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not model.exists():
            _train(config, fingerprint, out)
    return model


def _train(config: dict[str, Any], fingerprint: str, out: Path) -> None:
    config_path = out / f"{fingerprint}-config.yml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    subprocess.run(
        train_command(config_path, out, fingerprint),
        cwd=ROOT,
        check=True,
        env=environment(),
    )
