"""Applications, complaints, status checks, hand-off and feedback through the actions."""

from __future__ import annotations

import datetime as dt
import re
from functools import partial

import pytest
import yaml
from rasa_sdk.executor import CollectingDispatcher

import actions.handoff
from actions.applications import ActionSubmitApplication, ValidateApplicationForm
from actions.complaints import (
    ActionAskCategory,
    ActionFileWorkOrder,
    ValidateComplaintForm,
)
from actions.feedback import ActionRecordFeedback
from actions.handoff import ActionHandoff
from actions.slots import ANSWERED_BY_A_RULE, ValidateSlotMappings
from actions.status import ActionCheckStatus, ValidateStatusForm
from cases.repositories.applications import get_application
from cases.repositories.work_orders import get_work_order
from contact_centre.conversations import open_handoff
from contact_centre.handoff import ask_for_person
from foundation import clock
from foundation.clock import DailyHours
from foundation.db import session_scope
from tests.actions.conftest import make_tracker
from tests.conftest import TESTS_DIR

ROOT = TESTS_DIR.parent

FORM_RUN = [
    {"event": "active_loop", "name": "application_form", "timestamp": 1700000000.0}
]


def _in_form(**fields):
    """A tracker inside a running application form whose citizen agreed."""
    slots = {"consent": True, **fields.pop("slots", {})}
    return make_tracker(active_loop="application_form", slots=slots, **fields)


def _in_complaint_form(sender_id: str, started: float, **slots):
    """A tracker inside a complaint form that started at ``started``, its answers given."""
    return make_tracker(
        slots=slots,
        sender_id=sender_id,
        events=[
            {"event": "active_loop", "name": "complaint_form", "timestamp": started}
        ],
    )


def _submit(dispatcher, sender_id="citizen-app", **slots):
    values = {
        "service": "residence-permit",
        "applicant_name": "张伟",
        "id_number": "310104199001011233",
        "phone": "13812345678",
        "district": "徐汇区",
        "consent": True,
        "application_confirmed": True,
        **slots,
    }
    return ActionSubmitApplication().run(
        dispatcher, make_tracker(slots=values, sender_id=sender_id, events=FORM_RUN), {}
    )


def test_submitted_application_gets_tracking_number_and_is_stored(engine, dispatcher):
    _submit(dispatcher)
    message = dispatcher.messages[0]
    assert message["response"] == "utter_application_submitted"
    assert re.fullmatch(r"SQ\d{14}", message["number"])
    with session_scope(engine) as session:
        stored = get_application(session, message["number"])
        assert (stored.applicant_name, stored.district, stored.service.code) == (
            "张伟",
            "徐汇区",
            "residence-permit",
        )


def test_retried_submission_does_not_file_twice(engine, dispatcher):
    _submit(dispatcher, sender_id="citizen-retry")
    _submit(dispatcher, sender_id="citizen-retry")
    assert dispatcher.messages[0]["number"] == dispatcher.messages[1]["number"]


def test_refused_consent_submits_nothing(dispatcher):
    _submit(dispatcher, sender_id="citizen-no", consent=False)
    assert dispatcher.messages[0]["response"] == "utter_consent_refused"


def test_id_number_with_wrong_check_digit_is_refused(dispatcher):
    result = ValidateApplicationForm().validate_id_number(
        "310104199001011234", dispatcher, _in_form(), {}
    )
    assert result == {"id_number": None}
    assert dispatcher.messages[0]["response"] == "utter_invalid_id_number"


def test_name_is_taken_without_its_lead_in_and_a_sentence_is_asked_again(dispatcher):
    form = ValidateApplicationForm()
    assert form.validate_applicant_name("我叫张伟", dispatcher, _in_form(), {}) == {
        "applicant_name": "张伟"
    }
    assert form.validate_applicant_name(
        "楼下饭店油烟太大了，我要投诉", dispatcher, _in_form(), {}
    ) == {"applicant_name": None}


def test_asking_to_apply_at_the_name_prompt_is_not_taken_for_a_name(dispatcher):
    form = ValidateApplicationForm()
    asking = _in_form(text="我要申请", intent="start_application")
    assert form.validate_applicant_name("我要申请", dispatcher, asking, {}) == {
        "applicant_name": None
    }
    naming = _in_form(text="王秀英", intent="inform")
    assert form.validate_applicant_name("王秀英", dispatcher, naming, {}) == {
        "applicant_name": "王秀英"
    }


