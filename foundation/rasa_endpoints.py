"""Rasa's endpoints file, from the settings every other process reads.

``bot/endpoints.yml`` stays the embedded default for running Rasa by hand. ``hotline run``
and the test stacks write ``var/endpoints.yml`` from the settings instead, so production
mode (tracker store in PostgreSQL, lock store in Redis) is a matter of environment
variables alone::

    HOTLINE_TRACKER_STORE_URL=postgresql://rasa:secret@db:5432/rasa_tracker
    HOTLINE_LOCK_STORE_URL=redis://redis:6379/1

Rasa sends the internal token (``foundation.internal_token``) to the action server with
every call: the action server answers nobody else. The file holds it, and the tracker
store's password, so it is readable by its owner only.

The tracker store is ``bot.tracker_store``'s, which takes the keys Rasa 3.6 passes to
``SQLTrackerStore`` (``rasa/core/tracker_store.py``), or without a database its
in-memory one: either hands the gateway channel the tracker it answers with. The lock
store is ``bot.lock_store``'s, which takes the keys of Rasa's ``RedisLockStore``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import yaml

from foundation.internal_token import internal_headers
from foundation.settings import Settings

_SQL_DIALECTS = {"postgresql", "postgres", "sqlite"}
# A dotted path: Rasa loads custom lock stores by module path (named here, not imported,
# since this module is read by processes that do not load Rasa).
LOCK_STORE_TYPE = "bot.lock_store.AtomicRedisLockStore"
TRACKER_STORE_TYPE = "bot.tracker_store.CountingSQLTrackerStore"
IN_MEMORY_TRACKER_STORE_TYPE = "bot.tracker_store.GatewayInMemoryTrackerStore"


def endpoints_config(settings: Settings) -> dict[str, Any]:
    """What Rasa's ``--endpoints`` file should hold for these settings.

    Args:
        settings: ``action_server_url``, ``internal_token``, ``tracker_store_url`` and
            ``lock_store_url`` are read; an empty store URL keeps an in-memory store
            (Rasa's, handing the gateway channel its trackers, and Rasa's own lock
            store).

    Returns:
        The endpoints mapping, ready to be dumped as YAML.

    Raises:
        ValueError: a store URL has a scheme Rasa cannot use here.
    """
    config: dict[str, Any] = {
        "action_endpoint": {
            "url": f"{settings.action_server_url.rstrip('/')}/webhook",
            # Without it every call carries the whole domain, which no action reads
            # but the validators (domain.yml names them).
            "enable_selective_domain": True,
            "headers": internal_headers(settings),
        }
    }
    config["tracker_store"] = (
        tracker_store_config(settings.tracker_store_url)
        if settings.tracker_store_url
        else {"type": IN_MEMORY_TRACKER_STORE_TYPE}
    )
    if settings.lock_store_url:
        config["lock_store"] = lock_store_config(settings.lock_store_url)
    return config


def tracker_store_config(url: str) -> dict[str, Any]:
    """Our SQL tracker store for a ``postgresql://`` (or ``sqlite:///``) URL.

    It takes the keys of Rasa's ``SQL`` tracker store and uses its table; it only reads
    and writes with fewer queries (see ``bot/tracker_store.py``).
    """
    parts = urlsplit(url)
    # "postgresql+psycopg2" is SQLAlchemy's spelling of the same thing; Rasa's default
    # driver for postgresql is psycopg2 anyway.
    dialect = parts.scheme.split("+", 1)[0]
    if dialect not in _SQL_DIALECTS:
        raise ValueError(
            f"tracker_store_url must be postgresql:// or sqlite:///, not {dialect}://"
        )
    if dialect == "sqlite":
        return {
            "type": TRACKER_STORE_TYPE,
            "dialect": "sqlite",
            "db": parts.path.removeprefix("/"),
        }
    config: dict[str, Any] = {
        "type": TRACKER_STORE_TYPE,
        "dialect": "postgresql",
        "url": parts.hostname or "localhost",
        "port": parts.port or 5432,
        "db": unquote(parts.path.lstrip("/")) or "rasa",
    }
    if parts.username:
        config["username"] = unquote(parts.username)
    if parts.password:
        config["password"] = unquote(parts.password)
    if parts.query:
        config["query"] = dict(parse_qsl(parts.query))
    return config


def lock_store_config(url: str) -> dict[str, Any]:
    """Our atomic Redis lock store for a ``redis://`` URL; ``url`` is the host there.

    Rasa's own ``redis`` lock store can let two replicas into one conversation at once
    (see ``bot/lock_store.py``); this one takes the same settings.
    """
    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss"}:
        raise ValueError(f"lock_store_url must be redis://, not {parts.scheme}://")
    database = parts.path.lstrip("/")
    config: dict[str, Any] = {
        "type": LOCK_STORE_TYPE,
        "url": parts.hostname or "localhost",
        "port": parts.port or 6379,
        "db": int(database) if database.isdigit() else 0,
    }
    if parts.username:
        config["username"] = unquote(parts.username)
    if parts.password:
        config["password"] = unquote(parts.password)
    if parts.scheme == "rediss":
        config["use_ssl"] = True
    return config


def write_endpoints(settings: Settings, path: Path | None = None) -> Path:
    """Write the endpoints file for ``settings``; returns its path.

    The file holds the internal token and may hold the tracker store's password, so it
    is readable by its owner only, even where an older file lay at ``path``.
    Rasa substitutes ``${VAR}`` in this file: a password must not contain ``${`` (the
    settings allow no ``$`` in the token).
    """
    path = path or settings.var_dir / "endpoints.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "# Written from HOTLINE_* settings by foundation/rasa_endpoints.py.\n"
    text += yaml.safe_dump(endpoints_config(settings), sort_keys=False)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    # The mode above applies only to a file it creates.
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
    return path


if __name__ == "__main__":
    # For containers that start Rasa on its own: python -m foundation.rasa_endpoints
    import sys

    from foundation.settings import get_settings

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    print(write_endpoints(get_settings(), target))
