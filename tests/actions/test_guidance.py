"""Guidance actions answer from the knowledge base, in context and in the citizen's language."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from sqlalchemy import select

from actions.common import search_engine
from actions.guidance import (
    ActionOfferSearchResults,
    ActionOutOfScope,
    ActionServiceGuidance,
)
from actions.slots import ValidateSlotMappings
from cases.routing.classify import complaint_classifier
from foundation.db import session_scope
from knowledge_base.divisions import DivisionRecord, import_divisions
from knowledge_base.models import DivisionList, Service
from knowledge_base.offices import sync_street_centres
from tests.actions.conftest import make_tracker
from tests.conftest import TESTS_DIR
from understanding.compound import tells_what_happened


def _slots(events) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_guidance_names_service_and_remembers_it(dispatcher):
    tracker = make_tracker(
        text="居住证怎么办",
        intent="ask_service_guide",
        entities=[{"entity": "service", "value": "residence-permit"}],
    )
    events = ActionServiceGuidance().run(dispatcher, tracker, {})
    assert "上海市居住证办理" in dispatcher.messages[0]["text"]
    assert "1. " in dispatcher.messages[0]["text"]
    assert _slots(events)["service"] == "residence-permit"


def test_elliptic_follow_up_uses_service_in_context(dispatcher):
    tracker = make_tracker(
        text="那要带啥？", intent="ask_materials", slots={"service": "passport"}
    )
    ActionServiceGuidance().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["text"].startswith("普通护照申领需要准备以下材料")


def test_location_answer_names_the_district_centre_when_known(dispatcher):
    tracker = make_tracker(
        text="在哪办",
        intent="ask_location",
        slots={"service": "company-registration", "district": "徐汇区"},
    )
    ActionServiceGuidance().run(dispatcher, tracker, {})
    assert "徐汇区行政服务中心" in dispatcher.messages[0]["text"]


def test_english_question_gets_english_answer(dispatcher):
    tracker = make_tracker(
        text="what documents do I need for a work permit",
        intent="ask_materials",
        entities=[{"entity": "service", "value": "work permit"}],
        slots={"language": "en"},
    )
    ActionServiceGuidance().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["text"].startswith("Documents for")


def test_ambiguous_question_offers_buttons_and_keeps_the_aspect(dispatcher):
    tracker = make_tracker(
        text="公积金提取",
        intent="ask_materials",
        entities=[{"entity": "service", "value": "公积金提取"}],
    )
    events = ActionServiceGuidance().run(dispatcher, tracker, {})
    message = dispatcher.messages[0]
    assert message["response"] == "utter_choose_service"
    assert len(message["buttons"]) >= 2
    assert all(
        b["payload"].startswith('/inform{"service": "housing-fund')
        for b in message["buttons"]
    )
    assert _slots(events)["aspect"] == "materials"


def test_button_choice_answers_the_aspect_asked_before(dispatcher):
    tracker = make_tracker(
        text='/inform{"service": "housing-fund-withdrawal-rent"}',
        intent="inform",
        entities=[{"entity": "service", "value": "housing-fund-withdrawal-rent"}],
        slots={"aspect": "materials"},
    )
    ActionServiceGuidance().run(dispatcher, tracker, {})
    assert "需要准备以下材料" in dispatcher.messages[0]["text"]


def test_bundle_is_explained_as_one_journey(dispatcher):
    tracker = make_tracker(
        text="宝宝出生要办哪些手续，能一起办吗", intent="ask_service_guide"
    )
    ActionServiceGuidance().run(dispatcher, tracker, {})
    assert "一次申请即可办理" in dispatcher.messages[0]["text"]


def test_nothing_known_asks_which_service(dispatcher):
    ActionServiceGuidance().run(
        dispatcher, make_tracker(text="多少钱", intent="ask_fee"), {}
    )
    assert dispatcher.messages[0]["response"] == "utter_ask_which_service"


@pytest.mark.parametrize(
    "text, intent",
    [
        ("无人机飞行怎么报备", "ask_service_guide"),
        ("How do I register a drone?", "ask_service_guide"),
    ],
)
def test_a_subject_no_guide_has_heard_of_is_told_no_guide_not_asked_which(
    text, intent, dispatcher
):
    tracker = make_tracker(text=text, intent=intent)
    events = ActionServiceGuidance().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["response"] == "utter_no_guide_found"
    assert {
        "event": "slot",
        "name": "service",
        "value": None,
        "timestamp": None,
    } in events


def test_inside_a_form_a_question_naming_nothing_leaves_the_form_to_ask_again(
    dispatcher,
):
    tracker = make_tracker(
        text="我也不清楚是哪个区",
        intent="ask_service_guide",
        slots={"requested_slot": "district"},
        active_loop="complaint_form",
    )
    ActionServiceGuidance().run(dispatcher, tracker, {})
    assert dispatcher.messages == []


def test_fallback_offers_three_closest_services_and_none_of_these(dispatcher):
    tracker = make_tracker(text="我那个居住证过期了咋整", intent="nlu_fallback")
    ActionOfferSearchResults().run(dispatcher, tracker, {})
    buttons = dispatcher.messages[0]["buttons"]
    assert len(buttons) == 4
    assert buttons[-1]["payload"] == "/deny"


def test_a_problem_the_nlu_could_not_place_is_offered_to_be_reported(dispatcher):
    text = "Stray dogs in our lane chase the children every evening"
    tracker = make_tracker(text=text, intent="nlu_fallback", slots={"language": "en"})
    events = ActionOfferSearchResults().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["response"] == "utter_offer_report"
    assert _slots(events)["problem_described"] == text


def test_what_happened_to_a_citizen_in_no_categorys_words_is_offered_to_be_reported(
    dispatcher,
):
    """No category's vocabulary holds a library's overdue notices, yet a citizen who
    tells what happened to them and asks nothing has a matter for the centre."""
    text = "我前天在区图书馆借的书，还回去以后系统里一直显示没还，每天给我发催还短信"
    tracker = make_tracker(text=text, intent="nlu_fallback")
    events = ActionOfferSearchResults().run(dispatcher, tracker, {})
    offered = [
        b["payload"] for m in dispatcher.messages for b in m.get("buttons") or []
    ]
    reported = dispatcher.messages[0]["response"] == "utter_offer_report"
    assert reported or "/file_complaint" in offered
    assert _slots(events)["problem_described"] == text


def test_suggested_guides_for_a_problem_come_with_the_offer_to_report_it(dispatcher):
    text = "房东不退押金，居住登记还没办"
    tracker = make_tracker(text=text, intent="nlu_fallback")
    events = ActionOfferSearchResults().run(dispatcher, tracker, {})
    buttons = dispatcher.messages[0]["buttons"]
    assert buttons[-2] == {"title": "登记这个问题", "payload": "/file_complaint"}
    assert buttons[-1]["payload"] == "/deny"
    assert _slots(events)["problem_described"] == text


def test_a_problem_taken_for_an_answer_is_offered_to_be_reported_not_searched(
    dispatcher,
):
    text = "Cars park on the bike lane along our road every evening"
    tracker = make_tracker(text=text, intent="inform", slots={"language": "en"})
    events = ActionServiceGuidance().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["response"] == "utter_offer_report"
    assert dispatcher.messages[0]["text"] is None  # no guide that shares its words
    assert _slots(events)["problem_described"] == text


def test_an_answer_naming_a_service_is_still_answered_with_its_guide(dispatcher):
    tracker = make_tracker(
        text="It's about the dog registration, a stray bit me",
        intent="inform",
        entities=[{"entity": "service", "value": "dog-registration"}],
        slots={"language": "en"},
    )
    ActionServiceGuidance().run(dispatcher, tracker, {})
    assert "Dog" in dispatcher.messages[0]["text"]


def test_a_message_naming_no_problem_is_only_told_that_no_guide_matches(dispatcher):
    tracker = make_tracker(text="qwzx blorp 嗯嗯啊啊", intent="nlu_fallback")
    events = ActionOfferSearchResults().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["response"] == "utter_no_guide_found"
    assert _slots(events)["problem_described"] is None


def test_returning_citizen_is_welcomed_back_with_the_service_in_context(dispatcher):
    from actions.session import ActionSessionStart

    tracker = make_tracker(slots={"service": "passport", "language": "zh"})
    events = ActionSessionStart().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["response"] == "utter_welcome_back"
    assert dispatcher.messages[0]["service"] == "普通护照申领"
    assert {
        "event": "slot",
        "name": "service",
        "value": "passport",
        "timestamp": None,
    } in events


def test_uncatalogued_licence_is_said_so_and_neighbour_only_offered(dispatcher):
    tracker = make_tracker(
        text="烟草专卖零售许可证怎么办理",
        intent="ask_service_guide",
        entities=[{"entity": "service", "value": "零售许可证"}],
        slots={"service": "passport"},
    )
    events = ActionServiceGuidance().run(dispatcher, tracker, {})
    message = dispatcher.messages[0]
    assert "暂未收录“烟草专卖零售许可证”" in message["text"]
    assert "zwdt.sh.gov.cn" in message["text"]
    assert "食品经营许可" not in message["text"]
    assert message["buttons"][-1]["payload"] == "/request_human"
    assert _slots(events)["service"] is None


def test_new_uncatalogued_subject_drops_the_old_one_in_english(dispatcher):
    tracker = make_tracker(
        text="How do I apply for a Japanese visa?",
        intent="ask_service_guide",
        slots={"service": "passport", "language": "en"},
    )
    events = ActionServiceGuidance().run(dispatcher, tracker, {})
    text = dispatcher.messages[0]["text"]
    assert text.startswith('Sorry, our guides do not cover "japanese visa"')
    assert "passport" not in text.lower()
    assert _slots(events)["service"] is None


def test_naming_another_catalogued_service_switches_the_subject(dispatcher):
    tracker = make_tracker(
        text="那驾照换证要带什么", intent="ask_materials", slots={"service": "passport"}
    )
    events = ActionServiceGuidance().run(dispatcher, tracker, {})
    assert _slots(events)["service"] == "driving-licence-renewal"


def test_a_document_to_bring_is_not_a_new_subject(dispatcher):
    tracker = make_tracker(
        text="要带身份证吗", intent="ask_materials", slots={"service": "passport"}
    )
    events = ActionServiceGuidance().run(dispatcher, tracker, {})
    assert _slots(events)["service"] == "passport"


def test_payload_of_a_button_is_not_read_as_a_service_name(dispatcher):
    tracker = make_tracker(
        text='/inform{"service": "passport"}',
        intent="inform",
        entities=[{"entity": "service", "value": "passport"}],
    )
    events = ActionServiceGuidance().run(dispatcher, tracker, {})
    assert _slots(events)["service"] == "passport"


def test_fallback_does_not_offer_neighbours_as_if_they_were_the_service(dispatcher):
    tracker = make_tracker(text="渔业捕捞许可证去哪办", intent="nlu_fallback")
    ActionOfferSearchResults().run(dispatcher, tracker, {})
    assert "暂未收录“渔业捕捞许可证”" in dispatcher.messages[0]["text"]


def test_out_of_scope_offers_a_person_and_a_callback(dispatcher):
    tracker = make_tracker(text="火车票怎么退", intent="out_of_scope")
    ActionOutOfScope().run(dispatcher, tracker, {})
    assert dispatcher.messages == [
        {
            "text": None,
            "buttons": [],
            "elements": [],
            "custom": {},
            "template": "utter_out_of_scope",
            "response": "utter_out_of_scope",
            "image": None,
            "attachment": None,
        }
    ]


def test_out_of_scope_verdict_on_a_catalogued_service_is_overruled(dispatcher):
    tracker = make_tracker(text="宠物狗登记怎么办", intent="out_of_scope")
    events = ActionOutOfScope().run(dispatcher, tracker, {})
    assert "养犬登记" in dispatcher.messages[0]["text"]
    assert _slots(events)["service"] == "dog-registration"


def test_unsure_nlu_and_weak_search_offer_a_person_not_coincidences(dispatcher):
    ActionOfferSearchResults().run(
        dispatcher, make_tracker(text="火车票怎么退", intent="nlu_fallback"), {}
    )
    assert dispatcher.messages[0]["response"] == "utter_no_guide_found"


def test_related_services_beside_not_held_are_only_near_ones(dispatcher):
    tracker = make_tracker(
        text="烟草专卖零售许可证怎么办理", intent="ask_service_guide"
    )
    ActionServiceGuidance().run(dispatcher, tracker, {})
    titles = [b["title"] for b in dispatcher.messages[0]["buttons"]]
    assert titles == ["食品经营许可", "转人工"]


def test_two_services_asked_at_once_are_answered_in_parts_in_order(dispatcher):
    tracker = make_tracker(
        text="我想办结婚登记，另外公积金怎么提取", intent="ask_service_guide"
    )
    events = ActionServiceGuidance().run(dispatcher, tracker, {})
    first, second = dispatcher.messages
    assert first["text"].startswith("结婚登记")
    # 公积金提取 is four services: asked which, rather than dropped or guessed.
    assert second["response"] == "utter_choose_service"
    assert all("housing-fund" in b["payload"] for b in second["buttons"])
    assert _slots(events) == {"service": "marriage-registration", "aspect": "overview"}


def test_several_aspects_of_one_service_get_one_answer_each_in_order(dispatcher):
    tracker = make_tracker(
        text="How do I get a residence permit? Where do I go and when is it open?",
        intent="ask_service_guide",
        slots={"language": "en"},
    )
    events = ActionServiceGuidance().run(dispatcher, tracker, {})
    texts = [message["text"] for message in dispatcher.messages]
    assert len(texts) == 3
    assert texts[0].startswith("Shanghai Residence Permit Application")
    assert texts[1].startswith("Where to apply for Shanghai Residence Permit")
    assert texts[2].startswith("Opening hours for Shanghai Residence Permit")
    assert _slots(events)["service"] == "residence-permit"


def test_single_question_still_gets_one_message(dispatcher):
    tracker = make_tracker(
        text="我想问一下，社保卡丢了，怎么补办", intent="ask_service_guide"
    )
    ActionServiceGuidance().run(dispatcher, tracker, {})
    assert len(dispatcher.messages) == 1
    assert "社会保障卡" in dispatcher.messages[0]["text"]


def test_fallback_answers_a_compound_question_whose_parts_are_clear(dispatcher):
    tracker = make_tracker(
        text="护照在哪办？另外港澳通行证多少钱", intent="nlu_fallback"
    )
    events = ActionOfferSearchResults().run(dispatcher, tracker, {})
    texts = [message["text"] for message in dispatcher.messages]
    assert texts[0].startswith("普通护照申领的办理地点")
    assert texts[1].startswith("往来港澳通行证及签注的收费标准")
    assert _slots(events)["service"] == "hk-macao-permit"


def test_out_of_scope_verdict_on_a_compound_guidance_question_is_overruled(dispatcher):
    tracker = make_tracker(
        text="养狗登记多少钱，车辆年检在哪里做", intent="out_of_scope"
    )
    ActionOutOfScope().run(dispatcher, tracker, {})
    texts = [message["text"] for message in dispatcher.messages]
    assert texts[0].startswith("养犬登记的收费标准")
    assert texts[1].startswith("机动车检验（年检）的办理地点")


@pytest.fixture
def citizens_streets(engine):
    """A few streets of the official list, committed where the actions read them, and
    taken away again with their community centres."""
    with session_scope(engine) as session:
        import_divisions(
            session,
            [
                DivisionRecord("310115125", "张江镇", "310115", "浦东新区"),
                DivisionRecord("310104011", "田林街道", "310104", "徐汇区"),
                DivisionRecord("310106012", "南京西路街道", "310106", "静安区"),
            ],
            source="guidance test",
            as_of=dt.date(2099, 1, 1),
        )
    yield
    with session_scope(engine) as session:
        for division_list in session.scalars(
            select(DivisionList).where(DivisionList.source == "guidance test")
        ):
            session.delete(division_list)
        session.flush()
        sync_street_centres(session)


def _where_the_citizen_is(dispatcher, text: str) -> dict:
    tracker = make_tracker(text=text, intent="ask_location")
    validator = ValidateSlotMappings()
    return {
        **validator.extract_district(dispatcher, tracker, {}),
        **validator.extract_street(dispatcher, tracker, {}),
    }


def test_where_the_citizen_lives_picks_their_street_centre(
    dispatcher, citizens_streets
):
    text = "我住在浦东张江，居住证在哪里办"
    place = _where_the_citizen_is(dispatcher, text)
    assert place == {"district": "浦东新区", "street": "310115125"}
    tracker = make_tracker(
        text=text,
        intent="ask_location",
        entities=[{"entity": "service", "value": "residence-permit"}],
        slots=place,
    )
    ActionServiceGuidance().run(dispatcher, tracker, {})
    reply = dispatcher.messages[0]["text"]
    assert "居住地社区事务受理服务中心" in reply  # the guide's rule, still given
    assert "您提到的浦东新区张江镇，可前往张江镇社区事务受理服务中心办理。" in reply
    assert "地址、办公时间、咨询电话本目录暂未收录" in reply


def test_an_english_speaker_hears_their_street_centre_in_english(
    dispatcher, citizens_streets
):
    text = "I live in Jing'an, Nanjing West Road. Where do I get a residence permit?"
    place = _where_the_citizen_is(dispatcher, text)
    assert place == {"district": "静安区", "street": "310106012"}
    tracker = make_tracker(
        text=text,
        intent="ask_location",
        entities=[{"entity": "service", "value": "residence-permit"}],
        slots={**place, "language": "en"},
    )
    ActionServiceGuidance().run(dispatcher, tracker, {})
    reply = dispatcher.messages[0]["text"]
    assert (
        "Nanjing West Road Subdistrict Community Affairs Acceptance Service Center "
        "(南京西路街道社区事务受理服务中心)" in reply
    )
    assert "not in our records" in reply


def test_a_place_in_another_district_forgets_the_street_given_before(
    dispatcher, citizens_streets
):
    tracker = make_tracker(
        text="我后来搬到徐汇了", intent="inform", slots={"street": "310115125"}
    )
    validator = ValidateSlotMappings()
    assert validator.extract_street(dispatcher, tracker, {}) == {"street": None}
    assert validator.extract_district(dispatcher, tracker, {}) == {"district": "徐汇区"}


def test_a_name_given_to_a_form_is_not_read_as_a_place(dispatcher, citizens_streets):
    tracker = make_tracker(
        text="张江", intent="inform", slots={"requested_slot": "applicant_name"}
    )
    assert ValidateSlotMappings().extract_street(dispatcher, tracker, {}) == {}


def test_hours_answer_uses_the_variant_of_the_district_in_the_slot(dispatcher):
    """闵行区's residence-permit hours are a sample variant of the curated catalogue."""
    tracker = make_tracker(
        text="几点上班",
        intent="ask_office_hours",
        slots={"service": "residence-permit", "district": "闵行区"},
    )
    ActionServiceGuidance().run(dispatcher, tracker, {})
    reply = dispatcher.messages[0]["text"]
    assert reply.startswith(
        "以下为闵行区的办理信息：\n上海市居住证办理的办理时间：示例数据"
    )


