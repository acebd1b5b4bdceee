"""Which language a citizen writes in: the reply's, whatever the widget is set to."""

from __future__ import annotations

import pytest

from understanding.language import detect_language

ENGLISH = [
    "How do I get a residence permit? Where do I go and when is it open?",
    "residence permit",
    "yes",
    "Thanks, that helps",
    "I'm not sure",
    "My order GD26120615424746 has not moved",
]
CHINESE = [
    "居住证怎么办理",
    "好",
    "GD26120615424746 进度",
    "https://zwdt.sh.gov.cn请问怎么登录",
]
ENGLISH_QUOTING_CHINESE = [
    "Where is 徐汇区行政服务中心?",
    "How do I apply for 居住证 in Shanghai",
    "Is 居委会 open on Saturday?",
    "I'd like to register at 不动产登记中心",
    "Opening hours 徐汇区行政服务中心",
]
CHINESE_USING_ENGLISH = [
    "我的residence permit快到期了",
    "请问work permit在哪里办",
    "我想去the Bund",
    "ok了",
    "Hi 你好",
]
TRADITIONAL = ["請問居住證怎麼辦理", "請問residence permit在哪裡辦", "我的護照過期了嗎"]
AMBIGUOUS = [
    "",
    "ok",
    "OK",
    "okay",
    "hi",
    "hello",
    "thx",
    "hhh",
    "A",
    "1",
    "12345",
    "13812345678",
    "+86 138 1234 5678",
    "310101199001011234",
    "31010119900101123X",
    "GD26120615424746",
    "SQ20261206001",
    "https://zwdt.sh.gov.cn/govPortals/index.do",
    "www.sh.gov.cn",
    "zhang.san@163.com",
    "👍",
    "？？",
    "...",
    "/request_human",
]


@pytest.mark.parametrize("default", ["zh", "en"])
@pytest.mark.parametrize("text", ENGLISH + ENGLISH_QUOTING_CHINESE)
def test_detect_language_reads_english_whatever_the_default(text, default):
    assert detect_language(text, default=default) == "en"


@pytest.mark.parametrize("default", ["zh", "en"])
@pytest.mark.parametrize("text", CHINESE + CHINESE_USING_ENGLISH + TRADITIONAL)
def test_detect_language_reads_chinese_whatever_the_default(text, default):
    assert detect_language(text, default=default) == "zh"


@pytest.mark.parametrize("default", ["zh", "en"])
@pytest.mark.parametrize("text", AMBIGUOUS)
def test_detect_language_leaves_text_in_neither_language_to_the_default(text, default):
    assert detect_language(text, default=default) == default


def test_detect_language_defaults_to_chinese_when_no_default_is_given():
    assert detect_language("ok") == "zh"
