"""Builds the search index from the database."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from knowledge_base.search.documents import load_documents, load_lexicon
from knowledge_base.search.ranking import Lexicon, ServiceIndex

LEXICON_PATH = Path(__file__).resolve().parent.parent / "data" / "lexicon.yml"


def build_service_index(
    session: Session, lexicon_path: Path | None = LEXICON_PATH
) -> ServiceIndex:
    lexicon = load_lexicon(lexicon_path) if lexicon_path else Lexicon()
    return ServiceIndex(load_documents(session), lexicon)
