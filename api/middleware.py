"""ASGI middleware: request size limits, metrics, and rate limits."""

from __future__ import annotations

import json
import logging
import re
import time

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import metrics

logger = logging.getLogger(__name__)


class BodySizeLimit:
    """Refuses bodies over ``max_bytes`` with 413, whether or not Content-Length is sent."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (
            not declared.isdigit() or int(declared) > self.max_bytes
        ):
            await self._too_large(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counting_receive, send)
        except _TooLarge:
            await self._too_large(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse(
            {
                "error": "payload_too_large",
                "detail": f"request bodies are limited to {self.max_bytes} bytes",
            },
            status_code=413,
        )
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass


class RejectInvalidText:
    """Refuses text that cannot be stored, with 400, before any route sees it.

    Python's JSON decoder accepts lone UTF-16 surrogates (``"\\ud800"``, or their
    UTF-8-like bytes), which no database, log or Rasa tracker can encode, and NUL
    characters (``"\\u0000"``), which PostgreSQL refuses in text: either would fail
    deep inside a request (a 500, or a Rasa turn silently lost). Surrogate pairs
    (emoji escaped by ``ensure_ascii`` clients) are fine. A NUL in the path or the
    query string is refused too. Place it inside ``BodySizeLimit``.
    """

    _SUSPECT_ESCAPE = re.compile(rb"\\u(?:[dD][89a-fA-F][0-9a-fA-F]{2}|0000)")

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (
            "\x00" in scope["path"] or b"%00" in scope["query_string"]
        ):
            await self._refuse(scope, receive, send)
            return
        content_type = dict(scope.get("headers") or []).get(b"content-type", b"")
        media_type = content_type.split(b";", 1)[0].strip().lower()
        # FastAPI reads a body without a content type as JSON too.
        if scope["type"] != "http" or not (
            media_type in (b"", b"application/json") or media_type.endswith(b"+json")
        ):
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        body = b""
        while True:
            message = await receive()
            messages.append(message)
            body += message.get("body", b"")
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        if _invalid_text(body, self._SUSPECT_ESCAPE):
            await self._refuse(scope, receive, send)
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse(
            {
                "error": "bad_request",
                "detail": "text must be valid UTF-8 without NUL characters",
            },
            status_code=400,
        )
        await response(scope, receive, send)


def _invalid_text(body: bytes, suspect_escape: re.Pattern) -> bool:
    if not body:
        return False
    try:
        text = body.decode(json.detect_encoding(body))
    except (UnicodeDecodeError, LookupError):
        return True
    if not suspect_escape.search(body):
        return False
    try:
        pending = [json.loads(text)]
    except (ValueError, RecursionError):
        return False  # malformed: the route's own parsing says so
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, str):
            if "\x00" in value:
                return True
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return True
    return False


class Metrics:
    """Counts requests and times them by route template, not by raw path."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            route = scope.get("route")
            path = getattr(route, "path", "unmatched")
            metrics.REQUESTS.labels(scope["method"], path, str(status)).inc()
            metrics.LATENCY.labels(scope["method"], path).observe(
                time.perf_counter() - started
            )


class IpRateLimits:
    """Refuses API calls over the per-IP rate with 429, before any route runs.

    WeChat's callbacks are not limited: they come from a few addresses and are
    authenticated by their signature. The limits are the app's (``app.state.limits``).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        client = scope.get("client")
        if (
            scope["type"] != "http"
            or not path.startswith("/api/")
            or path.startswith("/api/v1/wechat")
            or scope["app"].state.limits.allow_ip(client[0] if client else "unknown")
        ):
            await self.app(scope, receive, send)
            return
        response = JSONResponse(
            {
                "error": "too_many_requests",
                "detail": "slow down: too many requests from this address",
            },
            status_code=429,
            headers={"Retry-After": "60"},
        )
        await response(scope, receive, send)


class RateLimits:
    """Per-IP limits on every API call; per-session limits on chat are applied in the route."""

    def __init__(self, storage_url: str, per_ip: str, per_session: str) -> None:
        # The limiter keeps only a weak reference to its storage: hold it here.
        self._storage = storage_from_string(storage_url)
        self._limiter = MovingWindowRateLimiter(self._storage)
        self._per_ip = parse(per_ip)
        self._per_session = parse(per_session)

    def allow_ip(self, address: str) -> bool:
        return self._hit(self._per_ip, "ip", address)

    def allow_session(self, session_id: str) -> bool:
        return self._hit(self._per_session, "session", session_id)

    def _hit(self, limit, *identifiers: str) -> bool:
        try:
            return self._limiter.hit(limit, *identifiers)
        except Exception:  # noqa: BLE001 - a shared store (Redis) may be unreachable
            # Fail open: citizens keep being answered while the limits' store is down.
            logger.warning("rate-limit storage unavailable; allowing", exc_info=True)
            return True