def test_correction_of_district_is_normalised(dispatcher):
    assert ValidateApplicationForm().validate_district(
        "徐汇", dispatcher, make_tracker(), {}
    ) == {"district": "徐汇区"}


def test_slot_mapping_reads_phone_and_language_from_the_message(dispatcher):
    action = ValidateSlotMappings()
    tracker = make_tracker(
        text="my number is 138 1234 5678",
        entities=[{"entity": "phone", "value": "138 1234 5678"}],
    )
    assert action.extract_phone(dispatcher, tracker, {}) == {"phone": "13812345678"}
    assert action.extract_language(dispatcher, tracker, {}) == {"language": "en"}


def test_at_the_id_prompt_a_complaint_is_not_taken_for_a_wrong_number(dispatcher):
    action = ValidateSlotMappings()

    def at_id_prompt(text, intent):
        tracker = make_tracker(
            text=text,
            intent=intent,
            slots={"requested_slot": "id_number"},
            active_loop="application_form",
        )
        return action.extract_id_number(dispatcher, tracker, {})

    assert at_id_prompt("小区门口的路灯坏了一个多月", "file_complaint") == {}
    assert at_id_prompt("办这个要交钱吗", "ask_fee") == {}
    assert at_id_prompt("31010419900101123", "inform") == {
        "id_number": "31010419900101123"
    }


def test_intents_not_taken_for_a_number_are_those_the_application_rules_answer():
    rules = yaml.safe_load((ROOT / "bot" / "rules" / "forms.yml").read_text("utf-8"))
    answered = set()
    for rule in rules["rules"]:
        if {"active_loop": "application_form"} not in rule.get("condition", []):
            continue
        first = rule["steps"][0]
        for step in first.get("or", [first]):
            if "intent" in step:
                answered.add(step["intent"])
    assert answered == ANSWERED_BY_A_RULE


def test_the_report_button_asks_for_the_problem_instead_of_filing_its_payload(
    dispatcher,
):
    tracker = make_tracker(
        text="/file_complaint", intent="file_complaint", active_loop="complaint_form"
    )
    validated = ValidateComplaintForm().validate_complaint_text(
        "/file_complaint", dispatcher, tracker, {}
    )
    assert validated["complaint_text"] is None


def test_the_offer_to_report_files_the_problem_described_before_it(dispatcher):
    described = "The bins in our lane have not been emptied for a week"
    tracker = make_tracker(
        text="/file_complaint",
        intent="file_complaint",
        active_loop="complaint_form",
        slots={"problem_described": described},
    )
    validated = ValidateComplaintForm().validate_complaint_text(
        "/file_complaint", dispatcher, tracker, {}
    )
    assert validated == {"complaint_text": described, "problem_described": None}


def test_complaint_category_is_guessed_and_offered_with_alternatives(dispatcher):
    tracker = make_tracker(
        slots={"complaint_text": "楼上半夜装修电钻声太吵了"},
        active_loop="complaint_form",
    )
    events = ActionAskCategory().run(dispatcher, tracker, {})
    assert events[0]["value"] == "noise"
    assert dispatcher.messages[0]["buttons"][0]["payload"] == "/affirm"


def test_the_category_question_names_the_unit_where_it_happened(dispatcher):
    tracker = make_tracker(
        slots={"complaint_text": "徐汇区我们小区楼上半夜装修电钻声太吵了"},
        active_loop="complaint_form",
    )
    ActionAskCategory().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["department"] == "徐汇区生态环境局"


@pytest.mark.parametrize(
    ("lang", "text", "told"),
    [
        ("zh", "我们小区楼上半夜装修电钻声太吵了", "问题发生地所在区的对口部门"),
        ("zh", "隔壁一套房子住了十几个人，是群租", "问题发生地的街道办事处或镇政府"),
        (
            "en",
            "The bar downstairs blasts music until 3am",
            "the responsible office of the district where it happened",
        ),
    ],
)
def test_before_the_place_is_known_the_category_question_names_no_city_bureau(
    dispatcher, lang, text, told
):
    # The order goes where it happened (属地), which the form asks next: the city
    # bureau it would reach without a place is not where it will go.
    tracker = make_tracker(
        slots={"language": lang, "complaint_text": text}, active_loop="complaint_form"
    )
    ActionAskCategory().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["department"] == told


