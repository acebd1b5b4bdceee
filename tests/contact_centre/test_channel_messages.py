"""Messages owed to WeChat users (agents' replies, queue places) reach them once, as
customer-service messages, through wechatpy's client against a fake WeChat API server
over real HTTP: the token refreshed, failures retried without duplicates, nothing sent
outside WeChat's 48-hour window."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from api.main import create_app
from api.rasa_client import RasaClient
from contact_centre import channel_messages
from contact_centre.channel_messages import deliver, queue_for_citizen
from contact_centre.conversations import record_turn
from contact_centre.follow_up import run_due_work, wechat_sender
from contact_centre.handoff import request_handoff
from contact_centre.models import ChannelMessage
from foundation import clock
from foundation.db import make_engine, session_scope
from foundation.settings import Settings
from harness.servers import free_port, redis_server
from privacy.auth import create_token
from tests.support.fake_wechat import FakeWeChat
from tests.support.live import serve

APP_ID, APP_SECRET = "wx-outbox-test", "outbox-secret"
NOON = dt.datetime(2026, 12, 7, 12, 0)


@pytest.fixture(scope="module")
def fake_wechat():
    fake = FakeWeChat(APP_ID, APP_SECRET)
    with serve(fake.app) as url:
        fake.url = url
        yield fake


@pytest.fixture
def engine(seeded_database):
    """A database of its own: delivery commits."""
    engine = make_engine(seeded_database)
    yield engine
    engine.dispose()


@pytest.fixture
def wechat(fake_wechat):
    """The worker's WeChat sender, with a token cache of its own."""
    return wechat_sender(_settings(fake_wechat.url))


def _settings(url: str, **more: str) -> Settings:
    return Settings(
        wechat_app_id=APP_ID,
        wechat_app_secret=APP_SECRET,
        wechat_api_base_url=url,
        **more,
    )


def _citizen_wrote(engine, openid: str, at: dt.datetime) -> str:
    session_id = f"wx:{openid}"
    with session_scope(engine) as session:
        record_turn(session, session_id, "转人工", [], now=at)
    return session_id


def _owe(engine, session_id: str, words: str, key: str, at: dt.datetime) -> bool:
    with session_scope(engine) as session:
        return queue_for_citizen(
            session,
            session_id=session_id,
            channel="wechat",
            text=words,
            kind=channel_messages.AGENT_REPLY,
            key=key,
            now=at,
        )


def _deliver(engine, wechat, at: dt.datetime) -> channel_messages.Delivery:
    # Delivery commits each message itself, as the worker's run has it.
    with Session(engine) as session:
        return deliver(session, {"wechat": wechat}, now=at)


def _outbox(engine) -> list[tuple[str, int, str | None]]:
    with session_scope(engine) as session:
        rows = session.scalars(select(ChannelMessage).order_by(ChannelMessage.id))
        return [(m.status, m.attempts, m.last_error) for m in rows]


def test_an_agents_reply_reaches_the_wechat_user_once(engine, fake_wechat):
    """Through the gateway over HTTP: the agent takes and replies; the worker's run
    sends it; its next run sends nothing again."""
    openid = "o-agent-reply"
    session_id = _citizen_wrote(engine, openid, clock.now())
    with session_scope(engine) as session:
        handoff_id = request_handoff(session, session_id, channel="wechat").handoff.id
        token = create_token(session, "agent", "王丽")
    nowhere = f"http://127.0.0.1:{free_port()}"
    app = create_app(engine, rasa=RasaClient(nowhere, "nobody-listens"))
    with serve(app) as url, httpx.Client(base_url=url, timeout=30) as gateway:
        headers = {"Authorization": f"Bearer {token}"}
        path = f"/api/v1/agent/handoffs/{handoff_id}"
        assert gateway.post(f"{path}/take", headers=headers).status_code == 200
        answer = gateway.post(
            f"{path}/reply", headers=headers, json={"text": "您好，我是王丽，请讲。"}
        )
        assert answer.status_code == 200, answer.text
    senders = {"wechat": wechat_sender(_settings(fake_wechat.url))}
    first = run_due_work(engine, "worker-1", lease_s=180, senders=senders)
    again = run_due_work(engine, "worker-1", lease_s=180, senders=senders)
    assert first.pushed == channel_messages.Delivery(sent=1)
    assert again.pushed == channel_messages.Delivery()
    assert fake_wechat.texts_to(openid) == ["您好，我是王丽，请讲。"]


