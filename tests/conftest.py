"""Session fixtures: one freshly migrated and seeded database for the whole run."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cases.routing.classify import build_classifier
from cases.routing.router import build_router
from foundation import migrate
from foundation.db import make_engine, session_scope
from foundation.settings import get_settings
from knowledge_base.search.build import build_service_index
from knowledge_base.seed import seed_curated_catalogue

# Every process of the test run (actions in-process, the action server, Rasa) shares one
# fresh database and generous rate limits; set before any settings object is built.
_RUN_DIR = Path(tempfile.mkdtemp(prefix="hotline-tests-"))
os.environ["HOTLINE_DATABASE_URL"] = f"sqlite:///{_RUN_DIR / 'hotline.db'}"
os.environ.setdefault("HOTLINE_RATE_LIMIT_PER_SESSION", "1000/minute")
os.environ.setdefault("HOTLINE_RATE_LIMIT_PER_IP", "100000/minute")
os.environ.setdefault("HOTLINE_RATE_LIMIT_POLLING_PER_SESSION", "1000/minute")
# The live gateways serve /metrics to a scraper holding this token.
METRICS_TOKEN = "the-test-run-scrapes-metrics-with-this-token"
os.environ["HOTLINE_METRICS_TOKEN"] = METRICS_TOKEN
# The gateways' follow-up timer stays off: the tests that need it run it with their clock.
os.environ.setdefault("HOTLINE_WORKER_INTERVAL_S", "0")
# Agents are on duty all day, so that a request for a person is queued whatever the hour
# the tests run at; the tests of agents' hours give their own.
os.environ.setdefault("HOTLINE_AGENT_HOURS", "00:00-24:00")

TESTS_DIR = Path(__file__).resolve().parent
DATA_DIR = TESTS_DIR / "data"
SHARED_DATA_DIR = TESTS_DIR.parent.parent / "shared" / "data"


@pytest.fixture(scope="session")
def database_url() -> str:
    return get_settings().database_url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Engine:
    """The curated catalogue in a fresh database, migrated the way production is."""
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        seed_curated_catalogue(session, get_settings().catalogue_dir)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def service_index(engine: Engine):
    with session_scope(engine) as session:
        return build_service_index(session)


@pytest.fixture(scope="session")
def classifier(engine: Engine):
    with session_scope(engine) as session:
        return build_classifier(session)


@pytest.fixture(scope="session")
def router(engine: Engine):
    """The curated router: no learned model is trained in the shared database."""
    with session_scope(engine) as session:
        return build_router(session)


@pytest.fixture
def session(engine):
    """A session whose work is always rolled back, leaving the shared database clean."""
    with Session(engine) as session:
        session.begin()
        yield session
        session.rollback()


@pytest.fixture
def seeded_database(tmp_path) -> str:
    """The URL of a database of its own with the curated catalogue, for tests whose
    work commits or sweeps every order (a learned model, the follow-up)."""
    url = f"sqlite:///{tmp_path / 'seeded.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        seed_curated_catalogue(session, get_settings().catalogue_dir)
    engine.dispose()
    return url


@pytest.fixture
def empty_engine(tmp_path):
    """A database of its own, migrated and empty, for tests that change the catalogue."""
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def cli_runner(database_url: str, timeout: float = 120):
    """Runs ``hotline`` as an operator would, in a process of its own, on that database."""
    environment = dict(os.environ, HOTLINE_DATABASE_URL=database_url)

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "cli.main", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=environment,
            timeout=timeout,
        )

    return run


def load_yaml(name: str):
    return yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def trained_model() -> Path:
    from tests.support.stack import train_test_model

    return train_test_model()


@pytest.fixture(scope="session")
def stack(trained_model, engine, database_url, tmp_path_factory):
    """Rasa and the action server running the trained model against the test database."""
    from tests.support.stack import rasa_stack

    with rasa_stack(
        trained_model, database_url, tmp_path_factory.mktemp("stack-logs")
    ) as running:
        yield running


@pytest.fixture(scope="session")
def live_app(stack, engine):
    """The gateway over real HTTP, talking to the real Rasa stack."""
    from api.main import create_app
    from api.rasa_client import RasaClient
    from tests.support.live import serve

    with serve(
        create_app(
            engine,
            rasa=RasaClient(stack.rasa_url, stack.internal_token),
            action_server_url=stack.action_server_url,
        )
    ) as url:
        yield url


@pytest.fixture(scope="session")
def agent_token(engine) -> str:
    from privacy.auth import create_token

    with session_scope(engine) as session:
        return create_token(session, "agent", "王丽")


@pytest.fixture(scope="session")
def admin_token(engine) -> str:
    from privacy.auth import create_token

    with session_scope(engine) as session:
        return create_token(session, "admin", "管理员")
