"""Engine and session framing.

Callers frame the transaction (``with session_scope() as session``); repositories only
read and write through the session they are given and never commit.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import Pool, QueuePool

from foundation.settings import get_settings

if TYPE_CHECKING:
    import sqlite3

# The gateway does its database work on anyio's 40 worker threads. With as many
# connections none of them waits for one; with fewer (SQLAlchemy's default is 15), a
# thread can wait out the pool's 30-second timeout while the others take turns.
WORKER_THREADS = 40
_KEPT_OPEN = 10


class _PoolOptions(TypedDict, total=False):
    poolclass: type[Pool]
    pool_size: int
    max_overflow: int


def make_engine(url: str, connections: int | None = None) -> Engine:
    """Build an engine; SQLite gets foreign keys and a busy timeout, as PostgreSQL has.

    Args:
        connections: the most the engine may open at once; by default one per worker
            thread, ``_KEPT_OPEN`` of them kept open when idle.
    """
    limit: _PoolOptions = (
        {"pool_size": connections, "max_overflow": 0}
        if connections
        else {"pool_size": _KEPT_OPEN, "max_overflow": WORKER_THREADS - _KEPT_OPEN}
    )
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = _sqlite_file(parsed)
        if database:
            _create_privately(Path(database))
        # SQLAlchemy 1.4 opens a new file connection per session (NullPool); a pool,
        # 2.0's default, saves the open and the pragmas on every request.
        pool: _PoolOptions = {"poolclass": QueuePool, **limit} if database else {}
        engine = create_engine(
            url,
            future=True,
            connect_args={"check_same_thread": False, "timeout": 30},
            **pool,
        )
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
        return engine
    return create_engine(url, future=True, pool_pre_ping=True, **limit)


def engine_of_its_own(engine: Engine) -> Engine:
    """One connection of its own to ``engine``'s database, for work done under a lock.

    Requests that wait on such a lock hold connections from the shared pool; taken from
    that pool, the work could wait for one of theirs and stall them all.
    """
    url = engine.url
    if url.get_backend_name() == "sqlite" and _sqlite_file(url) is None:
        return engine  # an in-memory database exists only through its own engine
    return make_engine(url.render_as_string(hide_password=False), connections=1)


def _create_privately(database: Path) -> None:
    """Create a SQLite database's file readable by its owner alone (0600), and the
    directories missing on its way (``var/``) likewise (0700).

    It holds citizens' personal data (encrypted, but not all of it: docs/privacy.md).
    Made empty here, before SQLite opens it, so that it never exists with the umask's
    mode; SQLite gives its ``-wal`` and ``-shm`` files the database's own mode. Files
    and directories that already exist are left as they are.
    """
    missing = [d for d in (database.parent, *database.parent.parents) if not d.exists()]
    for directory in reversed(missing):
        try:
            directory.mkdir(mode=0o700)
        except FileExistsError:
            continue  # another process made it meanwhile
        os.chmod(directory, 0o700)  # whatever the umask
    try:
        descriptor = os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.fchmod(descriptor, 0o600)
    os.close(descriptor)


def _sqlite_file(url: URL) -> str | None:
    """The file a SQLite URL names; None for an in-memory database."""
    return None if url.database in (None, "", ":memory:") else url.database


def _enable_sqlite_foreign_keys(
    dbapi_connection: sqlite3.Connection, _record: object
) -> None:
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


@contextmanager
def statement_scope(engine: Engine | None = None) -> Iterator[Session]:
    """For a block whose every statement stands alone (a read, one multi-row INSERT
    of a turn's few rows).

    On PostgreSQL each such statement is atomic by itself, so it runs in autocommit:
    in a transaction psycopg2 sends ``BEGIN`` before it and ``COMMIT`` after it, two
    round trips more, and the gateway makes such calls on every citizen message.
    SQLite inserts many rows one by one, which needs the transaction.
    """
    engine = engine or get_engine()
    if engine.dialect.name != "postgresql":
        with session_scope(engine) as session:
            yield session
        return
    with Session(autocommitting(engine)) as session:
        yield session


@lru_cache(maxsize=8)
def autocommitting(engine: Engine) -> Engine:
    """``engine``'s database in autocommit, through a pool of its own, made once.

    Its connections are put in autocommit once, when opened. Switched on each checkout
    from ``engine``'s own pool instead, a connection first rolled back the transaction
    its liveness check (``pool_pre_ping``) had opened, and was switched back when
    returned: two more round trips to the database for every statement, 240 µs of a
    350 µs ``SELECT 1``. The pool is as large as ``engine``'s and is disposed with it;
    it is made from the URL alone, as ``make_engine`` makes engines (Rasa's tracker
    store, which passes options of its own, makes its own: ``bot.tracker_store``).
    """
    if engine.dialect.name != "postgresql" or not isinstance(engine.pool, QueuePool):
        return engine.execution_options(isolation_level="AUTOCOMMIT")
    pool = engine.pool
    own = autocommit_engine(
        engine.url,
        pool_size=pool.size(),  # type: ignore[no-untyped-call]
        max_overflow=getattr(pool, "_max_overflow", 0),
    )
    event.listen(engine, "engine_disposed", lambda _disposed: own.dispose())
    return own


def autocommit_engine(url: str | URL, **options: Any) -> Engine:
    """A PostgreSQL engine whose connections are put in autocommit once, when opened,
    and checked before each use; ``options`` are ``create_engine``'s (pool, schema)."""
    engine: Engine = create_engine(
        url, future=True, pool_pre_ping=True, isolation_level="AUTOCOMMIT", **options
    )
    return engine


def inserts_in_one_statement(engine: Engine, rows: int) -> bool:
    """Whether an INSERT of ``rows`` rows reaches the database as one statement, atomic
    by itself: on PostgreSQL psycopg2 sends up to a page of rows as one ``VALUES`` list;
    SQLite inserts them one by one."""
    dialect = engine.dialect
    return dialect.name == "postgresql" and rows <= getattr(
        dialect, "executemany_values_page_size", 0
    )
