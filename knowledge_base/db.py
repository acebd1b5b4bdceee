"""Engine and session framing.

Callers frame the transaction (``with session_scope() as session``); repositories only
read and write through the session they are given and never commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import QueuePool

from knowledge_base.settings import get_settings


def make_engine(url: str) -> Engine:
    """Build an engine; SQLite gets foreign keys and a busy timeout, as PostgreSQL has."""
    if url.startswith("sqlite"):
        database = url.removeprefix("sqlite:///")
        on_disk = bool(database) and database != ":memory:"
        if on_disk:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            future=True,
            connect_args={"check_same_thread": False, "timeout": 30},
            # SQLAlchemy 1.4 opens a new file connection per session (NullPool); a pool,
            # 2.0's default, saves the open and the pragmas on every request.
            **({"poolclass": QueuePool} if on_disk else {}),
        )
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
        return engine
    return create_engine(url, future=True, pool_pre_ping=True)


def _enable_sqlite_foreign_keys(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


@lru_cache
def get_engine() -> Engine:
    return make_engine(get_settings().database_url)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back on any error."""
    with Session(engine or get_engine()) as session, session.begin():
        yield session
