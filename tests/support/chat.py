"""A citizen's conversation through the gateway's chat API, as the widget holds it.

The gateway issues the session: the first message goes without one, and the
``session_id`` of each answer is kept and sent from then on. A test that prepares a
conversation in the core before the citizen writes (a hand-off waiting, a work order
filed in it) starts from a session issued the gateway's way
(``privacy.chat_sessions.new_session``), which an in-process gateway accepts.
"""

from __future__ import annotations

import httpx

from privacy.chat_sessions import WEB, ChatSession, new_session

WEB_DOOR = "/api/v1/chat"
MINIPROGRAM_DOOR = "/api/v1/miniprogram/chat"


def stored_id(token: str) -> str:
    """The id a session token names, as the database and Rasa know the conversation.

    Not verified: for tests that look at what was stored, also in processes whose
    secret key the test does not share.
    """
    return token.rsplit(".", 2)[0]


def issued_session(channel: str = WEB) -> ChatSession:
    """A session issued as the gateway issues them, before the citizen writes."""
    return new_session(channel)


class Citizen:
    """One conversation: sends what the gateway issued, keeps what it answers."""

    def __init__(
        self,
        client: httpx.Client,
        door: str = WEB_DOOR,
        *,
        session: ChatSession | None = None,
    ) -> None:
        self.client = client
        self.door = door
        self.token: str | None = session.token if session else None

    @property
    def session_id(self) -> str:
        """The conversation's stored id (what agents and the database see)."""
        assert self.token, "the citizen has not been given a session yet"
        return stored_id(self.token)

    def post(self, text: str, **extra) -> httpx.Response:
        """One message as sent; the session of a 200 answer is kept."""
        body = {"text": text, **extra}
        if self.token is not None:
            body["session_id"] = self.token
        response = self.client.post(self.door, json=body)
        if response.status_code == 200:
            self.token = response.json()["session_id"]
        return response

    def say(self, text: str, **extra) -> dict:
        """One message; its answer, which must be a 200."""
        response = self.post(text, **extra)
        assert response.status_code == 200, response.text
        return response.json()

    def poll(self, after: int = 0) -> httpx.Response:
        """The conversation's messages after ``after``, as the widget polls them."""
        assert self.token, "the citizen has not been given a session yet"
        response = self.client.get(
            f"{self.door}/{self.token}/messages", params={"after": after}
        )
        if response.status_code == 200:
            self.token = response.json()["session_id"]
        return response
