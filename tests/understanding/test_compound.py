"""A message asking several things is cut into its questions, each with what it asks."""

from __future__ import annotations

import pytest

from understanding.compound import (
    answer_plan,
    asks_several,
    questions_in,
    tells_what_happened,
)


def _asked(text: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(q.text, q.aspects) for q in questions_in(text)]


def test_questions_in_splits_at_another_and_keeps_the_typed_offsets():
    text = "我想办结婚登记，另外公积金怎么提取"
    questions = questions_in(text)
    assert [(q.text, q.aspects) for q in questions] == [
        ("我想办结婚登记", ()),
        ("公积金怎么提取", ("overview",)),
    ]
    assert all(text[q.start : q.end] == q.text for q in questions)
    assert questions[1].added


def test_questions_in_reads_each_english_question():
    assert _asked(
        "How do I get a residence permit? Where do I go and when is it open?"
    ) == [
        ("How do I get a residence permit", ("overview",)),
        ("Where do I go", ("location",)),
        ("when is it open", ("hours",)),
    ]


@pytest.mark.parametrize(
    ("text", "aspects"),
    [
        ("在哪办几点开门", ("location", "hours")),
        ("要带什么材料多少钱", ("materials", "fee")),
        ("养狗登记要几钿啥地方办", ("fee", "location")),
        ("how much does it cost and how long does it take", ("fee", "time")),
    ],
)
def test_questions_in_finds_several_aspects_in_one_clause(text, aspects):
    assert [a for q in questions_in(text) for a in q.aspects] == list(aspects)


def test_questions_in_reads_traditional_characters_at_the_typed_offsets():
    text = "請問護照怎麼辦？要帶什麼材料？多少錢？"
    questions = questions_in(text)
    assert [q.aspects for q in questions] == [("overview",), ("materials",), ("fee",)]
    assert [q.text for q in questions] == ["請問護照怎麼辦", "要帶什麼材料", "多少錢"]


def test_questions_in_asks_the_overview_only_when_nothing_more_precise_is_asked():
    assert _asked("护照怎么收费") == [("护照怎么收费", ("fee",))]


def test_questions_in_does_not_read_marriage_as_a_time_limit():
    assert _asked("我想办结婚登记") == [("我想办结婚登记", ())]


def test_questions_in_does_not_read_apply_as_an_app():
    assert _asked("Where do I apply for an ID card") == [
        ("Where do I apply for an ID card", ("location",))
    ]


@pytest.mark.parametrize(
    "text",
    [
        "护照怎么办",
        "我想问一下，社保卡丢了，怎么补办",
        "结婚登记和离婚登记有什么区别",
        "How do I apply for a passport?",
        "",
    ],
)
def test_asks_several_is_false_for_one_question(text):
    assert not asks_several(questions_in(text))


def test_asks_several_for_a_second_question_after_a_connector():
    assert asks_several(questions_in("我想办结婚登记，另外公积金怎么提取"))


def test_answer_plan_inherits_the_service_for_a_clause_naming_none(service_index):
    steps = answer_plan(service_index, "居住证怎么办？要带什么？")
    assert [(s.resolution.code, s.aspect) for s in steps] == [
        ("residence-permit", "overview"),
        ("residence-permit", "materials"),
    ]


def test_answer_plan_gives_each_aspect_of_a_service_once_and_together(service_index):
    steps = answer_plan(
        service_index, "护照在哪办？港澳通行证多少钱？护照要带什么？护照在哪办？"
    )
    assert [(s.resolution.code, s.aspect) for s in steps] == [
        ("passport", "location"),
        ("passport", "materials"),
        ("hk-macao-permit", "fee"),
    ]


def test_answer_plan_resolves_a_later_service_on_its_own_words(service_index):
    steps = answer_plan(
        service_index,
        "How do I apply for a passport? Also, how do I renew my driving licence?",
    )
    assert [s.resolution.code for s in steps] == ["passport", "driving-licence-renewal"]


def test_answer_plan_keeps_an_ambiguous_part_as_a_choice_in_its_place(service_index):
    steps = answer_plan(service_index, "我想办结婚登记，另外公积金怎么提取")
    assert steps[0].resolution.code == "marriage-registration"
    assert steps[1].resolution.code is None
    assert {h.code for h in steps[1].resolution.candidates} <= {
        "housing-fund-withdrawal-rent",
        "housing-fund-withdrawal-purchase",
        "housing-fund-withdrawal-resignation",
        "housing-fund-withdrawal-retirement",
        "housing-fund-loan",
    }


def test_answer_plan_asks_the_service_in_context_for_a_leading_elliptic_clause(
    service_index,
):
    steps = answer_plan(
        service_index, "要带什么？另外护照多少钱", context_code="id-card"
    )
    assert [(s.resolution.code, s.aspect) for s in steps] == [
        ("id-card", "materials"),
        ("passport", "fee"),
    ]


def test_answer_plan_is_empty_for_one_question(service_index):
    assert (
        answer_plan(service_index, "你好，我是外地来的，想办居住证，请问要带什么材料？")
        == []
    )


@pytest.mark.parametrize(
    "text",
    [
        "我前天在区图书馆借的书，还回去以后系统里一直显示没还，每天给我发催还短信",
        "阿拉屋里厢的信箱被人撬开了，里向的信全部没了，物业讲伊拉不管",
        "My son's kindergarten took the deposit for a trip that was cancelled and "
        "still has not returned it",
    ],
)
def test_a_citizen_telling_what_happened_to_them_is_told_apart(text):
    assert tells_what_happened(text)


@pytest.mark.parametrize(
    "text",
    [
        # Questions, however long.
        "我在上海交了半年社保了，现在可以申请居住证了吧",
        "我刚从外地调来上海工作，想问一下孩子读小学需要哪些材料",
        "I just moved into a new flat last week, do I need to register with the police",
        # Wanting a service is no story.
        "我想了解一下在上海办理居住证需要准备的材料和流程",
        "I want to register as self-employed and open a small noodle shop",
        # Short, or not about the one telling it.
        "我的身份证丢了",
        "小区门口那条路的路灯晚上经常一闪一闪的，附近几栋楼都能看到",
    ],
)
def test_a_question_a_request_or_a_short_remark_is_no_story(text):
    assert not tells_what_happened(text)
