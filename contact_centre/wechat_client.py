"""WeChat's customer-service message API, through wechatpy's client, for the worker.

The client calls the configured API address (``HOTLINE_WECHAT_API_BASE_URL``), so the
tests put a fake WeChat in WeChat's place. Its errors become the core's:
``RateLimited`` (45009, 45011, 45047: try later, nothing sent), ``OutsideReplyWindow``
(45015: the user's 48 hours are over) and ``ExternalServiceError`` for the rest, never
with a URL in the text: the token's URL carries the app secret, and every other the
access token, and the text is kept in the outboxes' ``last_error``.

The access token: wechatpy fetches one when it has none or it is about to expire, and
keeps it in a session storage. With ``HOTLINE_REDIS_URL`` that is Redis, shared by every
process, so replicas that take the scheduler's lease in turn use one token rather than
each fetching its own (WeChat allows 2000 fetches a day, and each fetch retires the
previous token five minutes later). Without Redis (one process, embedded) it is
wechatpy's memory storage; a token another process retired then answers 40001. A stale
token (40001, 40014, 42001) is refreshed once and the message sent again: WeChat took
nothing with it, so this is no duplicate. wechatpy's own retry is off, as it retries
for as long as WeChat refuses the token.
"""

from __future__ import annotations

from collections.abc import Callable

from foundation.errors import ExternalServiceError, OutsideReplyWindow, RateLimited
from foundation.settings import Settings

STALE_TOKEN = frozenset({40001, 40014, 42001})
RATE_LIMITS = frozenset({45009, 45011, 45047})
OUT_OF_WINDOW = 45015
# Where the shared token lives in Redis, beside the gateways' nonces and rate limits.
TOKEN_PREFIX = "hotline:wechatpy"


def text_sender(settings: Settings) -> Callable[[str, str], None] | None:
    """Sends a text to a WeChat user by openid; None without the app's id and secret.

    Raises (from the returned function):
        RateLimited: WeChat refuses calls for now; nothing was sent.
        OutsideReplyWindow: the user last wrote more than 48 hours ago.
        ExternalServiceError: WeChat refused the message or could not be reached.
    """
    if not (settings.wechat_app_id and settings.wechat_app_secret):
        return None
    import requests
    from wechatpy import WeChatClient
    from wechatpy.exceptions import WeChatClientException

    api = settings.wechat_api_base_url.rstrip("/") + "/cgi-bin/"

    class Client(WeChatClient):  # type: ignore[misc]
        """wechatpy's client at the configured API address, its token included."""

        API_BASE_URL = api

        def fetch_access_token(self) -> dict[str, object]:
            fetched: dict[str, object] = self._fetch_access_token(
                url=f"{api}token",
                params={
                    "grant_type": "client_credential",
                    "appid": self.appid,
                    "secret": self.secret,
                },
            )
            return fetched

    client = Client(
        settings.wechat_app_id,
        settings.wechat_app_secret,
        session=_token_storage(settings),
        timeout=10,
        auto_retry=False,
    )

    def send(openid: str, text: str) -> None:
        try:
            try:
                client.message.send_text(openid, text)
            except WeChatClientException as error:
                if error.errcode not in STALE_TOKEN:
                    raise
                client.fetch_access_token()
                client.message.send_text(openid, text)
        except WeChatClientException as error:
            raise _refusal(error.errcode, error.errmsg) from None
        except requests.RequestException as error:
            # Its text holds the URL, and with it the access token or the secret.
            raise ExternalServiceError("wechat", type(error).__name__) from None

    return send


def _token_storage(settings: Settings) -> object:
    if not settings.redis_url:
        from wechatpy.session.memorystorage import MemoryStorage

        return MemoryStorage()
    import redis  # type: ignore[import-untyped]
    from wechatpy.session.redisstorage import RedisStorage

    # Connects lazily, on the first token read.
    connection = redis.Redis.from_url(
        settings.redis_url, socket_timeout=1.0, socket_connect_timeout=1.0
    )
    return RedisStorage(connection, prefix=TOKEN_PREFIX)


def _refusal(code: object, message: object) -> ExternalServiceError:
    detail = f"errcode {code}: {message}"[:200]
    if code in RATE_LIMITS:
        return RateLimited("wechat", detail)
    if code == OUT_OF_WINDOW:
        return OutsideReplyWindow("wechat", detail)
    return ExternalServiceError("wechat", detail)
