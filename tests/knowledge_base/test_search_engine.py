"""What a process keeps of the catalogue, and when it lets go of it."""

from __future__ import annotations

import pytest
import sqlalchemy

from foundation.db import session_scope
from knowledge_base.catalogue import Catalogue
from knowledge_base.importers.catalogue import import_catalogue
from knowledge_base.repositories.catalogue_revision import current_revision
from knowledge_base.repositories.services import delete_service
from knowledge_base.search.engine import SearchEngine
from tests.support.pools import one_connection_engine


class SharedRevision:
    """The revision other processes would raise in the database."""

    def __init__(self) -> None:
        self.token = "first"

    def current(self) -> str:
        return self.token


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def shared():
    return SharedRevision()


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def catalogue(engine, shared, clock):
    return SearchEngine(
        engine, revision=shared.current, check_interval_s=5, clock=clock
    )


def _counting(value: str):
    calls = []

    def work_out() -> str:
        calls.append(value)
        return value

    return work_out, calls


def test_an_answer_is_worked_out_once_while_the_catalogue_stays(catalogue):
    work_out, calls = _counting("材料清单")
    assert catalogue.remembered(("passport", "materials"), work_out) == "材料清单"
    assert catalogue.remembered(("passport", "materials"), work_out) == "材料清单"
    assert calls == ["材料清单"]


def test_answers_are_worked_out_again_after_a_change_made_here(catalogue):
    work_out, calls = _counting("旧")
    catalogue.remembered("key", work_out)
    catalogue.invalidate()
    catalogue.remembered("key", work_out)
    assert calls == ["旧", "旧"]


def test_a_change_made_elsewhere_is_followed_at_the_next_check(
    catalogue, shared, clock
):
    work_out, calls = _counting("x")
    catalogue.remembered("key", work_out)
    shared.token = "changed by another process"
    catalogue.remembered("key", work_out)
    assert len(calls) == 1  # not checked again before the interval
    clock.now += 5
    catalogue.remembered("key", work_out)
    assert len(calls) == 2


def test_an_answer_worked_out_while_the_catalogue_changed_is_not_kept(catalogue):
    calls = []

    def work_out_during_a_change() -> str:
        calls.append(1)
        catalogue.invalidate()
        return "perhaps stale"

    assert catalogue.remembered("key", work_out_during_a_change) == "perhaps stale"
    catalogue.remembered("key", work_out_during_a_change)
    assert len(calls) == 2


def test_the_least_recently_used_answers_go_first_past_the_limit(engine, shared, clock):
    catalogue = SearchEngine(
        engine, revision=shared.current, check_interval_s=5, clock=clock, answers_kept=2
    )
    first, first_calls = _counting("a")
    catalogue.remembered("a", first)
    catalogue.remembered("b", lambda: "b")
    catalogue.remembered("a", first)  # used again: now "b" is the oldest
    catalogue.remembered("c", lambda: "c")
    catalogue.remembered("a", first)
    assert first_calls == ["a"]
    second, second_calls = _counting("b")
    catalogue.remembered("b", second)
    assert second_calls == ["b"]


def test_an_import_made_by_another_process_is_followed_through_the_database(
    empty_engine, clock
):
    here = SearchEngine(empty_engine, check_interval_s=5, clock=clock)
    work_out, calls = _counting("x")
    here.remembered("key", work_out)
    with session_scope(empty_engine) as session:  # as `hotline kb import` does
        import_catalogue(session, Catalogue())
    clock.now += 5
    here.remembered("key", work_out)
    assert len(calls) == 2


def test_only_a_committed_change_raises_the_revision(empty_engine):
    with session_scope(empty_engine) as session:
        before = current_revision(session)
    with pytest.raises(RuntimeError), session_scope(empty_engine) as session:
        import_catalogue(session, Catalogue())
        raise RuntimeError("rolled back")
    with session_scope(empty_engine) as session:
        assert current_revision(session) == before
        assert delete_service(session, "no-such-service") is False
    with session_scope(empty_engine) as session:
        assert current_revision(session) == before
        import_catalogue(session, Catalogue())
    with session_scope(empty_engine) as session:
        assert current_revision(session) == before + 1


def test_a_change_made_here_is_not_rebuilt_twice(empty_engine, clock):
    here = SearchEngine(empty_engine, check_interval_s=5, clock=clock)
    work_out, calls = _counting("x")
    here.remembered("key", work_out)
    with session_scope(empty_engine) as session:
        import_catalogue(session, Catalogue())
    here.invalidate()
    here.remembered("key", work_out)
    clock.now += 5
    here.remembered("key", work_out)
    assert len(calls) == 2


def test_a_check_while_the_caller_holds_the_pools_last_connection_sees_the_change(
    empty_engine, clock
):
    # A gateway's requests hold a pooled connection while they wait on the engine's
    # lock; the check made under that lock must not need one of theirs.
    one_connection = one_connection_engine(empty_engine.url)
    here = SearchEngine(one_connection, check_interval_s=5, clock=clock)
    work_out, calls = _counting("x")
    here.remembered("key", work_out)
    with session_scope(empty_engine) as session:
        import_catalogue(session, Catalogue())
    clock.now += 5
    with session_scope(one_connection) as session:
        session.execute(sqlalchemy.text("select 1"))
        here.remembered("key", work_out)
    assert len(calls) == 2
    one_connection.dispose()


def test_warmed_up_the_index_and_classifier_are_built_before_the_first_question(
    catalogue, monkeypatch
):
    from cases.routing import classify
    from knowledge_base.search import engine as search_engine

    built = []
    for module, name in (
        (search_engine, "build_service_index"),
        (classify, "build_classifier"),
    ):
        build = getattr(module, name)
        monkeypatch.setattr(
            module,
            name,
            lambda session, build=build, name=name: (
                built.append(name) or build(session)
            ),
        )
    catalogue.warm_up(classify.build_classifier)
    assert built == ["build_service_index", "build_classifier"]
    assert catalogue.index.search("护照怎么办理")[0].code == "passport"
    assert classify.complaint_classifier(catalogue).classify("楼上装修太吵").category
    assert built == ["build_service_index", "build_classifier"]


def test_warming_up_on_an_unreadable_database_leaves_the_index_to_the_first_question(
    tmp_path, caplog
):
    unmigrated = sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'none.db'}")
    catalogue = SearchEngine(unmigrated, revision=lambda: "first")
    catalogue.warm_up()
    assert "search index not built at start" in caplog.text
    with pytest.raises(sqlalchemy.exc.SQLAlchemyError):
        catalogue.index.search("护照")


def test_words_no_guide_contains_are_told_apart_from_words_of_asking(service_index):
    assert service_index.unheard_words("无人机飞行怎么报备") == [
        "无人机",
        "飞行",
        "报备",
    ]
    assert service_index.unheard_words("How do I register a drone?") == ["drone"]
    for naming_nothing in ("我想咨询一下", "周末几点上班", "要带什么材料", "How much"):
        assert service_index.unheard_words(naming_nothing) == []
    assert service_index.unheard_words("居住证怎么办") == []
