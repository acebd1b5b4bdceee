"""The search index and the complaint classifier, kept in memory for a process.

Building the index takes a second at the platform's scale, so it is built once, lazily,
and rebuilt only after the catalogue changes.
"""

from __future__ import annotations

import threading

from sqlalchemy.engine import Engine

from knowledge_base.db import session_scope
from knowledge_base.search.build import build_classifier, build_service_index
from knowledge_base.search.classify import ComplaintClassifier
from knowledge_base.search.ranking import ServiceIndex


class SearchEngine:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._index: ServiceIndex | None = None
        self._classifier: ComplaintClassifier | None = None

    @property
    def index(self) -> ServiceIndex:
        with self._lock:
            if self._index is None:
                with session_scope(self._engine) as session:
                    self._index = build_service_index(session)
            return self._index

    @property
    def classifier(self) -> ComplaintClassifier:
        with self._lock:
            if self._classifier is None:
                with session_scope(self._engine) as session:
                    self._classifier = build_classifier(session)
            return self._classifier

    def invalidate(self) -> None:
        """Forget the built index; the next query rebuilds it from the database."""
        with self._lock:
            self._index = None
            self._classifier = None
