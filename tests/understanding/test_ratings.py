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
    ],
)
def test_parse_rating_reads_digits_numerals_and_words(text, rating):
    assert parse_rating(text) == rating


@pytest.mark.parametrize("text", ["71路公交车", "10分", "", "很好"])
def test_parse_rating_refuses_what_is_no_score_from_one_to_five(text):
    assert parse_rating(text) is None
