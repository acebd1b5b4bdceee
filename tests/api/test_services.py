"""The catalogue over real HTTP."""

from __future__ import annotations

import httpx

from api.main import create_app
from api.rasa_client import RasaClient
from harness.servers import free_port
from knowledge_base.search.engine import SearchEngine
from tests.support.live import serve


def test_the_gateway_builds_its_search_before_it_serves(engine, monkeypatch):
    warmed = []
    monkeypatch.setattr(
        SearchEngine, "warm_up", lambda self, *also: warmed.append(self)
    )
    nowhere = f"http://127.0.0.1:{free_port()}"
    app = create_app(
        engine, rasa=RasaClient(nowhere, "nobody-listens"), action_server_url=nowhere
    )
    with serve(app) as url:
        assert warmed == [app.state.search]
        assert httpx.get(f"{url}/api/v1/services", params={"q": "护照"}).is_success


def test_healthz_names_the_missing_dependency_when_rasa_is_down(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["catalogue"].endswith("services")
    assert body["checks"]["model"] == "rasa unavailable"


def test_search_puts_residence_permit_first_for_newcomer_question(client):
    response = client.get(
        "/api/v1/services", params={"q": "刚来上海工作，居住证要怎么办", "limit": 3}
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0]["code"] == "residence-permit"
    assert len(results) == 3


def test_search_without_question_is_a_clear_422(client):
    response = client.get("/api/v1/services")
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_request"


def test_search_with_huge_question_is_rejected_not_crashed(client):
    response = client.get("/api/v1/services", params={"q": "居" * 5000})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "query.q"


def test_service_details_list_ordered_steps_and_materials(client):
    body = client.get("/api/v1/services/residence-permit").json()
    assert body["name"] == "上海市居住证办理"
    assert len(body["steps"]) >= 2 and body["materials"]
    assert body["source"] and body["notice"]


def test_service_details_give_the_verified_date_and_whether_it_is_stale(client):
    body = client.get("/api/v1/services/residence-permit").json()
    assert body["verified_at"] == body["updated_at"]  # the curated seed's
    assert isinstance(body["stale"], bool)


def test_service_details_in_english_for_expats(client):
    body = client.get(
        "/api/v1/services/foreigner-work-permit", params={"lang": "en"}
    ).json()
    assert body["name"].isascii()
    assert body["steps"][0]["title"].isascii()


def test_unknown_service_is_404_json(client):
    response = client.get("/api/v1/services/no-such-service")
    assert response.status_code == 404
    assert response.json() == {
        "error": "not_found",
        "detail": "service 'no-such-service' not found",
    }


def test_service_details_in_an_unknown_language_is_a_clear_422(client):
    response = client.get(
        "/api/v1/services/foreigner-work-permit", params={"lang": "fr"}
    )
    assert response.status_code == 422
    assert "lang" in response.text