def test_a_city_wide_category_is_said_to_go_to_its_city_department(dispatcher):
    tracker = make_tracker(
        slots={"complaint_text": "71路公交车司机到站不停车，开得飞快"},
        active_loop="complaint_form",
    )
    ActionAskCategory().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["department"] == "上海市道路运输管理局"


def test_an_english_complaint_is_asked_about_in_english_with_its_category(
    dispatcher,
):
    tracker = make_tracker(
        slots={
            "language": "en",
            "complaint_text": "The bar downstairs blasts music until 3am, "
            "Xuhui district",
            "district": "徐汇区",
        },
        active_loop="complaint_form",
    )
    events = ActionAskCategory().run(dispatcher, tracker, {})
    assert events[0]["value"] == "noise"
    message = dispatcher.messages[0]
    assert message["category"] == "Noise nuisance"
    # The district's office where it happens (属地), in English with its own name.
    assert message["department"] == (
        "the district office of the Shanghai Municipal Bureau of Ecology and "
        "Environment (徐汇区生态环境局)"
    )
    assert all(b["title"].isascii() for b in message["buttons"])


@pytest.mark.parametrize("intent", ["chitchat", "faq", "ask_service_guide"])
def test_how_often_it_happens_is_the_time_whatever_the_model_reads(intent, dispatcher):
    validator = ValidateComplaintForm()
    asked = {"requested_slot": "occurred_at"}
    tracker = make_tracker(text="最近一直这样", intent=intent, slots=asked)
    assert validator.extract_occurred_at(dispatcher, tracker, {}) == {
        "occurred_at": "最近一直这样"
    }
    small_talk = make_tracker(text="你是机器人吗", intent=intent, slots=asked)
    assert validator.extract_occurred_at(dispatcher, small_talk, {}) == {}
    leaving = make_tracker(text="今天先不说了", intent="cancel", slots=asked)
    assert validator.extract_occurred_at(dispatcher, leaving, {}) == {}
    elsewhere = make_tracker(text="每天都这样", intent=intent, slots={})
    assert validator.extract_occurred_at(dispatcher, elsewhere, {}) == {}


def test_a_contact_that_is_no_number_is_asked_for_again(dispatcher):
    validator = ValidateComplaintForm()
    tracker = make_tracker(slots={"requested_slot": "contact"})
    assert validator.validate_contact("就是楼下那家饭店", dispatcher, tracker, {}) == {
        "contact": None
    }
    assert dispatcher.messages[-1]["response"] == "utter_invalid_contact"
    assert validator.validate_contact("anonymous", dispatcher, tracker, {}) == {
        "contact": "anonymous"
    }
    assert validator.validate_contact("138 1234 5678", dispatcher, tracker, {}) == {
        "contact": "13812345678"
    }
    assert len(dispatcher.messages) == 1


def test_filed_work_order_is_routed_with_due_date(engine, dispatcher):
    tracker = _in_complaint_form(
        "citizen-wo",
        1.0,
        complaint_text="小区门口天天有人乱停车，消防通道都堵了",
        category="traffic-parking",
        district="静安区",
        address="共和新路1500号",
        occurred_at="每天晚上",
        contact="anonymous",
    )
    ActionFileWorkOrder().run(dispatcher, tracker, {})
    message = dispatcher.messages[0]
    assert message["response"] == "utter_work_order_filed"
    with session_scope(engine) as session:
        order = get_work_order(session, message["number"])
        assert order.department.code == "traffic-police"
        assert order.anonymous and order.contact_phone is None
        assert order.due_date > order.created_at.date()


def test_a_report_joined_to_an_order_not_yet_dispatched_is_not_told_it_is_handled(
    engine,
):
    def report(sender_id: str) -> dict:
        dispatcher = CollectingDispatcher()
        tracker = _in_complaint_form(
            sender_id,
            1.0,
            complaint_text="共和新路1500号门口的路灯坏了，晚上一片漆黑",
            category="roads-municipal",
            district="静安区",
            address="共和新路1500号",
            occurred_at="这几天晚上",
            contact="13812345678",
        )
        ActionFileWorkOrder().run(dispatcher, tracker, {})
        return dispatcher.messages[0]

    first = report("citizen-light-1")["number"]
    with session_scope(engine) as session:
        order = get_work_order(session, first)
        order.status, order.dispatch_method = "registered", None
    waiting = report("citizen-light-2")
    assert waiting["response"] == "utter_work_order_joined_before_dispatch"
    assert waiting["joined_to"] == first
    with session_scope(engine) as session:
        get_work_order(session, first).status = "dispatched"
    assert report("citizen-light-3")["response"] == "utter_work_order_joined"


