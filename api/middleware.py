"""ASGI middleware: request size limits, metrics, and rate limits."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
import time
from collections.abc import Callable

from limits import parse
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import metrics
from foundation.lru import LeastRecentlyUsed
from privacy.auth import token_digest

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


class ApiRateLimits:
    """Refuses API calls over their rate with 429, before any route runs.

    Calls are counted per address, except an agent's or admin's: a token accepted
    lately counts against its own limit (``RateLimits.allow_request``), and the
    widget's polling of a conversation, which counts per session
    (``RateLimits.allow_polling``): citizens behind one NAT each poll every 2 s, and
    must not use up their shared address's limit. WeChat's callbacks are not limited:
    they come from a few addresses and are authenticated by their signature. The
    limits are the app's (``app.state.limits``).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] != "http"
            or not path.startswith("/api/")
            or path.startswith("/api/v1/wechat")
        ):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        address = client[0] if client else "unknown"
        limits: RateLimits = scope["app"].state.limits
        polled = _polled_session(scope)
        if polled is not None:
            allowed = await limits.allow_polling(address, polled)
            detail = "slow down: this conversation is polled too often"
        else:
            allowed = await limits.allow_request(address, _bearer(scope))
            detail = "slow down: too many requests from this address or token"
        if allowed:
            await self.app(scope, receive, send)
            return
        response = JSONResponse(
            {"error": "too_many_requests", "detail": detail},
            status_code=429,
            headers={"Retry-After": "60"},
        )
        await response(scope, receive, send)


# The widget's and the mini-program's polls (api/routes/chat.py).
_POLLING = re.compile(r"/api/v1/(?:miniprogram/)?chat/([^/]+)/messages")
# Longer ids are refused by the route; the counter's key need not be longer.
_SESSION_KEY_CHARS = 128


def _polled_session(scope: Scope) -> str | None:
    """The session a widget's poll for messages names, or None for any other call."""
    if scope.get("method") != "GET":
        return None
    match = _POLLING.fullmatch(scope.get("path", ""))
    return match.group(1)[:_SESSION_KEY_CHARS] if match else None


def _bearer(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token.strip() if scheme.lower() == "bearer" else None
    return None


class RateLimits:
    """Limits per address or agent on every API call, per session on chat (in the
    route) and on polling a conversation (``allow_polling``).

    Each check is a round trip to the limits' store (Redis in production), made with
    the ``limits`` library's asyncio API: a synchronous client would stop the event
    loop, every other request with it, for each check, and for as long as Redis
    stalls. A check that takes longer than ``CHECK_TIMEOUT_S`` lets the call through.

    A token that authentication accepted within ``AGENT_KNOWN_FOR_S`` is counted per
    token; any other call, one with a forged or revoked token included, per address.
    The accepted tokens are remembered per process, as digests.
    """

    AGENT_KNOWN_FOR_S = 300.0
    AGENTS_KEPT = 10_000
    CHECK_TIMEOUT_S = 2.0

    def __init__(
        self,
        storage_url: str,
        per_ip: str,
        per_session: str,
        per_agent: str,
        clock: Callable[[], float] = time.monotonic,
        *,
        polling_per_session: str = "60/minute",
        polling_per_ip: str = "6000/minute",
    ) -> None:
        # The limiter keeps only a weak reference to its storage: hold it here.
        self._storage = storage_from_string(f"async+{storage_url}")
        self._limiter = MovingWindowRateLimiter(self._storage)
        self._per_ip = parse(per_ip)
        self._per_session = parse(per_session)
        self._per_agent = parse(per_agent)
        self._polling_per_session = parse(polling_per_session)
        self._polling_per_ip = parse(polling_per_ip)
        self._clock = clock
        # Written by authentication on worker threads, read here on the event loop.
        self._agents_lock = threading.Lock()
        self._agents: LeastRecentlyUsed[float] = LeastRecentlyUsed(self.AGENTS_KEPT)

    async def allow_request(self, address: str, bearer: str | None) -> bool:
        if bearer:
            digest = token_digest(bearer)
            with self._agents_lock:
                known_until = self._agents.get(digest)
            if known_until is not None and self._clock() < known_until:
                return await self._hit(self._per_agent, "agent", digest)
        return await self._hit(self._per_ip, "ip", address)

    def accepted(self, token: str) -> None:
        """Authentication accepted ``token``: count its calls per token from now on."""
        with self._agents_lock:
            self._agents.put(
                token_digest(token), self._clock() + self.AGENT_KNOWN_FOR_S
            )

    def refused(self, token: str) -> None:
        """A revoked token goes back to being counted per address."""
        with self._agents_lock:
            self._agents.discard(token_digest(token))

    async def allow_session(self, session_id: str) -> bool:
        return await self._hit(self._per_session, "session", session_id)

    async def allow_polling(self, address: str, session_id: str) -> bool:
        """A poll of ``session_id``'s messages: counted per session, and against a
        per-address ceiling of its own, never against the address's API limit."""
        return await self._hit(
            self._polling_per_ip, "polling-ip", address
        ) and await self._hit(self._polling_per_session, "polling", session_id)

    async def _hit(self, limit, *identifiers: str) -> bool:
        try:
            return await asyncio.wait_for(
                self._limiter.hit(limit, *identifiers), self.CHECK_TIMEOUT_S
            )
        except Exception:  # noqa: BLE001 - a shared store (Redis) may be unreachable
            # Fail open: citizens keep being answered while the limits' store is down.
            logger.warning("rate-limit storage unavailable; allowing", exc_info=True)
            return True
