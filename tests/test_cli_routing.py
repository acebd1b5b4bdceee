"""``hotline routing``: train on an archive, see the active model, and route with it
through ``hotline kb classify``; each on a database of its own, since an active model
changes how every process routes."""

from __future__ import annotations

import csv
import json

import pytest
from sklearn.metrics import f1_score

from tests.conftest import SHARED_DATA_DIR, cli_runner, load_yaml

TIPDM_DIR = SHARED_DATA_DIR / "tipdm2020"


@pytest.fixture
def run_cli(seeded_database):
    return cli_runner(seeded_database, timeout=300)


def test_training_on_a_csv_archive_activates_a_model_that_classify_uses(
    run_cli, tmp_path
):
    archive = tmp_path / "orders.csv"
    with archive.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["description", "category"])
        for row in load_yaml("complaints.yml")["complaints"]:
            writer.writerow([row["text"], row["expect"]])
    assert "curated classifier" in run_cli("routing", "status").stdout
    trained = run_cli("routing", "train", str(archive), "--folds", "3")
    assert trained.returncode == 0, trained.stderr
    assert "macro-F1" in trained.stdout and "active: yes" in trained.stdout
    status = json.loads(run_cli("routing", "status", "--json").stdout)
    active = status["active"]
    assert active["training_size"] == 107 and active["label_kind"] == "category"
    assert active["metrics"]["cross_validation"]["folds"] == 3
    routed = run_cli("kb", "classify", "--json", stdin="工地半夜打桩吵得睡不着\n")
    body = json.loads(routed.stdout)
    assert body["model"] == active["version"]
    assert body["category"] == "noise" and body["top_level"] == "环境保护"
    assert 0 < body["confidence"] <= 1
    assert run_cli("routing", "deactivate").returncode == 0
    again = json.loads(run_cli("kb", "classify", "--json", "工地半夜打桩").stdout)
    assert again["model"] is None


def test_an_archive_with_an_unknown_label_is_refused_with_its_line(run_cli, tmp_path):
    archive = tmp_path / "orders.tsv"
    archive.write_text("楼上很吵\tnoise\n井盖丢了\t市政\n", encoding="utf-8")
    result = run_cli("routing", "train", str(archive))
    assert result.returncode == 1
    assert "orders.tsv:2" in result.stderr and "Traceback" not in result.stderr
    assert json.loads(run_cli("routing", "status", "--json").stdout)["models"] == []


def test_a_missing_archive_is_refused_without_a_traceback(run_cli, tmp_path):
    result = run_cli("routing", "train", str(tmp_path / "none.tsv"))
    assert result.returncode == 1
    assert "cannot" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.skipif(
    not (TIPDM_DIR / "train.tsv").exists(), reason=f"no TipDM data in {TIPDM_DIR}"
)
def test_trained_on_tipdm_titles_classify_batch_routes_dev_titles_by_top_level(
    run_cli,
):
    trained = run_cli(
        "routing",
        "train",
        str(TIPDM_DIR / "train.tsv"),
        "--labels",
        str(TIPDM_DIR / "labels.tsv"),
    )
    assert trained.returncode == 0, trained.stderr
    names = dict(
        line.split("\t")
        for line in (TIPDM_DIR / "labels.tsv").read_text().splitlines()[1:]
    )
    rows = [
        line.rpartition("\t")
        for line in (TIPDM_DIR / "dev.tsv").read_text(encoding="utf-8").splitlines()
    ]
    routed = run_cli(
        "kb", "classify", "--json", stdin="\n".join(text for text, _, _ in rows)
    )
    predicted = [json.loads(line)["top_level"] for line in routed.stdout.splitlines()]
    expected = [names[label] for _, _, label in rows]
    assert f1_score(expected, predicted, average="macro") >= 0.87