def test_hours_answer_for_a_district_without_a_variant_is_the_city_wide_one(
    dispatcher,
):
    tracker = make_tracker(
        text="几点上班",
        intent="ask_office_hours",
        slots={"service": "residence-permit", "district": "徐汇区"},
    )
    ActionServiceGuidance().run(dispatcher, tracker, {})
    reply = dispatcher.messages[0]["text"]
    assert reply.startswith("上海市居住证办理的办理时间：周一至周五")


def test_a_kept_answer_says_the_guide_went_stale_the_day_it_does(
    dispatcher, engine, monkeypatch
):
    with session_scope(engine) as session:
        checked = session.scalar(
            select(Service.verified_at).where(Service.code == "passport")
        )
    day = {"today": checked + dt.timedelta(days=180)}
    monkeypatch.setattr("actions.guidance.today", lambda: day["today"])
    tracker = make_tracker(
        text="护照多少钱", intent="ask_fee", slots={"service": "passport"}
    )
    ActionServiceGuidance().run(dispatcher, tracker, {})
    day["today"] += dt.timedelta(days=1)
    ActionServiceGuidance().run(dispatcher, tracker, {})
    fresh, stale = (message["text"] for message in dispatcher.messages)
    assert "最近核验" in fresh and "未核验" not in fresh
    assert "该指南已超过180天未核验" in stale


