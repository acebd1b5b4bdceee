"""Traditional input is read in simplified characters without moving any entity."""

from __future__ import annotations

import pytest

from understanding.characters import simplified


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("居住證在哪裡辦理", "居住证在哪里办理"),
        ("我想辦結婚登記，另外公積金怎麼提取", "我想办结婚登记，另外公积金怎么提取"),
        ("樓上噪音擾民，請幫忙處理", "楼上噪音扰民，请帮忙处理"),
        ("臺灣通行證", "台湾通行证"),
    ],
)
def test_simplified_reads_traditional_characters_as_simplified(written, read):
    assert simplified(written) == read


@pytest.mark.parametrize(
    "text",
    ["我想办居住证", "How do I get a residence permit?", "GD26120615424746", ""],
)
def test_simplified_leaves_simplified_and_latin_text_alone(text):
    assert simplified(text) == text


def test_simplified_keeps_the_length_of_any_text_it_converts():
    text = "我的residence permit快到期了，護照也過期了，乾隆年間的著作"
    assert len(simplified(text)) == len(text)
