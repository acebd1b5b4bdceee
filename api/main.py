"""The FastAPI gateway."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.routes import health, services
from knowledge_base.db import get_engine
from knowledge_base.search.engine import SearchEngine

logger = logging.getLogger(__name__)


def create_app(engine=None) -> FastAPI:
    app = FastAPI(title="12345 Hotline Assistant API", version="1.0")
    app.state.engine = engine or get_engine()
    app.state.search = SearchEngine(app.state.engine)
    app.include_router(health.router)
    app.include_router(services.router)
    _install_error_handlers(app)
    return app


def _install_error_handlers(app: FastAPI) -> None:
    """Every error is a JSON body ``{"error", "detail"}``; never a stack trace."""

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            {"error": _reason(exc.status_code), "detail": exc.detail},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(
        request: Request, exc: RequestValidationError
    ) -> JSONResponse:
        detail = [
            {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
            for e in exc.errors()
        ]
        return JSONResponse(
            {"error": "invalid_request", "detail": detail}, status_code=422
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.error(
            "unhandled error on %s %s", request.method, request.url.path, exc_info=True
        )
        return JSONResponse(
            {"error": "internal_error", "detail": "an unexpected error occurred"},
            status_code=500,
        )


def _reason(status_code: int) -> str:
    return {
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        413: "payload_too_large",
        429: "too_many_requests",
    }.get(status_code, "error")
