"""The search index, the complaint classifier and answers, kept in memory for a process.

Building the index takes a second at the platform's scale, so it is built once, lazily,
and rebuilt only after the catalogue changes. Answers rendered from the catalogue (a
service's materials, say: four queries and a page of ORM objects each time) are kept
the same way, up to ``ANSWERS_KEPT`` of them, the least recently used dropped first.
A change made through this process drops the index at once; with several processes (gateway replicas, the action server) sharing
a Redis (``HOTLINE_REDIS_URL``), a change also replaces a shared revision token, which
every process compares at most once every ``catalogue_check_interval_s`` seconds.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Hashable
from typing import Protocol, TypeVar

from sqlalchemy.engine import Engine

from knowledge_base.db import session_scope
from knowledge_base.lru import LeastRecentlyUsed
from knowledge_base.search.build import build_classifier, build_service_index
from knowledge_base.search.classify import ComplaintClassifier
from knowledge_base.search.ranking import ServiceIndex
from knowledge_base.settings import get_settings

logger = logging.getLogger(__name__)
_NEVER_CHECKED = object()
ANSWERS_KEPT = 10_000
T = TypeVar("T")


class CatalogueRevision(Protocol):
    """A token shared by every process that changes whenever the catalogue does."""

    def current(self) -> str | None: ...

    def bump(self) -> str: ...


class RedisCatalogueRevision:
    """The revision as one Redis key holding a random token (a restart just rebuilds)."""

    KEY = "hotline:catalogue:revision"

    def __init__(self, url: str, timeout_s: float = 0.5) -> None:
        self._url = url
        self._timeout_s = timeout_s
        self._client = None

    def current(self) -> str | None:
        value = self._redis().get(self.KEY)
        return value.decode() if value is not None else None

    def bump(self) -> str:
        token = uuid.uuid4().hex
        self._redis().set(self.KEY, token)
        return token

    def _redis(self):
        if self._client is None:
            import redis

            self._client = redis.Redis.from_url(
                self._url,
                socket_timeout=self._timeout_s,
                socket_connect_timeout=self._timeout_s,
            )
        return self._client


def shared_revision(redis_url: str) -> CatalogueRevision | None:
    return RedisCatalogueRevision(redis_url) if redis_url else None


class SearchEngine:
    """The index and classifier of one process.

    Args:
        engine: the knowledge base to build from.
        revision: the shared revision; by default Redis at ``HOTLINE_REDIS_URL`` if
            set, else none (one process sees only its own changes).
        check_interval_s: how often the shared revision is read, at most.
        clock: monotonic seconds, injectable for tests.
        answers_kept: how many answers ``remembered`` keeps at most.
    """

    def __init__(
        self,
        engine: Engine,
        revision: CatalogueRevision | None = None,
        check_interval_s: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        answers_kept: int = ANSWERS_KEPT,
    ) -> None:
        settings = get_settings()
        self._engine = engine
        self._lock = threading.Lock()
        self._index: ServiceIndex | None = None
        self._classifier: ComplaintClassifier | None = None
        self._answers: LeastRecentlyUsed[object] = LeastRecentlyUsed(answers_kept)
        # Counts the catalogues forgotten, so an answer worked out from one that was
        # forgotten meanwhile is not kept.
        self._generation = 0
        self._revision = revision or shared_revision(settings.redis_url)
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
        with self._lock:
            self._follow_shared_revision()
            if self._index is None:
                with session_scope(self._engine) as session:
                    self._index = build_service_index(session)
            return self._index

    @property
    def classifier(self) -> ComplaintClassifier:
        with self._lock:
            self._follow_shared_revision()
            if self._classifier is None:
                with session_scope(self._engine) as session:
                    self._classifier = build_classifier(session)
            return self._classifier

    def remembered(self, key: Hashable, work_out: Callable[[], T]) -> T:
        """What ``work_out`` gives from the catalogue, worked out once per catalogue.

        Args:
            key: names the answer: everything it depends on besides the catalogue.
            work_out: reads the catalogue; called outside the lock.
        """
        with self._lock:
            self._follow_shared_revision()
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
            if self._revision is not None:
                try:
                    self._seen = self._revision.bump()
                except Exception:  # noqa: BLE001 - Redis down must not fail the write
                    logger.warning(
                        "could not publish a catalogue change to other processes",
                        exc_info=True,
                    )

    def _follow_shared_revision(self) -> None:
        # Called with the lock held; one cheap GET every few seconds at most.
        if self._revision is None or self._clock() < self._next_check:
            return
        self._next_check = self._clock() + self._interval
        try:
            current = self._revision.current()
        except Exception:  # noqa: BLE001 - keep serving the index we have
            logger.warning(
                "could not read the shared catalogue revision", exc_info=True
            )
            return
        if current != self._seen:
            if self._seen is not _NEVER_CHECKED:
                logger.info("the catalogue changed elsewhere; rebuilding the index")
            self._seen = current
            self._forget()

    def _forget(self) -> None:
        self._index = None
        self._classifier = None
        self._answers.clear()
        self._generation += 1