def test_a_web_conversation_is_owed_nothing(engine):
    with session_scope(engine) as session:
        owed = queue_for_citizen(
            session,
            session_id="web:widget-1",
            channel="web",
            text="您好",
            kind=channel_messages.AGENT_REPLY,
            key="1",
        )
    assert owed is False
    assert _outbox(engine) == []


def test_a_message_with_a_key_is_owed_once(engine):
    session_id = _citizen_wrote(engine, "o-once", NOON)
    assert _owe(engine, session_id, "第一条", "7", NOON)
    assert not _owe(engine, session_id, "第一条", "7", NOON)
    assert len(_outbox(engine)) == 1


def test_a_token_expired_mid_way_is_refreshed_and_the_message_sent_once(
    engine, fake_wechat, wechat
):
    openid = "o-token"
    session_id = _citizen_wrote(engine, openid, NOON)
    _owe(engine, session_id, "第一条", "1", NOON)
    assert _deliver(engine, wechat, NOON).sent == 1
    fetched = fake_wechat.token_requests
    fake_wechat.expire_tokens()
    _owe(engine, session_id, "第二条", "2", NOON)
    assert _deliver(engine, wechat, NOON).sent == 1
    assert fake_wechat.token_requests == fetched + 1
    assert fake_wechat.texts_to(openid) == ["第一条", "第二条"]
    assert [status for status, _, _ in _outbox(engine)] == ["sent", "sent"]


def test_a_token_refused_again_after_its_refresh_is_not_refreshed_for_ever(
    engine, fake_wechat, wechat
):
    session_id = _citizen_wrote(engine, "o-stale", NOON)
    _owe(engine, session_id, "您好", "1", NOON)
    fetched, calls = fake_wechat.token_requests, fake_wechat.send_requests
    fake_wechat.fail_next(2, 40001)
    assert _deliver(engine, wechat, NOON).failed == 1
    # Its first token, one refresh, two sends: then it waits for the next run.
    assert fake_wechat.token_requests == fetched + 2
    assert fake_wechat.send_requests == calls + 2
    [(status, attempts, error)] = _outbox(engine)
    assert (status, attempts) == ("pending", 1) and "40001" in error


def test_a_failure_is_retried_on_the_next_run_in_order_without_duplicates(
    engine, fake_wechat, wechat
):
    openid = "o-retry"
    session_id = _citizen_wrote(engine, openid, NOON)
    _owe(engine, session_id, "第一条", "1", NOON)
    _owe(engine, session_id, "第二条", "2", NOON)
    fake_wechat.fail_next(1, -1)
    failed = _deliver(engine, wechat, NOON)
    assert (failed.sent, failed.failed) == (0, 1)
    # The second waits behind the first, so the user reads them in order.
    assert _outbox(engine) == [
        (
            "pending",
            1,
            "ExternalServiceError: wechat unavailable: errcode -1: told to fail",
        ),
        ("pending", 0, None),
    ]
    assert _deliver(engine, wechat, NOON + dt.timedelta(minutes=1)).sent == 2
    assert _deliver(engine, wechat, NOON + dt.timedelta(minutes=2)).sent == 0
    assert fake_wechat.texts_to(openid) == ["第一条", "第二条"]


