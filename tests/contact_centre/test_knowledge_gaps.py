"""The gap report read from conversations as the gateway records them: each kind of gap
found, paraphrases clustered, clusters ranked by how many asked, examples masked, and
only the period asked for."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from contact_centre.conversations import messages, record_turn
from contact_centre.feedback import record_feedback
from contact_centre.knowledge_gaps import knowledge_gaps, masked, period_start
from foundation.errors import ValidationFailed

# Far from any other test's conversations in the shared database.
MONDAY = dt.datetime(2031, 3, 3, 9, 0)
WEEK = {"since": MONDAY, "until": MONDAY + dt.timedelta(days=7)}
ANSWER = [{"text": "（答复）", "buttons": []}]


def _ask(session, text, intent="ask_service_guide", *, sid=None, service=None, at=0):
    sid = sid or f"gap-{uuid.uuid4().hex[:8]}"
    record_turn(
        session,
        sid,
        text,
        ANSWER,
        intent=intent,
        confidence=0.9,
        service=service,
        now=MONDAY + dt.timedelta(minutes=at),
    )
    return sid


def _gaps(session, service_index, **bounds):
    return knowledge_gaps(session, **(bounds or WEEK), index=service_index)


def _of(gaps, kind):
    return [g for g in gaps if g.kind == kind]


def test_gaps_name_a_service_the_catalogue_does_not_hold(session, service_index):
    _ask(session, "日本签证怎么办")
    _ask(session, "我想办日本签证要去哪里")

    (gap,) = _of(_gaps(session, service_index), "not_held")

    assert gap.title == "日本签证"
    assert gap.count == 2
    assert gap.service_code is None


def test_gaps_find_a_question_no_service_matches(session, service_index):
    _ask(session, "我想办个证", "nlu_fallback")

    (gap,) = _of(_gaps(session, service_index), "no_service")

    assert gap.sample_question == "我想办个证"


def test_gaps_find_a_match_made_by_the_coincidence_of_a_word(session, service_index):
    # Search ranks 临时身份证 first for a train ticket, on 票 alone.
    _ask(session, "火车票怎么退", "nlu_fallback")

    (gap,) = _of(_gaps(session, service_index), "weak_match")

    assert gap.examples == ("火车票怎么退",)


def test_gaps_find_an_answer_the_citizen_said_did_not_help(session, service_index):
    sid = _ask(session, "结婚登记需要什么", "ask_materials")
    _ask(session, "没用，不是这个", "deny", sid=sid, at=1)

    (gap,) = _of(_gaps(session, service_index), "unhelpful")

    assert gap.service_code == "marriage-registration"
    assert gap.examples == ("结婚登记需要什么",)


def test_gaps_find_an_answer_followed_by_a_low_rating(session, service_index):
    sid = _ask(session, "驾驶证到期了怎么换")
    record_feedback(session, 2, session_id=sid, now=MONDAY + dt.timedelta(minutes=3))

    (gap,) = _of(_gaps(session, service_index), "unhelpful")

    assert gap.service_code == "driving-licence-renewal"


def test_gaps_leave_out_an_answer_rated_well_or_taken_without_complaint(
    session, service_index
):
    sid = _ask(session, "驾驶证到期了怎么换")
    record_feedback(session, 5, session_id=sid, now=MONDAY + dt.timedelta(minutes=3))
    _ask(session, "护照怎么办理", service="passport")

    assert _gaps(session, service_index) == []


def test_gaps_find_a_question_past_the_guide_that_no_faq_asks(session, service_index):
    _ask(session, "护照照片可以自己拍吗", service="passport")
    # Asked by an FAQ of the guide: no gap.
    _ask(session, "居住证丢了怎么办", service="residence-permit")

    (gap,) = _of(_gaps(session, service_index), "missing_faq")

    assert gap.service_code == "passport"
    assert gap.examples == ("护照照片可以自己拍吗",)


def test_gaps_read_a_follow_up_in_the_conversations_context(session, service_index):
    sid = _ask(session, "护照怎么办理", service="passport")
    _ask(session, "那要带啥？", "ask_materials", sid=sid, service="passport", at=1)

    assert _gaps(session, service_index) == []


def test_gaps_read_a_follow_up_about_the_service_the_turn_recorded(
    session, service_index
):
    # A button click names the service; only the recorded turn says which.
    sid = _ask(session, '/inform{"service": "passport"}', "inform", service="passport")
    _ask(session, "那要带啥？", "ask_materials", sid=sid, service="passport", at=1)

    assert _gaps(session, service_index) == []


def test_a_recorded_turn_keeps_the_service_the_conversation_is_about(session):
    sid = _ask(session, "护照怎么办理", service="passport")

    (citizen,) = messages(session, sid, sender="citizen")

    assert citizen.payload == {"service": "passport"}


def test_gaps_cluster_paraphrases_of_one_question(session, service_index):
    for text in ("火车票怎么退", "请问火车票怎么退票", "火车票退票怎么弄"):
        _ask(session, text, "nlu_fallback")

    (gap,) = _of(_gaps(session, service_index), "weak_match")

    assert gap.count == 3
    assert set(gap.examples) == {
        "火车票怎么退",
        "请问火车票怎么退票",
        "火车票退票怎么弄",
    }


def test_gaps_are_ranked_by_how_many_asked(session, service_index):
    _ask(session, "我想办个证", "nlu_fallback")
    for _ in range(3):
        _ask(session, "烟草专卖零售许可证去哪里申请")
    for _ in range(2):
        _ask(session, "日本签证怎么办")

    gaps = _gaps(session, service_index)

    assert [(g.title, g.count) for g in gaps] == [
        ("烟草专卖零售许可证", 3),
        ("日本签证", 2),
        ("我想办个证", 1),
    ]
    assert [g.title for g in _gaps(session, service_index, **WEEK, limit=1)] == [
        "烟草专卖零售许可证"
    ]


def test_gap_examples_never_show_a_phone_or_id_number_in_clear(session, service_index):
    _ask(session, "日本签证怎么办，我电话13812345678")
    _ask(session, "我身份证号310104199001011233，日本签证怎么办")

    (gap,) = _gaps(session, service_index)
    shown = " ".join((gap.title, gap.sample_question, *gap.examples))

    assert gap.count == 2
    assert "13812345678" not in shown and "310104199001011233" not in shown
    assert "138****5678" in shown


def test_masked_hides_a_name_given_and_the_house_number_of_an_address():
    text = masked("我叫张伟，住在漕溪北路1200号3室")

    assert "张伟" not in text and "1200" not in text
    assert "漕溪北路" in text


def test_gaps_count_only_questions_within_since_and_until(session, service_index):
    _ask(session, "日本签证怎么办", at=-1)  # the minute before the period
    _ask(session, "日本签证怎么办", at=0)
    _ask(session, "日本签证怎么办", at=7 * 24 * 60)  # the period's end, excluded

    (gap,) = _gaps(session, service_index)

    assert gap.count == 1


def test_gaps_ignore_greetings_form_answers_and_button_clicks(session, service_index):
    _ask(session, "你好", "greet")
    _ask(session, "漕溪北路1200号", "nlu_fallback")
    _ask(session, '/inform{"service": "passport"}', "ask_service_guide")

    assert _gaps(session, service_index) == []


def test_gaps_refuse_an_until_not_after_since(session, service_index):
    with pytest.raises(ValidationFailed, match="until"):
        knowledge_gaps(session, since=MONDAY, until=MONDAY, index=service_index)


@pytest.mark.parametrize(
    ("text", "back"),
    [("7d", dt.timedelta(days=7)), ("24h", dt.timedelta(hours=24))],
)
def test_period_start_reads_days_and_hours_back(text, back):
    now = dt.datetime(2026, 12, 6, 12, 0)

    assert period_start(text, now=now) == now - back


def test_period_start_reads_an_iso_date_as_its_midnight():
    now = dt.datetime(2026, 12, 6, 12, 0)

    assert period_start("2026-12-01", now=now) == dt.datetime(2026, 12, 1)


@pytest.mark.parametrize("text", ["seven days", "7w", "0d", "2030-01-01", ""])
def test_period_start_refuses_what_it_cannot_read_with_the_reason(text):
    with pytest.raises(ValidationFailed) as refused:
        period_start(text, now=dt.datetime(2026, 12, 6, 12, 0))

    assert refused.value.field == "since" and refused.value.message
