"""The WeChat channel: verify and open server callbacks, send customer-service replies.

An adapter only, with no business rules: it turns WeChat's wire formats into an
``InboundMessage`` and the bot's replies into customer-service text messages. What to
answer is decided by ``api.conversation.converse`` as for every other channel.

A callback is trusted only when all of these hold, checked in this order:

1. ``signature`` is sha1 over the shared token, ``timestamp`` and ``nonce``;
2. ``timestamp`` is within ``max_clock_skew_s`` of our clock;
3. the body is well-formed XML without a DTD, or JSON, of a declared content type;
4. in safe mode (``encrypt_type=aes``), ``msg_signature`` also covers the ciphertext,
   which must decrypt to a message for our app id;
5. the ``timestamp:nonce`` pair has not been seen within the skew window.

In plaintext mode the signature does not cover the body, so steps 2 and 5 are what stop
a captured request from being replayed; safe mode is the one to use in production.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import heapq
import hmac
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from xml.etree.ElementTree import ParseError

import httpx
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_xml
from wechatpy.crypto import PrpCrypto
from wechatpy.exceptions import InvalidAppIdException

from foundation.errors import ExternalServiceError

logger = logging.getLogger(__name__)

_OPENID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_ECHOSTR = re.compile(r"^[A-Za-z0-9+/=_-]{1,512}$")
_TIMESTAMP = re.compile(r"^[0-9]{1,12}$")
_NONCE = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
_CHOICE = re.compile(r"^\s*([0-9]{1,2})\s*[.。、]?\s*$")
_XML_TYPES = {"text/xml", "application/xml"}
_JSON_TYPES = {"application/json"}
# Codes the API answers when the access token is invalid or has expired.
_STALE_TOKEN_CODES = {40001, 40014, 42001}


class CallbackRejected(Exception):
    """A callback the gateway refuses; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


@dataclass(frozen=True)
class InboundMessage:
    """One customer-service message or event, whichever wire format it came in."""

    to_user: str
    openid: str
    create_time: int
    msg_type: str
    content: str = ""
    msg_id: str = ""
    event: str = ""


class NonceStore(Protocol):
    """Remembers keys for a while; ``claim`` is an atomic check-and-set.

    A Redis store is ``SET key 1 NX EX ttl`` returning whether the key was set.
    """

    def claim(self, key: str, ttl_s: float) -> bool:
        """Record ``key`` for ``ttl_s`` seconds; False if it is already recorded."""
        ...


