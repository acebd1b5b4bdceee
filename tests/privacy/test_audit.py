"""The audit log of staff access to personal data: what is recorded, how it is read."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from foundation.errors import ValidationFailed
from privacy.audit import MAX_LIMIT, query_access, record_access
from privacy.auth import Staff, authenticate, create_token

AT = dt.datetime(2026, 12, 6, 10, 0)


@pytest.fixture
def staff(session) -> Staff:
    return _staff(session, "王丽")


def _staff(session, name: str, role: str = "agent") -> Staff:
    return Staff.of(authenticate(session, create_token(session, role, name)))


def _number() -> str:
    return f"T{uuid.uuid4().hex[:12].upper()}"


def _record(session, staff, record, *, minutes=0, **extra):
    return record_access(
        session,
        staff,
        kind=extra.pop("kind", "work_order"),
        record=record,
        fields=extra.pop("fields", ("contact_phone", "contact_name")),
        now=AT + dt.timedelta(minutes=minutes),
        **extra,
    )


def test_record_access_keeps_who_which_record_which_fields_when_and_from_where(
    session, staff
):
    number = _number()
    _record(session, staff, number, client_address="10.1.2.3", via="GET /x")
    [entry] = query_access(session, record=number)
    assert (entry.token_id, entry.actor_name, entry.actor_role) == (
        staff.token_id,
        "王丽",
        "agent",
    )
    assert (entry.record_kind, entry.record) == ("work_order", number)
    assert entry.fields == ["contact_name", "contact_phone"]
    assert (entry.at, entry.client_address, entry.via) == (AT, "10.1.2.3", "GET /x")


def test_record_access_records_nothing_when_no_personal_field_was_shown(session, staff):
    number = _number()
    assert _record(session, staff, number, fields=()) is None
    assert query_access(session, record=number) == []


def test_record_access_refuses_an_unknown_kind_of_record(session, staff):
    with pytest.raises(ValidationFailed):
        _record(session, staff, _number(), kind="tracker")


def test_query_access_is_newest_first_and_filters_by_actor_and_time(session, staff):
    other = _staff(session, f"张伟-{uuid.uuid4().hex[:6]}")
    number = _number()
    _record(session, staff, number, minutes=0)
    _record(session, other, number, minutes=5)
    _record(session, staff, number, minutes=10)
    assert [e.at for e in query_access(session, record=number)] == [
        AT + dt.timedelta(minutes=m) for m in (10, 5, 0)
    ]
    assert [
        e.actor_name for e in query_access(session, record=number, actor=other.name)
    ] == [other.name]
    since = query_access(session, record=number, since=AT + dt.timedelta(minutes=5))
    assert len(since) == 2
    assert query_access(session, record=number, token_id=other.token_id)[0].at == (
        AT + dt.timedelta(minutes=5)
    )


def test_query_access_takes_a_day_as_its_midnight_and_an_offset_as_shanghai_time(
    session, staff
):
    number = _number()
    _record(session, staff, number)
    assert query_access(session, record=number, since=AT.date())
    assert not query_access(session, record=number, until=AT.date())
    utc = dt.datetime(2026, 12, 6, 2, 0, 1, tzinfo=dt.timezone.utc)  # 10:00:01 here
    assert not query_access(session, record=number, since=utc)


@pytest.mark.parametrize("limit", [0, MAX_LIMIT + 1])
def test_query_access_refuses_an_unbounded_limit(session, limit):
    with pytest.raises(ValidationFailed):
        query_access(session, limit=limit)


def test_query_access_returns_at_most_limit_entries(session, staff):
    number = _number()
    for minutes in range(3):
        _record(session, staff, number, minutes=minutes)
    assert len(query_access(session, record=number, limit=2)) == 2
