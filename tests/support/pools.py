"""Engines whose pool has a single connection, to catch a second one taken while held."""

from __future__ import annotations

import sqlalchemy
from sqlalchemy.engine import URL, Engine
from sqlalchemy.pool import QueuePool


def one_connection_engine(url: URL) -> Engine:
    """A SQLite engine that gives out one connection and refuses a second in two seconds."""
    return sqlalchemy.create_engine(
        url,
        future=True,
        poolclass=QueuePool,
        pool_size=1,
        max_overflow=0,
        pool_timeout=2,
        connect_args={"check_same_thread": False},
    )
