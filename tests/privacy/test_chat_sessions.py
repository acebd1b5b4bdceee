"""The signed chat sessions the gateway issues (``privacy.chat_sessions``)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from foundation.settings import Settings
from privacy import chat_sessions
from privacy.chat_sessions import (
    MINIPROGRAM,
    WEB,
    WECHAT,
    channel_of,
    new_session,
    open_session,
    wechat_session_id,
)

TODAY = dt.date(2026, 12, 2)
URL_SAFE = re.compile(r"[A-Za-z0-9_.:-]+")


def _altered(token: str, at: int) -> str:
    swapped = "A" if token[at] != "A" else "B"
    return token[:at] + swapped + token[at + 1 :]


@pytest.mark.parametrize(("channel", "prefix"), [(WEB, "web:"), (MINIPROGRAM, "mp:")])
def test_new_session_is_random_bounded_and_url_safe(channel, prefix):
    first, second = new_session(channel), new_session(channel)
    assert first.id != second.id
    assert first.id.startswith(prefix) and first.channel == channel
    assert first.token.startswith(first.id + ".")
    assert len(first.token) <= 56 and URL_SAFE.fullmatch(first.token)


def test_open_session_gives_back_the_issued_id():
    issued = new_session(WEB, today=TODAY)
    opened = open_session(issued.token, WEB, today=TODAY)
    assert opened == issued


def test_open_session_renews_the_token_for_the_same_id():
    issued = new_session(WEB, today=TODAY)
    later = TODAY + dt.timedelta(days=30)
    opened = open_session(issued.token, WEB, today=later)
    assert opened is not None and opened.id == issued.id
    assert opened.token != issued.token
    assert open_session(opened.token, WEB, today=later) == opened


def test_open_session_refuses_any_altered_character():
    token = new_session(WEB, today=TODAY).token
    refused = [
        at
        for at in range(len(token))
        if token[at] not in ".:"
        and open_session(_altered(token, at), WEB, today=TODAY) is not None
    ]
    assert refused == []


def test_open_session_refuses_an_id_signed_for_another():
    mine, theirs = new_session(WEB, today=TODAY), new_session(WEB, today=TODAY)
    their_signature = theirs.token.rsplit(".", 1)[1]
    forged = mine.token.rsplit(".", 1)[0] + "." + their_signature
    assert open_session(forged, WEB, today=TODAY) is None


def test_open_session_refuses_another_channels_session():
    web, mini = new_session(WEB, today=TODAY), new_session(MINIPROGRAM, today=TODAY)
    assert open_session(web.token, MINIPROGRAM, today=TODAY) is None
    assert open_session(mini.token, WEB, today=TODAY) is None
    # Re-labelled: the prefix is signed too.
    relabelled = "mp:" + web.token[len("web:") :]
    assert open_session(relabelled, MINIPROGRAM, today=TODAY) is None


@pytest.mark.parametrize(
    "token",
    [
        None,
        "",
        "web-5f3c1a9e-8d2b-4c7a-9e1f-0a2b3c4d5e6f",  # an older widget's own id
        "mp-0123456789abcdef0123456789abcdef",
        "wx:o6_bmjrPTlm6_2sgVt7hMZOPfL2M",
        "web:AAAAAAAAAAAAAAAAAAAAAA",  # an id without its signature
        "web:AAAAAAAAAAAAAAAAAAAAAA.20789.AAAAAAAAAAAAAAAAAAAAAA",
        "x" * 128,
    ],
)
def test_open_session_refuses_what_the_gateway_did_not_issue(token):
    assert open_session(token, WEB, today=TODAY) is None


def test_a_token_lasts_the_retention_period_since_it_was_signed():
    retention = chat_sessions.get_settings().retention_days
    issued = new_session(WEB, today=TODAY)
    last_day = TODAY + dt.timedelta(days=retention)
    assert open_session(issued.token, WEB, today=last_day) is not None
    assert (
        open_session(issued.token, WEB, today=last_day + dt.timedelta(days=1)) is None
    )
    # Nor is a token from the future (a clock gone wrong) taken.
    assert open_session(issued.token, WEB, today=TODAY - dt.timedelta(days=1)) is None


def test_a_token_signed_under_another_secret_key_is_refused(monkeypatch):
    elsewhere = Settings(secret_key="another-deployments-secret")
    monkeypatch.setattr(chat_sessions, "get_settings", lambda: elsewhere)
    foreign = new_session(WEB, today=TODAY)
    assert open_session(foreign.token, WEB, today=TODAY) is not None
    monkeypatch.undo()
    assert open_session(foreign.token, WEB, today=TODAY) is None


def test_sessions_are_issued_to_the_web_and_the_mini_program_only():
    with pytest.raises(ValueError):
        new_session(WECHAT)
    with pytest.raises(ValueError):
        new_session("api")


def test_wechat_ids_are_the_openid_under_wx():
    assert wechat_session_id("o6_bmjrPTlm6") == "wx:o6_bmjrPTlm6"


@pytest.mark.parametrize(
    ("session_id", "channel"),
    [
        ("web:Rk3aaaaaaaaaaaaaaaaaaa", WEB),
        ("mp:Rk3aaaaaaaaaaaaaaaaaaa", MINIPROGRAM),
        ("wx:o6_bmjrPTlm6", WECHAT),
        ("mp-0123456789abcdef", MINIPROGRAM),
        ("web-5f3c1a9e", WEB),
        ("anything-else", WEB),
    ],
)
def test_channel_of_a_stored_id_is_its_prefixs(session_id, channel):
    assert channel_of(session_id) == channel
