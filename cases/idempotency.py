"""Idempotency keys, scoped to the client that sent them and bound to its request.

A client that retries a filing after a timeout sends the same key, and gets the record
it created the first time. Two rules keep that from leaking one citizen's record to
another:

- A key counts only within its client's **scope**: the chat session for the assistant's
  actions (``session_scope``), the bearer token or else the connecting address for the
  REST API (``token_scope``, ``address_scope``), never something the client chooses
  and could copy from another. What is stored is ``scoped_key``: an HMAC-SHA256 of the
  scope and the key under a key derived from the settings' secret key, so neither the
  session id nor the client's key is kept in clear.
- The record keeps a **fingerprint** of the request (``fingerprint``: an HMAC of its
  fields, personal ones included, so the fingerprint gives none of them away). The
  same key with the same request is a retry and returns the first record; the same key
  with another request is refused with ``Conflict`` (409), never answered with the
  first record.

Records filed before fingerprints were kept (migration 0009) have none: their scope
alone decides, as it did before.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import hmac
import json
from typing import Any

from foundation.errors import Conflict
from foundation.settings import get_settings
from privacy.encryption import derive_key

# Fields of a request that are not part of it: the key itself, who sent it, how, and
# the language they are answered in.
_NOT_FINGERPRINTED = frozenset(
    {"idempotency_key", "idempotency_scope", "channel", "language"}
)
_ADDED_LATER = "idempotency: added later"


def session_scope(session_id: str) -> str:
    """The scope of a chat conversation's keys."""
    return f"session:{session_id}"


def token_scope(token_id: int) -> str:
    """The scope of a signed-in member of staff's keys."""
    return f"token:{token_id}"


def address_scope(address: str) -> str:
    """The scope of an anonymous API client's keys: its address, as the gateway sees it
    (``X-Forwarded-For`` only from trusted proxies), which it cannot choose."""
    return f"address:{address}"


@functools.lru_cache(maxsize=4)
def _key(secret: str, purpose: str) -> bytes:
    # The secret key is any string; HKDF needs 32 bytes, so it is hashed to them first.
    return derive_key(hashlib.sha256(secret.encode("utf-8")).digest(), purpose)


def _hmac(purpose: str, payload: Any) -> str:
    message = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    return hmac.new(
        _key(get_settings().secret_key, purpose),
        message.encode("utf-8"),
        hashlib.sha256,
    ).hexdigest()


def scoped_key(scope: str | None, key: str | None) -> str | None:
    """What a record stores for ``key`` sent within ``scope``; None without a key.

    A blank key is no key: it must not make every later blank-keyed request a retry.
    """
    key = (key or "").strip()
    if not key:
        return None
    return _hmac("idempotency-key", [scope or "", key])


def added_later(default: Any) -> Any:
    """A request field added after records were fingerprinted, with its default.

    Left out of the fingerprint while it holds its default, so that a request retried
    across the upgrade that added it still matches the record it created.
    """
    return dataclasses.field(default=default, metadata={_ADDED_LATER: True})


def fingerprint(request: Any) -> str:
    """A keyed hash of a request dataclass's fields, but for the key, scope and channel."""
    values = dataclasses.asdict(request)
    fields = {
        field.name: values[field.name]
        for field in dataclasses.fields(request)
        if field.name not in _NOT_FINGERPRINTED
        and not (
            field.metadata.get(_ADDED_LATER) and values[field.name] == field.default
        )
    }
    return _hmac("idempotency-request", fields)


def check_retry(stored_fingerprint: str | None, request_fingerprint: str) -> None:
    """Whether a record found by its key may be returned for this request.

    Raises:
        Conflict: the key was used before for a different request.
    """
    if stored_fingerprint is not None and not hmac.compare_digest(
        stored_fingerprint, request_fingerprint
    ):
        raise Conflict(
            "this Idempotency-Key was already used for a different request; "
            "send a new key with a new request"
        )