def test_a_message_that_keeps_failing_is_given_up_with_its_error(
    engine, fake_wechat, wechat
):
    session_id = _citizen_wrote(engine, "o-give-up", NOON)
    _owe(engine, session_id, "您好", "1", NOON)
    fake_wechat.fail_next(channel_messages.MAX_ATTEMPTS, -1)
    for minute in range(channel_messages.MAX_ATTEMPTS + 1):
        _deliver(engine, wechat, NOON + dt.timedelta(minutes=minute))
    [(status, attempts, error)] = _outbox(engine)
    assert (status, attempts) == ("failed", channel_messages.MAX_ATTEMPTS)
    assert "errcode -1" in error
    assert fake_wechat.texts_to("o-give-up") == []


def test_a_rate_limit_waits_for_a_later_run_without_using_a_try(
    engine, fake_wechat, wechat
):
    openid = "o-rate"
    session_id = _citizen_wrote(engine, openid, NOON)
    _owe(engine, session_id, "您好", "1", NOON)
    fake_wechat.fail_next(1, 45047)
    assert _deliver(engine, wechat, NOON).deferred == 1
    [(status, attempts, error)] = _outbox(engine)
    assert (status, attempts) == ("pending", 0) and "RateLimited" in error
    assert _deliver(engine, wechat, NOON + dt.timedelta(minutes=1)).sent == 1
    assert fake_wechat.texts_to(openid) == ["您好"]


def test_outside_the_48_hour_window_nothing_is_sent_and_the_message_expires(
    engine, fake_wechat, wechat
):
    session_id = _citizen_wrote(engine, "o-late", NOON)
    _owe(engine, session_id, "您好", "1", NOON)
    calls = fake_wechat.send_requests
    late = NOON + dt.timedelta(hours=48)
    assert _deliver(engine, wechat, late) == channel_messages.Delivery(expired=1)
    assert _deliver(engine, wechat, late) == channel_messages.Delivery()
    assert fake_wechat.send_requests == calls
    [(status, attempts, error)] = _outbox(engine)
    assert (status, attempts) == ("expired", 0)
    assert "48-hour" in error and "2026-12-07 12:00" in error


def test_the_window_opens_again_when_the_citizen_writes(engine, fake_wechat, wechat):
    openid = "o-back"
    session_id = _citizen_wrote(engine, openid, NOON)
    later = NOON + dt.timedelta(hours=47)
    _citizen_wrote(engine, openid, later)
    _owe(engine, session_id, "您好", "1", later)
    assert _deliver(engine, wechat, NOON + dt.timedelta(hours=50)).sent == 1
    assert fake_wechat.texts_to(openid) == ["您好"]


def test_wechats_own_window_refusal_expires_the_message(engine, fake_wechat, wechat):
    session_id = _citizen_wrote(engine, "o-refused", NOON)
    _owe(engine, session_id, "您好", "1", NOON)
    fake_wechat.fail_next(1, 45015)
    assert _deliver(engine, wechat, NOON).expired == 1
    [(status, _, error)] = _outbox(engine)
    assert status == "expired" and "45015" in error


def test_the_outbox_keeps_no_text_in_clear(engine):
    session_id = _citizen_wrote(engine, "o-private", NOON)
    _owe(engine, session_id, "请拨打13912345678联系我们", "1", NOON)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT text FROM channel_messages")).scalar()
    assert "13912345678" not in stored and "联系" not in stored
    with session_scope(engine) as session:
        [message] = session.scalars(select(ChannelMessage)).all()
        assert message.text == "请拨打13912345678联系我们"


def test_processes_sharing_redis_fetch_one_token(engine, fake_wechat):
    with redis_server() as redis_url:
        first, second = (
            wechat_sender(_settings(fake_wechat.url, redis_url=redis_url))
            for _ in range(2)
        )
        openid = "o-shared"
        session_id = _citizen_wrote(engine, openid, NOON)
        fetched = fake_wechat.token_requests
        _owe(engine, session_id, "第一条", "1", NOON)
        assert _deliver(engine, first, NOON).sent == 1
        _owe(engine, session_id, "第二条", "2", NOON)
        assert _deliver(engine, second, NOON).sent == 1
    assert fake_wechat.token_requests == fetched + 1
    assert fake_wechat.texts_to(openid) == ["第一条", "第二条"]
