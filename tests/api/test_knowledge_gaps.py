"""GET /api/v1/knowledge/gaps over real HTTP: who may read it, the report masked, bad
parameters refused with the reason, every read in the audit log. On a gateway and
database of their own: a week's report needs recent conversations, which the shared
database's retention tests must not meet."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from api.main import create_app
from api.rasa_client import RasaClient
from contact_centre.conversations import record_turn
from foundation import clock, migrate
from foundation.db import make_engine, session_scope
from foundation.settings import get_settings
from harness.servers import free_port
from knowledge_base.seed import seed_curated_catalogue
from privacy.audit import query_access
from privacy.auth import create_token
from tests.support.live import serve


@pytest.fixture(scope="module")
def engine_with_questions(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('gaps') / 'gaps.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    yesterday = clock.now() - dt.timedelta(days=1)
    with session_scope(engine) as session:
        seed_curated_catalogue(session, get_settings().catalogue_dir)
        for n, text in enumerate(
            ("烟草专卖零售许可证去哪里申请，电话13812345678",) * 2
        ):
            record_turn(
                session,
                f"api-gaps-{n}",
                text,
                [{"text": "（答复）", "buttons": []}],
                intent="ask_service_guide",
                now=yesterday,
            )
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def gateway(engine_with_questions):
    nowhere = f"http://127.0.0.1:{free_port()}"
    app = create_app(
        engine_with_questions,
        rasa=RasaClient(nowhere, "nobody-listens"),
        action_server_url=nowhere,
    )
    with serve(app) as url:
        yield url


def _client(base_url: str, engine, role: str | None, name: str = "") -> httpx.Client:
    headers = {}
    if role is not None:
        with session_scope(engine) as db:
            headers["Authorization"] = f"Bearer {create_token(db, role, name or role)}"
    return httpx.Client(base_url=base_url, timeout=60, headers=headers)


@pytest.mark.parametrize("role", ["editor", "reviewer", "admin"])
def test_gaps_are_read_by_editors_reviewers_and_admins(
    gateway, engine_with_questions, role
):
    with _client(gateway, engine_with_questions, role) as client:
        response = client.get("/api/v1/knowledge/gaps", params={"since": "7d"})

    assert response.status_code == 200, response.text
    (gap,) = response.json()["gaps"]
    assert (gap["kind"], gap["title"], gap["count"]) == (
        "not_held",
        "烟草专卖零售许可证",
        2,
    )
    assert "13812345678" not in response.text
    assert gap["examples"] == ["烟草专卖零售许可证去哪里申请，电话138****5678"]


@pytest.mark.parametrize("role", ["agent", "manager", "department"])
def test_gaps_are_refused_to_other_roles_with_403(gateway, engine_with_questions, role):
    made = {"unit": "某区城管执法局"} if role == "department" else {}
    with session_scope(engine_with_questions) as db:
        token = create_token(db, role, role, **made)
    with httpx.Client(
        base_url=gateway, timeout=60, headers={"Authorization": f"Bearer {token}"}
    ) as client:
        assert client.get("/api/v1/knowledge/gaps").status_code == 403


def test_gaps_without_a_token_are_refused_with_401(gateway):
    with httpx.Client(base_url=gateway, timeout=60) as anonymous:
        assert anonymous.get("/api/v1/knowledge/gaps").status_code == 401


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "last week"}, "since"),
        ({"since": "2999-01-01"}, "since"),
        ({"since": "7d", "until": "soon"}, "until"),
        ({"since": "1d", "until": "7d"}, "until"),
    ],
)
def test_gaps_refuse_a_period_they_cannot_read_with_422_and_the_reason(
    gateway, engine_with_questions, params, field
):
    with _client(gateway, engine_with_questions, "editor") as client:
        response = client.get("/api/v1/knowledge/gaps", params=params)

    assert response.status_code == 422
    assert response.json()["detail"].startswith(f"{field}: ")


def test_gaps_refuse_a_limit_out_of_bounds_with_422(gateway, engine_with_questions):
    with _client(gateway, engine_with_questions, "editor") as client:
        response = client.get("/api/v1/knowledge/gaps", params={"limit": 0})

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "query.limit"


def test_every_read_of_the_gaps_is_in_the_audit_log(gateway, engine_with_questions):
    with _client(gateway, engine_with_questions, "reviewer", "周审核") as client:
        assert client.get("/api/v1/knowledge/gaps").status_code == 200

    with session_scope(engine_with_questions) as db:
        (entry,) = query_access(db, actor="周审核")
        assert (entry.record_kind, entry.record, entry.fields) == (
            "report",
            "knowledge_gaps",
            ["examples"],
        )
        assert entry.via == "GET /api/v1/knowledge/gaps"
