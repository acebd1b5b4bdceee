from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def health(request: Request) -> JSONResponse:
    """Ready when the database answers and the catalogue is loaded."""
    checks: dict[str, str] = {}
    try:
        with request.app.state.engine.connect() as connection:
            services = connection.execute(
                text("SELECT count(*) FROM services")
            ).scalar_one()
        checks["database"] = "ok"
        checks["catalogue"] = (
            f"{services} services" if services else "empty: run `hotline db seed`"
        )
    except Exception as exc:  # noqa: BLE001 - health reports any failure as a check
        checks["database"] = f"unavailable: {type(exc).__name__}"
    healthy = checks.get("database") == "ok" and not checks.get(
        "catalogue", ""
    ).startswith("empty")
    body = Health(status="ok" if healthy else "degraded", checks=checks)
    return JSONResponse(body.dict(), status_code=200 if healthy else 503)
