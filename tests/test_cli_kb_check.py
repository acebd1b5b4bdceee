"""``hotline kb check`` as an operator or CI runs it: exit 0 when every example question
finds its service first, 1 with the failures listed when one does not."""

from __future__ import annotations

import json

import pytest

from foundation import migrate
from foundation.db import make_engine, session_scope
from foundation.settings import get_settings
from knowledge_base.seed import seed_curated_catalogue
from tests.conftest import cli_runner

A_QUESTION_ABOUT_SOMETHING_ELSE = "护照丢了怎么补办？"


@pytest.fixture(scope="module")
def run_cli(engine, database_url):
    return cli_runner(database_url)


@pytest.fixture(scope="module")
def run_cli_on_broken_guide(tmp_path_factory):
    """A database of its own whose dog-registration guide holds an example about a
    passport, imported the way an operator changes a guide."""
    folder = tmp_path_factory.mktemp("kb-check")
    url = f"sqlite:///{folder / 'broken.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        seed_curated_catalogue(session, get_settings().catalogue_dir)
    engine.dispose()
    run = cli_runner(url)
    exported = json.loads(run("kb", "export", "--format", "json").stdout)
    dog = next(s for s in exported["services"] if s["code"] == "dog-registration")
    dog["examples"] = [*dog["examples"], A_QUESTION_ABOUT_SOMETHING_ELSE]
    changed = folder / "dog.json"
    changed.write_text(
        json.dumps({"services": [dog]}, ensure_ascii=False), encoding="utf-8"
    )
    imported = run("kb", "import", str(changed))
    assert imported.returncode == 0, imported.stderr
    return run


def test_kb_check_passes_with_exit_code_0_on_the_curated_catalogue(run_cli):
    result = run_cli("kb", "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "FAIL" not in result.stdout
    summary = result.stdout.strip().splitlines()[-1]
    checked = summary.split(" of ")[1].split()[0]
    assert summary.startswith(f"{checked} of {checked} example questions")


def test_kb_check_lists_the_failing_question_and_exits_1(run_cli_on_broken_guide):
    result = run_cli_on_broken_guide("kb", "check")
    assert result.returncode == 1
    assert f"FAIL {A_QUESTION_ABOUT_SOMETHING_ELSE}" in result.stdout
    assert "expected dog-registration, found passport" in result.stdout


def test_kb_check_json_of_one_service_names_question_expected_and_found(
    run_cli_on_broken_guide,
):
    result = run_cli_on_broken_guide(
        "kb", "check", "--service", "dog-registration", "--json"
    )
    assert result.returncode == 1
    body = json.loads(result.stdout)
    assert body["checked"] == body["passed"] + 1
    [failure] = body["failed"]
    assert failure["question"] == A_QUESTION_ABOUT_SOMETHING_ELSE
    assert (failure["code"], failure["found_code"]) == ("dog-registration", "passport")


def test_kb_check_of_another_service_still_passes(run_cli_on_broken_guide):
    result = run_cli_on_broken_guide("kb", "check", "--service", "passport")
    assert result.returncode == 0, result.stdout


def test_kb_check_of_an_unknown_service_says_so_with_exit_code_2(run_cli):
    result = run_cli("kb", "check", "--service", "no-such-service")
    assert result.returncode == 2
    assert "no service with code 'no-such-service'" in result.stderr
