"""Turns catalogue rows into what the search index needs, in three queries."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.models import FAQ, Bundle, Service, ServiceMaterial
from knowledge_base.search.ranking import Lexicon, SearchDocument


def load_documents(session: Session) -> list[SearchDocument]:
    questions: dict[tuple[str, int], list[str]] = defaultdict(list)
    for faq in session.scalars(select(FAQ)):
        subject = (
            ("service", faq.service_id) if faq.service_id else ("bundle", faq.bundle_id)
        )
        questions[subject].extend(q for q in (faq.question, faq.question_en) if q)
    materials: dict[int, list[str]] = defaultdict(list)
    for service_id, name in session.execute(
        select(ServiceMaterial.service_id, ServiceMaterial.name).order_by(
            ServiceMaterial.service_id, ServiceMaterial.position
        )
    ):
        materials[service_id].append(name)

    documents = [
        SearchDocument(
            code=service.code,
            kind="service",
            name=service.name,
            name_en=service.name_en,
            region=service.region,
            names=tuple(service.aliases),
            names_en=tuple(service.aliases_en),
            keywords=tuple(service.keywords),
            texts=(
                service.summary,
                service.summary_en,
                *questions[("service", service.id)],
            ),
            examples=tuple(service.examples or ()),
            materials=tuple(materials[service.id]),
        )
        for service in session.scalars(select(Service).order_by(Service.id))
    ]
    documents.extend(
        SearchDocument(
            code=bundle.code,
            kind="bundle",
            name=bundle.name,
            name_en=bundle.name_en,
            names=tuple(bundle.aliases),
            texts=(
                bundle.summary,
                bundle.summary_en,
                *questions[("bundle", bundle.id)],
            ),
        )
        for bundle in session.scalars(select(Bundle).order_by(Bundle.id))
    )
    return documents


def load_lexicon(path: Path) -> Lexicon:
    """Read ``synonyms: {official term: [colloquial words]}`` from the lexicon file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    synonyms: dict[str, list[str]] = defaultdict(list)
    for term, words in (data.get("synonyms") or {}).items():
        for word in words:
            synonyms[word].append(term)
    return Lexicon(synonyms=dict(synonyms))