def test_an_english_order_is_said_to_go_to_the_unit_where_it_happened(dispatcher):
    tracker = _in_complaint_form(
        "citizen-wo-en",
        2.0,
        language="en",
        complaint_text="Cars are parked on the bike lane every morning",
        category="traffic-parking",
        district="宝山区",
        address="Youyi Road 1000",
        occurred_at="every morning",
        contact="anonymous",
    )
    ActionFileWorkOrder().run(dispatcher, tracker, {})
    message = dispatcher.messages[0]
    assert message["category"] == "Traffic and parking"
    assert message["department"] == (
        "the district office of the Traffic Police Corps of Shanghai Municipal Public "
        "Security Bureau (上海市公安局宝山分局交通警察支队)"
    )


def test_status_of_unknown_number_is_reported_not_raised(dispatcher):
    ActionCheckStatus().run(
        dispatcher, make_tracker(slots={"tracking_number": "GD20260101000000"}), {}
    )
    assert dispatcher.messages[0]["response"] == "utter_tracking_not_found"


def test_status_of_submitted_application_is_read_back(dispatcher):
    _submit(dispatcher, sender_id="citizen-status")
    number = dispatcher.messages[0]["number"]
    # The last four digits of the phone given when applying (13812345678): a number
    # alone opens nothing (issue 25).
    ActionCheckStatus().run(
        dispatcher,
        make_tracker(slots={"tracking_number": number, "tracking_proof": "5678"}),
        {},
    )
    assert dispatcher.messages[-1]["response"] == "utter_application_status"
    assert dispatcher.messages[-1]["status"] == "已提交，等待受理"


def test_status_check_without_the_phone_digits_is_refused(dispatcher):
    _submit(dispatcher, sender_id="citizen-no-proof")
    number = dispatcher.messages[0]["number"]
    events = ActionCheckStatus().run(
        dispatcher, make_tracker(slots={"tracking_number": number}), {}
    )
    assert dispatcher.messages[-1]["response"] == "utter_tracking_not_found"
    assert "status" not in dispatcher.messages[-1]
    assert {e["name"]: e["value"] for e in events} == {
        "tracking_number": None,
        "tracking_proof": None,
    }


def test_status_check_with_wrong_digits_is_answered_as_an_unknown_number(dispatcher):
    _submit(dispatcher, sender_id="citizen-wrong-proof")
    number = dispatcher.messages[0]["number"]
    for slots in (
        {"tracking_number": number, "tracking_proof": "5679"},
        {"tracking_number": "SQ26010100000077", "tracking_proof": "5678"},
    ):
        ActionCheckStatus().run(dispatcher, make_tracker(slots=slots), {})
    wrong, unknown = dispatcher.messages[-2:]
    assert wrong["response"] == unknown["response"] == "utter_tracking_not_found"
    assert wrong.keys() == unknown.keys()


def test_status_checks_in_chat_are_limited_per_number(dispatcher):
    _submit(dispatcher, sender_id="citizen-locked")
    number = dispatcher.messages[0]["number"]
    for attempt in range(6):
        ActionCheckStatus().run(
            dispatcher,
            make_tracker(
                slots={"tracking_number": number, "tracking_proof": f"{attempt:04d}"},
                sender_id=f"session-{attempt}",
            ),
            {},
        )
    responses = [m["response"] for m in dispatcher.messages[1:]]
    assert responses == ["utter_tracking_not_found"] * 5 + ["utter_tracking_locked"]
    ActionCheckStatus().run(
        dispatcher,
        make_tracker(slots={"tracking_number": number, "tracking_proof": "5678"}),
        {},
    )
    assert dispatcher.messages[-1]["response"] == "utter_tracking_locked"


