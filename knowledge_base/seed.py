"""Loads the curated catalogue shipped in ``knowledge_base/data/catalogue``."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from knowledge_base.catalogue import load_catalogue
from knowledge_base.importers.catalogue import import_catalogue


def seed_curated_catalogue(session: Session, catalogue_dir: Path) -> dict[str, int]:
    return import_catalogue(session, load_catalogue([catalogue_dir]))
