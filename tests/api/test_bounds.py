"""Out-of-range path and query parameters over real HTTP (issue 25, hole 8): every
route answers a clear 4xx, never a 500.

Before: a message or hand-off id of 10**30 failed inside SQLite's driver, and the
dashboard for 9999-12-31 (or ``day=inf``) overflowed the calendar: 500s.
"""

from __future__ import annotations

import httpx
import pytest

HUGE = str(10**30)
BAD_VALUES = [
    HUGE,
    str(2**63),
    str(2**31),
    "-1",
    "-" + HUGE,
    "A" * 3000,
    "99999-01-01",
    "2026-13-45",
    "9999-12-31",
    "0001-01-01",
    "inf",
    "1e400",
]
# Every route of api/routes/*.py with a parameter, {} where the bad value goes.
ROUTES = [
    ("GET", "/api/v1/services?q=x&limit={}"),
    ("GET", "/api/v1/services?q={}"),
    ("GET", "/api/v1/services/{}"),
    ("GET", "/api/v1/services/passport?lang={}"),
    ("PUT", "/api/v1/services/{}"),
    ("DELETE", "/api/v1/services/{}"),
    ("GET", "/api/v1/applications/{}"),
    ("GET", "/api/v1/work-orders/{}"),
    ("PATCH", "/api/v1/work-orders/{}"),
    ("GET", "/api/v1/chat/{}/messages"),
    ("GET", "/api/v1/chat/bounds-probe/messages?after={}"),
    ("GET", "/api/v1/miniprogram/chat/{}/messages"),
    ("GET", "/api/v1/miniprogram/chat/bounds-probe/messages?after={}"),
    ("GET", "/api/v1/agent/handoffs?status={}"),
    ("POST", "/api/v1/agent/handoffs/{}/take"),
    ("GET", "/api/v1/agent/handoffs/{}/transcript"),
    ("GET", "/api/v1/agent/handoffs/1/transcript?after={}"),
    ("POST", "/api/v1/agent/handoffs/{}/reply"),
    ("POST", "/api/v1/agent/handoffs/{}/return"),
    ("GET", "/api/v1/agent/dispatch-queue?limit={}"),
    ("POST", "/api/v1/agent/work-orders/{}/dispatch"),
    ("GET", "/api/v1/agent/dashboard?day={}"),
    ("GET", "/api/v1/agent/dashboard?top={}"),
    ("GET", "/api/v1/admin/audit?since={}"),
    ("GET", "/api/v1/admin/audit?until={}"),
    ("GET", "/api/v1/admin/audit?token_id={}"),
    ("GET", "/api/v1/admin/audit?record={}"),
    ("GET", "/api/v1/admin/audit?kind={}"),
    ("GET", "/api/v1/admin/audit?limit={}"),
    ("GET", "/api/v1/wechat?timestamp={}&nonce=1&signature=x&echostr=y"),
    ("POST", "/api/v1/wechat?timestamp={}&nonce=1&signature=x"),
]
# A body that would do if the parameter were fine: the parameter is what is refused.
BODY = {"text": "您好", "status": "closed", "category": "noise"}


@pytest.fixture(scope="module")
def admin(base_url, admin_token):
    with httpx.Client(
        base_url=base_url,
        timeout=30,
        headers={"Authorization": f"Bearer {admin_token}"},
    ) as client:
        yield client


@pytest.mark.parametrize(("method", "route"), ROUTES)
def test_no_route_answers_an_out_of_range_parameter_with_a_500(admin, method, route):
    failures = []
    for value in BAD_VALUES:
        response = admin.request(
            method,
            route.format(value),
            json=BODY if method in ("POST", "PUT", "PATCH") else None,
        )
        if response.status_code >= 500 or "Traceback" in response.text:
            failures.append((value[:40], response.status_code, response.text[:120]))
        elif response.status_code >= 400:
            assert response.json()["detail"], (route, value)
    assert failures == []


@pytest.mark.parametrize(
    "route",
    [
        f"/api/v1/chat/bounds-probe/messages?after={HUGE}",
        f"/api/v1/agent/handoffs/{HUGE}/transcript",
    ],
)
def test_an_id_beyond_the_database_is_a_422(admin, route):
    response = admin.get(route)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "invalid_request"


@pytest.mark.parametrize("verb", ["take", "return"])
def test_a_huge_handoff_id_is_a_422_not_a_500(admin, verb):
    response = admin.post(f"/api/v1/agent/handoffs/{HUGE}/{verb}")
    assert response.status_code == 422, response.text


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("9999-12-31", "between 2000-01-01 and 2099-12-31"),
        ("inf", "YYYY-MM-DD"),
        ("253402300800", "YYYY-MM-DD"),
        ("99999-01-01", "YYYY-MM-DD"),
        ("2026-13-45", "not a calendar day"),
    ],
)
def test_the_dashboard_takes_only_calendar_days_it_can_count(admin, day, message):
    response = admin.get(f"/api/v1/agent/dashboard?day={day}")
    assert response.status_code == 422, response.text
    assert message in response.text
    assert admin.get("/api/v1/agent/dashboard?day=2026-12-06").status_code == 200
