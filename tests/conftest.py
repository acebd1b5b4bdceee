"""Session fixtures: one freshly migrated and seeded database for the whole run."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy.engine import Engine

from knowledge_base import migrate
from knowledge_base.db import make_engine, session_scope
from knowledge_base.search.build import build_classifier, build_service_index
from knowledge_base.seed import seed_curated_catalogue
from knowledge_base.settings import get_settings

TESTS_DIR = Path(__file__).resolve().parent
DATA_DIR = TESTS_DIR / "data"
SHARED_DATA_DIR = TESTS_DIR.parent.parent / "shared" / "data"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'hotline.db'}"


@pytest.fixture(scope="session")
def engine(database_url: str) -> Engine:
    """The curated catalogue in a fresh database, migrated the way production is."""
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        seed_curated_catalogue(session, get_settings().catalogue_dir)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def service_index(engine: Engine):
    with session_scope(engine) as session:
        return build_service_index(session)


@pytest.fixture(scope="session")
def classifier(engine: Engine):
    with session_scope(engine) as session:
        return build_classifier(session)


def load_yaml(name: str):
    return yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8"))
