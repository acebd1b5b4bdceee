"""The secret the assistant's own processes show each other: gateway → Rasa → actions.

Rasa's HTTP API and channels and the action server act on whatever reaches their
ports: a forged call to the action server can mute another citizen's conversation, and
Rasa's API hands out trackers with their slots and replaces the model. So each of them
answers only a caller that sends this secret in :data:`HEADER` (Rasa and the action
server check it in ``bot/internal_access.py`` and ``actions/internal_access.py``; the
gateway sends it, and Rasa sends it to the action server from its endpoints file).

Outside dev the secret is ``HOTLINE_INTERNAL_TOKEN`` (``foundation.settings`` refuses to
start without one). In dev, unset, one is made at random the first time a process asks
and kept in ``var_dir`` readable by its owner only, so that ``hotline run`` and the test
stacks, whose processes share that folder, agree on it with no configuration. It goes
from process to process by environment or by that file, never on a command line, where
``ps`` would show it.

Public: :data:`HEADER`, :func:`internal_token`, :func:`internal_headers`,
:func:`is_internal_token`.
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from foundation.settings import Settings

HEADER = "X-Hotline-Internal-Token"
# The dev secret's file, in the settings' var_dir.
DEV_TOKEN_FILE = "internal-token"


def internal_token(settings: Settings) -> str:
    """The secret: the settings' own, or in dev the one kept in ``var_dir`` (outside
    dev the settings are refused without one)."""
    if settings.internal_token is not None:
        return settings.internal_token.get_secret_value()
    return _dev_token(settings.var_dir / DEV_TOKEN_FILE)


def internal_headers(settings: Settings) -> dict[str, str]:
    """What a call to Rasa or the action server carries."""
    return {HEADER: internal_token(settings)}


def is_internal_token(presented: str | None, token: str) -> bool:
    """Whether a caller sent the secret; in constant time, so that timing gives away
    nothing of it."""
    return presented is not None and hmac.compare_digest(
        presented.encode(), token.encode()
    )


def _dev_token(path: Path) -> str:
    """The token kept at ``path``, made there first if there is none.

    Processes started together may all ask at once: each writes a candidate to a file of
    its own and links it into place, which succeeds for one of them only, so every one
    reads the same token and none reads a half-written file.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        candidate = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
        descriptor = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(secrets.token_urlsafe(32))
        try:
            os.link(candidate, path)
        except FileExistsError:
            pass
        finally:
            candidate.unlink()
    return path.read_text(encoding="ascii").strip()
