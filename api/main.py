"""The FastAPI gateway: every channel and every page goes through here."""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api.deps import require_metrics_token
from api.follow_up import follow_up_forever
from api.logging_setup import install_masking
from api.middleware import (
    ApiRateLimits,
    BodySizeLimit,
    Metrics,
    RateLimits,
    RejectInvalidText,
)
from api.rasa_client import RasaClient
from api.routes import (
    admin,
    agent,
    cases,
    chat,
    dashboard,
    department,
    health,
    knowledge,
    knowledge_gaps,
    manager,
    pages,
    services,
    wechat,
)
from cases.access import attempt_limit
from cases.routing.classify import build_classifier
from cases.routing.router import build_router
from foundation.db import WORKER_THREADS, get_engine
from foundation.errors import (
    CatalogueError,
    Conflict,
    ExternalServiceError,
    Forbidden,
    HotlineError,
    NotFoundError,
    TooManyAttempts,
    ValidationFailed,
)
from foundation.internal_token import internal_token
from foundation.settings import get_settings
from knowledge_base.search.engine import SearchEngine
from safety import compile_patterns

logger = logging.getLogger(__name__)


def create_app(
    engine: Engine | None = None,
    rasa: RasaClient | None = None,
    action_server_url: str | None = None,
) -> FastAPI:
    settings = get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        install_masking()
        # Sync routes and run_in_threadpool share these; the pool has a connection each.
        to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
        await to_thread.run_sync(
            app.state.search.warm_up, build_classifier, build_router
        )
        # Triage runs on every message: its patterns are compiled before the first.
        await to_thread.run_sync(compile_patterns)
        follow_up = (
            asyncio.ensure_future(follow_up_forever(app.state.engine, settings))
            if settings.worker_interval_s > 0
            else None
        )
        yield
        if follow_up is not None:
            follow_up.cancel()
        await app.state.rasa.close()

    app = FastAPI(
        title="12345 Hotline Assistant API",
        version="1.0",
        description="Service guidance, applications, work orders and hand-off for the 12345 citizen hotline.",
        lifespan=lifespan,
    )
    app.state.engine = engine or get_engine()
    app.state.search = SearchEngine(app.state.engine)
    app.state.rasa = rasa or RasaClient(
        settings.rasa_url, internal_token(settings), timeout=settings.rasa_timeout_s
    )
    app.state.action_server_url = action_server_url or settings.action_server_url
    app.state.metrics_token = settings.metrics_token
    # Failed proofs per tracking number, in the same store as the limits below.
    app.state.case_attempts = attempt_limit(settings)
    app.state.limits = RateLimits(
        # Shared by every replica when HOTLINE_REDIS_URL is set.
        settings.redis_url or settings.rate_limit_storage_url,
        settings.rate_limit_per_ip,
        settings.rate_limit_per_session,
        settings.rate_limit_per_agent,
        polling_per_session=settings.rate_limit_polling_per_session,
        polling_per_ip=settings.rate_limit_polling_per_ip,
    )

    for router in (
        health.router,
        services.router,
        chat.router,
        agent.router,
        dashboard.router,
        department.router,
        manager.router,
        knowledge.router,
        knowledge_gaps.router,
        admin.router,
        cases.router,
        wechat.router,
        pages.router,
    ):
        app.include_router(router)

    @app.get(
        "/metrics",
        include_in_schema=False,
        dependencies=[Depends(require_metrics_token)],
    )
    def prometheus_metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    app.add_middleware(ApiRateLimits)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=[
            "Authorization",
            "Content-Type",
            "Idempotency-Key",
            # Ignored (the route decides the channel), but widgets cached before
            # still send it: their preflight must pass.
            "X-Hotline-Channel",
        ],
    )
    app.add_middleware(RejectInvalidText)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(Metrics)
    # Outermost, so that the limits and the metrics see the client: its address comes
    # from X-Forwarded-For only when a trusted proxy connects (uvicorn runs with
    # --no-proxy-headers, see foundation/topology.py).
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    _install_error_handlers(app)
    return app


_STATUS_OF_ERROR = (
    (NotFoundError, 404, "not_found"),
    (ValidationFailed, 422, "invalid_request"),
    (Conflict, 409, "conflict"),
    (Forbidden, 403, "forbidden"),
    (TooManyAttempts, 429, "too_many_requests"),
    (CatalogueError, 422, "invalid_catalogue"),
    (ExternalServiceError, 503, "service_unavailable"),
)


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

    @app.exception_handler(DataError)
    async def unstorable_value(request: Request, exc: DataError) -> JSONResponse:
        # PostgreSQL refuses what the schema's types cannot hold (an integer out of
        # range, a string over its column's length): the request's fault, not ours.
        logger.warning("a value did not fit the database on %s", request.url.path)
        return JSONResponse(
            {
                "error": "invalid_request",
                "detail": "a value is out of range or too long to be stored",
            },
            status_code=422,
        )

    @app.exception_handler(OverflowError)
    async def out_of_range(request: Request, exc: OverflowError) -> JSONResponse:
        # SQLite's driver cannot bind an integer beyond 64 bits, and date arithmetic
        # stops at year 9999: a parameter without its bound (api/params.py) got
        # through. The request's fault, as PostgreSQL's DataError above.
        logger.warning("a value was out of range on %s", request.url.path)
        return JSONResponse(
            {"error": "invalid_request", "detail": "a number or date is out of range"},
            status_code=422,
        )

    @app.exception_handler(HotlineError)
    async def domain_error(request: Request, exc: HotlineError) -> JSONResponse:
        for kind, status, error in _STATUS_OF_ERROR:
            if isinstance(exc, kind):
                detail = (
                    exc.problems
                    if isinstance(exc, CatalogueError)
                    else (
                        f"{exc.field}: {exc.message}"
                        if isinstance(exc, ValidationFailed)
                        else str(exc)
                    )
                )
                if status == 503:
                    logger.warning(
                        "dependency unavailable on %s", request.url.path, exc_info=True
                    )
                    detail = "a system the assistant depends on is unavailable; please retry shortly"
                if isinstance(exc, TooManyAttempts):
                    detail = "too many failed attempts for this number; try again later"
                return JSONResponse(
                    {"error": error, "detail": detail},
                    status_code=status,
                    headers={"Retry-After": str(exc.retry_after_s)}
                    if isinstance(exc, TooManyAttempts)
                    else None,
                )
        return await unexpected(request, exc)

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
        415: "unsupported_media_type",
        422: "invalid_request",
        429: "too_many_requests",
    }.get(status_code, "error")
