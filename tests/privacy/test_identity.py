"""Names on forms: what an ID card or passport can hold, not a sentence."""

from __future__ import annotations

import pytest

from privacy.identity import normalise_id_number, normalise_phone, plausible_name


@pytest.mark.parametrize(
    "name",
    [
        "张伟",
        "欧阳娜娜",
        "阿卜杜·热合曼",
        "John Smith",
        "Mary-Jane O'Neil",
        "Zhang Wei",
    ],
)
def test_names_of_people_are_accepted(name):
    assert plausible_name(name) == name


@pytest.mark.parametrize(
    "text",
    [
        "楼下饭店油烟太大了，我要投诉",
        "护照要多少钱？",
        "13812345678",
        "张",
        "A",
        "",
        "x" * 51,
    ],
)
def test_sentences_numbers_and_single_letters_are_not_names(text):
    assert plausible_name(text) is None


@pytest.mark.parametrize(
    "text", ["是的", "好的好的", "可以", "不知道", "Yes", "OK", "thank you"]
)
def test_replies_to_the_question_are_not_names(text):
    assert plausible_name(text) is None


@pytest.mark.parametrize("name", ["何是", "Noah", "Hilary Okay"])
def test_names_that_contain_a_reply_word_are_still_names(name):
    assert plausible_name(name) == name


@pytest.mark.parametrize(
    "text",
    [
        "13800001234",
        "138 0000 1234",
        "+86-138-0000-1234",
        "0086 13800001234",
        "１３８００００１２３４",
        "１３８－００００－１２３４",
    ],
)
def test_normalise_phone_reads_full_width_spaces_dashes_and_country_code(text):
    assert normalise_phone(text) == "13800001234"


@pytest.mark.parametrize(
    "text",
    [
        "11010519491231002x",
        "110105 19491231 002X",
        "110105-19491231-002x",
        "１１０１０５１９４９１２３１００２Ｘ",
    ],
)
def test_normalise_id_number_reads_full_width_spaces_and_dashes(text):
    assert normalise_id_number(text) == "11010519491231002X"


def test_normalise_id_number_still_refuses_a_wrong_check_character():
    assert normalise_id_number("310104 19900101 1236") is None
