"""Personal data: validating what citizens give us and masking it wherever it is shown.

ID card numbers follow GB 11643-1999: 17 digits and a check character computed from them.
Masking keeps just enough to recognise a record (a name's first character, a phone
number's first three and last four digits, an ID number's region and last four) and is
applied to logs, transcripts shown to agents and analytics alike.

``mask_personal_data`` reads a message the way a citizen or a speech recogniser writes it:
it first folds full-width forms and Unicode dashes to ASCII one character for one
(``fold_width``), then finds numbers written in groups ("138 0000 1234",
"310104-19900101-1236", "幺三八…") and names after an introduction ("本人张伟",
"my name is …"), and masks them in place: every other character stays where it was, so
the masked text has the length of the original.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from functools import partial
from typing import NamedTuple

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
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


# Full-width ASCII (U+FF01-U+FF5E), the ideographic space and the dashes people and input
# methods put between digit groups, each replaced by one ASCII character: folding never
# changes a position, so what is found in the folded text is masked in the original.
_FOLD = str.maketrans(
    {
        **{chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)},
        "\u3000": " ",
        "\u00a0": " ",
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63", "-"),
    }
)


def fold_width(text: str) -> str:
    """The text with full-width forms, odd spaces and dashes as ASCII, one for one.

    Args:
        text: any text.

    Returns:
        A string of the same length, ``"１３８－0000"`` becoming ``"138-0000"``.
    """
    return text.translate(_FOLD)


def normalise_id_number(text: str) -> str | None:
    """The ID number in canonical form (upper-case X), or None when it is not valid.

    Full-width characters, spaces and dashes between the groups are accepted.
    """
    candidate = re.sub(r"[\s-]", "", fold_width(text or "")).upper()
    if not re.fullmatch(r"[1-9][0-9]{16}[0-9X]", candidate):
        return None
    try:
        dt.date(int(candidate[6:10]), int(candidate[10:12]), int(candidate[12:14]))
    except ValueError:
        return None
    return candidate if id_check_character(candidate[:17]) == candidate[17] else None


def normalise_phone(text: str) -> str | None:
    """A mainland mobile number as 11 digits, accepting full width, spaces, dashes and
    +86 or 0086."""
    digits = re.sub(r"[\s-]", "", fold_width(text or ""))
    digits = re.sub(r"^(?:\+?86|0086)", "", digits)
    return digits if re.fullmatch(r"1[3-9][0-9]{9}", digits) else None


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


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


class PersonalItem(NamedTuple):
    """One piece of personal data found in a text: ``text[start:end]`` shows as
    ``masked``, which has the same length."""

    kind: str  # "id_number", "mobile", "landline", "bank_card", "email" or "name"
    start: int
    end: int
    masked: str


def mask_personal_data(text: str) -> str:
    """Masks ID numbers, phone numbers, bank cards, e-mail addresses and
    self-introduced names inside free text, in place.

    Args:
        text: what a citizen wrote or said, or a line about to be logged.

    Returns:
        The text with each item of ``find_personal_data`` masked; every other
        character is kept where it was.
    """
    items = find_personal_data(text)
    if not items:
        return text
    pieces = []
    position = 0
    for item in items:
        pieces.append(text[position : item.start])
        pieces.append(item.masked)
        position = item.end
    pieces.append(text[position:])
    return "".join(pieces)


def find_personal_data(text: str) -> list[PersonalItem]:
    """The personal data in a text, in order, without overlaps.

    Args:
        text: any text.

    Returns:
        One ``PersonalItem`` per ID number, mobile or landline number, bank card
        number, e-mail address and name given after an introduction.
    """
    if not text:
        return []
    # Most lines hold no full-width digit or letter: skip the copy (2 µs a line).
    folded = text.translate(_FOLD) if _FOLDABLE.search(text) else text
    # Runs of digits never overlap one another nor a name; an address may hold either
    # ("13800001234@qq.com", "my name is zhangwei@qq.com") and is masked as one.
    emails = _emails(text, folded) if "@" in folded else []
    items = list(emails)
    for run in _NUMBER_RUN.finditer(folded):
        # Fewer than seven characters cannot hold seven digits: no number worth masking.
        if run.end() - run.start() >= 7:
            for number in _numbers_in_run(text, folded, run):
                if not _overlaps(number, emails):
                    items.append(number)
    for intro in _NAME_INTRO.finditer(folded):
        name = _introduced_name(text, folded, intro)
        if name is not None and not _overlaps(name, emails):
            items.append(name)
    items.sort(key=lambda item: item.start)
    return items


def _overlaps(item: PersonalItem, items: list[PersonalItem]) -> bool:
    """Whether ``item`` overlaps one of ``items``, which are in order and disjoint."""
    before_end = bisect_left(items, item.end, key=lambda other: other.start) - 1
    return before_end >= 0 and items[before_end].end > item.start


def _star(original: str, offsets: Iterable[int]) -> str:
    """``original`` with the characters at ``offsets`` replaced by ``*``."""
    chars = list(original)
    for offset in offsets:
        chars[offset] = "*"
    return "".join(chars)


# The characters whose folding matters to what is searched: full-width digits, letters,
# ＋－＠（）：． and the odd spaces and dashes. Chinese punctuation (，？) can stay.
_FOLDABLE = re.compile(
    "[\uff08\uff09\uff0b\uff0d\uff0e\uff10-\uff1a\uff20-\uff3a\uff41-\uff5a"
    "\u3000\u00a0"
    "\u2010-\u2015\u2212\ufe58\ufe63]"
)

# --- numbers ----------------------------------------------------------------------------
#
# A number is found as a run of digit groups joined by single separators (a space or two,
# a dash), in the folded text. Runs are cut into consecutive groups that together read as
# a mobile, landline, ID or bank card number, so "13800001234 2026年" keeps its year and
# "2026-12-06" (eight digits) is no number at all. A run that touches a letter on its left
# belongs to a code (GD20261206123456) and is left alone.

# Digits read out by a speech recogniser, or typed that way.
_CHINESE_DIGITS = str.maketrans("〇零一幺二三四五六七八九", "001123456789")
_GROUP = r"(?:[0-9]+(?:[Xx](?![A-Za-z]))?|[〇零一幺二三四五六七八九]{3,})"
_SEPARATOR = r"(?: ?- ?| {1,2})"
_NUMBER_RUN = re.compile(rf"(?<![0-9A-Za-z]){_GROUP}(?:{_SEPARATOR}{_GROUP})*")
_GROUP_IN_RUN = re.compile(r"[0-9]+[Xx]?")
_SEPARATORS = re.compile(_SEPARATOR)

# Region, a birth date from 1800 to 2099, sequence and check; any grouping of 18 digits
# with a plausible birth date is an ID number, even with a wrong check character.
_ID_SHAPE = re.compile(
    r"[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
    r"[0-9]{3}[0-9Xx]"
)
_MOBILE_PREFIXES = {11: "", 12: "0", 13: "86", 15: "0086"}
# Before a landline written without its area code, only these make it a phone number:
# "电话 62345678" or "(021)62345678", never a bare eight-digit date such as 20261206 nor
# "发票号码12345678".
_LOCAL_CONTEXT = tuple(
    _words("电话 电话号码 座机 座机号码 固话 联系号码 传真 联系方式 tel phone fax")
)
_AREA_CODE = re.compile(r"\(0[0-9]{2,3}\)$")
# The longest number worth reading: 19 digits of a bank card.
_LONGEST = 19


def _numbers_in_run(text: str, folded: str, run: re.Match[str]) -> list[PersonalItem]:
    start, end = run.span()
    written = run.group()
    if not written.isascii():
        written = written.translate(_CHINESE_DIGITS)
    if written.isdigit():
        # One group of ASCII digits, the common case, read as a whole.
        found = _classify(written, lambda: True, folded, start)
        if found is None:
            return []
        return [PersonalItem(found[0], start, end, _star(text[start:end], found[1]))]
    # The whole run next ("138 0000 1234", "310104 19900101 1236"): the common case.
    digits = written.replace(" ", "").replace("-", "")
    found = _classify(digits, partial(_written_as_a_card, written), folded, start)
    if found is not None:
        places = [i for i, char in enumerate(written) if char not in " -"]
        masked = _star(text[start:end], (places[i] for i in found[1]))
        return [PersonalItem(found[0], start, end, masked)]
    if len(digits) <= 8:
        return []  # too short to cut: a date (2026-12-06)
    groups = [g.span() for g in _GROUP_IN_RUN.finditer(written)]
    # Digits before each group: a cut from group i to group j holds the digits
    # digits[before[i]:before[j + 1]].
    before = [0]
    for group_start, group_end in groups:
        before.append(before[-1] + group_end - group_start)
    items = []
    first = 0
    while first < len(groups):
        found = None
        # The longest cut first ("138 0000 1234" whole), of at most 19 digits.
        top = bisect_right(before, before[first] + _LONGEST) - 2
        for last in range(min(top, len(groups) - 1), first - 1, -1):
            size = before[last + 1] - before[first]
            if size < 7:
                break
            if first == 0 and last == len(groups) - 1:
                continue  # the whole run, read above
            # A quick look at size and first digit skips most cuts of a long run of
            # short groups ("0 1 0 1 …" in a logged array); _classify decides.
            if size < 16:
                lead = digits[before[first]]
                if not (
                    (lead == "1" and size == 11)
                    or (lead == "8" and size == 13)
                    or (lead == "0" and (10 <= size <= 12 or size == 15))
                    or (first == 0 and size <= 8)
                ):
                    continue
            elif size != 18 and not _card_grouping(before, first, last):
                continue
            found = _classify(
                digits[before[first] : before[last + 1]],
                partial(_card_grouping, before, first, last),
                folded if first == 0 else None,
                start,
            )
            if found is not None:
                break
        if found is None:
            first += 1
            continue
        kind, hidden = found
        # Where each hidden digit is in the text: its group's start plus its offset.
        offsets = [
            groups[group][0] + digit - before[group]
            for digit in (before[first] + i for i in hidden)
            for group in (bisect_right(before, digit) - 1,)
        ]
        item_start, item_end = start + groups[first][0], start + groups[last][1]
        masked = _star(
            text[item_start:item_end], (o + start - item_start for o in offsets)
        )
        items.append(PersonalItem(kind, item_start, item_end, masked))
        first = last + 1
    return items


def _classify(
    digits: str, card_grouping: Callable[[], bool], folded: str | None, start: int
) -> tuple[str, range] | None:
    """What a number reads as, with the positions of the digits to hide.

    Args:
        digits: the number's digits, separators removed.
        card_grouping: whether it is written as a bank card is (asked only at 16-19).
        folded: the text, when a landline without area code may be read from what
            precedes ``start``; None when it may not.
    """
    size = len(digits)
    if size < 7 or size > _LONGEST or not digits[:-1].isdigit():
        return None  # an X is an ID number's last character or nothing
    if size == 18 and (digits[-1] in "Xx" or _ID_SHAPE.fullmatch(digits)):
        return "id_number", range(6, 14)
    if digits[-1] in "Xx":
        return None
    if size >= 16:
        return ("bank_card", range(size - 4)) if card_grouping() else None
    prefix = _MOBILE_PREFIXES.get(size)
    if (
        prefix is not None
        and digits.startswith(prefix)
        and digits[len(prefix)] == "1"
        and digits[len(prefix) + 1] in "3456789"
    ):
        return "mobile", range(size - 8, size - 4)
    if digits[0] == "0":
        # Area codes: 010 and 020-029 have three digits, all others (0[3-9]xx) four.
        area = 3 if digits[1] in "12" else 4
        if (
            size >= 10
            and (digits[1] != "1" or digits[2] == "0")
            and digits[area] not in "01"
            and 7 <= size - area <= 8
        ):
            return "landline", range(area, size - 4)
        return None
    if size <= 8 and folded is not None and _local_context(folded, start):
        return "landline", range(size - 4)
    return None


def _written_as_a_card(written: str) -> bool:
    *fours, tail = _SEPARATORS.split(written)
    return len(tail) <= 4 and all(len(group) == 4 for group in fours)


def _card_grouping(before: list[int], first: int, last: int) -> bool:
    """One group, or written as a card is printed: 6222 0212 3456 7890 123."""
    return before[last + 1] - before[last] <= 4 and all(
        before[group + 1] - before[group] == 4 for group in range(first, last)
    )


def _local_context(folded: str, start: int) -> bool:
    """A landline without its area code is one only after 电话, tel, (021) …"""
    before = folded[max(0, start - 12) : start].rstrip(":是为 ").lower()
    return before.endswith(_LOCAL_CONTEXT) or (
        before.endswith(")") and _AREA_CODE.search(before) is not None
    )


# --- e-mail addresses -------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+*@-])([A-Za-z0-9._%+-]+)@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
    r"\.[A-Za-z]{2,}(?![A-Za-z])"
)


def _emails(text: str, folded: str) -> list[PersonalItem]:
    """The local part is hidden but its first character; the domain says little."""
    return [
        PersonalItem(
            "email",
            m.start(),
            m.end(1),
            _star(text[m.start() : m.end(1)], list(range(1, len(m.group(1))))),
        )
        for m in _EMAIL.finditer(folded)
    ]


# --- names ------------------------------------------------------------------------------
#
# Without a named-entity model a name is recognised only where the speaker introduces
# it. A strong introduction ("我叫", "姓名", "my name is") is followed by a name or by
# nothing; a weak one ("我是", "本人", "申请人", "I am", "this is") is as often followed
# by "外地人", "需提供" or "calling about", so what follows it must start with a common
# surname (Chinese) or a capital letter (English) to count.

_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
_NAME_INTRO = re.compile(
    r"(?=[我名姓联申收本这老妻丈爱儿女孩爸妈父母MmCcFfNnIiTt])"
    r"(?:(?P<strong>我叫|(?:我的)?名字(?:是|叫|:)|姓名(?:是|为)?|本人(?:名?叫|姓名(?:是|为)?)"
    rf"|名叫|我姓[{_HAN}][,，]?叫"
    r"|(?:老婆|老公|妻子|丈夫|爱人|儿子|女儿|孩子|爸爸|妈妈|父亲|母亲|我爸|我妈)(?:的名字)?叫"
    # "Name:" opens a form's line; "service name:" names no person.
    r"|(?i:\bmy name is\b|\bmy name's\b|\bfull name ?:|(?<![A-Za-z] )\bname ?:))"
    # "申请人" is also the subject of every guidance text: "申请人需提供…".
    r"|(?P<weak>本人是?|我是|这里是|这边是|(?:联系|申请|收件)人(?:是|为)?"
    r"|(?i:\bi am\b|\bi['’]m\b|\bthis is\b|\bit['’]s\b|\bcall me\b)))"
    r"[: ]{0,2}(?:(?:Mr|Mrs|Ms|Miss|Dr)\.? ?)?"
    rf"(?P<name>[{_HAN}]{{1,4}}(?:[·•][{_HAN}]{{1,10}}){{0,3}}"
    r"|[A-Za-z][A-Za-z'-]*(?: [A-Za-z][A-Za-z'-]*){0,2})"
)
# What follows a name and cannot be part of one: it ends the name.
_AFTER_NAME = re.compile(
    "身份|证件|电话|手机|号码|联系|地址|微信|邮箱|先生|女士|小姐|老师|阿姨|叔叔|师傅"
    "|同志|大爷|大妈|奶奶|爷爷|经理|主任|家住|住在|现住|今年|今天|现在|目前|然后|已经"
    "|一直|之前|刚才|因为|所以|但是|可是|麻烦|咨询|投诉|反映|举报|办理|申请|需要|怎么"
    "|什么|工作|学生|出生|性别|民族|年龄|来自|户籍|这个|那个|信息|一致|拼音|变更|有误"
    "|必须|必填|格式|字段|一栏|不对"
    "|[的是在住我你他她们要想了着过把被让给到没不很这那哪啥么呢吗吧啊呀哦嗯说就也都还又"
    "再去来从对请问帮找打办用做能会该得岁号男女人区县市省镇乡村街路写错改填里等与及栏项个即]"
)
# About 250 common surnames, less those that begin everyday words after "我是" or "本人"
# (于, 和, 向, 成, 明, 高 …: "本人于", "我是成年人", "我是高中生").
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎"
    "贺顾毛郝龚邵万钱严覃武戴莫孔汤常温康施文牛樊葛邢齐易乔伍庞颜倪庄聂章鲁岳翟殷詹欧耿"
    "兰焦俞左柳甘祝宁尚符舒阮柯纪梅童凌毕季裴霍涂苗谷盛曲翁冉骆蓝游辛靳柴蒙鲍喻祁蒲滕屈"
    "饶牟艾尤穆卓缪褚娄窦戚岑景宫费卜冷晏席卫米柏宗瞿桂佟臧邬卞姬栾隋刁沙荣巫寇桑郎甄仲"
    "虞敖巩佘池查麻苑迟邝封谈匡鞠惠荆冀郁胥储栗燕楚鄢劳谌奚皮粟冼蔺闻厉伊仝郜阚屠豆朴"
)
_COMPOUND_SURNAMES = frozenset(
    {"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙"}
    | {"宇文", "司徒", "夏侯", "令狐", "端木", "西门", "南宫", "独孤", "申屠", "呼延"}
)
# Words after "我是"/"本人" that begin with a surname and are places or roles.
_NOT_NAMES_ZH = frozenset(
    {"黄浦", "徐汇", "杨浦", "金山", "徐州", "苏州", "武汉", "温州", "郑州", "沈阳"}
    | {"常州", "常住", "江苏", "江西", "石家", "马上", "白领", "文员", "程序", "谢谢"}
    | {"周末", "周边", "曾经", "任何", "万一", "方便", "方面", "付款", "费用", "游客"}
    | {"卫生", "何时", "蒋家", "龙华", "钱塘", "宁波", "宁夏", "余杭", "韩国", "蒙古"}
    | {"柳州", "金华", "苗族", "贵州", "温岭", "冯家", "陆家", "曹家", "蒲东", "顾客"}
)
_ENGLISH_STOPS = _words(
    "and or but from in at on to with for of about my me i the a an is am was are"
    " not calling here living speaking please who you your he she we they it this that"
    " want would like need have has had will can could call phone mobile number tel"
    " email id live work working ok okay thanks thank yes no hello hi sir madam just"
    " also so very really"
)
# Capitalised words after "I am" or "this is" that are no name.
_NOT_NAMES_EN = _words(
    "chinese english american british canadian australian french german japanese"
    " korean indian russian italian spanish foreign foreigner sorry not calling here"
    " looking trying writing asking fine good happy shanghai pudong china urgent"
    " important monday tuesday wednesday thursday friday saturday sunday january"
    " february march april may june july august september october november december"
    " mr mrs ms miss dr huangpu xuhui changning jing'an jingan putuo hongkou yangpu"
    " minhang baoshan jiading songjiang qingpu fengxian chongming jinshan"
)
# Lower-case pinyin surnames: a speech recogniser writes "i am zhang wei".
_PINYIN_SURNAMES = _words(
    "wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo lin luo zheng"
    " liang xie song tang han feng deng cao peng zeng xiao tian dong yuan pan jiang cai"
    " du ye cheng su wei lv lu ding ren shen yao cui zhong tan fan jin shi liao jia"
    " xia fang bai zou meng xiong qin qiu yin xue yan duan lei hou long tao gu mao hao"
    " gong shao qian dai kong kang niu"
)


def _introduced_name(
    text: str, folded: str, intro: re.Match[str]
) -> PersonalItem | None:
    start = intro.start("name")
    candidate = intro.group("name")
    weak = intro.group("weak") is not None
    if candidate[0] >= "\u3400":
        size = _chinese_name_size(folded, start, candidate, weak)
    else:
        size = _latin_name_size(candidate, weak)
    if size < 2:
        return None
    original = text[start : start + size]
    masked = mask_name(original)
    if len(masked) != size:  # a name is matched with single spaces; never expected
        masked = original[0] + "*" * (size - 1)
    return PersonalItem("name", start, start + size, masked)


def _chinese_name_size(folded: str, start: int, candidate: str, weak: bool) -> int:
    # A two-character word such as 电话 may begin on the candidate's last character.
    after = _AFTER_NAME.search(folded, start, start + len(candidate) + 1)
    size = min(after.start() - start, len(candidate)) if after else len(candidate)
    if not weak:
        return size
    if candidate[:2] in _COMPOUND_SURNAMES:
        return min(size, 4) if size >= 3 else 0
    if candidate[0] not in _SURNAMES or candidate[:2] in _NOT_NAMES_ZH:
        return 0
    return min(size, 3)


def _latin_name_size(candidate: str, weak: bool) -> int:
    words = candidate.split(" ")
    kept: list[str] = []
    for word in words:
        if word.lower() in _ENGLISH_STOPS or (weak and not word[0].isupper()):
            break
        kept.append(word)
    if weak and kept and kept[0].lower() in _NOT_NAMES_EN:
        return 0
    if (
        weak
        and not kept
        and len(words) >= 2
        and words[0] in _PINYIN_SURNAMES
        and words[1].isalpha()
        and words[1] not in _ENGLISH_STOPS
    ):
        # Lower case after a weak introduction: a pinyin surname and a given name.
        kept = words[:2]
    return len(" ".join(kept))