def _texts(name: str) -> list[str]:
    """The messages of a file of tests/data, wherever its entries keep them."""
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            for key in ("text", "q"):
                if isinstance(node.get(key), str):
                    found.append(node[key])
            for value in node.values():
                if isinstance(value, (list, dict)):
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(yaml.safe_load((TESTS_DIR / "data" / name).read_text(encoding="utf-8")))
    return found


def test_questions_are_not_taken_for_stories_and_complaints_more_often_are():
    """A question read as a story would get an offer to report beside its guides; a
    complaint in no category's words is offered to be reported only as a story."""
    classifier = complaint_classifier(search_engine())

    def problems(texts: list[str]) -> tuple[int, int]:
        named = [classifier.names_a_problem(text) for text in texts]
        told = [n or tells_what_happened(t) for n, t in zip(named, texts, strict=True)]
        return sum(named), sum(told)

    for name in (
        "search_questions.yml",
        "uncatalogued_services.yml",
        "out_of_scope.yml",
        "compound_questions.yml",
    ):
        named, told = problems(_texts(name))
        print(f"\n{name}: read as a problem {named} -> {told}")
        assert told == named
    for name in (
        "complaints_zh_blind.yml",
        "complaints_zh_blind2.yml",
        "complaints_en_blind3.yml",
    ):
        texts = _texts(name)
        named, told = problems(texts)
        print(f"\n{name}: {len(texts)} complaints, read as a problem {named} -> {told}")
        assert told >= named
