"""Personal data: validating what citizens give us and masking it wherever it is shown.

ID card numbers follow GB 11643-1999: 17 digits and a check character computed from them.
Masking keeps just enough to recognise a record (a name's first character, a phone
number's first three and last four digits, an ID number's region and last four) and is
applied to logs, transcripts shown to agents and analytics alike.
"""

from __future__ import annotations

import datetime as dt
import re

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_PATTERN = re.compile(
    r"(?<![0-9A-Za-z])([1-9]\d{5})(\d{8})(\d{3})([0-9Xx])(?![0-9A-Za-z])"
)
_PHONE_PATTERN = re.compile(
    r"(?<!\d)(?:\+?86[\s-]?)?(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)"
)
_NAME_PATTERN = re.compile(
    r"(我叫|我的名字是|我的名字叫|姓名[是为:：]?\s*|联系人[是为:：]?\s*|my name is\s+)([\u4e00-\u9fff]{2,4}|[A-Z][a-z]+(?: [A-Z][a-z]+)?)"
)

# A person's name as written on an ID card or passport: 2-6 Chinese characters, parts of
# a minority name joined by "·", or up to five Latin words. A sentence is not a name.
_PERSON_NAME = re.compile(
    r"[\u4e00-\u9fff]{2,6}(?:[·•][\u4e00-\u9fff]{1,10}){0,3}"
    r"|[A-Za-z][A-Za-z'.-]*(?: [A-Za-z][A-Za-z'.-]*){0,4}"
)
# What citizens answer to a question when they have not understood it; each looks like a
# name (two Chinese characters, a Latin word) and is none.
_REPLIES = frozenset(
    {
        "是的",
        "是啊",
        "是呀",
        "对的",
        "对啊",
        "好的",
        "好啊",
        "好吧",
        "可以",
        "行的",
        "嗯嗯",
        "没有",
        "不是",
        "不要",
        "不用",
        "不行",
        "谢谢",
        "你好",
        "您好",
        "知道",
        "明白",
        "收到",
        "确定",
        "同意",
        "算了",
        "什么",
        "不知道",
        "没听懂",
        "yes",
        "no",
        "ok",
        "okay",
        "sure",
        "thanks",
        "thank you",
        "hello",
        "hi",
        "yeah",
        "nope",
        "what",
        "pardon",
        "sorry",
    }
)


def plausible_name(text: str) -> str | None:
    """The name when the text can be one, else None: a form asks again rather than
    storing a complaint, or a "yes", as the applicant's name."""
    name = " ".join(text.split())
    if _is_a_reply(name.lower()):
        return None
    return name if 2 <= len(name) <= 50 and _PERSON_NAME.fullmatch(name) else None


def _is_a_reply(text: str) -> bool:
    """One of ``_REPLIES``, said once or repeated ("好的好的")."""
    return any(
        text == reply * (len(text) // len(reply)) for reply in _REPLIES if reply in text
    )


def id_check_character(first17: str) -> str:
    return _ID_CHECK[
        sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11
    ]


def normalise_id_number(text: str) -> str | None:
    """The ID number in canonical form (upper-case X), or None when it is not valid."""
    candidate = re.sub(r"\s", "", text or "").upper()
    if not re.fullmatch(r"[1-9]\d{16}[0-9X]", candidate):
        return None
    try:
        dt.date(int(candidate[6:10]), int(candidate[10:12]), int(candidate[12:14]))
    except ValueError:
        return None
    return candidate if id_check_character(candidate[:17]) == candidate[17] else None


def normalise_phone(text: str) -> str | None:
    """A mainland mobile number as 11 digits, accepting spaces, dashes and +86."""
    digits = re.sub(r"[\s-]", "", text or "")
    digits = re.sub(r"^(\+?86)", "", digits)
    return digits if re.fullmatch(r"1[3-9]\d{9}", digits) else None


def mask_id_number(number: str) -> str:
    return (
        number[:6] + "*" * 8 + number[-4:] if len(number) == 18 else "*" * len(number)
    )


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) == 11 else "*" * len(phone)


def mask_name(name: str) -> str:
    name = name.strip()
    if not name:
        return name
    if name.isascii():
        return " ".join(part[0] + "*" * (len(part) - 1) for part in name.split())
    return name[0] + "*" * (len(name) - 1)


def mask_personal_data(text: str) -> str:
    """Masks ID numbers, mobile numbers and self-introduced names inside free text."""
    text = _ID_PATTERN.sub(
        lambda m: m.group(1) + "*" * 8 + m.group(3) + m.group(4), text
    )
    text = _PHONE_PATTERN.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    return _NAME_PATTERN.sub(lambda m: m.group(1) + mask_name(m.group(2)), text)
