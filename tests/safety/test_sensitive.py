"""Sensitive questions are recognised by rule, and ordinary business sharing their words
is not: held-out labelled questions and real citizen messages."""

from __future__ import annotations

import pytest

from safety.sensitive import sensitive_question, sensitive_reply
from tests.conftest import load_yaml
from tests.support.tipdm import TIPDM_DIR, real_citizen_messages

LABELLED = load_yaml("out_of_scope.yml")


def _flagged(section: str) -> list[str]:
    return [q["q"] for q in LABELLED[section] if sensitive_question(q["q"])]


def test_labelled_file_is_big_enough_for_its_figures():
    assert len(LABELLED["sensitive"]) >= 40
    assert len(LABELLED["in_scope"]) >= 60
    assert len(LABELLED["out_of_scope"]) >= 60


def test_every_labelled_sensitive_question_is_recognised():
    missed = [q["q"] for q in LABELLED["sensitive"] if not sensitive_question(q["q"])]
    print(f"\nsensitive: {len(LABELLED['sensitive']) - len(missed)} recognised")
    assert missed == []


def test_hotline_business_sharing_the_words_is_not_taken_for_a_sensitive_question():
    assert _flagged("in_scope") == []


def test_questions_merely_outside_the_remit_are_not_taken_for_sensitive_ones():
    assert _flagged("out_of_scope") == []


@pytest.mark.parametrize(
    "text",
    [
        "我是共产党员，党组织关系怎么转",
        "业委会选举不公开，街道也不管",
        "毛主席故居门口有人强行拉客",
        "市委书记信箱怎么写信",
        "宗教活动场所登记去哪里办",
    ],
)
def test_ordinary_business_naming_a_sensitive_subject_passes(text):
    assert sensitive_question(text) is None


def test_letters_to_officials_are_complaints_however_they_are_worded():
    letter = (
        "尊敬的市委领导：我们村的村委会选举存在拉票贿选，村民对选举结果有很大意见，"
        "你们怎么看这个问题？请上级部门尽快调查处理，还村民一个公道。"
    )
    assert sensitive_question(letter) is None


def test_real_citizen_messages_are_never_taken_for_sensitive_questions():
    if not TIPDM_DIR.is_dir():
        pytest.skip(f"TipDM data not found at {TIPDM_DIR}")
    messages = list(real_citizen_messages())
    flagged = [text[:60] for text in messages if sensitive_question(text)]
    print(f"\nTipDM: {len(flagged)} of {len(messages)} real messages flagged")
    assert flagged == []


def test_reply_is_neutral_and_english_has_no_chinese():
    assert "不对政治、宗教、民族等话题发表看法" in sensitive_reply("zh")
    english = sensitive_reply("en")
    assert english.isascii() and "talk to a hotline agent" in english
