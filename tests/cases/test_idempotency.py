"""Idempotency keys in the core: scoped to their client, bound to their request."""

from __future__ import annotations

import dataclasses

import pytest

from cases.applications import ApplicationRequest, submit_application
from cases.idempotency import _hmac, fingerprint, scoped_key, session_scope
from cases.work_orders import WorkOrderRequest, file_work_order
from foundation.errors import Conflict


def _order(sender: str, key: str, **fields) -> WorkOrderRequest:
    """A work order the chat session ``sender`` files with ``key``."""
    return WorkOrderRequest(
        **{
            "description": "小区里的路灯坏了一个月",
            "category_code": "noise",
            "session_id": sender,
            "idempotency_key": key,
            "idempotency_scope": session_scope(sender),
            **fields,
        }
    )


def test_scoped_key_depends_on_the_scope_and_keeps_neither_in_clear():
    key = scoped_key(session_scope("s-1"), "s-1:1700000000.0")
    assert key != scoped_key(session_scope("s-2"), "s-1:1700000000.0")
    assert key is not None and "s-1" not in key and len(key) == 64
    assert scoped_key(session_scope("s-1"), "  ") is None


def test_fingerprint_ignores_the_key_scope_and_channel_but_not_the_body():
    base = _order("s-1", "k")
    assert fingerprint(base) == fingerprint(
        _order("s-2", "other", channel="wechat", session_id="s-1")
    )
    assert fingerprint(base) != fingerprint(_order("s-1", "k", district="杨浦区"))


def test_fields_added_later_leave_the_fingerprint_of_requests_made_before_them():
    """A request retried across the upgrade that added praise still matches: its
    fingerprint is the one computed over the fields it had then."""
    problem = _order("s-1", "k")
    before_praise = {
        name: value
        for name, value in dataclasses.asdict(problem).items()
        if name not in {"appeal_kind", "routing_text", "idempotency_key"}
        and name not in {"idempotency_scope", "channel", "language"}
    }
    assert fingerprint(problem) == _hmac("idempotency-request", before_praise)
    assert fingerprint(problem) != fingerprint(_order("s-1", "k", appeal_kind="praise"))
    assert fingerprint(problem) != fingerprint(_order("s-1", "k", routing_text="路灯"))


def test_a_chat_retry_finds_its_order_and_another_session_does_not(session, router):
    first = file_work_order(session, _order("chat-a", "chat-a:1.0"), router)
    assert file_work_order(session, _order("chat-a", "chat-a:1.0"), router) is first
    # Another session sending the very same key is another client.
    other = _order("chat-b", "chat-a:1.0", session_id="chat-a")
    assert file_work_order(session, other, router).number != first.number


def test_a_key_reused_for_another_application_raises_conflict(session):
    request = ApplicationRequest(
        service_code="passport",
        applicant_name="李娜",
        id_number="310104199001011233",
        phone="13912345678",
        district="浦东",
        consent=True,
        session_id="chat-c",
        idempotency_key="chat-c:1.0",
        idempotency_scope=session_scope("chat-c"),
    )
    first = submit_application(session, request)
    assert submit_application(session, request) is first
    changed = ApplicationRequest(**{**request.__dict__, "phone": "13800001234"})
    with pytest.raises(Conflict, match="different request"):
        submit_application(session, changed)