def test_anonymous_complaint_is_told_its_query_code_and_reads_its_status_with_it(
    engine, dispatcher
):
    tracker = _in_complaint_form(
        "citizen-code",
        2.0,
        complaint_text="工地夜里施工太吵了",
        category="noise",
        contact="anonymous",
    )
    ActionFileWorkOrder().run(dispatcher, tracker, {})
    filed, told = dispatcher.messages
    assert told["response"] == "utter_work_order_query_code"
    assert re.fullmatch(r"\d{8}", told["code"])
    ActionFileWorkOrder().run(dispatcher, tracker, {})  # a retry is not told again
    assert [m["response"] for m in dispatcher.messages[2:]] == [
        "utter_work_order_filed"
    ]
    ActionCheckStatus().run(
        dispatcher,
        make_tracker(
            slots={"tracking_number": filed["number"], "tracking_proof": told["code"]}
        ),
        {},
    )
    assert dispatcher.messages[-1]["response"] == "utter_work_order_status"


def test_the_phone_digits_are_taken_only_as_the_answer_to_their_question(dispatcher):
    action = ValidateSlotMappings()
    asked = make_tracker(
        text="尾号5678",
        slots={"requested_slot": "tracking_proof"},
        active_loop="status_form",
    )
    assert action.extract_tracking_proof(dispatcher, asked, {}) == {
        "tracking_proof": "尾号5678"
    }
    assert (
        action.extract_tracking_proof(dispatcher, make_tracker(text="5678"), {}) == {}
    )
    form = ValidateStatusForm()
    assert form.validate_tracking_proof("尾号5678", dispatcher, asked, {}) == {
        "tracking_proof": "5678"
    }
    assert form.validate_tracking_proof("就是那个号码", dispatcher, asked, {}) == {
        "tracking_proof": None
    }
    assert dispatcher.messages[-1]["response"] == "utter_invalid_tracking_proof"


@pytest.mark.parametrize("said", ["不记得了", "查询码忘了", "I lost my query code"])
def test_a_citizen_who_lost_the_proof_is_told_where_it_is_not_asked_again(
    dispatcher, said
):
    asked = make_tracker(
        text=said,
        slots={
            "requested_slot": "tracking_proof",
            "tracking_number": "GD26120800000001",
        },
        active_loop="status_form",
    )
    assert ValidateStatusForm().validate_tracking_proof(
        said, dispatcher, asked, {}
    ) == {
        "tracking_proof": None,
        "tracking_number": None,
        "requested_slot": None,
    }
    assert dispatcher.messages[-1]["response"] == "utter_query_code_lost"


def test_handoff_tells_queue_position_and_marks_conversation(dispatcher):
    events = ActionHandoff().run(
        dispatcher, make_tracker(text="转人工", sender_id="citizen-queue"), {}
    )
    assert dispatcher.messages[0]["response"] == "utter_handoff_queued"
    assert dispatcher.messages[0]["position"] >= 1
    assert {
        "event": "slot",
        "name": "handoff",
        "value": True,
        "timestamp": None,
    } in events


def test_handoff_outside_agents_hours_offers_a_callback_and_queues_nothing(
    engine, dispatcher, monkeypatch
):
    monkeypatch.setattr(
        actions.handoff, "ask_for_person", partial(ask_for_person, hours=_off_now())
    )
    events = ActionHandoff().run(
        dispatcher, make_tracker(text="转人工", sender_id="citizen-at-night"), {}
    )
    assert events == []
    [reply] = dispatcher.messages
    assert "人工客服的服务时间为每天" in reply["text"]
    assert reply["buttons"] == [
        {"title": "留下电话，请工作人员回电", "payload": "/request_callback"}
    ]
    with session_scope(engine) as session:
        assert open_handoff(session, "citizen-at-night") is None


def _off_now() -> DailyHours:
    """Agents' hours that are over now: one minute, twelve hours away."""
    start = clock.now() + dt.timedelta(hours=12)
    end = start + dt.timedelta(minutes=1)
    return DailyHours.parse(f"{start:%H:%M}-{end:%H:%M}")


def test_feedback_rating_is_stored_with_comment_masked(engine, dispatcher):
    tracker = make_tracker(
        text="很满意，我电话13812345678",
        intent="give_feedback",
        slots={"rating": 5.0},
        sender_id="citizen-fb",
    )
    ActionRecordFeedback().run(dispatcher, tracker, {})
    from sqlalchemy import select

    from contact_centre.models import Feedback

    with session_scope(engine) as session:
        stored = session.scalars(
            select(Feedback).where(Feedback.session_id == "citizen-fb")
        ).one()
        assert stored.rating == 5 and "138****5678" in stored.comment
