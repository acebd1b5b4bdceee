from __future__ import annotations

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool

from api.schemas import Health
from foundation.errors import ExternalServiceError

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
async def health(request: Request) -> JSONResponse:
    """Ready when the database answers with a catalogue, Rasa has a model loaded and the
    action server is up; each check is reported, so a failing one is named."""
    checks = {"database": "ok"}
    try:
        services = await run_in_threadpool(_count_services, request.app.state.engine)
        checks["catalogue"] = (
            f"{services} services" if services else "empty: run `hotline db seed`"
        )
    except Exception as exc:  # noqa: BLE001 - health reports any failure as a check
        checks["database"] = f"unavailable: {type(exc).__name__}"
    try:
        status = await request.app.state.rasa.status()
        checks["model"] = "loaded" if status.get("model_file") else "not loaded"
    except ExternalServiceError:
        checks["model"] = "rasa unavailable"
    checks["action_server"] = await _action_server(request.app.state.action_server_url)
    healthy = (
        checks["database"] == "ok"
        and not checks.get("catalogue", "").startswith("empty")
        and checks["model"] == "loaded"
        and checks["action_server"] == "ok"
    )
    body = Health(status="ok" if healthy else "degraded", checks=checks)
    return JSONResponse(body.dict(), status_code=200 if healthy else 503)


def _count_services(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM services")).scalar_one()


async def _action_server(url: str) -> str:
    try:
        async with httpx.AsyncClient(timeout=2) as client:
            response = await client.get(f"{url}/health")
        return "ok" if response.status_code == 200 else f"status {response.status_code}"
    except httpx.HTTPError:
        return "unavailable"
