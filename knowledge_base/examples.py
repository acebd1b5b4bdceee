"""Guides tested like code: each example question must find its service first.

A service may hold questions citizens ask about it (``examples`` in the catalogue). Each is
put to ``knowledge_base.resolution.resolve_subject``, the function that decides what the
assistant answers about, with nothing but the question's text, as a citizen's first
message is: it passes only when the service comes back as the clear subject. Offered as
one of several choices, or said not held, it fails, since the citizen was not answered
about it. The examples are never indexed (``SearchDocument.examples``), or the check would
pass by rote.

An edit can break the examples of other services, not only its own (an alias taken from
a neighbour, say), so ``check_draft`` puts every example to an index of the live
catalogue in which the draft stands in for the guide it changes, before a reviewer
approves it. It reads the database and writes nothing.

Public functions: ``check_examples``, ``check_draft``, ``failures``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from knowledge_base.resolution import resolve_subject
from knowledge_base.search.build import LEXICON_PATH
from knowledge_base.search.documents import load_documents, load_lexicon
from knowledge_base.search.ranking import SearchDocument, ServiceIndex


@dataclass(frozen=True)
class ExampleResult:
    """One example question put to the assistant's resolution.

    ``found_code`` is the service or bundle it would answer about (None when it asks
    the citizen to choose among ``offered``, says ``missing`` is not held, or finds
    nothing).
    """

    code: str
    question: str
    found_code: str | None
    passed: bool
    offered: tuple[str, ...] = ()
    missing: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "question": self.question,
            "found_code": self.found_code,
            "passed": self.passed,
            "offered": list(self.offered),
            "missing": self.missing,
        }


def check_examples(
    index: ServiceIndex, services: Iterable[str] | None = None
) -> list[ExampleResult]:
    """Put each service's example questions to the index, in catalogue order.

    Args:
        index: the search index the assistant answers from (its documents carry the
            examples).
        services: codes of the services whose examples to check; all when None.

    Returns:
        One result per example; a service without examples contributes none.
    """
    wanted = None if services is None else set(services)
    return [
        check_question(index, doc.code, question)
        for doc in index.documents
        if doc.kind == "service" and (wanted is None or doc.code in wanted)
        for question in doc.examples
    ]


def check_question(index: ServiceIndex, code: str, question: str) -> ExampleResult:
    """Whether ``question``, asked first thing, is answered about service ``code``."""
    resolution = resolve_subject(index, text=question)
    return ExampleResult(
        code=code,
        question=question,
        found_code=resolution.code,
        passed=resolution.code == code and resolution.kind == "service",
        offered=tuple(hit.code for hit in resolution.candidates),
        missing=resolution.missing,
    )


def failures(results: Sequence[ExampleResult]) -> list[ExampleResult]:
    return [result for result in results if not result.passed]


def check_draft(
    session: Session, content: Mapping[str, Any], *, kind: str = "service"
) -> list[ExampleResult]:
    """Every example, against the live catalogue with the draft in place of its guide.

    Args:
        session: reads the live catalogue; nothing is written or flushed through it.
        content: the draft guide in the catalogue format (``code``, names, aliases,
            keywords, summaries, ``faqs`` and ``examples``); a code the catalogue does
            not hold yet is a new guide, added.
        kind: "service" or "bundle"; an office draft changes nothing search reads, so
            the live catalogue's examples are checked as they are.

    Returns:
        The results of the draft's examples and of every other service's.
    """
    # A caller holding the draft's version unflushed must not see it written by a read.
    with session.no_autoflush:
        documents = load_documents(session)
    if kind in ("service", "bundle"):
        documents = _with_draft(documents, _draft_document(kind, content))
    index = ServiceIndex(documents, load_lexicon(LEXICON_PATH))
    return check_examples(index)


def _with_draft(
    documents: list[SearchDocument], draft: SearchDocument
) -> list[SearchDocument]:
    for position, doc in enumerate(documents):
        if doc.code == draft.code and doc.kind == draft.kind:
            return [*documents[:position], draft, *documents[position + 1 :]]
    return [*documents, draft]


def _draft_document(kind: str, content: Mapping[str, Any]) -> SearchDocument:
    """What search would know of the guide once the draft is published, read as
    ``load_documents`` reads the published tables."""
    questions = [
        str(text)
        for faq in content.get("faqs") or ()
        for text in (faq.get("question"), faq.get("question_en"))
        if text
    ]
    is_service = kind == "service"
    return SearchDocument(
        code=str(content["code"]),
        kind=kind,
        name=str(content.get("name") or ""),
        name_en=str(content.get("name_en") or ""),
        # The catalogue format's default, as for a record that leaves it out.
        region=str(content.get("region") or "上海市"),
        names=tuple(content.get("aliases") or ()),
        names_en=tuple(content.get("aliases_en") or ()) if is_service else (),
        keywords=tuple(content.get("keywords") or ()) if is_service else (),
        texts=(
            str(content.get("summary") or ""),
            str(content.get("summary_en") or ""),
            *questions,
        ),
        examples=tuple(content.get("examples") or ()) if is_service else (),
    )
