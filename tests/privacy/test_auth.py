"""Bearer tokens expire after the configured days and can be revoked (issue 25, 5)."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from foundation import clock
from foundation.errors import NotFoundError
from foundation.settings import Settings, get_settings
from privacy.auth import (
    Staff,
    authenticate,
    create_token,
    list_tokens,
    revoke_token,
    token_digest,
)

DAY = dt.timedelta(days=1)


def _made(session, name: str, *, days_ago: float = 0, role: str = "agent"):
    now = clock.now() - dt.timedelta(days=days_ago)
    token = create_token(session, role, name, now=now)
    return token, authenticate(session, token, now=now)


def test_create_token_is_valid_for_the_configured_days(session):
    now = clock.now()
    token = create_token(session, "agent", "赵敏", now=now)
    row = authenticate(session, token, now=now)
    assert row.expires_at == now + dt.timedelta(days=get_settings().token_ttl_days)


def test_authenticate_refuses_a_token_past_its_expiry(session):
    token, row = _made(
        session, "过期的坐席", days_ago=get_settings().token_ttl_days + 1
    )
    assert row is not None  # it was valid when made
    assert authenticate(session, token) is None


def test_authenticate_accepts_a_token_until_its_last_moment(session):
    token, row = _made(session, "钱坐席")
    assert authenticate(session, token, now=row.expires_at - dt.timedelta(seconds=1))
    assert authenticate(session, token, now=row.expires_at) is None


def test_authenticate_refuses_a_revoked_token(session):
    token, row = _made(session, "孙坐席")
    assert revoke_token(session, row.id) is True
    assert authenticate(session, token) is None


def test_revoke_token_twice_says_it_was_revoked_already(session):
    _, row = _made(session, "李坐席")
    revoke_token(session, row.id)
    assert revoke_token(session, row.id) is False


def test_revoke_token_of_an_unknown_id_is_not_found(session):
    with pytest.raises(NotFoundError):
        revoke_token(session, 2_000_000_000)


def test_list_tokens_gives_each_status_and_nothing_of_the_secret(session):
    active, active_row = _made(session, "周坐席")
    _, expired_row = _made(session, "吴坐席", days_ago=400)
    _, revoked_row = _made(session, "郑坐席", role="admin")
    revoke_token(session, revoked_row.id)
    listed = {t.id: t for t in list_tokens(session)}
    assert listed[active_row.id].status == "active"
    assert listed[expired_row.id].status == "expired"
    assert listed[revoked_row.id].status == "revoked"
    assert listed[revoked_row.id].role == "admin"
    shown = repr(list(listed.values()))
    assert active not in shown and token_digest(active) not in shown


def test_staff_of_a_token_keeps_its_id_name_and_role_and_only_admins_supervise(
    session,
):
    _, agent = _made(session, "冯坐席")
    _, admin = _made(session, "陈主管", role="admin")
    assert Staff.of(agent) == Staff(agent.id, "冯坐席", "agent")
    assert not Staff.of(agent).supervises and Staff.of(admin).supervises


def test_token_lifetime_setting_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("HOTLINE_TOKEN_TTL_DAYS", "30")
    assert Settings().token_ttl_days == 30


@pytest.mark.parametrize("days", ["0", "-1", "100000"])
def test_token_lifetime_setting_refuses_an_unbounded_or_empty_life(monkeypatch, days):
    monkeypatch.setenv("HOTLINE_TOKEN_TTL_DAYS", days)
    with pytest.raises(ValidationError, match="token_ttl_days"):
        Settings()
