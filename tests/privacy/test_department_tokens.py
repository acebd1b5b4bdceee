"""A handling unit's token is scoped to its unit; the centre's tokens have none."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.exc import IntegrityError

from foundation.errors import ValidationFailed
from privacy.auth import Staff, authenticate, create_token, list_tokens
from privacy.models import ApiToken


def test_department_token_carries_its_unit(session):
    token = create_token(session, "department", "张三", unit=" 浦东新区生态环境局 ")
    row = authenticate(session, token)
    assert (row.role, row.unit) == ("department", "浦东新区生态环境局")
    assert Staff.of(row).unit == "浦东新区生态环境局"
    listed = {t.id: t for t in list_tokens(session)}
    assert listed[row.id].unit == "浦东新区生态环境局"


def test_department_token_needs_its_unit(session):
    for unit in (None, "", "   "):
        with pytest.raises(ValidationFailed, match="needs its unit"):
            create_token(session, "department", "张三", unit=unit)


def test_centre_tokens_refuse_a_unit(session):
    for role in ("agent", "admin"):
        with pytest.raises(ValidationFailed, match="only a department token"):
            create_token(session, role, "王丽", unit="浦东新区生态环境局")
    assert authenticate(session, create_token(session, "agent", "王丽")).unit is None


def test_unit_is_bounded(session):
    with pytest.raises(ValidationFailed, match="at most 200"):
        create_token(session, "department", "张三", unit="局" * 201)


def test_the_database_refuses_a_department_token_without_unit(session):
    session.add(
        ApiToken(
            token_hash="f" * 64,
            role="department",
            name="绕过检查",
            created_at=dt.datetime(2026, 12, 7, 9, 0),
            expires_at=dt.datetime(2027, 3, 7, 9, 0),
        )
    )
    with pytest.raises(IntegrityError):
        session.flush()
