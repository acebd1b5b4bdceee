"""The ``hotline`` command as an operator uses it, in a subprocess."""

from __future__ import annotations

import json

import pytest

from tests.conftest import cli_runner


@pytest.fixture(scope="module")
def run_cli(engine, database_url):
    return cli_runner(database_url)


def test_kb_search_json_puts_residence_permit_first(run_cli):
    result = run_cli("kb", "search", "刚来上海工作，居住证要怎么办", "--json")
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert hits[0]["code"] == "residence-permit"
    assert set(hits[0]) == {"code", "name", "score"}


def test_kb_search_reads_one_question_per_line_from_stdin(run_cli):
    result = run_cli("kb", "search", "--json", stdin="护照怎么办\n\n失业金怎么领\n")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [hits[0]["code"] for hits in lines] == ["passport", "unemployment-benefit"]


def test_kb_classify_json_names_top_level_category_department_and_confidence(run_cli):
    result = run_cli("kb", "classify", "楼上半夜装修太吵了", "--json")
    body = json.loads(result.stdout)
    assert body["category"] == "noise"
    assert body["top_level"] == "环境保护"
    assert body["department"] and 0 < body["confidence"] <= 1
    # The curated classifier's scores are no probabilities: an agent reviews.
    assert body["automatic"] is False and body["model"] is None


def test_kb_import_of_bad_file_fails_with_reasons_and_exit_code(run_cli, tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("services:\n  - code: Bad Code\n", encoding="utf-8")
    result = run_cli("kb", "import", str(bad))
    assert result.returncode == 1
    assert "nothing was changed" in result.stderr
    assert "services[0] (Bad Code): code" in result.stderr
