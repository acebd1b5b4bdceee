"""Which language to answer in: the one the citizen writes in.

The widget's 中/EN switch, or the conversation's language so far, decides only what
is written in neither language: "ok", numbers, tracking and ID numbers, web
addresses, emoji. Framework-free and called on every message: a few precompiled
regexes, no segmenter.
"""

from __future__ import annotations

import re

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_HAN_RUN = re.compile(f"[{_HAN}]+")
# Written in no language: a run of ASCII holding a digit (GD…/SQ… tracking numbers, ID
# and phone numbers, "3pm") or an address (web, e-mail, "12345.sh.gov.cn"). Runs end at
# a space or a Chinese character, so Chinese written straight after them is still read;
# the lookbehind tries each run once, from its start.
_NOT_WORDS = re.compile(
    r"(?<![!-~])[!-~]*?(?:\d|@|://|www\.|\.(?:cn|com|net|org|gov|edu)\b)[!-~]*",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:['\u2019][A-Za-z]+)?")
# Typed as often in Chinese chat as in English ("ok了", "hi", "hhh", "emm"), so they
# tell nothing. "yes", "no" and "thanks" are not among them: a Chinese writer answers
# 是/好的/谢谢, so those are English, and the expat in a widget set to Chinese, who
# is the reason for this module, gets English back.
_AMBIGUOUS_WORD = re.compile(
    r"o+k+(?:a+y+)?|k+|h+i+|hel+o+|he+y+|(?:bye)+|thx|(?:h+a+)+h*|h+|e*m+|h+m+|lol|\w",
    re.IGNORECASE,
)
# What holds a sentence together, in each language. A proper name quoted in the other
# language seldom contains any of them ("徐汇区行政服务中心", "居住证", "work permit").
# Left out as too common in Shanghai's names: 和 (和平路), 会 (居委会), 就 (就业),
# 都 (成都), 不 alone (不动产登记), 有 alone (有限公司), 请 after 申 (申请).
_ZH_GRAMMAR = re.compile(
    r"[的了吗嗎呢吧啊呀嘛我你您他她们們这這那哪怎什谁誰是在没沒想要还還也很给給把被让讓]"
    r"|(?<!申)[请請]|可以|不[是能会會要用行]|不知道"
)
# Not "a" or "I": a single letter may be a choice ("A"), so it never counts as English.
_EN_GRAMMAR = frozenset(
    [
        "an",
        "the",
        "is",
        "are",
        "am",
        "was",
        "were",
        "be",
        "been",
        "do",
        "does",
        "did",
        "how",
        "what",
        "where",
        "when",
        "which",
        "who",
        "why",
        "can",
        "could",
        "would",
        "should",
        "will",
        "may",
        "must",
        "i'm",
        "i've",
        "i'd",
        "me",
        "my",
        "you",
        "your",
        "we",
        "our",
        "us",
        "it",
        "it's",
        "its",
        "this",
        "that",
        "there",
        "here",
        "to",
        "for",
        "of",
        "in",
        "on",
        "at",
        "by",
        "with",
        "from",
        "about",
        "and",
        "or",
        "but",
        "if",
        "not",
        "don't",
        "doesn't",
        "can't",
        "isn't",
        "what's",
        "where's",
        "please",
    ]
)


def detect_language(text: str, default: str = "zh") -> str:
    """The language a message is written in, so that the reply is written in it too.

    Mixed text is read by its grammar: "Where is 徐汇区行政服务中心?" is English
    quoting a Chinese name, "我的residence permit快到期了" is Chinese using an English
    term. Without grammar in either, each run of Chinese counts as one quoted term
    against the English words.

    Args:
        text: What the citizen typed; a button's payload ("/intent{...}") is no text.
        default: The answer for text in neither language: the language the citizen
            chose in the widget, or the conversation's so far.

    Returns:
        ``"en"``, ``"zh"``, or ``default`` when the text does not tell.
    """
    if not text or text.startswith("/"):
        return default
    text = _NOT_WORDS.sub(" ", text)
    names = _HAN_RUN.findall(text)
    words = [
        word.lower().replace("\u2019", "'")
        for word in _WORD.findall(text)
        if not _AMBIGUOUS_WORD.fullmatch(word)
    ]
    if not words:
        return "zh" if names else default
    if not names:
        return "en"
    zh = len(_ZH_GRAMMAR.findall(text))
    en = sum(word in _EN_GRAMMAR for word in words)
    if zh != en:
        return "zh" if zh > en else "en"
    if len(names) != len(words):
        return "zh" if len(names) > len(words) else "en"
    return default
