"""The follow-up run: one lease holder at a time, citizens told in their conversation or
by a WeChat customer-service message, nothing sent twice, failures tried again."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from cases.lifecycle import UNIT, Step, apply
from cases.models import Notification
from cases.routing.router import build_router
from cases.work_orders import WorkOrderRequest, dispatch_work_order, file_work_order
from contact_centre.conversations import messages
from contact_centre.follow_up import run_due_work, wechat_sender
from foundation.db import make_engine, session_scope
from foundation.settings import Settings
from tests.support.fake_wechat import FakeWeChat
from tests.support.live import serve

MONDAY = dt.datetime(2026, 12, 7, 9, 0)
APP_ID, APP_SECRET = "wx-follow-up-test", "follow-up-secret"


@pytest.fixture
def engine(seeded_database):
    """A database of its own: the follow-up commits, and sweeps every order."""
    engine = make_engine(seeded_database)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def fake_wechat():
    fake = FakeWeChat(APP_ID, APP_SECRET)
    with serve(fake.app) as url:
        fake.url = url
        yield fake


def _dispatched(engine, session_id: str, channel: str) -> str:
    with session_scope(engine) as session:
        order = file_work_order(
            session,
            WorkOrderRequest(
                description="楼下烧烤店油烟很大", session_id=session_id, channel=channel
            ),
            build_router(session),
            now=MONDAY,
        )
        dispatch_work_order(
            session, order.number, order.category.code, "agent-li", now=MONDAY
        )
        return order.number


def _run(engine, holder="gateway-1", now=MONDAY, senders=None):
    return run_due_work(engine, holder, lease_s=180, now=now, senders=senders)


def test_a_web_citizen_finds_the_notice_in_their_conversation_once(engine):
    number = _dispatched(engine, "web-session-1", "web")
    first = _run(engine)
    assert first.held_lease and first.sent == 1
    assert _run(engine).sent == 0
    with session_scope(engine) as session:
        said = [m.text for m in messages(session, "web-session-1")]
    assert len(said) == 1 and number in said[0] and "已派至" in said[0]


def test_only_the_lease_holder_works_until_its_lease_expires(engine):
    _dispatched(engine, "web-session-2", "web")
    assert _run(engine, "gateway-1").held_lease
    assert not _run(engine, "gateway-2").held_lease
    assert _run(engine, "gateway-1", now=MONDAY + dt.timedelta(seconds=60)).held_lease
    later = MONDAY + dt.timedelta(minutes=10)
    assert _run(engine, "gateway-2", now=later).held_lease
    assert not _run(engine, "gateway-1", now=later).held_lease


def test_a_sweep_escalates_an_unsigned_order_the_day_after_its_signing_day(engine):
    number = _dispatched(engine, "web-session-3", "web")
    done = _run(engine, now=dt.datetime(2026, 12, 9, 9, 0))
    assert done.sweep.sign_overdue == 1
    assert _run(engine, now=dt.datetime(2026, 12, 9, 10, 0)).sweep.sign_overdue == 0
    with session_scope(engine) as session:
        order_notes = [n.kind for n in session.scalars(select(Notification)).all()]
    assert order_notes.count("sign_overdue") == 1 and number


def _settings(url: str) -> Settings:
    return Settings(
        wechat_app_id=APP_ID, wechat_app_secret=APP_SECRET, wechat_api_base_url=url
    )


def test_a_wechat_citizen_gets_customer_service_messages_through_wechat(
    engine, fake_wechat
):
    number = _dispatched(engine, "wx:openid-follow-1", "wechat")
    sender = wechat_sender(_settings(fake_wechat.url))
    assert _run(engine, senders={"wechat": sender}).sent == 1
    with session_scope(engine) as session:
        apply(session, number, Step("sign", "unit-1", UNIT), MONDAY)
        apply(session, number, Step("complete", "unit-1", UNIT, note="已处理"), MONDAY)
    assert _run(engine, senders={"wechat": sender}).sent == 2
    texts = fake_wechat.texts_to("openid-follow-1")
    assert len(texts) == 3
    assert "已派至" in texts[0] and "已签收" in texts[1] and "满意" in texts[2]
    assert _run(engine, senders={"wechat": sender}).sent == 0


def test_a_failed_wechat_send_is_retried_and_then_sent_once(engine, fake_wechat):
    _dispatched(engine, "wx:openid-follow-2", "wechat")
    broken = wechat_sender(
        Settings(
            wechat_app_id=APP_ID,
            wechat_app_secret="wrong-secret",
            wechat_api_base_url=fake_wechat.url,
        )
    )
    failed = _run(engine, senders={"wechat": broken})
    assert (failed.sent, failed.failed) == (0, 1)
    with session_scope(engine) as session:
        [pending] = session.scalars(
            select(Notification).where(Notification.sent_at.is_(None))
        ).all()
        assert pending.attempts == 1 and pending.last_error
    good = wechat_sender(_settings(fake_wechat.url))
    assert _run(engine, senders={"wechat": good}).sent == 1
    assert _run(engine, senders={"wechat": good}).sent == 0
    assert len(fake_wechat.texts_to("openid-follow-2")) == 1


def test_without_wechat_settings_there_is_no_wechat_sender():
    assert wechat_sender(Settings(wechat_app_id="", wechat_app_secret="")) is None
