"""Fixtures for the knowledge base's tests."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from knowledge_base import migrate
from knowledge_base.db import make_engine


@pytest.fixture
def session(engine):
    """A session whose work is always rolled back, leaving the shared database clean."""
    with Session(engine) as session:
        session.begin()
        yield session
        session.rollback()


@pytest.fixture
def empty_engine(tmp_path):
    """A database of its own, migrated and empty, for tests that change the catalogue."""
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()
