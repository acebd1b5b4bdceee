"""Guides tested like code: every curated example question finds its service first, and a
draft is checked against the live catalogue before anyone approves it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from foundation.settings import get_settings
from knowledge_base.catalogue import load_catalogue
from knowledge_base.examples import check_draft, check_examples, failures
from knowledge_base.importers.catalogue import export_catalogue
from knowledge_base.models import Service
from knowledge_base.repositories.catalogue_revision import current_revision

EXAMPLES_PER_SERVICE = 3


def _report(results) -> str:
    return "\n".join(
        f"{r.question!r}: expected {r.code}, found {r.found_code or r.offered or r.missing}"
        for r in failures(results)
    )


def test_every_curated_example_finds_its_service_first(service_index):
    results = check_examples(service_index)
    services = {result.code for result in results}
    print(
        f"{len(results) - len(failures(results))} of {len(results)} example questions "
        f"of {len(services)} services find their service first"
    )
    assert len(results) >= EXAMPLES_PER_SERVICE * len(services)
    assert not failures(results), _report(results)


def test_every_curated_service_has_examples_one_without_its_official_name():
    catalogue = load_catalogue([get_settings().catalogue_dir])
    for service in catalogue.services:
        assert len(service.examples) >= EXAMPLES_PER_SERVICE, service.code
        official = service.name.split("（")[0]
        assert any(official not in question for question in service.examples), (
            f"{service.code}: every example names {official}; a citizen seldom does"
        )


def test_examples_are_not_searched_so_a_check_cannot_pass_by_rote(service_index):
    question = next(
        doc.examples[0] for doc in service_index.documents if doc.code == "passport"
    )
    assert all(question not in doc.texts for doc in service_index.documents)


def test_check_examples_checks_only_the_services_asked_for(service_index):
    results = check_examples(service_index, ["passport", "dog-registration"])
    assert {result.code for result in results} == {"passport", "dog-registration"}
    assert len(results) == 2 * EXAMPLES_PER_SERVICE


def _live_content(session: Session, code: str) -> dict:
    """The service as a draft starts from: its record in the import format, its FAQs."""
    exported = export_catalogue(session)
    content = next(record for record in exported["services"] if record["code"] == code)
    content["faqs"] = [faq for faq in exported["faqs"] if faq.get("service") == code]
    return content


def test_check_draft_of_the_live_guide_passes(session):
    results = check_draft(session, _live_content(session, "dog-registration"))
    assert not failures(results), _report(results)


def test_check_draft_fails_a_rename_that_loses_the_citizens_words(session):
    draft = _live_content(session, "dog-registration")
    # An editor gives the guide its formal title and drops the everyday names.
    draft.update(name="犬只登记证核发", aliases=[], keywords=[], summary="", faqs=[])
    failed = failures(check_draft(session, draft))
    assert {result.code for result in failed} == {"dog-registration"}
    assert len(failed) >= 2
    # The live catalogue is untouched and still passes.
    live = check_draft(session, _live_content(session, "dog-registration"))
    assert not failures(live)


def test_check_draft_catches_a_draft_that_breaks_another_services_examples(session):
    draft = _live_content(session, "temporary-id-card")
    # Taking the neighbour's everyday name: a lost ID card is no longer 居民身份证's.
    draft["aliases"] = [
        *draft["aliases"],
        "身份证丢了",
        "补办身份证",
        "身份证丢了怎么补办",
    ]
    failed = failures(check_draft(session, draft))
    assert "id-card" in {result.code for result in failed}
    assert all(result.found_code != "id-card" for result in failed)


def test_check_draft_checks_the_examples_of_a_new_service(session):
    draft = {
        "code": "sample-boat-licence",
        "name": "游艇驾驶证申领（示例）",
        "aliases": ["游艇驾照"],
        "keywords": ["游艇"],
        "summary": "示例数据：游艇驾驶证的申领。",
        "examples": ["游艇驾照怎么考？", "护照丢了怎么补办？"],
    }
    results = [r for r in check_draft(session, draft) if r.code == draft["code"]]
    assert [(r.question, r.passed) for r in results] == [
        ("游艇驾照怎么考？", True),
        ("护照丢了怎么补办？", False),
    ]
    assert results[1].found_code == "passport"


@pytest.fixture
def statements(engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def test_check_draft_writes_nothing(session, statements):
    draft = _live_content(session, "dog-registration")
    draft.update(name="犬只登记证核发", aliases=[], examples=["狗证怎么办？"])
    revision = current_revision(session)
    statements.clear()
    check_draft(session, draft)
    assert statements, "the listener saw the catalogue being read"
    writes = [
        s
        for s in statements
        if s.lstrip().split(" ", 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    ]
    assert writes == []
    assert not (session.new or session.dirty or session.deleted)
    assert current_revision(session) == revision
    name = session.scalar(
        select(Service.name).where(Service.code == "dog-registration")
    )
    assert name == "养犬登记"
