"""Praise of someone named is praise by rule; thanks to the assistant, a rating, and a
complaint or request that closes with thanks are left to the model."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.evaluation import read_examples
from tests.conftest import DATA_DIR, TESTS_DIR
from tests.support.tipdm import TIPDM_DIR, real_citizen_messages
from understanding.praise import PRAISE, may_praise, praise_intent, says_whom_or_what


@pytest.mark.parametrize(
    "text",
    [
        "给小区门口的保安师傅点个赞",
        "感谢派出所民警帮我找回了电动车",
        "我要表扬一下居委会的李书记",
        "上次打电话反映的路灯，第二天就修好了，谢谢你们",
        "想写封表扬信给社区食堂",
        "Thank you to the nurses at the community health centre, they were so patient",
        "I'd like to commend the officer who handled my case",
    ],
)
def test_praise_of_someone_named_is_praise(text):
    assert praise_intent(text) == PRAISE


@pytest.mark.parametrize(
    "text",
    [
        "谢谢你的帮助",
        "好的，谢谢",
        "Thanks a lot",
        "服务挺好的，点个赞",
        "楼下烧烤店油烟太大，请尽快处理，谢谢",
        "还要我表扬他们？窗口工作人员态度太差了",
        "班主任在家长群里暗示教师节要表示表示",
        "感谢信要寄到哪里",
        "Thanks to the police for nothing, nobody ever came",
    ],
)
def test_thanks_to_the_assistant_a_rating_or_a_complaint_are_left_to_the_model(text):
    assert praise_intent(text) is None


@pytest.mark.parametrize(
    "text",
    [
        # Real board titles a model trained on praise of named units read as praise.
        "A市交警总队逼迫孕妇辞职",
        "M5市工商行政管理和质量技术监督局严重渎职",
        "班主任在家长群里暗示教师节要表示表示",
        "表扬是不可能的，窗口工作人员态度太差",
    ],
)
def test_a_complaint_naming_a_unit_may_not_be_read_as_praise(text):
    assert not may_praise(text)


def test_every_praise_the_model_learns_from_may_be_read_as_praise():
    examples = read_examples(TESTS_DIR.parent / "nlu_data" / "nlu" / "conversation.yml")
    praise = [e.text for e in examples if e.intent == PRAISE]
    assert len(praise) >= 20
    assert [text for text in praise if not may_praise(text)] == []


def test_a_letter_is_left_to_the_model_however_it_thanks():
    letter = (
        "尊敬的领导：我们小区门口的马路坑坑洼洼已经很久了，雨天积水严重，老人小孩出行"
        "很不方便，之前街道的工作人员帮我们临时填过一次，但很快又坏了，希望相关部门能"
        "彻底修一修，万分感谢！"
    )
    assert praise_intent(letter) is None


def test_no_example_of_another_intent_is_read_as_praise():
    paths = [
        *sorted((TESTS_DIR.parent / "nlu_data" / "nlu").glob("*.yml")),
        DATA_DIR / "nlu_heldout.yml",
    ]
    examples = [e for path in paths for e in read_examples(Path(path))]
    overruled = [
        (e.intent, e.text)
        for e in examples
        if e.intent != PRAISE and praise_intent(e.text) is not None
    ]
    print(
        f"\n{len(examples)} NLU examples, {len(overruled)} read as praise: {overruled}"
    )
    assert overruled == []


@pytest.mark.skipif(not TIPDM_DIR.exists(), reason="no TipDM data here")
def test_no_real_complaint_is_read_as_praise():
    """Real board messages close with "谢谢" and "万分感谢" and thank the officials
    they write to; read as praise, a complaint would be closed unheard. (The board's
    two letters of thanks are longer than the rule reads, and go to the model.)"""
    messages = list(real_citizen_messages())
    praised = [text for text in messages if praise_intent(text)]
    print(f"\n{len(messages)} real messages, {len(praised)} read as praise")
    assert praised == []


@pytest.mark.parametrize(
    "text",
    [
        "我要表扬",
        "我想表扬一下",
        "我想给你们点赞",
        "怎么送锦旗",
        "I want to praise someone",
    ],
)
def test_praise_that_names_nobody_is_asked_about(text):
    assert not says_whom_or_what(text)


@pytest.mark.parametrize(
    "text",
    [
        "表扬居委会王阿姨",
        "我想表扬一下12345的接线员，服务很好",
        "I'd like to thank the nurses at Ruijin Hospital",
    ],
)
def test_praise_that_names_someone_is_passed_on_as_told(text):
    assert says_whom_or_what(text)
