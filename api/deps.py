"""Dependencies shared by the routes: a session per request, the search engine."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request
from sqlalchemy.orm import Session

from knowledge_base.search.engine import SearchEngine


def get_db(request: Request) -> Iterator[Session]:
    """One transaction per request, committed when the route returns without error."""
    with Session(request.app.state.engine) as session, session.begin():
        yield session


def get_search(request: Request) -> SearchEngine:
    return request.app.state.search
