"""A short question naming a tracking number is a status question, and one saying the
number is lost asks where to find it, by rule."""

from __future__ import annotations

import random
import re

import pytest
import yaml

from tests.conftest import TESTS_DIR
from tests.support.tipdm import TIPDM_DIR, real_citizen_messages
from understanding.status_queries import (
    APPLICATION_STATUS,
    LOST_NUMBER,
    WORK_ORDER_STATUS,
    forgets_what_was_asked,
    lost_number_intent,
    names_the_query_code,
    ruled_intent,
    status_intent,
)


def _numbers(prefix: str, count: int = 200) -> list[str]:
    draw = random.Random(28)
    return [f"{prefix}261206{draw.randrange(10**8):08d}" for _ in range(count)]


@pytest.mark.parametrize(
    "template",
    [
        "查一下{n}的进度",
        "{n}现在办到哪一步了",
        "帮我查询工单{n}",
        "我的工单 {n} 怎么样了？",
        "What is the status of {n}?",
        "check {n} please",
    ],
)
def test_every_work_order_number_asked_after_is_a_work_order_status_question(template):
    for number in _numbers("GD"):
        assert status_intent(template.format(n=number)) == WORK_ORDER_STATUS


def test_an_application_number_asked_after_is_an_application_status_question():
    for number in _numbers("SQ", 20):
        assert status_intent(f"{number.lower()}的审批进度") == APPLICATION_STATUS


def test_a_number_read_out_with_spaces_still_counts():
    assert status_intent("查一下 GD 26120634976088 的进度") == WORK_ORDER_STATUS
    assert status_intent("gd-26120634976088办好了吗") == WORK_ORDER_STATUS


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("GD26120634976088", WORK_ORDER_STATUS),
        ("sq 26120611112222。", APPLICATION_STATUS),
        ("我的工单号是GD26120634976088", WORK_ORDER_STATUS),
        ("您好，受理编号：GD26120634976088", WORK_ORDER_STATUS),
        ("SQ26120611112222，这是申请编号", APPLICATION_STATUS),
        ("My reference number is GD26120634976088", WORK_ORDER_STATUS),
    ],
)
def test_a_number_sent_alone_or_only_named_asks_after_its_case(text, intent):
    """A citizen who pastes the number they were given wants to know where it stands."""
    assert status_intent(text) == intent


@pytest.mark.parametrize(
    "text",
    [
        # A new complaint mentioning an old order is the model's to read.
        "上次反映的GD26120634976088说已经处理了，可是楼下饭店的油烟现在还是每天晚上都飘进"
        "我家，窗户都不敢开，请再派人来查一查",
        # Both kinds at once: which one is meant is not for a rule to decide.
        "查一下GD26120634976088和SQ26120611112222",
        # A number beside a new problem or a correction, or no number at all.
        "GD26120634976088 路灯又坏了",
        "不是GD26120634976088，是GD26120634976089",
        "查一下我的工单进度",
    ],
)
def test_what_is_not_a_short_question_about_one_number_is_left_to_the_model(text):
    assert status_intent(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "受理号想不起来了",
        "工单号码丢失了，还能查到吗",
        "回执号没保存",
        "登记以后没收到编号",
        "查询码记不清了",
        "那个单号我不晓得在哪",
        "I can't find my case number",
        "forgot the reference number, can you help?",
        "Where is my tracking number?",
    ],
)
def test_a_short_message_saying_the_number_is_lost_asks_where_it_is(text):
    assert lost_number_intent(text) == LOST_NUMBER
    assert ruled_intent(text) == LOST_NUMBER


@pytest.mark.parametrize(
    "text",
    [
        # A number given is not lost.
        "GD26120634976088这个编号对不对，我记不清了",
        # What a number looks like, not where it is.
        "编号是什么格式",
        # A phone, a parcel: not the hotline's numbers.
        "我的手机号码忘了",
        "快递单号找不到了",
        # A problem told beside a number is a report.
        "小区门口路灯没有编号，坏了也没法报修",
        "井盖上找不到编号，晚上有异响很吵",
        "我要投诉，没有编号",
        # A long story that mentions a number is the model's to read.
        "我上个月反映过楼下饭店油烟的问题，编号忘了，但是到现在还是天天晚上油烟往我家窗户里灌",
        "I forgot to mention that the noise starts at six every morning and the case number",
    ],
)
def test_what_does_not_say_a_hotline_number_is_lost_is_left_to_the_model(text):
    assert lost_number_intent(text) is None


def test_a_status_question_naming_its_number_keeps_its_own_intent():
    assert ruled_intent("查一下GD26120634976088的进度") == WORK_ORDER_STATUS


@pytest.mark.parametrize(
    "text", ["忘了", "我也不记得了", "记不清了。", "没有", "I forgot", "no idea"]
)
def test_a_bare_i_forgot_answers_a_question_for_a_number(text):
    assert forgets_what_was_asked(text)


@pytest.mark.parametrize(
    "text", ["算了，不查了", "忘了带身份证怎么办", "我没有时间", "GD26120634976088"]
)
def test_more_than_i_forgot_is_not_read_as_forgetting(text):
    assert not forgets_what_was_asked(text)


@pytest.mark.parametrize(
    "text, intent",
    [
        ("I want to check the progress of my complaint", WORK_ORDER_STATUS),
        ("Any update on my report?", WORK_ORDER_STATUS),
        ("Has my case been handled yet?", WORK_ORDER_STATUS),
        ("what's the status of my application", APPLICATION_STATUS),
    ],
)
def test_an_english_status_question_needs_no_number(text, intent):
    assert status_intent(text) == intent


@pytest.mark.parametrize(
    "text",
    [
        "How do I make a complaint about noise?",
        "I want to update my address",
        "What documents does my application need?",
        "Status of the metro line 14 extension",
    ],
)
def test_english_without_a_status_question_about_ones_case_is_left_to_the_model(
    text,
):
    assert status_intent(text) is None


def _training_examples() -> list[tuple[str, str]]:
    """Every NLU example with its intent, entity annotations read as plain text."""
    examples = []
    for path in sorted((TESTS_DIR.parent / "nlu_data" / "nlu").glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            if "intent" not in item:
                continue
            for line in item["examples"].splitlines():
                text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line.strip()[2:])
                examples.append((item["intent"], text))
    return examples


def test_no_example_of_another_intent_is_overruled_by_a_rule():
    examples = _training_examples()
    overruled = [
        (intent, text)
        for intent, text in examples
        if ruled_intent(text) not in (None, intent)
    ]
    print(f"\n{len(examples)} NLU examples, {len(overruled)} overruled: {overruled}")
    assert overruled == []


@pytest.mark.skipif(not TIPDM_DIR.exists(), reason="no TipDM data here")
def test_no_real_citizen_message_is_read_as_a_lost_number():
    """Real board messages (titles and bodies) ask about their problem, never about a
    hotline tracking number; one read as a lost number would lose its complaint."""
    messages = list(real_citizen_messages())
    lost = [text for text in messages if lost_number_intent(text)]
    print(f"\n{len(messages)} real messages, {len(lost)} read as a lost number")
    assert lost == []


@pytest.mark.parametrize(
    ("text", "about_the_code"),
    [
        ("查询码忘了", True),
        ("I lost my query-code", True),
        ("受理编号忘了", False),
        ("I lost my reference number", False),
    ],
)
def test_a_lost_query_code_is_told_from_a_lost_number(text, about_the_code):
    assert names_the_query_code(text) is about_the_code
