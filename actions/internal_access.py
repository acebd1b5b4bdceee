"""The action server answers Rasa only: every route but ``/health`` wants the internal
token (``foundation.internal_token``).

Without it, anyone who reached port 5055 could run any action for any conversation,
``action_handoff`` for another citizen's ``sender_id`` muting that citizen, and a web
page could do it from a visitor's browser with a ``text/plain`` POST. A browser cannot
add the token's header without a CORS preflight, which this server never grants.

rasa-sdk takes it as a plugin (``rasa_sdk.plugin``'s ``attach_sanic_app_extensions``
hook); ``python -m actions`` registers it.
"""

from __future__ import annotations

import pluggy
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from foundation.internal_token import HEADER, is_internal_token

hookimpl = pluggy.HookimplMarker("rasa_sdk")

# What the orchestrator asks without the token, to know that the server is up.
OPEN_PATHS = frozenset({"/health"})


class InternalTokenRequired:
    """A rasa-sdk plugin: a request without the internal token gets 401."""

    def __init__(self, token: str) -> None:
        self._token = token

    @hookimpl
    def attach_sanic_app_extensions(self, app: Sanic) -> None:
        app.register_middleware(self.refuse_strangers, "request")

    async def refuse_strangers(self, request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS or is_internal_token(
            request.headers.get(HEADER), self._token
        ):
            return None
        return response.json(
            {
                "error": "unauthorized",
                "detail": "the action server answers the assistant's Rasa only",
            },
            status=401,
        )
