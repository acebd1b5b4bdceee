"""The retention purge: finished cases and conversations past HOTLINE_RETENTION_DAYS are
anonymised, their facts kept; open cases and what they hold never; the boundary exact;
twice is once; and the scheduler's purge once a day whichever replica holds the lease."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from cases.applications import ApplicationRequest, submit_application
from cases.models import Application, Notification, WorkOrder
from cases.routing.router import build_router
from cases.work_orders import WorkOrderRequest, file_work_order
from contact_centre import channel_messages
from contact_centre.conversations import record_message
from contact_centre.feedback import record_feedback
from contact_centre.follow_up import run_due_work
from contact_centre.handoff import request_handoff
from contact_centre.models import (
    ChannelMessage,
    ConversationMessage,
    Feedback,
    Handoff,
)
from contact_centre.retention import (
    ANONYMOUS_SESSION,
    TABLES,
    cutoff,
    purge,
    purge_daily,
)
from foundation import migrate
from foundation.db import make_engine, session_scope
from foundation.settings import Settings, get_settings
from knowledge_base.models import Service
from knowledge_base.seed import seed_curated_catalogue
from privacy.models import PurgeRun

NOW = dt.datetime(2027, 6, 30, 9, 0)
BEFORE = NOW - dt.timedelta(days=180)
PHONE, NAME = "13812345678", "张伟"
SAID = f"我是{NAME}，电话{PHONE}，楼下烧烤店油烟很大"
ADDRESS = "徐汇区漕溪北路88号3号楼502室"


@pytest.fixture
def engine(seeded_database):
    """A database of its own: the purge sweeps every table."""
    engine = make_engine(seeded_database)
    yield engine
    engine.dispose()


def _order(
    engine,
    session_id: str,
    *,
    status: str = "closed",
    last_active: dt.datetime = BEFORE - dt.timedelta(seconds=1),
) -> str:
    """A work order filed from a conversation, then left in ``status`` since
    ``last_active``; the conversation said before it, with a rating and a hand-off."""
    filed = last_active - dt.timedelta(days=3)
    with session_scope(engine) as session:
        record_message(session, session_id, "citizen", SAID, now=filed)
        request_handoff(session, session_id, reason=SAID, now=filed)
        order = file_work_order(
            session,
            WorkOrderRequest(
                description=SAID,
                address=ADDRESS,
                contact_name=NAME,
                contact_phone=PHONE,
                session_id=session_id,
            ),
            build_router(session),
            now=filed,
        )
        order.status = status
        order.result = f"已联系{NAME}（{PHONE}），已整改"
        order.satisfaction = "satisfied"
        order.updated_at = last_active
        session.add(
            Notification(
                work_order_id=order.id,
                kind="status",
                key="test",
                audience="citizen",
                channel="web",
                recipient=session_id,
                text=f"工单 {order.number} 已办结",
                created_at=filed,
                sent_at=filed,
            )
        )
        record_feedback(session, 4, f"电话{PHONE}", session_id=session_id, now=filed)
        for handoff in session.scalars(
            select(Handoff).where(Handoff.session_id == session_id)
        ):
            handoff.status, handoff.closed_at = "returned", filed
        return order.number


def _application(
    engine, session_id: str, *, status: str, last_active: dt.datetime
) -> str:
    with session_scope(engine) as session:
        service = session.scalars(select(Service.code).limit(1)).one()
        application = submit_application(
            session,
            ApplicationRequest(
                service_code=service,
                applicant_name=NAME,
                id_number="310104199001011233",
                phone=PHONE,
                district="徐汇区",
                consent=True,
                session_id=session_id,
            ),
            now=last_active - dt.timedelta(days=1),
        )
        application.status = status
        application.updated_at = last_active
        return application.number


def _purge(engine, **options):
    with session_scope(engine) as session:
        return purge(session, before=BEFORE, now=NOW, **options)


def _work_order(engine, number: str) -> WorkOrder:
    with session_scope(engine) as session:
        order = session.scalars(
            select(WorkOrder).where(WorkOrder.number == number)
        ).one()
        session.expunge(order)
        return order


def _texts(engine, model, column, session_id: str) -> list:
    with session_scope(engine) as session:
        return list(
            session.scalars(select(column).where(model.session_id == session_id))
        )


def test_cutoff_is_the_retention_days_before_now():
    assert cutoff(NOW) == BEFORE
    assert cutoff(NOW, 30) == NOW - dt.timedelta(days=30)


def test_purge_anonymises_a_closed_order_and_its_conversation_keeping_the_facts(
    engine,
):
    number = _order(engine, "web-closed")
    kept = _work_order(engine, number)

    report = _purge(engine)

    assert report.counts["work_orders"] == 1
    assert report.counts["conversation_messages"] == 1
    order = _work_order(engine, number)
    assert (order.contact_name, order.contact_phone, order.contact_phone_hash) == (
        None,
        None,
        None,
    )
    assert order.address is None and order.session_id is None
    assert PHONE not in order.description and PHONE not in order.result
    assert order.anonymised_at == NOW
    for fact in (
        "number",
        "category_id",
        "unit_name",
        "district",
        "status",
        "satisfaction",
        "due_date",
        "created_at",
        "updated_at",
    ):
        assert getattr(order, fact) == getattr(kept, fact)
    assert (
        _texts(engine, ConversationMessage, ConversationMessage.text, "web-closed")
        == []
    )
    with session_scope(engine) as session:
        [message] = session.scalars(
            select(ConversationMessage).where(
                ConversationMessage.session_id.startswith(ANONYMOUS_SESSION)
            )
        )
        assert (message.text, message.sender) == ("", "citizen")
        [rating] = session.scalars(select(Feedback))
        assert (rating.rating, rating.comment) == (4, None)
        assert rating.session_id == message.session_id
        [handoff] = session.scalars(select(Handoff))
        assert handoff.reason is None and handoff.session_id == message.session_id
        [notice] = session.scalars(select(Notification))
        assert (notice.text, notice.recipient) == ("", None)


def test_purge_keeps_an_order_last_active_exactly_at_the_cutoff(engine):
    number = _order(engine, "web-boundary", last_active=BEFORE)

    report = _purge(engine)

    assert report.total == 0
    order = _work_order(engine, number)
    assert order.contact_phone == PHONE and order.anonymised_at is None
    # The conversation it was filed from, older, is kept with it.
    assert _texts(
        engine, ConversationMessage, ConversationMessage.text, "web-boundary"
    ) == [SAID]


def test_purge_never_touches_open_work_orders_nor_their_conversations(engine):
    long_ago = NOW - dt.timedelta(days=900)
    statuses = ("registered", "dispatched", "signed", "in_progress", "returned")
    orders = {
        status: _order(
            engine, f"web-open-{status}", status=status, last_active=long_ago
        )
        for status in statuses
    }

    assert _purge(engine).total == 0

    for status, number in orders.items():
        assert _work_order(engine, number).contact_phone == PHONE
        said = _texts(
            engine, ConversationMessage, ConversationMessage.text, f"web-open-{status}"
        )
        assert said == [SAID]


def test_an_application_with_no_news_for_the_retention_period_is_purged(engine):
    """Nothing here moves a submitted application on (the department decides it in its
    own system): kept while open, it would be kept for ever."""
    stale = _application(
        engine,
        "web-stale-application",
        status="submitted",
        last_active=BEFORE - dt.timedelta(days=1),
    )
    recent = _application(
        engine, "web-recent-application", status="submitted", last_active=BEFORE
    )

    assert _purge(engine).counts["applications"] == 1

    with session_scope(engine) as session:
        by_number = {
            a.number: a
            for a in session.scalars(
                select(Application).where(Application.number.in_([stale, recent]))
            )
        }
        assert by_number[stale].anonymised_at is not None
        assert NAME not in (by_number[stale].applicant_name or "")
        assert by_number[recent].applicant_name == NAME


def test_purge_anonymises_a_finished_application(engine):
    number = _application(
        engine, "web-app", status="completed", last_active=BEFORE - dt.timedelta(days=1)
    )

    assert _purge(engine).counts["applications"] == 1

    with session_scope(engine) as session:
        application = session.scalars(
            select(Application).where(Application.number == number)
        ).one()
        assert (application.applicant_name, application.id_number) == ("", "")
        assert (application.phone, application.phone_hash) == ("", None)
        assert application.id_number_hash is None and application.session_id is None
        assert (application.status, application.district) == ("completed", "徐汇区")


def test_purge_takes_old_messages_of_a_long_lived_session_and_keeps_recent_ones(
    engine,
):
    with session_scope(engine) as session:
        record_message(
            session, "wx:openid-1", "citizen", SAID, now=BEFORE.replace(year=2026)
        )
        record_message(session, "wx:openid-1", "citizen", "还在吗", now=NOW)

    assert _purge(engine).counts["conversation_messages"] == 1

    assert _texts(
        engine, ConversationMessage, ConversationMessage.text, "wx:openid-1"
    ) == ["还在吗"]


def test_purge_empties_what_was_owed_to_a_wechat_user_and_withdraws_the_unsent(
    engine,
):
    old = BEFORE - dt.timedelta(days=1)
    with session_scope(engine) as session:
        record_message(session, "wx:openid-2", "citizen", SAID, now=old)
        for text in ("师傅明天上午上门处理", "请问问题解决了吗"):
            channel_messages.queue_for_citizen(
                session,
                session_id="wx:openid-2",
                channel="wechat",
                text=text,
                kind=channel_messages.AGENT_REPLY,
                key=text,
                now=old,
            )
        first = session.scalars(select(ChannelMessage)).first()
        first.status = channel_messages.SENT

    assert _purge(engine).counts["channel_messages"] == 2

    with session_scope(engine) as session:
        rows = session.scalars(select(ChannelMessage).order_by(ChannelMessage.id))
        kept = [
            (r.session_id.startswith(ANONYMOUS_SESSION), r.text, r.status) for r in rows
        ]
    assert kept == [
        (True, "", channel_messages.SENT),
        (True, "", channel_messages.EXPIRED),
    ]


def test_purge_run_twice_finds_nothing_the_second_time_and_dry_run_counts_first(
    engine,
):
    number = _order(engine, "web-twice-1")
    _order(engine, "web-twice-2", status="visited")
    with session_scope(engine) as session:
        record_feedback(session, 5, f"谢谢，{PHONE}", now=BEFORE - dt.timedelta(days=1))

    dry = _purge(engine, dry_run=True)
    assert dry.dry_run and _work_order(engine, number).contact_phone == PHONE
    done = _purge(engine)
    again = _purge(engine)

    assert dry.counts == done.counts
    assert done.counts["work_orders"] == 2 and done.counts["feedback"] == 3
    assert set(again.counts) == set(TABLES) and again.total == 0


def test_purge_in_batches_says_when_more_is_due(engine):
    first, second = _order(engine, "web-batch-1"), _order(engine, "web-batch-2")

    one = _purge(engine, limit=1)
    rest = _purge(engine, limit=1)
    none = _purge(engine, limit=1)

    assert one.more and one.counts["work_orders"] == 1
    assert rest.counts["work_orders"] == 1 and not none.more and none.total == 0
    assert _work_order(engine, first).anonymised_at is not None
    assert _work_order(engine, second).anonymised_at is not None


def test_scheduled_purge_runs_once_a_day_across_two_lease_holders(engine):
    number = _order(engine, "web-scheduled")

    first = run_due_work(engine, "gateway-1", lease_s=180, now=NOW)
    again = run_due_work(
        engine, "gateway-1", lease_s=180, now=NOW + dt.timedelta(minutes=1)
    )
    _order(engine, "web-due-tomorrow", last_active=BEFORE + dt.timedelta(hours=12))
    other = run_due_work(
        engine, "gateway-2", lease_s=180, now=NOW + dt.timedelta(minutes=10)
    )
    tomorrow = run_due_work(
        engine, "gateway-2", lease_s=180, now=NOW + dt.timedelta(days=1)
    )

    assert first.purge is not None and first.purge.counts["work_orders"] == 1
    assert _work_order(engine, number).anonymised_at == NOW
    assert again.held_lease and again.purge is None
    assert other.held_lease and other.purge is None
    assert tomorrow.purge is not None and tomorrow.purge.counts["work_orders"] == 1
    with session_scope(engine) as session:
        runs = {run.day: run for run in session.scalars(select(PurgeRun))}
        assert set(runs) == {NOW.date(), NOW.date() + dt.timedelta(days=1)}
        assert all(run.finished_at is not None for run in runs.values())
        assert runs[NOW.date()].counts["work_orders"] == 1


def test_scheduled_purge_works_a_backlog_off_in_batches_then_stops(engine):
    _order(engine, "web-backlog-1")
    _order(engine, "web-backlog-2")

    def round_(minute: int):
        with session_scope(engine) as session:
            return purge_daily(session, NOW + dt.timedelta(minutes=minute), batch=1)

    first, second, third = round_(0), round_(1), round_(2)

    assert first.more and first.counts["work_orders"] == 1
    assert not second.more and second.counts["work_orders"] == 1
    assert third is None
    with session_scope(engine) as session:
        run = session.get(PurgeRun, NOW.date())
        assert run.counts["work_orders"] == 2
        assert run.finished_at == NOW + dt.timedelta(minutes=1)


@pytest.mark.parametrize("days", [0, 29, 3651])
def test_retention_days_outside_a_month_to_ten_years_are_refused(days):
    with pytest.raises(ValidationError, match="kept between 30 and 3650 days"):
        Settings(retention_days=days)


def test_retention_days_default_to_180():
    assert Settings().retention_days == 180


@pytest.fixture(scope="module")
def postgres_engine():
    from harness.servers import postgres_server

    with postgres_server() as url:
        migrate.upgrade(url)
        engine = make_engine(url)
        with session_scope(engine) as session:
            seed_curated_catalogue(session, get_settings().catalogue_dir)
        yield engine
        engine.dispose()


@pytest.mark.postgres
def test_purge_on_postgresql_keeps_the_boundary_and_open_cases_and_runs_once(
    postgres_engine,
):
    engine = postgres_engine
    due = _order(engine, "pg-due")
    kept = _order(engine, "pg-boundary", last_active=BEFORE)
    still_open = _order(
        engine, "pg-open", status="signed", last_active=BEFORE.replace(year=2025)
    )

    dry = _purge(engine, dry_run=True)
    done = run_due_work(engine, "gateway-1", lease_s=180, now=NOW).purge
    later = run_due_work(
        engine, "gateway-2", lease_s=180, now=NOW + dt.timedelta(minutes=10)
    )

    assert done is not None and done.counts == dry.counts
    assert done.counts["work_orders"] == 1 and done.counts["feedback"] == 1
    assert later.held_lease and later.purge is None
    assert _work_order(engine, due).anonymised_at == NOW
    for number in (kept, still_open):
        assert _work_order(engine, number).contact_phone == PHONE
    assert _texts(engine, ConversationMessage, ConversationMessage.text, "pg-open") == [
        SAID
    ]
    assert _purge(engine).total == 0
