"""Chat sessions issued by the gateway: ids that prove who holds a conversation.

A conversation is stored under its **id** (``web:…``, ``mp:…``; WeChat's ``wx:…``), and
its citizen holds a **token** that names the id and proves it was issued here::

    token = id "." day "." signature              e.g. web:Rk3…(22).20812.Xh0…(22)
    id    = prefix ":" base64url(16 random bytes)  prefix: web (widget), mp (mini-program)
    signature = base64url(HMAC-SHA256(key, "chat-session/v1|" id "|" day)[:16])

- Only the gateway makes ids, 128 random bits each: a client cannot choose one, and
  one cannot be guessed. The signature (128 bits of HMAC-SHA256, under a key derived
  with HKDF from ``HOTLINE_SECRET_KEY`` for this purpose alone) covers the prefix, so
  a web token cannot be passed off as a mini-program one, and an id without its
  signature proves nothing: what agents, logs and the database see cannot be used to
  read a transcript or to write into a conversation.
- ``day`` is the Shanghai day the token was signed, counted from 1970-01-01. A token
  is valid for ``HOTLINE_RETENTION_DAYS`` days after it: as long as an idle
  conversation is kept. Each message and each poll renews it (the gateway answers
  with the token signed today, which the client keeps), so a conversation in use never
  expires under its citizen.
- ``wx:`` + the openid is WeChat's own id, made by the WeChat route from a callback
  whose signature it checked; it has no token and is never issued to a client.
- Tokens are at most 56 characters of ``[A-Za-z0-9_.:-]``, which a URL path segment
  carries unescaped (RFC 3986 ``pchar``).

Changing the secret key makes every token invalid: citizens' clients are then given a
new session with their next message, and the conversations they held stay with agents.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from foundation import clock
from foundation.settings import get_settings
from privacy.encryption import derive_key

WEB = "web"
MINIPROGRAM = "miniprogram"
WECHAT = "wechat"
# The prefix of each channel's ids; every one is reserved for its channel.
PREFIXES = {WEB: "web:", MINIPROGRAM: "mp:", WECHAT: "wx:"}
_ISSUED = {WEB, MINIPROGRAM}
_ID_BYTES = 16
_SIGNATURE_BYTES = 16
_EPOCH = dt.date(1970, 1, 1)
_TOKEN = re.compile(
    r"(?P<id>(?P<prefix>web|mp):[A-Za-z0-9_-]{22})"
    r"\.(?P<day>[0-9]{1,6})\.(?P<signature>[A-Za-z0-9_-]{22})"
)


@dataclass(frozen=True)
class ChatSession:
    """A conversation and the token its citizen holds for it.

    Attributes:
        id: what the conversation is stored under, and what Rasa knows it by.
        channel: ``web`` or ``miniprogram``: the route that issued it.
        token: what the citizen sends back, signed on the day it was made or renewed.
    """

    id: str
    channel: str
    token: str


def new_session(channel: str, *, today: dt.date | None = None) -> ChatSession:
    """A new conversation for ``channel``, with 128 random bits of id.

    Raises:
        ValueError: ``channel`` is not one whose clients are given sessions.
    """
    if channel not in _ISSUED:
        raise ValueError(f"sessions are not issued for the {channel!r} channel")
    session_id = PREFIXES[channel] + _b64(secrets.token_bytes(_ID_BYTES))
    return _signed(session_id, channel, today or clock.now().date())


def open_session(
    token: str | None, channel: str, *, today: dt.date | None = None
) -> ChatSession | None:
    """The session ``token`` proves, renewed today; None if it proves none.

    None for no token, a malformed one, one signed under another key or altered, one
    issued for another channel, and one older than ``HOTLINE_RETENTION_DAYS`` days.
    """
    match = _TOKEN.fullmatch(token or "")
    if match is None or PREFIXES.get(channel) != match["prefix"] + ":":
        return None
    day = int(match["day"])
    today = today or clock.now().date()
    age = _day_number(today) - day
    if not 0 <= age <= get_settings().retention_days:
        return None
    expected = _signature(match["id"], day)
    if not hmac.compare_digest(expected, match["signature"]):
        return None
    return _signed(match["id"], channel, today)


def wechat_session_id(openid: str) -> str:
    """The id a WeChat user's conversation is stored under (no token: WeChat's
    servers, whose callbacks are signed, speak for them)."""
    return PREFIXES[WECHAT] + openid


def is_wechat(session_id: str) -> bool:
    """Whether ``session_id`` names a WeChat user's conversation."""
    return session_id.startswith(PREFIXES[WECHAT])


def channel_of(session_id: str) -> str:
    """The channel of a stored session id, by its prefix. Ids made before the gateway
    issued them count as the web's, but the mini-program's ``mp-…``."""
    for channel, prefix in PREFIXES.items():
        if session_id.startswith(prefix):
            return channel
    return MINIPROGRAM if session_id.startswith("mp-") else WEB


def _signed(session_id: str, channel: str, today: dt.date) -> ChatSession:
    day = _day_number(today)
    token = f"{session_id}.{day}.{_signature(session_id, day)}"
    return ChatSession(session_id, channel, token)


def _day_number(day: dt.date) -> int:
    return (day - _EPOCH).days


def _signature(session_id: str, day: int) -> str:
    message = f"chat-session/v1|{session_id}|{day}".encode()
    digest = hmac.new(_key(get_settings().secret_key), message, hashlib.sha256)
    return _b64(digest.digest()[:_SIGNATURE_BYTES])


@functools.lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    # The secret key is any string; HKDF needs 32 bytes, so it is hashed to them first.
    return derive_key(hashlib.sha256(secret.encode("utf-8")).digest(), "chat-session")


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")
