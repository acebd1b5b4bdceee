"""Messages that ask several things at once, cut into the questions they hold.

Citizens write the way they would ask at a counter: "居住证怎么办？要带什么？另外护照多少钱"
is three questions about two services, and answering only the first leaves them to
ask again. A message is cut at sentence ends, at the words that start another question
(另外, 还有, 顺便, also…) and at commas; each clause is read for the aspects it asks
(``knowledge_base.answers.ASPECTS``). Whether a clause names a service of its own is
the catalogue's call (``answer_plan``): one that names none ("要带什么？") asks about the
service before it.

Everything here is regular expressions compiled once, because it runs on every
guidance message: ``answer_plan`` gives up after them, before any search, for a message
that asks one thing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from knowledge_base.coverage import coverage, named_catalogue_services
from knowledge_base.resolution import OFFER_SCORE, Resolution, resolve_subject
from knowledge_base.search.ranking import ServiceIndex
from knowledge_base.search.text import normalise

# What asks each aspect, on normalised text (simplified, lower case). Written from how
# citizens ask, Shanghainese included (几钿: how much; 啥地方: where; 哪能: how).
_ASPECT_CUES = {
    "materials": (
        r"材料|证件|资料|要带|带(?:些|点)?(?:什么|啥|哪些)|提供(?:什么|啥|哪些)"
        r"|提交(?:什么|啥|哪些)|准备(?:些)?(?:什么|啥|哪些)"
        r"|(?:要|需要)(?:些)?(?:什么|啥|哪些)(?:东西)?(?=[吗呢啊呀?？,，。!！;；\s]|$)"
        r"|\bdocuments?\b|\bpaperwork\b|\bpapers\b|\bbring\b"
        r"|\bwhat (?:do|does|will) (?:i|you|we|it) need\b"
    ),
    "fee": (
        r"多少钱|几钿|几块钱|收费|费用|税费|要钱|收钱|花钱|免费|付费|交钱|价格|价钱"
        r"|收不收|要不要钱|钱吗|钱伐|(?:交|缴|付)多少"
        r"|\bhow much\b|\bcosts?\b|\bfees?\b|\bcharges?\b|\bfree\b|\bpay\b|\bprice\b"
    ),
    "time": (
        r"多久|多长|多少时间|几天|多少天|几个工作日|多少个工作日|几个月|时限|多快"
        r"|什么时候(?:能|可以|才能)?(?:拿|好|办好|出|到|下来|批)"
        r"|\bhow long\b|\bhow many (?:days|weeks|months)\b|\bprocessing time\b"
        r"|\bhow soon\b|\bwhen (?:can|will|do) (?:i|we) (?:get|receive|collect)\b"
    ),
    "location": (
        r"在哪|去哪|到哪|哪里|哪儿|哪边|什么地方|啥地方|地址|地点|办理点"
        r"|哪个(?:地方|窗口|部门|单位|机构|派出所|民政局|中心|街道|医院)"
        r"|\bwhere\b|\baddress\b|\blocation\b|\bwhich office\b"
    ),
    "hours": (
        r"几点|开门|关门|上班|下班|办公时间|工作时间|营业时间|开放时间|周末|周六|周日"
        r"|星期[六天日]|礼拜[六天日]|节假日|双休"
        r"|\bopening hours\b|\bopen\b|\bclose[sd]?\b|\bhours\b|\bweekends?\b"
        r"|\bsaturdays?\b|\bsundays?\b"
    ),
    "eligibility": (
        r"条件|资格|谁(?:可以|能|有资格)|哪些人|什么人(?:可以|能)|符合|几岁|多大年纪"
        r"|满几年|能不能申请|可以申请吗|能申请吗"
        r"|\bwho can\b|\beligib\w*|\bqualif\w*|\brequirements?\b|\bcriteria\b"
    ),
    "online": (
        r"网上|网络上|线上|网办|在线|手机|随申办|小程序|一网通办|公众号|网站|官网|(?<![a-z])app(?![a-z])"
        r"|\bonline\b|\bwebsite\b|\binternet\b|\bweb\b"
    ),
    # Asked only when a clause asks nothing more precise: 怎么收费 asks the fee.
    "overview": (
        r"怎么|怎样|如何|咋|哪能|流程|步骤|手续|程序"
        r"|\bhow\b(?! (?:much|long|many|soon|often)\b)|\bprocess\b|\bprocedures?\b"
        r"|\bsteps\b"
    ),
}
_CUE = re.compile(
    "|".join(f"(?P<{aspect}>{cues})" for aspect, cues in _ASPECT_CUES.items())
)

# Where one question ends and the next may begin. A connector begins a clause; commas,
# enumeration commas and spaces between Chinese words end one.
_CONNECTORS_ZH = (
    r"另外|此外|还有(?!没有|吗)|还想问|顺便|以及|再问一下|再问下|再请问|另问"
)
_QUESTION_WORDS_EN = (
    r"how|where|when|what|which|who|whom|can|could|do|does|is|are|will|should|would"
)
_BOUNDARY = re.compile(
    r"[。！？!?；;:：\n]+"
    r"|\.(?=\s|$)"
    r"|[，,、]"
    r"|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])"
    rf"|(?=(?:{_CONNECTORS_ZH}))"
    r"|\s(?=(?:and also|also|plus|as well as)\b)"
    rf"|\s(?=and\s+(?:{_QUESTION_WORDS_EN})\b)"
)
_CONNECTOR = re.compile(
    rf"^(?:{_CONNECTORS_ZH}|and also\b|also\b|plus\b|as well as\b|and\b)[\s,，]*"
)
# 身份证、护照分别在哪办: the aspects asked go to every service listed before.
# A message asks something when it holds any of these (吗, 怎么, 能不能, a question
# mark, an English question's opening word).
_QUESTION = re.compile(
    r"[?？]|吗|呢|伐|怎么|怎样|如何|哪|什么|啥|几时|多少|能不能|可不可以|能否|是否|"
    r"有没有|要不要|会不会|请问|想问|咨询|了解|想知道|请教|吧(?=\W*$)|"
    r"办理|想办|要办|申请|补办|开具|"
    r"^\W*(?:how|what|where|when|which|who|why|can|could|is|are|do|does|should|may|"
    r"will|would)\b|\b(?:wondering|want to know|would like to know)\b|"
    r"\b(?:do|does|can|could|should|is|are|must) (?:i|we|you|it|they)\b|"
    r"\bi (?:need|would like)\b|"
    r"\bwant to (?:register|apply|get|open|know|renew|change|find)\b",
    re.IGNORECASE,
)
_TELLER_ZH = re.compile(r"我|阿拉|俺")
_TELLER_EN = re.compile(r"\b(?:i|i'm|i've|we|my|our|me|us)\b", re.IGNORECASE)
NARRATIVE_CHARS = 20
NARRATIVE_WORDS = 10
_DISTRIBUTIVE = re.compile(r"分别|各自|\brespectively\b")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_TRAILING = re.compile(r"[\s,，、.。!！?？;；:：]+$")


@dataclass(frozen=True)
class Question:
    """One clause of a message and what it asks.

    ``start``/``end`` index the message as typed; ``subject`` is the clause normalised,
    its question words taken out: what is left to name a service, if anything.
    """

    start: int
    end: int
    text: str
    aspects: tuple[str, ...]
    subject: str
    added: bool = False
    distributive: bool = False


@dataclass(frozen=True)
class Step:
    """One answer to give: an aspect of the subject resolved, or the choice to offer."""

    resolution: Resolution
    aspect: str


def questions_in(text: str) -> list[Question]:
    """The clauses of a message, in order, each with the aspects it asks.

    Args:
        text: the message as typed, simplified or traditional, Chinese or English.

    Returns:
        Clauses with a word in them; an aspect is listed once per clause, in the order
        asked, and ``overview`` only when the clause asks nothing more precise.
    """
    folded = _aligned(text)
    questions: list[Question] = []
    start = 0
    for boundary in _BOUNDARY.finditer(folded):
        if boundary.start() > start:
            questions.extend(_question(text, folded, start, boundary.start()))
        start = max(start, boundary.end())
    questions.extend(_question(text, folded, start, len(folded)))
    return questions


def asks_several(questions: Sequence[Question]) -> bool:
    """Whether clauses may hold more than one question: worth resolving each.

    Two aspects asked, or a later clause that begins with 另外/also; commas alone
    ("我想问一下，社保卡丢了，怎么补办") are how one question is told.
    """
    asked = sum(len(question.aspects) for question in questions)
    return asked > 1 or any(
        question.added or question.distributive for question in questions[1:]
    )


def answer_plan(
    index: ServiceIndex,
    text: str,
    *,
    mentions: Sequence[tuple[str, int | None]] = (),
    context_code: str | None = None,
) -> list[Step]:
    """The answers a message asks for, in order, when it asks for more than one.

    Clauses that name no service join the one before; each group is resolved on its own
    words, so 另外护照呢 does not inherit the first service. Aspects of one service are
    given together, each once; a group that asks nothing of a service named elsewhere
    adds nothing, and one asking nothing at all asks for the overview.

    Args:
        index: the catalogue's search index.
        text: the message as typed.
        mentions: service entities the NLU found, with where they start in ``text``.
        context_code: the service the conversation was already about, for clauses
            before the first that names one.

    Returns:
        The steps, or an empty list when the message asks one thing: the caller then
        answers it as it always has.
    """
    questions = questions_in(text)
    if not asks_several(questions):
        return []
    groups = _grouped(index, questions)
    resolved: list[tuple[Resolution, list[str]]] = []
    for number, group in enumerate(groups):
        start, end = group[0].start, group[-1].end
        own = [value for value, at in mentions if at is not None and start <= at < end]
        aspects = list(dict.fromkeys(a for q in group for a in q.aspects))
        # The clause that names the service, without the questions that follow it,
        # whose words (领, 备案, 营业执照) would lead search elsewhere. Only the first
        # may name none and so mean the service of the conversation.
        resolution = resolve_subject(
            index,
            mentions=own,
            context_code=context_code if number == 0 else None,
            text=text[start : group[0].end],
        )
        if resolved and _still_about(resolved[-1][0], resolution):
            resolved[-1][1].extend(aspects)
        else:
            resolved.append((resolution, aspects))
    _distribute(groups, resolved)
    steps = _steps(resolved)
    return steps if len(steps) > 1 else []


def _aligned(text: str) -> str:
    """The message normalised character for character, so offsets stay the typed ones."""
    folded = normalise(text)
    if len(folded) == len(text):
        return folded
    return "".join((normalise(char) or char)[:1] for char in text)


def _question(text: str, folded: str, start: int, end: int) -> list[Question]:
    clause = folded[start:end]
    lead = _CONNECTOR.match(clause.lstrip())
    start += len(clause) - len(clause.lstrip()) + (lead.end() if lead else 0)
    end = start + len(_TRAILING.sub("", folded[start:end]).rstrip())
    clause = folded[start:end]
    if not clause.strip():
        return []
    found = [(match.lastgroup, match.start()) for match in _CUE.finditer(clause)]
    precise = [aspect for aspect, _ in found if aspect != "overview"]
    aspects = precise or [aspect for aspect, _ in found]
    subject = _CUE.sub(" ", clause).strip()
    return [
        Question(
            start=start,
            end=end,
            text=text[start:end],
            aspects=tuple(dict.fromkeys(a for a in aspects if a is not None)),
            subject=subject,
            added=lead is not None and bool(lead.group()),
            distributive=bool(_DISTRIBUTIVE.search(clause)),
        )
    ]


def _names_a_subject(index: ServiceIndex, question: Question) -> bool:
    """Whether a clause names a service itself rather than asking about the last one.

    Chinese is read for the catalogue's names and for a name it does not hold;
    English, which those do not read, by a strong search hit on the words left once
    the question words are gone ("renew my driving licence").
    """
    if not question.subject:
        return False
    if named_catalogue_services(index, question.text):
        return True
    missing = coverage(index, question.text).missing_subject
    if missing is not None:
        # 几天出证, 手机上备案: a question read as a name is no name of its own.
        return not _CUE.search(normalise(missing.text))
    if _CJK.search(question.subject):
        return False
    hits = index.search(question.subject, limit=1)
    return bool(hits) and hits[0].score >= OFFER_SCORE


def _still_about(before: Resolution, resolution: Resolution) -> bool:
    """狗证年审在哪里办 after 养犬登记: a clause the catalogue cannot place on its own
    that may well mean the service just asked about is taken to mean it."""
    if before.code is None or resolution.is_clear:
        return False
    return before.code in {hit.code for hit in resolution.candidates}


def _grouped(index: ServiceIndex, questions: list[Question]) -> list[list[Question]]:
    groups: list[list[Question]] = []
    for question in questions:
        if _names_a_subject(index, question):
            groups.append([question])
        elif not groups:
            # 你好，… or 我是外地来的，…: asks nothing and names nothing.
            if question.aspects:
                groups.append([question])
        else:
            groups[-1].append(question)
    return groups


def _distribute(
    groups: list[list[Question]], resolved: list[tuple[Resolution, list[str]]]
) -> None:
    """身份证、护照分别在哪办: services listed bare take the aspects asked after them."""
    for number, group in enumerate(groups):
        if not any(q.distributive for q in group):
            continue
        before = number - 1
        while before >= 0 and not resolved[before][1]:
            resolved[before][1].extend(resolved[number][1])
            before -= 1


def _steps(resolved: list[tuple[Resolution, list[str]]]) -> list[Step]:
    asked: dict[str, list[str]] = {}
    for resolution, aspects in resolved:
        if resolution.code is not None:
            asked.setdefault(resolution.code, []).extend(aspects)
    steps: list[Step] = []
    given: set[tuple[str | None, str]] = set()
    for resolution, aspects in resolved:
        code = resolution.code
        if code is None:
            if resolution.candidates or resolution.missing:
                step = Step(resolution, (aspects or ["overview"])[0])
                if step not in steps:
                    steps.append(step)
            continue
        wanted = list(dict.fromkeys(asked[code])) or ["overview"]
        if resolution.kind == "bundle":
            wanted = ["overview"]
        for aspect in wanted:
            if (code, aspect) not in given:
                given.add((code, aspect))
                steps.append(Step(resolution, aspect))
    return steps


def tells_what_happened(text: str) -> bool:
    """Whether a message tells what happened to the citizen rather than asks anything.

    "你好，我在门诊做了个检查，收了八百多块，后来发现单子上有好几项根本没做" names no
    category's words and no service, yet no citizen writes so much about themselves
    to ask nothing: it is a matter to report. A message counts when it is long (at
    least ``NARRATIVE_CHARS`` characters, or ``NARRATIVE_WORDS`` English words), is
    told by the citizen (我, 阿拉, I, my…), and asks nothing: no question mark or
    question word, no wish to learn (想了解, 想知道) or to apply for something.
    """
    if _QUESTION.search(text):
        return False
    if _CJK.search(text):
        return len(_CJK.findall(text)) >= NARRATIVE_CHARS and bool(
            _TELLER_ZH.search(text)
        )
    words = re.findall(r"[a-z']+", text.lower())
    return len(words) >= NARRATIVE_WORDS and bool(_TELLER_EN.search(text))
