"""How many connections an engine gives out at once, and how statements are framed."""

from __future__ import annotations

import os
import stat
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from sqlalchemy import text

from foundation.db import (
    WORKER_THREADS,
    autocommitting,
    engine_of_its_own,
    make_engine,
    session_scope,
    statement_scope,
)
from harness.servers import postgres_server
from knowledge_base.repositories.catalogue_revision import current_revision
from tests.support.pools import one_connection_engine


def _hold_connections_together(engine, threads: int) -> None:
    together = threading.Barrier(threads, timeout=10)

    def hold() -> None:
        with session_scope(engine) as session:
            session.execute(text("select 1"))
            together.wait()

    with ThreadPoolExecutor(threads) as pool:
        for held in [pool.submit(hold) for _ in range(threads)]:
            held.result()


def test_every_worker_thread_holds_a_connection_at_the_same_time(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'kb.db'}")
    _hold_connections_together(engine, WORKER_THREADS)
    engine.dispose()


def test_an_engine_of_its_own_reads_while_the_shared_pool_is_all_held(empty_engine):
    shared = one_connection_engine(empty_engine.url)
    own = engine_of_its_own(shared)
    with session_scope(shared) as held:
        held.execute(text("select 1"))
        with session_scope(own) as session:
            assert current_revision(session) == current_revision(held)
    own.dispose()
    shared.dispose()


NUMBERS = sa.Table("numbers", sa.MetaData(), sa.Column("n", sa.Integer, nullable=False))


@pytest.fixture(scope="module")
def postgres_engine():
    with postgres_server() as url:
        engine = make_engine(url)
        NUMBERS.create(engine)
        yield engine
        engine.dispose()


def _count(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(
            sa.select(sa.func.count()).select_from(NUMBERS)
        ).one()[0]


@pytest.mark.postgres
def test_on_postgresql_each_statement_stands_alone_and_is_committed_at_once(
    postgres_engine,
):
    before = _count(postgres_engine)
    autocommit: list[bool] = []

    def listener(conn, *rest) -> None:
        autocommit.append(conn.connection.connection.autocommit)

    # Statements in autocommit go through a pool of their own.
    watched = autocommitting(postgres_engine)
    sa.event.listen(watched, "before_cursor_execute", listener)
    try:
        with statement_scope(postgres_engine) as session:
            session.execute(sa.insert(NUMBERS), [{"n": 1}, {"n": 2}, {"n": 3}])
            sa.event.remove(watched, "before_cursor_execute", listener)
            # No BEGIN was sent: the rows are there for everyone already.
            assert _count(postgres_engine) == before + 3
    finally:
        if sa.event.contains(watched, "before_cursor_execute", listener):
            sa.event.remove(watched, "before_cursor_execute", listener)
    # One statement for the three rows, outside any transaction.
    assert autocommit == [True]


@pytest.mark.postgres
def test_on_postgresql_autocommit_has_a_pool_of_its_own_disposed_with_the_engine(
    postgres_engine,
):
    engine = make_engine(postgres_engine.url.render_as_string(hide_password=False))
    own = autocommitting(engine)
    assert own.pool is not engine.pool
    with statement_scope(engine) as session:
        assert session.execute(sa.select(sa.literal(1))).scalar_one() == 1
    # The connection was put in autocommit once, when opened, and stays so.
    with own.connect() as connection:
        assert connection.connection.connection.autocommit
    assert own.pool.checkedin() == 1
    engine.dispose()
    assert own.pool.checkedin() == 0


@pytest.mark.postgres
def test_on_postgresql_a_multi_row_insert_that_fails_stores_none_of_its_rows(
    postgres_engine,
):
    before = _count(postgres_engine)
    with (
        pytest.raises(sa.exc.IntegrityError),
        statement_scope(postgres_engine) as session,
    ):
        session.execute(sa.insert(NUMBERS), [{"n": 1}, {"n": None}])
    assert _count(postgres_engine) == before


def test_on_sqlite_a_statement_scope_is_one_transaction(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'kb.db'}")
    NUMBERS.create(engine)
    with pytest.raises(sa.exc.IntegrityError), statement_scope(engine) as session:
        session.execute(sa.insert(NUMBERS), [{"n": 1}, {"n": None}])
    assert _count(engine) == 0
    engine.dispose()


@pytest.fixture
def permissive_umask():
    """A umask that lets everyone read what is made: what comes out private is made so."""
    before = os.umask(0)
    yield
    os.umask(before)


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_sqlite_database_and_its_new_directories_are_private(
    tmp_path, permissive_umask
):
    database = tmp_path / "var" / "data" / "hotline.db"
    engine = make_engine(f"sqlite:///{database}")
    NUMBERS.create(engine)
    with session_scope(engine) as session:
        session.execute(sa.insert(NUMBERS), [{"n": 1}])
        journal = database.with_name("hotline.db-wal")
        assert journal.exists() and _mode(journal) == 0o600
    engine.dispose()
    assert _mode(database) == 0o600
    assert _mode(database.parent) == _mode(database.parent.parent) == 0o700


def test_an_existing_directory_and_database_keep_their_modes(
    tmp_path, permissive_umask
):
    tmp_path.chmod(0o755)
    shared = tmp_path / "shared.db"
    shared.touch(mode=0o640)
    make_engine(f"sqlite:///{shared}").dispose()
    engine = make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    NUMBERS.create(engine)
    engine.dispose()
    assert (_mode(tmp_path), _mode(shared)) == (0o755, 0o640)
    assert _mode(tmp_path / "new.db") == 0o600
