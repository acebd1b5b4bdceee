"""The action server's endpoint: answers validated once compiled, connections kept.

- Rasa 3.6 checks every answer of the action server with ``jsonschema.validate``, which
  first checks the response schema itself against the JSON Schema meta-schema: about
  40 ms of CPU per custom action on these machines, and every message here runs at
  least two (slot validation, then the answer). Validators built once for the schema,
  which check each event against its own kind only, give the same verdict in a tenth
  of a millisecond.
- Every call to the action server opened a new HTTP session, so a new TCP connection
  that the action server then had to accept: two or three per message. One session per
  endpoint keeps its connections open between calls, and encodes the conversation it
  sends with ujson: Python's ``json`` took about a millisecond per message for it.

Both are patches: Rasa makes a ``RemoteAction`` for every custom action itself
(``action_for_name_or_text``), and reads ``action_endpoint`` in the endpoints file as a
plain ``EndpointConfig`` (no ``type:`` names a class of ours), so neither class can be
a subclass of ours.
"""

from __future__ import annotations

import asyncio
import functools
import weakref
from typing import Any

# Under the action server's own keep-alive (Sanic's default is 5 s), so an idle
# connection is dropped here before the server can close it under a request.
IDLE_CONNECTION_KEPT_S = 2.0


def validate_action_results_once_compiled() -> None:
    """Makes ``RemoteAction`` validate with validators compiled once per class."""
    from rasa.core.actions.action import RemoteAction

    original = RemoteAction._validate_action_result

    @functools.cache
    def checker_of(action_class: type) -> ActionResultChecker:
        return ActionResultChecker(action_class.action_response_format_spec())

    def validate(self: RemoteAction, result: dict[str, Any]) -> bool:
        if checker_of(type(self)).is_valid(result):
            return True
        # Rasa's own path adds its documentation hint to the message and re-raises.
        return original(self, result)

    RemoteAction._validate_action_result = validate


class ActionResultChecker:
    """Rasa's schema for action results, with each event checked against its own kind.

    The schema lists the 23 kinds of event under ``oneOf``, each fixing ``event`` to
    its name, so a valid event matches exactly its own kind's branch and no other; a
    general validator tries all 23 for every event (a millisecond per result). Here
    each event is checked against the item schema and its own kind's branch: the same
    verdict. A schema not shaped so (another Rasa version) is validated as a whole.
    """

    def __init__(self, schema: dict[str, Any]) -> None:
        from jsonschema import validators

        compiled = validators.validator_for(schema)
        events = schema.get("properties", {}).get("events", {})
        items = events.get("items", {})
        branches = items.get("oneOf", [])
        names = [
            b.get("properties", {}).get("event", {}).get("const") for b in branches
        ]
        self._kinds: dict[str, Any] | None = None
        if not (
            branches
            and set(items) <= {"type", "properties", "required", "oneOf"}
            and "event" in items.get("required", [])
            and all(set(b) <= {"properties", "required"} for b in branches)
            and all(isinstance(n, str) for n in names)
            and len(set(names)) == len(names)
        ):
            self._outer = compiled(schema)
            return
        # The events' items are checked one by one in is_valid, the rest here.
        outer = {k: v for k, v in events.items() if k != "items"}
        self._outer = compiled(
            {**schema, "properties": {**schema["properties"], "events": outer}}
        )
        self._item = compiled({k: v for k, v in items.items() if k != "oneOf"})
        self._kinds = {n: compiled(b) for n, b in zip(names, branches, strict=True)}

    def is_valid(self, result: Any) -> bool:
        if not self._outer.is_valid(result):
            return False
        if self._kinds is None:
            return True
        for event in result.get("events", []):
            if not self._item.is_valid(event):
                return False
            name = event["event"]
            kind = self._kinds.get(name) if isinstance(name, str) else None
            if kind is None or not kind.is_valid(event):
                return False
        return True


def keep_connections_to_endpoints() -> None:
    """Makes ``EndpointConfig.request`` reuse one session per endpoint and event loop,
    which encodes its JSON with ujson."""
    import aiohttp
    import ujson
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

    # Per event loop: endpoint id -> (the endpoint, kept alive so its id stays its own;
    # its session).
    kept_by_loop: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    class Borrowed:
        """``async with`` gives the kept session and leaves it open afterwards."""

        def __init__(self, session: aiohttp.ClientSession) -> None:
            self._session = session

        async def __aenter__(self) -> aiohttp.ClientSession:
            return self._session

        async def __aexit__(self, *exc_info: object) -> None:
            return None

    def session(self: EndpointConfig) -> Borrowed:
        kept_here = kept_by_loop.setdefault(asyncio.get_running_loop(), {})
        _, kept = kept_here.get(id(self), (self, None))
        if kept is None or kept.closed:
            auth = (
                aiohttp.BasicAuth(
                    self.basic_auth["username"], self.basic_auth["password"]
                )
                if self.basic_auth
                else None
            )
            kept = aiohttp.ClientSession(
                headers=self.headers,
                json_serialize=ujson.dumps,
                auth=auth,
                timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                connector=aiohttp.TCPConnector(
                    keepalive_timeout=IDLE_CONNECTION_KEPT_S
                ),
            )
            kept_here[id(self)] = (self, kept)
        return Borrowed(kept)

    EndpointConfig.session = session
