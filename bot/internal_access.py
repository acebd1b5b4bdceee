"""Rasa answers the assistant's own processes only: every route but ``/`` wants the
internal token (``foundation.internal_token``).

Rasa's HTTP API hands out trackers with their slots (``/conversations/{id}/tracker``),
replaces the model (``PUT /model``) and runs actions for any conversation, and its
channels answer any sender, one the gateway has muted included. Rasa's own
``--auth-token`` covers its API but none of its channels, and is read from the query
string, where logs keep it; this one check, in a header, covers every route. ``/`` says
only that Rasa is alive, for the liveness probe.

The gateway channel (``bot/gateway_channel.py``), which every Rasa of the assistant
serves, puts it in place before the server listens.
"""

from __future__ import annotations

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from foundation.internal_token import HEADER, is_internal_token

OPEN_PATHS = frozenset({"/"})


def require_internal_token(app: Sanic, token: str) -> None:
    """From now on, ``app`` refuses a request without ``token`` with 401."""

    async def refuse_strangers(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS or is_internal_token(
            request.headers.get(HEADER), token
        ):
            return None
        return response.json(
            {
                "error": "unauthorized",
                "detail": "this Rasa server answers the assistant's gateway only",
            },
            status=401,
        )

    app.register_middleware(refuse_strangers, "request")
