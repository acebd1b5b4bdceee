"""``hotline places`` as an operator uses it, in a subprocess against its own database."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from foundation import migrate
from tests.conftest import SHARED_DATA_DIR

OFFICIAL_LIST = SHARED_DATA_DIR / "shanghai_divisions" / "streets.csv"
needs_official_list = pytest.mark.skipif(
    not OFFICIAL_LIST.exists(), reason="shared data not present"
)


@pytest.fixture
def run_cli(tmp_path):
    url = f"sqlite:///{tmp_path / 'places.db'}"
    migrate.upgrade(url)
    environment = dict(os.environ, HOTLINE_DATABASE_URL=url)

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "cli.main", "places", *args],
            capture_output=True,
            text=True,
            env=environment,
            timeout=120,
        )

    return run


def _import_official_list(run_cli) -> subprocess.CompletedProcess:
    return run_cli(
        "import-divisions",
        str(OFFICIAL_LIST),
        "--source",
        "NBS division codes via modood/Administrative-divisions-of-China",
        "--as-of",
        "2022-10-31",
    )


@needs_official_list
def test_places_import_divisions_says_what_it_loaded_and_from_where(run_cli):
    result = _import_official_list(run_cli)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "imported 234 divisions as of 2022-10-31 from NBS division codes"
    )
    assert "234 added, 0 changed, 0 removed; this is the current list" in result.stdout


def test_places_import_divisions_of_a_bad_file_fails_with_reasons(run_cli, tmp_path):
    bad = tmp_path / "streets.csv"
    bad.write_text("code,name,district_code,district\n1,甲街道,310199,测试区\n")
    result = run_cli(
        "import-divisions", str(bad), "--source", "x", "--as-of", "2022-01-01"
    )
    assert result.returncode == 1
    assert "nothing was changed" in result.stderr
    assert "streets.csv line 2: code '1' is not nine digits" in result.stderr


@needs_official_list
def test_places_locate_prints_district_street_and_evidence_as_json(run_cli):
    _import_official_list(run_cli)
    result = run_cli("locate", "徐家汇地铁站3号口有人摆摊")
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["district"] == {"code": "310104", "name": "徐汇区"}
    assert body["street"] == {"code": "310104014", "name": "徐家汇街道"}
    assert [m["text"] for m in body["evidence"]] == ["徐家汇"]


def test_places_locate_without_a_list_says_to_import_one(run_cli):
    result = run_cli("locate", "七宝老街")
    assert result.returncode == 1
    assert "hotline places import-divisions" in result.stderr
