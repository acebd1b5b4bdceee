"""A short question naming a tracking number is a status question, by rule."""

from __future__ import annotations

import random

import pytest

from understanding.status_queries import (
    APPLICATION_STATUS,
    WORK_ORDER_STATUS,
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
    "text",
    [
        # A new complaint mentioning an old order is the model's to read.
        "上次反映的GD26120634976088说已经处理了，可是楼下饭店的油烟现在还是每天晚上都飘进"
        "我家，窗户都不敢开，请再派人来查一查",
        # Both kinds at once: which one is meant is not for a rule to decide.
        "查一下GD26120634976088和SQ26120611112222",
        # A number without a question.
        "GD26120634976088",
        "查一下我的工单进度",
    ],
)
def test_what_is_not_a_short_question_about_one_number_is_left_to_the_model(text):
    assert status_intent(text) is None
