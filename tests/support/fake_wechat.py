"""A fake WeChat API server: issues access tokens and records customer-service messages.

Serve ``FakeWeChat(...).app`` with ``tests.support.live.serve`` and point a
``WeChatSender`` at the URL. Like the real API it answers HTTP 200 with an ``errcode``
when something is wrong, and it can be told to expire the tokens it has issued and to
refuse the next sends with a given ``errcode`` (a rate limit, an outage).
"""

from __future__ import annotations

import itertools
import threading

from fastapi import FastAPI, Request


class FakeWeChat:
    def __init__(self, app_id: str, app_secret: str) -> None:
        self.app_id = app_id
        self.app_secret = app_secret
        self.token_requests = 0
        # Every call to the send endpoint, answered or refused; ``sent`` holds those taken.
        self.send_requests = 0
        self.sent: list[dict] = []
        self._failures: list[int] = []
        self._valid: set[str] = set()
        self._expired: set[str] = set()
        self._serial = itertools.count(1)
        self._lock = threading.Lock()
        self.app = self._build()

    def texts_to(self, openid: str) -> list[str]:
        with self._lock:
            return [m["text"]["content"] for m in self.sent if m["touser"] == openid]

    def expire_tokens(self) -> None:
        """Every token issued so far answers errcode 42001 from now on."""
        with self._lock:
            self._expired |= self._valid
            self._valid.clear()

    def fail_next(self, count: int, errcode: int) -> None:
        """The next ``count`` sends with a valid token answer ``errcode``, sending nothing."""
        with self._lock:
            self._failures.extend([errcode] * count)

    def _build(self) -> FastAPI:
        app = FastAPI()

        @app.get("/cgi-bin/token")
        def token(grant_type: str = "", appid: str = "", secret: str = "") -> dict:
            with self._lock:
                self.token_requests += 1
                if grant_type != "client_credential":
                    return {"errcode": 40002, "errmsg": "invalid grant_type"}
                if (appid, secret) != (self.app_id, self.app_secret):
                    return {"errcode": 40125, "errmsg": "invalid appsecret"}
                issued = f"fake-token-{next(self._serial)}"
                self._valid.add(issued)
            return {"access_token": issued, "expires_in": 7200}

        @app.post("/cgi-bin/message/custom/send")
        async def custom_send(request: Request, access_token: str = "") -> dict:
            body = await request.json()
            with self._lock:
                self.send_requests += 1
                if access_token in self._expired:
                    return {"errcode": 42001, "errmsg": "access_token expired"}
                if access_token not in self._valid:
                    return {"errcode": 40001, "errmsg": "invalid credential"}
                if body.get("msgtype") != "text" or not body.get("touser"):
                    return {"errcode": 40008, "errmsg": "invalid message type"}
                if self._failures:
                    return {"errcode": self._failures.pop(0), "errmsg": "told to fail"}
                self.sent.append(body)
            return {"errcode": 0, "errmsg": "ok"}

        return app
