"""The NLU data itself: generated parts current, annotations by docs/nlu-annotation.md."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from bot.evaluation import read_examples
from foundation.settings import get_settings
from tests.conftest import DATA_DIR, TESTS_DIR

ROOT = TESTS_DIR.parent
GENERATED = ROOT / "nlu_data" / "generated"
# Verbs of doing that a service annotation leaves out (换[驾照], 领[失业金]) unless the
# whole span is a catalogue name (领结婚证 is an alias).
LEADING_VERBS = ("申请", "办", "换", "领")


def _generator():
    spec = importlib.util.spec_from_file_location(
        "generate_nlu_resources", ROOT / "scripts" / "generate_nlu_resources.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated() -> dict[str, str]:
    return _generator().build_resources(get_settings().catalogue_dir)


def test_generated_nlu_resources_match_the_catalogue(generated):
    stale = [
        relative
        for relative, content in generated.items()
        if (GENERATED / relative).read_text(encoding="utf-8") != content
    ]
    assert stale == [], "run: python scripts/generate_nlu_resources.py"


def test_jieba_dictionary_never_swallows_a_service_name_into_a_longer_word(generated):
    words = {
        line.split(" ")[0] for line in generated["jieba/user_dict.txt"].split("\n")
    }
    assert "居住证" in words and "申请居住证" not in words
    assert "失业金" in words


def _annotated_files() -> list[Path]:
    return [
        *sorted((ROOT / "nlu_data" / "nlu").glob("*.yml")),
        DATA_DIR / "nlu_heldout.yml",
    ]


@pytest.mark.parametrize("path", _annotated_files(), ids=lambda p: p.name)
def test_service_annotations_leave_out_a_leading_verb(path: Path, generated):
    catalogue_terms = {
        line.strip()[2:].lower()
        for line in generated["lookups.yml"].splitlines()
        if line.startswith("    - ")
    }
    offending = [
        example.text
        for example in read_examples(path)
        for kind, start, end in example.entities
        if kind == "service"
        and example.text[start:end].startswith(LEADING_VERBS)
        and example.text[start:end].lower() not in catalogue_terms
    ]
    assert offending == []
