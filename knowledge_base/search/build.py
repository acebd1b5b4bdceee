"""Builds the search index and the complaint classifier from the database."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from knowledge_base.repositories.work_order_categories import list_categories
from knowledge_base.search.classify import CategoryProfile, ComplaintClassifier
from knowledge_base.search.documents import load_documents, load_lexicon
from knowledge_base.search.ranking import Lexicon, ServiceIndex

LEXICON_PATH = Path(__file__).resolve().parent.parent / "data" / "lexicon.yml"


def build_service_index(
    session: Session, lexicon_path: Path | None = LEXICON_PATH
) -> ServiceIndex:
    lexicon = load_lexicon(lexicon_path) if lexicon_path else Lexicon()
    return ServiceIndex(load_documents(session), lexicon)


def build_classifier(session: Session) -> ComplaintClassifier:
    return ComplaintClassifier(
        [
            CategoryProfile(
                code=category.code,
                name=category.name,
                name_en=category.name_en,
                department_code=category.department.code,
                department_name=category.department.name,
                time_limit_days=category.time_limit_days,
                keywords=tuple(category.keywords),
                description=category.description,
            )
            for category in list_categories(session)
        ]
    )
