"""The supervisors' dashboard figures, on a day no other test writes to."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from cases.models import Application, WorkOrder
from contact_centre import analytics
from contact_centre.conversations import record_message
from contact_centre.models import Feedback, Handoff
from knowledge_base.models import Service, WorkOrderCategory

DAY = dt.date(2032, 5, 6)


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def citizen(session, session_id, text, when, intent=None, confidence=None):
    record_message(
        session,
        session_id,
        "citizen",
        text,
        intent=intent,
        confidence=confidence,
        now=when,
    )


def test_empty_day_has_zeros_and_no_averages(session):
    figures = analytics.dashboard(session, DAY)
    assert figures.messages == 0 and figures.conversations == 0
    assert figures.hourly == [0] * 24
    assert figures.top_intents == [] and figures.unanswered == []
    assert figures.satisfaction.average is None
    assert figures.satisfaction.distribution == {1: 0, 2: 0, 3: 0, 4: 0, 5: 0}
    assert figures.handoffs.requested == 0
    assert figures.handoffs.average_wait_seconds is None


def test_volume_counts_only_citizen_messages_of_that_day(session):
    citizen(session, "a-1", "居住证怎么办", at(9))
    citizen(session, "a-1", "要带什么材料", at(9, 5))
    citizen(session, "a-2", "护照怎么办", at(23, 59))
    citizen(session, "a-3", "前一天的问题", at(23, 59, DAY - dt.timedelta(days=1)))
    citizen(session, "a-4", "后一天的问题", at(0, 0, DAY + dt.timedelta(days=1)))
    record_message(session, "a-1", "bot", "居住证办理步骤……", now=at(9))
    figures = analytics.dashboard(session, DAY)
    assert figures.messages == 3
    assert figures.conversations == 2


def test_hourly_messages_have_one_count_per_hour(session):
    for minute in range(3):
        citizen(session, "h-1", "早上的问题", at(8, minute))
    citizen(session, "h-2", "晚上的问题", at(20, 30))
    hourly = analytics.hourly_messages(session, DAY)
    assert len(hourly) == 24
    assert hourly[8] == 3 and hourly[20] == 1 and sum(hourly) == 4


def test_top_intents_are_most_asked_first(session):
    for n in range(3):
        citizen(session, f"i-{n}", "居住证怎么办", at(10, n), "ask_service_guide", 0.9)
    citizen(session, "i-9", "要带什么材料", at(11), "ask_materials", 0.9)
    citizen(session, "i-9", "没有意图的消息", at(11, 1))
    top = analytics.top_intents(session, DAY)
    assert [(t.intent, t.count) for t in top] == [
        ("ask_service_guide", 3),
        ("ask_materials", 1),
    ]


def test_top_intents_respect_the_limit(session):
    for n, intent in enumerate(("greet", "goodbye", "thank")):
        citizen(session, "l-1", "你好", at(12, n), intent, 0.99)
    assert len(analytics.top_intents(session, DAY, limit=2)) == 2


def test_unanswered_are_fallbacks_and_low_confidence_grouped_by_masked_text(session):
    citizen(session, "u-1", "那个补贴怎么领", at(14), "nlu_fallback", 0.2)
    citizen(session, "u-2", "那个补贴怎么领", at(15), "nlu_fallback", 0.3)
    citizen(
        session,
        "u-3",
        "手机13812345678收不到验证码",
        at(16),
        "ask_online_handling",
        0.4,
    )
    citizen(session, "u-4", "居住证怎么办", at(16), "ask_service_guide", 0.95)
    citizen(
        session, "u-5", "人工处理中的消息", at(16)
    )  # no NLU reading: not unanswered
    unanswered = analytics.unanswered_questions(session, DAY)
    assert [(u.text, u.count) for u in unanswered] == [
        ("那个补贴怎么领", 2),
        ("手机138****5678收不到验证码", 1),
    ]
    assert unanswered[0].last_asked == at(15)


def test_unanswered_never_show_personal_data(session):
    citizen(
        session,
        "p-1",
        "我叫王小明，身份证310101199001011234，这个怎么办",
        at(17),
        "nlu_fallback",
        0.1,
    )
    [question] = analytics.unanswered_questions(session, DAY)
    assert "王小明" not in question.text
    assert "19900101" not in question.text


def test_handoff_stats_count_the_day_and_average_the_wait(session):
    before = analytics.handoff_stats(session, DAY)
    session.add_all(
        [
            Handoff(
                session_id="w-1",
                status="returned",
                requested_at=at(9),
                taken_at=at(9, 2),
            ),
            Handoff(
                session_id="w-2",
                status="active",
                requested_at=at(10),
                taken_at=at(10, 4),
            ),
            Handoff(session_id="w-3", status="waiting", requested_at=at(11)),
            Handoff(
                session_id="w-4",
                status="returned",
                requested_at=at(9, 0, DAY - dt.timedelta(days=1)),
            ),
        ]
    )
    session.flush()
    stats = analytics.handoff_stats(session, DAY)
    assert stats.requested == 3
    assert stats.waiting == before.waiting + 1
    assert stats.active == before.active + 1
    assert stats.average_wait_seconds == 180.0


def test_satisfaction_has_average_distribution_and_masked_comments(session):
    for rating, comment in (
        (5, "很方便"),
        (4, None),
        (5, "电话13812345678没人回"),
        (2, "   "),
    ):
        session.add(Feedback(rating=rating, comment=comment, created_at=at(18)))
    session.add(Feedback(rating=1, created_at=at(18, 0, DAY + dt.timedelta(days=1))))
    session.flush()
    satisfaction = analytics.satisfaction(session, DAY)
    assert satisfaction.count == 4
    assert satisfaction.average == 4.0
    assert satisfaction.distribution == {1: 0, 2: 1, 3: 0, 4: 1, 5: 2}
    assert "电话138****5678没人回" in satisfaction.recent_comments
    assert all("13812345678" not in c for c in satisfaction.recent_comments)
    assert "   " not in satisfaction.recent_comments


def test_work_orders_and_applications_count_by_creation_day(session):
    category = session.scalars(select(WorkOrderCategory).limit(1)).one()
    service = session.scalars(select(Service).limit(1)).one()
    for n, day in enumerate((DAY, DAY, DAY + dt.timedelta(days=1))):
        session.add(
            WorkOrder(
                number=f"GDTEST{n:08d}",
                category_id=category.id,
                department_id=category.department_id,
                description="楼下施工噪音",
                due_date=day,
                created_at=at(9, n, day),
                updated_at=at(9, n, day),
            )
        )
    session.add(
        Application(
            number="SQTEST00000001",
            service_id=service.id,
            applicant_name="王小明",
            id_number="310101199001011234",
            phone="13812345678",
            district="徐汇区",
            consent=True,
            created_at=at(10),
            updated_at=at(10),
        )
    )
    session.flush()
    figures = analytics.dashboard(session, DAY)
    assert figures.work_orders == 2
    assert figures.applications == 1


def test_dashboard_defaults_to_today_in_shanghai(session, monkeypatch):
    monkeypatch.setattr(analytics.clock, "now", lambda: at(13))
    citizen(session, "t-1", "今天的问题", at(13))
    figures = analytics.dashboard(session)
    assert figures.day == DAY
    assert figures.messages == 1
