"""A message that praises a unit or its staff is known by rule.

The intent model learns from hundreds of complaints and a few dozen praises, and a
praise tells of the same things a complaint does (a traffic policeman at a school
gate, a doctor who visits): "表扬一下我们小区门口的交警，每天早上护送小学生过马路" read
as a complaint at full confidence. Yet a citizen who says 表扬, 点赞 someone, sends a
锦旗, or thanks a named unit for what it did, and complains of nothing, can mean one
thing only. Thanks to the assistant itself ("谢谢你的帮助") or for a rating of it
("服务挺好的，点个赞") name no one else and stay with the model; so does anything that
also complains or asks for something, as a complaint closing with "谢谢" does.

Praise that names nobody ("我要表扬") cannot be passed on; the chat asks whom and for
what, and ``says_whom_or_what`` tells when it has been told.
"""

from __future__ import annotations

import re

PRAISE = "give_praise"

# Words that praise whoever they are said of.
_PRAISING = re.compile(
    r"表扬|送锦旗|送面锦旗|送一面锦旗|写表扬信|表扬信|好人好事|"
    r"\b(?:praise|praised|compliment|commend)\b|pass on (?:my|our) (?:thanks|gratitude)",
    re.IGNORECASE,
)
# Approval that praises whoever it is given to, when that is someone named.
_APPROVING = re.compile(
    r"点赞|点个赞|竖大拇指|夸一夸|夸夸|好评|\b(?:thumbs up|kudos)\b", re.IGNORECASE
)
# Thanks that praise only when said of someone named, for what they did.
_THANKING = re.compile(
    r"感谢|谢谢|多谢|致谢|谢意|感激|"
    r"\bthanks?\b|\bthank you\b|\bgrateful\b|\bappreciate\b",
    re.IGNORECASE,
)
_SOMEONE = re.compile(
    r"工作人员|民警|警察|交警|消防|医生|护士|大夫|老师|师傅|队员|城管|干部|阿姨|叔叔|"
    r"司机|驾驶员|接线员|话务员|网格员|社工|环卫|保安|物业|街道|居委|村委|社区|派出所|"
    r"部门|单位|窗口|医院|学校|政府|[局所站队]的|"
    r"\b(?:officers?|staff|operators?|nurses?|doctors?|police|policemen|drivers?|teams?|"
    r"whoever|teachers?|firefighters?|workers?|volunteers?|office|centre|center|"
    r"station|bureau|hospital|committee)\b",
    re.IGNORECASE,
)
# What the one thanked did: thanks for something done, not for a promise.
_DONE = re.compile(
    r"帮|处理了|处理得|解决了|修好|办好|办成|落实|及时|耐心|热情|负责|辛苦|很快|当天|"
    r"第二天|马上就|找回|救|护送|上门|"
    r"\b(?:helped|help|helpful|fixed|handled|solved|sorted|found|rescued|patient|kind|"
    r"quick|quickly|wonderful|great|brilliant|efficient)\b",
    re.IGNORECASE,
)
# Thanks for an earlier report handled: praise of whoever handled it.
_REPORT_HANDLED = re.compile(
    r"(?:上次|之前|前几天|前两天|上个月|上周)[^。！!]{0,12}(?:反映|投诉|报修|打电话|来电)"
    r"[^。！!]{0,20}(?:处理|解决|修好|办好|落实)|"
    r"\b(?:my|our) (?:report|complaint)\b[^.!]{0,40}\b(?:fixed|handled|solved|sorted)\b",
    re.IGNORECASE,
)
# A message that also complains is no praise, whatever else it says.
_COMPLAINING = re.compile(
    r"投诉|举报|不满|态度差|态度不好|态度恶劣|太差|很差|差劲|不作为|推诿|刁难|敷衍|"
    r"没人管|没人理|没人处理|不处理|不管|乱收费|索要|红包|表示表示|暗示|骗|"
    r"\b(?:complain|complaint|rude|nobody|never|unhappy|terrible|worst)\b",
    re.IGNORECASE,
)
# One that asks for something is left to the model: it may be a request with thanks.
_ASKING = re.compile(
    r"希望|恳请|请求|尽快|能否|能不能|可不可以|要求|建议|怎么办|为什么|吗[？?]?$|"
    r"\b(?:why|please (?:fix|help|check|look)|can you|could you)\b",
    re.IGNORECASE,
)
# The words that only say a citizen wants to praise, not whom or for what.
_PRAISE_ALONE = re.compile(
    r"我(?:们)?|想|要|一下|给|向|对|你们|您们|谁|某人|表扬|点赞|称赞|赞扬|夸奖|夸一夸|夸|"
    r"感谢|谢谢|致谢|送锦旗|锦旗|可以|能|吗|呢|吧|怎么|如何|[，。！？,.!?~～\s]|"
    r"\b(?:i|we|would|like|want|wish|to|d|can|how|do|please|a|an|the|some|someone|"
    r"somebody|praise|compliment|commend|thank|thanks|give|send|say|make|"
    r"compliments)\b|'",
    re.IGNORECASE,
)
# Longer than this, a message is a letter: praise is told in a few sentences, and a
# letter that thanks is mostly a complaint closing politely ("请尽快解决，万分感谢").
MAX_CHARS = 80
MAX_WORDS = 40


def praise_intent(text: str) -> str | None:
    """``PRAISE`` for a short message that praises someone and complains of nothing,
    or None to leave it to the model."""
    text = (text or "").strip()
    if _too_long(text) or _COMPLAINING.search(text) or _ASKING.search(text):
        return None
    if _PRAISING.search(text):
        return PRAISE
    if _APPROVING.search(text) and _SOMEONE.search(text):
        return PRAISE
    if _THANKING.search(text) and (
        (_SOMEONE.search(text) and _DONE.search(text)) or _REPORT_HANDLED.search(text)
    ):
        return PRAISE
    return None


def may_praise(text: str) -> bool:
    """Whether the model may read a message as praise: it says a word of praise or
    thanks and complains of nothing. A complaint naming a unit ("A市交警总队逼迫孕妇
    辞职") or hinting at a gift ("班主任在家长群里暗示教师节要表示表示") is no praise
    whatever the model reads: as praise it would be closed unhandled."""
    text = text or ""
    praising = _PRAISING.search(text) or _APPROVING.search(text)
    return bool(praising or _THANKING.search(text)) and not _COMPLAINING.search(text)


def says_whom_or_what(text: str) -> bool:
    """Whether the praise says more than that the citizen wants to give it: "我要表扬"
    alone names nobody to pass it on to, "表扬社区王阿姨" does."""
    rest = _PRAISE_ALONE.sub(" ", text)
    cjk = re.findall(r"[\u4e00-\u9fff]", rest)
    words = re.findall(r"[A-Za-z0-9]+", rest)
    return len(cjk) >= 2 or len(words) >= 2 or (len(cjk) >= 1 and len(words) >= 1)


def _too_long(text: str) -> bool:
    if re.search(r"[\u4e00-\u9fff]", text):
        return len(text) > MAX_CHARS
    return len(text.split()) > MAX_WORDS
