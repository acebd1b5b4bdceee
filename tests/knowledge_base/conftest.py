"""Fixtures for the knowledge base's tests."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session


@pytest.fixture
def session(engine):
    """A session whose work is always rolled back, leaving the shared database clean."""
    with Session(engine) as session:
        session.begin()
        yield session
        session.rollback()