class MemoryNonceStore:
    """A ``NonceStore`` for one process; expired keys are dropped as new ones arrive."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._expiry: dict[str, float] = {}
        self._queue: list[tuple[float, str]] = []
        self._lock = threading.Lock()

    def claim(self, key: str, ttl_s: float) -> bool:
        now = self._clock()
        with self._lock:
            while self._queue and self._queue[0][0] <= now:
                expires, old = heapq.heappop(self._queue)
                if self._expiry.get(old) == expires:
                    del self._expiry[old]
            if key in self._expiry:
                return False
            expires = now + ttl_s
            self._expiry[key] = expires
            heapq.heappush(self._queue, (expires, key))
            return True

    def __len__(self) -> int:
        return len(self._expiry)


class RedisNonceStore:
    """A ``NonceStore`` shared by every gateway replica (``HOTLINE_REDIS_URL``)."""

    def __init__(self, url: str, timeout_s: float = 1.0) -> None:
        import redis

        # Connects lazily, on the first claim.
        self._redis = redis.Redis.from_url(
            url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s
        )

    def claim(self, key: str, ttl_s: float) -> bool:
        import redis

        try:
            return bool(self._redis.set(key, b"1", nx=True, ex=max(1, round(ttl_s))))
        except redis.RedisError as exc:
            # Refuse rather than risk a replay; WeChat retries the callback.
            raise ExternalServiceError("redis", type(exc).__name__) from exc


def default_nonce_store() -> NonceStore:
    """Redis when ``HOTLINE_REDIS_URL`` is set, so replays are caught across replicas."""
    from foundation.settings import get_settings

    url = get_settings().redis_url
    return RedisNonceStore(url) if url else MemoryNonceStore()


class CallbackVerifier:
    """Checks and opens the callbacks WeChat's servers push to us.

    Args:
        token: the Token configured in the mini-program console.
        app_id: the mini-program's AppID; safe-mode messages must be encrypted for it.
        aes_key: the 43-character EncodingAESKey; when set, plaintext callbacks are
            refused, because the operator chose safe mode.
        max_clock_skew_s: how far a callback's timestamp may be from our clock.
        nonces: where seen nonces are kept; ``default_nonce_store()`` unless given.
        clock: seconds since the epoch, injectable for tests.
    """

    def __init__(
        self,
        token: str,
        *,
        app_id: str = "",
        aes_key: str = "",
        max_clock_skew_s: int = 300,
        nonces: NonceStore | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not token:
            raise ValueError("a WeChat callback token is required")
        self._token = token
        self._app_id = app_id
        self._key = _decode_aes_key(aes_key) if aes_key else None
        if self._key is not None and not app_id:
            raise ValueError("safe mode needs the mini-program's app id")
        self._skew = max_clock_skew_s
        self._nonces = nonces if nonces is not None else default_nonce_store()
        self._clock = clock

    @property
    def safe_mode(self) -> bool:
        return self._key is not None

    def verify_url(self, params: Mapping[str, str]) -> str:
        """The ``echostr`` to answer WeChat's URL verification with.

        Raises:
            CallbackRejected: the request is forged, stale, replayed or malformed.
        """
        timestamp, nonce = self._authenticate(params)
        echostr = params.get("echostr", "")
        if not _ECHOSTR.match(echostr):
            raise CallbackRejected(400, "echostr is missing or malformed")
        self._claim_nonce(timestamp, nonce)
        return echostr

    def open_message(
        self, params: Mapping[str, str], content_type: str | None, body: bytes
    ) -> InboundMessage:
        """Verify a pushed message, decrypt it in safe mode, and parse it.

        Raises:
            CallbackRejected: with the status to answer (400, 403, 409 or 415).
        """
        timestamp, nonce = self._authenticate(params)
        kind = _body_kind(content_type)
        fields = _parse_body(body, kind)
        encrypt_type = params.get("encrypt_type", "") or "raw"
        if encrypt_type == "aes":
            fields = self._decrypt(fields, params, timestamp, nonce, kind)
        elif encrypt_type != "raw":
            raise CallbackRejected(400, f"unsupported encrypt_type {encrypt_type!r}")
        elif self.safe_mode:
            raise CallbackRejected(403, "safe mode is configured; plaintext is refused")
        self._claim_nonce(timestamp, nonce)
        return _message(fields)

    def first_delivery(self, message: InboundMessage) -> bool:
        """False for a message id already seen: WeChat retries when it gets no answer."""
        if not message.msg_id:
            return True
        return self._nonces.claim(f"wechat:msgid:{message.msg_id}", 2 * self._skew)

    def _authenticate(self, params: Mapping[str, str]) -> tuple[str, str]:
        signature = params.get("signature", "")
        timestamp = params.get("timestamp", "")
        nonce = params.get("nonce", "")
        if not (signature and timestamp and nonce):
            raise CallbackRejected(403, "signature, timestamp and nonce are required")
        if not _same(signature, _sign(self._token, timestamp, nonce)):
            raise CallbackRejected(403, "signature does not match")
        if not (_TIMESTAMP.match(timestamp) and _NONCE.match(nonce)):
            raise CallbackRejected(400, "timestamp or nonce is malformed")
        if abs(self._clock() - int(timestamp)) > self._skew:
            raise CallbackRejected(403, "timestamp is too far from the server's clock")
        return timestamp, nonce

    def _claim_nonce(self, timestamp: str, nonce: str) -> None:
        # Keyed with the timestamp: a replay must reuse both (the signature covers
        # them), and random nonces alone would now and then collide at busy times.
        ttl = int(timestamp) + self._skew - self._clock() + 1
        if not self._nonces.claim(f"wechat:nonce:{timestamp}:{nonce}", max(ttl, 1)):
            raise CallbackRejected(409, "this nonce was already used")

    def _decrypt(
        self,
        fields: dict[str, Any],
        params: Mapping[str, str],
        timestamp: str,
        nonce: str,
        kind: str,
    ) -> dict[str, Any]:
        if self._key is None:
            raise CallbackRejected(403, "safe mode is not configured on this server")
        encrypt = fields.get("Encrypt")
        if not isinstance(encrypt, str) or not encrypt:
            raise CallbackRejected(400, "safe-mode body has no Encrypt field")
        expected = _sign(self._token, timestamp, nonce, encrypt)
        if not _same(params.get("msg_signature", ""), expected):
            raise CallbackRejected(403, "msg_signature does not match")
        try:
            plaintext = PrpCrypto(self._key).decrypt(encrypt, self._app_id)
        except InvalidAppIdException:
            raise CallbackRejected(
                403, "message is encrypted for another app"
            ) from None
        except Exception:  # base64, padding, length and UTF-8 errors all end here
            raise CallbackRejected(400, "Encrypt cannot be decrypted") from None
        return _parse_body(plaintext.encode("utf-8"), kind)


class WeChatSender:
    """Sends text through the customer-service message API, caching the access token.

    Args:
        app_id: the mini-program's AppID.
        app_secret: its AppSecret; it only ever travels to ``base_url``.
        base_url: the API root, ``https://api.weixin.qq.com`` in production.
        timeout: seconds per HTTP call.
        clock: monotonic seconds, injectable for tests.
    """

    def __init__(
        self,
        app_id: str,
        app_secret: str,
        base_url: str = "https://api.weixin.qq.com",
        timeout: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._app_id = app_id
        self._app_secret = app_secret
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout
        self._clock = clock
        self._token: str | None = None
        self._token_expires_at = 0.0
        self._token_lock = asyncio.Lock()
        _redact_credentials_in_http_logs()

    async def send_texts(self, openid: str, texts: list[str]) -> None:
        """Send each text to ``openid``, in order, over one connection.

        Raises:
            ExternalServiceError: WeChat is unreachable or refused a message.
        """
        if not (self._app_id and self._app_secret):
            raise ExternalServiceError("wechat", "app id and secret are not configured")
        async with httpx.AsyncClient(
            base_url=self._base_url, timeout=self._timeout
        ) as http:
            for text in texts:
                await self._send_text(http, openid, text)

    async def _send_text(self, http: httpx.AsyncClient, openid: str, text: str) -> None:
        body = {"touser": openid, "msgtype": "text", "text": {"content": text}}
        # WeChat shows \\uXXXX escapes literally in some clients: send raw UTF-8.
        content = json.dumps(body, ensure_ascii=False).encode("utf-8")
        for attempt in range(2):
            token = await self._access_token(http)
            answer = await self._call(
                http,
                "POST",
                "/cgi-bin/message/custom/send",
                params={"access_token": token},
                content=content,
                headers={"Content-Type": "application/json; charset=utf-8"},
            )
            code = answer.get("errcode", 0)
            if code == 0:
                return
            if code in _STALE_TOKEN_CODES and attempt == 0:
                self._forget_token(token)
                continue
            raise ExternalServiceError("wechat", f"custom/send errcode {code}")

    async def _access_token(self, http: httpx.AsyncClient) -> str:
        if self._token and self._clock() < self._token_expires_at:
            return self._token
        async with self._token_lock:
            # Another task may have fetched one while this one waited.
            if self._token and self._clock() < self._token_expires_at:
                return self._token
            answer = await self._call(
                http,
                "GET",
                "/cgi-bin/token",
                params={
                    "grant_type": "client_credential",
                    "appid": self._app_id,
                    "secret": self._app_secret,
                },
            )
            token = answer.get("access_token")
            if not isinstance(token, str) or not token:
                code = answer.get("errcode", "none")
                raise ExternalServiceError("wechat", f"token errcode {code}")
            lifetime = float(answer.get("expires_in") or 7200)
            # Refresh a little early so a token never expires between check and use.
            self._token = token
            self._token_expires_at = self._clock() + lifetime - min(300, lifetime / 2)
            return token

    def _forget_token(self, token: str) -> None:
        if self._token == token:
            self._token = None

    async def _call(self, http: httpx.AsyncClient, method: str, path: str, **kwargs):
        try:
            response = await http.request(method, path, **kwargs)
            response.raise_for_status()
            answer = response.json()
        except httpx.TimeoutException as exc:
            raise ExternalServiceError("wechat", f"{path} timed out") from exc
        except (httpx.HTTPError, ValueError) as exc:
            # The exception text may hold the URL, and with it the secret or token.
            raise ExternalServiceError(
                "wechat", f"{path}: {type(exc).__name__}"
            ) from exc
        if not isinstance(answer, dict):
            raise ExternalServiceError("wechat", f"{path}: unexpected answer")
        return answer


def button_number(text: str) -> int | None:
    """The number a citizen typed to pick a button ("2", "2."), if that is all they typed."""
    match = _CHOICE.match(text)
    return int(match.group(1)) if match else None


def chosen_button(number: int, buttons: list[dict], text: str) -> str:
    """The payload of button ``number`` among those last shown, or the ``text`` typed.

    WeChat text cannot carry buttons, so ``render_replies`` numbers them. The buttons
    come from the transcript in the database, so every replica, and a restarted one,
    maps a number to the same button.
    """
    return _payload(buttons[number - 1]) if 1 <= number <= len(buttons) else text


def render_replies(replies: list[dict]) -> list[str]:
    """Texts to send for one bot turn, its buttons numbered in them.

    Buttons are numbered across the whole turn, so each number means one button.
    """
    texts: list[str] = []
    numbered = 0
    for reply in replies:
        lines = [reply.get("text") or ""]
        for button in reply.get("buttons") or []:
            numbered += 1
            lines.append(f"{numbered}. {button.get('title') or ''}")
        text = "\n".join(line for line in lines if line)
        if text:
            texts.append(text)
    return texts


def _payload(button: dict) -> str:
    return button.get("payload") or button.get("title") or ""


def _sign(*parts: str) -> str:
    # WeChat's signature: sha1 over the parts sorted as strings, concatenated.
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.lower().encode("utf-8"), expected.encode("utf-8"))


def _decode_aes_key(aes_key: str) -> bytes:
    try:
        key = base64.b64decode(aes_key + "=", validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(aes_key) != 43 or len(key) != 32:
        raise ValueError(
            "the EncodingAESKey must be the 43 characters from the console"
        )
    return key


def _body_kind(content_type: str | None) -> str:
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type in _XML_TYPES:
        return "xml"
    if media_type in _JSON_TYPES:
        return "json"
    raise CallbackRejected(415, "send text/xml or application/json")


def _parse_body(body: bytes, kind: str) -> dict[str, Any]:
    if kind == "json":
        try:
            fields = json.loads(body)
        except (ValueError, RecursionError):
            raise CallbackRejected(400, "body is not valid JSON") from None
        if not isinstance(fields, dict):
            raise CallbackRejected(400, "JSON body must be an object")
        return fields
    try:
        # defusedxml refuses DTDs and so every entity, internal or external.
        root = parse_xml(body, forbid_dtd=True, forbid_entities=True)
    except DefusedXmlException:
        raise CallbackRejected(400, "XML with a DTD or entities is refused") from None
    except (ParseError, ValueError):
        raise CallbackRejected(400, "body is not well-formed XML") from None
    if root.tag != "xml":
        raise CallbackRejected(400, "XML root element must be <xml>")
    return {child.tag: child.text or "" for child in root if len(child) == 0}


def _message(fields: dict[str, Any]) -> InboundMessage:
    def text(name: str) -> str:
        value = fields.get(name, "")
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise CallbackRejected(400, f"{name} must be a string")
        return str(value)

    msg_type = text("MsgType").strip().lower()
    openid = text("FromUserName").strip()
    if not msg_type:
        raise CallbackRejected(400, "MsgType is required")
    if not _OPENID.match(openid):
        raise CallbackRejected(400, "FromUserName is missing or malformed")
    created = text("CreateTime").strip()
    content = text("Content")
    if msg_type == "text" and not content.strip():
        raise CallbackRejected(400, "a text message needs Content")
    return InboundMessage(
        to_user=text("ToUserName").strip(),
        openid=openid,
        create_time=int(created) if created.isdigit() else 0,
        msg_type=msg_type,
        content=content,
        msg_id=text("MsgId").strip(),
        event=text("Event").strip().lower(),
    )


class _RedactCredentials(logging.Filter):
    """httpx logs each URL at INFO; the token URL carries the app secret."""

    _SECRET = re.compile(r"((?:secret|access_token)=)[^&\s\"']+")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "secret=" in message or "access_token=" in message:
            record.msg = self._SECRET.sub(r"\1***", message)
            record.args = None
        return True


def _redact_credentials_in_http_logs() -> None:
    for name in ("httpx", "httpcore"):
        target = logging.getLogger(name)
        if not any(isinstance(f, _RedactCredentials) for f in target.filters):
            target.addFilter(_RedactCredentials())
