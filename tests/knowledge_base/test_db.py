"""How many connections an engine gives out at once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import text

from knowledge_base.db import (
    WORKER_THREADS,
    engine_of_its_own,
    make_engine,
    session_scope,
)
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
