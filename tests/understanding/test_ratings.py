"""Reading a satisfaction score out of what a citizen writes."""

from __future__ import annotations

import pytest

from understanding.ratings import parse_rating


@pytest.mark.parametrize(
    "text, rating",
    [
        ("打4分", 4),
        ("五星好评", 5),
        ("给你两颗星", 2),
        ("满分", 5),
        ("five stars", 5),
        ("3 out of 5", 3),
        ("就3吧", 3),
        ("五", 5),
        ("I'd give it four", 4),
        ("我要评价一下，五星", 5),
        ("打了3次电话都没人接，1分", 1),
    ],
)
def test_parse_rating_reads_digits_numerals_and_words(text, rating):
    assert parse_rating(text) == rating


@pytest.mark.parametrize("text", ["71路公交车", "10分", "", "很好"])
def test_parse_rating_refuses_what_is_no_score_from_one_to_five(text):
    assert parse_rating(text) is None


@pytest.mark.parametrize(
    "text, rating",
    [
        ("非常满意", 5),
        ("满意", 4),
        ("基本满意", 3),
        ("一般般", 3),
        ("不太满意", 2),
        ("非常不满意", 1),
        ("I'm not satisfied", 2),
        ("5分非常满意", 5),
    ],
)
def test_the_degrees_the_rating_buttons_name_read_as_their_scores(text, rating):
    assert parse_rating(text) == rating


@pytest.mark.parametrize(
    "text",
    [
        "我要评价一下",
        "服务一般",
        "一直很慢",
        "等了五分钟才回复",
        "no one helped me",
        "三分之一",
    ],
)
def test_a_numeral_in_ordinary_words_is_no_score(text):
    """ "评价一下" once recorded one star: a numeral is a score only when given as one."""
    assert parse_rating(text) is None
