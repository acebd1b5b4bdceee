"""The search index, whatever else is built from the catalogue, and answers, kept in memory.

Building the index takes a second at the platform's scale, so it is built once, lazily,
and rebuilt only after the catalogue changes; so is anything else a process builds from
the catalogue through ``built`` (the complaint classifier of ``cases.routing``). Answers rendered from the catalogue (a
service's materials, say: four queries and a page of ORM objects each time) are kept
the same way, up to ``ANSWERS_KEPT`` of them, the least recently used dropped first.
A change made through this process drops the index at once. Every catalogue change
also raises the revision in the database in its own transaction
(``repositories/catalogue_revision.py``), which every process (gateway replicas, the
action server) reads at most once every ``catalogue_check_interval_s`` seconds: a change
through another replica, a ``hotline kb import`` or a seed reaches them all, with or
without Redis. The revision is read and the index built through a connection of the
engine's own: the requests waiting on its lock may hold every connection of the pool.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from foundation.db import engine_of_its_own, session_scope
from foundation.lru import LeastRecentlyUsed
from foundation.settings import get_settings
from knowledge_base.repositories.catalogue_revision import current_revision
from knowledge_base.search.build import build_service_index
from knowledge_base.search.ranking import ServiceIndex

logger = logging.getLogger(__name__)
_NEVER_CHECKED = object()
ANSWERS_KEPT = 10_000
T = TypeVar("T")


class SearchEngine:
    """The index, and what else is built from the catalogue, of one process.

    Args:
        engine: the knowledge base to build from.
        revision: reads the catalogue's revision; by default from ``engine``.
        check_interval_s: how often the revision is read, at most.
        clock: monotonic seconds, injectable for tests.
        answers_kept: how many answers ``remembered`` keeps at most.
    """

    def __init__(
        self,
        engine: Engine,
        revision: Callable[[], Hashable] | None = None,
        check_interval_s: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        answers_kept: int = ANSWERS_KEPT,
    ) -> None:
        settings = get_settings()
        self._engine = engine_of_its_own(engine)
        self._lock = threading.Lock()
        # Keyed by the function that builds each from a session of the catalogue.
        self._built: dict[Callable[[Session], Any], Any] = {}
        self._answers: LeastRecentlyUsed[object] = LeastRecentlyUsed(answers_kept)
        # Counts the catalogues forgotten, so an answer worked out from one that was
        # forgotten meanwhile is not kept.
        self._generation = 0
        self._revision = revision or self._revision_in_database
        self._interval = (
            settings.catalogue_check_interval_s
            if check_interval_s is None
            else check_interval_s
        )
        self._clock = clock
        self._seen: object = _NEVER_CHECKED
        self._next_check = float("-inf")

    @property
    def index(self) -> ServiceIndex:
        return self.built(build_service_index)

    def built(self, build: Callable[[Session], T]) -> T:
        """What ``build`` makes from the catalogue, made once per catalogue revision.

        Other domains keep what they derive from the catalogue here (the complaint
        classifier), so it follows every catalogue change as the index does.
        """
        with self._lock:
            self._follow_revision()
            if build not in self._built:
                with session_scope(self._engine) as session:
                    self._built[build] = build(session)
            return self._built[build]  # type: ignore[no-any-return]

    def warm_up(self, *also: Callable[[Session], object]) -> None:
        """Builds the index, and ``also`` what else the process needs, before it
        serves: built at the first question, they kept it waiting about a second at
        the platform's scale. A database not readable yet leaves them to be built
        then."""
        try:
            for build in (build_service_index, *also):
                self.built(build)
        except SQLAlchemyError:
            logger.warning("search index not built at start", exc_info=True)

    def remembered(self, key: Hashable, work_out: Callable[[], T]) -> T:
        """What ``work_out`` gives from the catalogue, worked out once per catalogue.

        Args:
            key: names the answer: everything it depends on besides the catalogue.
            work_out: reads the catalogue; called outside the lock.
        """
        with self._lock:
            self._follow_revision()
            known = self._answers.get(key)
            if known is not None:
                return known  # type: ignore[return-value]
            generation = self._generation
        value = work_out()
        with self._lock:
            if generation == self._generation:
                self._answers.put(key, value)
        return value

    def invalidate(self) -> None:
        """Forget the built index and answers; the next query rebuilds from the database.

        Call it after the change is committed; other processes follow within
        ``check_interval_s``.
        """
        with self._lock:
            self._forget()
            # Read the raised revision at the next query, so it is not taken for yet
            # another change.
            self._next_check = float("-inf")

    def _revision_in_database(self) -> Hashable:
        with session_scope(self._engine) as session:
            return current_revision(session)

    def _follow_revision(self) -> None:
        # Called with the lock held; one primary-key read every few seconds at most.
        if self._clock() < self._next_check:
            return
        self._next_check = self._clock() + self._interval
        try:
            current = self._revision()
        except Exception:  # noqa: BLE001 - keep serving the index we have
            logger.warning("could not read the catalogue revision", exc_info=True)
            return
        if current != self._seen:
            if self._seen is not _NEVER_CHECKED:
                logger.info("the catalogue changed elsewhere; rebuilding the index")
            self._seen = current
            self._forget()

    def _forget(self) -> None:
        self._built.clear()
        self._answers.clear()
        self._generation += 1
