"""The work-order draft an agent starts from: what a call transcript already says.

An agent taking a complaint types the same things into every work order: the
category, where it happened (district, street or town, the address), when, and what
the caller wants. This module reads them out of the transcript the agent pasted or
typed (one or several lines, with or without speaker turns such as ``坐席：…`` and
``市民：…``), so the agent checks a filled form instead of filling an empty one.

It owns only the reading of the transcript; every decision is somebody else's and is
taken as they take it:

- the category is the router's (``cases.routing.router``), read from the caller's
  own words, since the agent's greetings and questions say nothing of the complaint;
- the district and street are the locator's (``knowledge_base.locations``), from the
  caller's words first and the agent's read-back only when the caller named no place;
- the address and the time are spans of the text found by the grammars of
  ``understanding`` (and a few duration words here), given as the caller said them,
  never rewritten: the agent corrects a span more quickly than a paraphrase;
- the demand (诉求) is the caller's own clause that asks for something (希望, 要求,
  麻烦, 能不能 …); when the caller asks nothing outright it is the clause that says
  what is wrong, marked as not stated, and never a sentence the caller did not say;
- the handling unit is ``cases.routing.units``' for the category and the place,
  as dispatch would choose it.

Public: ``prefill_work_order(session, router, text, now=…)`` → ``WorkOrderDraft``;
``split_turns(text)`` → the speaker turns of a transcript.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from cases.routing.router import Router, Routing
from cases.routing.units import handling_unit
from foundation import clock
from foundation.errors import NotFoundError
from knowledge_base.locations import Location, Place, locate
from knowledge_base.repositories.work_order_categories import get_category
from knowledge_base.search.text import cjk_runs, normalise
from understanding.addresses import address_spans, place_spans
from understanding.dates import DURATION, FREQUENCY, date_spans
from understanding.spans import Span, without_overlaps

AGENT = "agent"
CITIZEN = "citizen"

# Who speaks, as agents and speech recognition label the turns.
_AGENT_LABELS = ("坐席", "话务员", "接线员", "客服", "工作人员", "热线", "agent", "a")
_CITIZEN_LABELS = (
    "市民",
    "来电人",
    "来电者",
    "来电",
    "群众",
    "居民",
    "用户",
    "caller",
    "citizen",
    "b",
)
_TURN = re.compile(
    r"(?:^|(?<=[\s。！？!?；;，,]))"
    r"(?P<label>"
    + "|".join(
        sorted(
            (re.escape(label) for label in (*_AGENT_LABELS, *_CITIZEN_LABELS)),
            key=len,
            reverse=True,
        )
    )
    + r")\s*[:：]",
    re.IGNORECASE,
)

# --- where -------------------------------------------------------------------------

# Spans this close (nothing, 的 or a pause) are one address: 徐汇区|田林东路.
_ADDRESS_JOINERS = frozenset({"", "的", " "})
# What follows a station or a number and still belongs to the place.
_ADDRESS_TAIL = re.compile(
    r"(?:\d+|[一二三四五六七八九十]{1,3})号?(?:出口|口|门)"
    r"|[东南西北]{1,2}(?:门|口|广场|出口)"
    r"|口(?=[^\u4e00-\u9fff]|[有那这的里边旁外])"
    r"|(?:(?:\d+|[一二三四五六七八九十两]{1,3})(?:号楼|号|栋|幢|楼|单元|室))+"
)
# A road named right after a district or street (大宁路街道延长中路, 南桥镇解放东路):
# the grammar wants a house number for names that read as verbs (延长, 解放), but
# after a division a name ending in 路 is a road. Words that start a clause are not.
_ROAD_AFTER_DIVISION = re.compile(
    r"\s?(?![有在的那这我你他她它把被是了就都也还很太要想去来说走马])"
    r"[\u4e00-\u9fff]{1,4}?[东南西北中]?[一二三四五六七八九]?(?:路|大道|公路)"
    r"(?:(?:\d+|[一二三四五六七八九十]{1,3})(?:号|弄))*"
)
# Landmarks (徐家汇地铁站, 七宝老街) the locator read and the grammar may not have.
_PLACE_SUFFIX = re.compile(
    r"(?:地铁站|火车站|汽车站|公交站|站|老街|古镇|广场|公园|商场|医院|小区|新村|花园"
    r"|苑|路|街|弄|村|万达|市场|菜场|开发区|园区|工业区)"
)

# --- when ---------------------------------------------------------------------------

_CN = "一二两三四五六七八九十几半"
_PARTS_OF_DAY = re.compile(r"凌晨|清晨|早上|上午|中午|下午|傍晚|晚上|夜里|半夜|深夜")
_TIME_TAIL = re.compile(
    r"(?:以后|之后|以前|之前|左右|前后|多|开始|起|那会儿|的时候)"
    rf"|(?:到|至)(?:凌晨|早上|晚上|半夜)?(?:\d{{1,2}}|[{_CN}]{{1,3}})点(?:多|半)?"
)
_TIME_JOINERS = frozenset({"", "的", "，", ",", " "})
# Two stretches say when (这两个礼拜, 每天晚上十一点以后); more are other matters.
_MAX_TIMES = 2
# A precise date needs a day: 晚上十一点 alone is any evening, 每天 every one.
_NAMES_A_DAY = re.compile(r"[天日号月周礼拜期今昨明前]|\d{4}[-/.]")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")

# --- what the caller wants ---------------------------------------------------------

# Strongest first: a clause with 希望 says what is wanted more surely than one with 请.
_DEMAND_CUES = (
    "希望",
    "要求",
    "请求",
    "恳请",
    "强烈要求",
    "麻烦",
    "能不能",
    "能否",
    "可不可以",
    "可以不可以",
    "帮忙",
    "帮我",
    "帮帮",
    "请你们",
    "请相关",
    "请有关",
    "请尽快",
    "请派",
    "请帮",
    "尽快",
    "赶紧",
    "赶快",
    "管一管",
    "管管",
    "处理一下",
    "处理下",
    "来看看",
    "来看一下",
    "查一下",
    "查查",
    "整改",
    "给个说法",
    "退款",
    "退钱",
    "赔偿",
)
# A clause opening with 请 asks (请城管来拆); 请问 asks a question.
_PLEASE = re.compile(r"^请(?!问)")
# 麻烦你了, 麻烦您了: thanks, not a demand.
_POLITE = re.compile(r"^(?:麻烦|帮忙)(?:你|您|你们)?(?:了|啦|哈|一下了)?$")
_CLAUSE_END = re.compile(r"[。！？!?；;\n]+|\.(?:\s+|$)")
_CLAUSE_BREAK = re.compile(r"[，,、：:\s]+")
# An expat's call, typed in English: its words are not clauses, its commas are.
_CLAUSE_BREAK_EN = re.compile(r"\s*[，,、：:]+\s*")
_DEMAND_CUES_EN = re.compile(
    r"\b(?:i want|i'd like|i would like|please|can you|could you|can someone|"
    r"could someone|need someone|i hope|do something|refund|fix|stop)\b",
    re.IGNORECASE,
)
# "I want to complain" says what the call is, not what the caller wants done.
_ONLY_THE_CALL_EN = re.compile(
    r"^(?:i want|i'd like|i would like) to (?:complain|report|make a complaint|"
    r"file a complaint)\b",
    re.IGNORECASE,
)
_FILLERS_EN = re.compile(
    r"^(?:(?:um+|uh+|er+|well|so|ok(?:ay)?|hello|hi|yes|yeah)\b[, ]*)+", re.IGNORECASE
)
_MAX_DEMAND_EN = 120
_FILLERS = re.compile(
    r"^(?:嗯+|啊+|呃+|哦+|喂+|那个|这个|就是说?|然后|所以|反正|对的?|是的|好的|您好|你好"
    r"|[，,。、\s])+"
)
_MAX_DEMAND = 40


@dataclass(frozen=True)
class Turn:
    """One speaker's turn: ``speaker`` is ``agent``, ``citizen`` or None (unlabelled)."""

    speaker: str | None
    text: str


@dataclass(frozen=True)
class WorkOrderDraft:
    """A work order as the transcript fills it; every field may be corrected.

    Attributes:
        category, category_name: the router's category of the caller's words.
        unit, unit_level, unit_reason: the unit that would handle it, its level
            (city, district, street) and why (``cases.routing.units``).
        district, street: divisions of the official list; None when not named.
        place_words: the words that decided the district and street.
        address: the place as the caller said it (徐汇区田林东路88弄).
        occurred: when it happened, as said (每天晚上十一点以后).
        occurred_on: that time as an ISO date or date-time, when it names one day.
        demand: one line of what the caller wants, in the caller's words.
        demand_stated: whether the caller asked for it outright; if not, ``demand``
            is the clause that says what is wrong.
    """

    category: str
    category_name: str
    unit: str | None
    unit_level: str | None
    unit_reason: str | None
    district: Place | None
    street: Place | None
    place_words: tuple[str, ...]
    address: str | None
    occurred: str | None
    occurred_on: str | None
    demand: str | None
    demand_stated: bool


def split_turns(text: str) -> list[Turn]:
    """The speaker turns of a transcript, in order.

    Args:
        text: A transcript with ``坐席：`` / ``市民：`` labels (one line or several),
            or plain text, which is one unlabelled turn.

    Returns:
        The turns with their text stripped; empty turns are left out.
    """
    turns: list[Turn] = []
    labels = list(_TURN.finditer(text))
    if not labels:
        stripped = text.strip()
        return [Turn(None, stripped)] if stripped else []
    before = text[: labels[0].start()].strip()
    if before:
        turns.append(Turn(None, before))
    for label, following in zip(labels, [*labels[1:], None], strict=True):
        end = following.start() if following else len(text)
        said = text[label.end() : end].strip()
        if said:
            turns.append(Turn(_speaker(label["label"]), said))
    return turns


def _speaker(label: str) -> str:
    return AGENT if label.lower() in _AGENT_LABELS else CITIZEN


def callers_words(turns: list[Turn]) -> str:
    """What the caller said (and unlabelled notes), one turn a line."""
    said = [turn.text for turn in turns if turn.speaker != AGENT]
    return "\n".join(said or [turn.text for turn in turns])


def prefill_work_order(
    session: Session,
    router: Router,
    text: str,
    now: datetime | None = None,
    routing: Routing | None = None,
) -> WorkOrderDraft:
    """A work-order draft from a call transcript or an agent's notes.

    Args:
        session: Where the official list of divisions (and the units) is read.
        router: Routes the caller's words to a category.
        text: The transcript as pasted or typed.
        now: When the call is, for relative times (昨天凌晨两点); the clock's now
            by default.
        routing: The routing of ``text`` when the caller already has it; used only
            when ``text`` is the caller's words alone (it has no agent turns).

    Returns:
        The draft. Without an imported list of divisions, district and street are
        None and the address is still read.
    """
    turns = split_turns(text)
    said = callers_words(turns)
    agents = "\n".join(turn.text for turn in turns if turn.speaker == AGENT)
    if routing is None or said != text.strip():
        routing = router.route(said)
    location = _location(session, said) or (
        _location(session, agents) if agents else None
    )
    address = find_address(said, location) or (
        find_address(agents, None) if agents else None
    )
    occurred, occurred_on = find_time(said, now or clock.now())
    demand, stated = find_demand(said, routing.deciding_words)
    unit, level, reason = _unit(session, routing.category, location)
    return WorkOrderDraft(
        category=routing.category,
        category_name=routing.category_name,
        unit=unit,
        unit_level=level,
        unit_reason=reason,
        district=location.district if location else None,
        street=location.street if location else None,
        place_words=tuple(m.text for m in location.evidence) if location else (),
        address=address,
        occurred=occurred,
        occurred_on=occurred_on,
        demand=demand,
        demand_stated=stated,
    )


def _location(session: Session, text: str) -> Location | None:
    try:
        return locate(text, session=session)
    except NotFoundError:
        return None  # no list of divisions imported: the address is still read


def _unit(
    session: Session, category: str, location: Location | None
) -> tuple[str | None, str | None, str | None]:
    """The handling unit, its level and why, as dispatch would choose it now."""
    found = get_category(session, category)
    if found is None:
        return None, None, None
    unit = handling_unit(
        session,
        found,
        location.district.name if location else None,
        location.street.name if location and location.street else None,
    )
    return unit.name, unit.level, unit.reason


# --- where -------------------------------------------------------------------------


def find_address(text: str, location: Location | None = None) -> str | None:
    """The place as the caller said it: the longest run of place words.

    Args:
        text: The caller's words.
        location: What the locator read in ``text``; its landmarks (徐家汇地铁站)
            count as place words where the address grammar has none.

    Returns:
        A stretch of ``text`` (district, street, road and number, estate, station,
        landmark, joined where they follow one another), or None.
    """
    divisions = place_spans(text)
    stops = {span.end for span in divisions}
    specific = address_spans(text, divisions, stops)
    if location is not None and len(normalise(text)) == len(text):
        # The locator's offsets are into the folded text, which here has the same
        # length as the caller's, so they point at the same characters.
        for mention in location.evidence:
            span = _landmark_span(text, mention.start, mention.end)
            (specific if mention.how == "landmark" else divisions).append(span)
    kept = without_overlaps([*specific, *divisions])
    precise = {(span.start, span.end) for span in specific}
    groups = _joined(kept, text, precise)
    if not groups:
        return None
    decided = (
        [(m.start, m.end) for m in location.evidence]
        if location is not None and len(normalise(text)) == len(text)
        else []
    )

    def rank(group: tuple[int, int, bool]) -> tuple[bool, bool, int, int]:
        start, end, specific = group
        # Where the locator read the place, then a road, estate or landmark over a
        # district and street alone, then the longest.
        holds = any(start < e and s < end for s, e in decided)
        return holds, specific, end - start, -start

    start, end, _ = max(groups, key=rank)
    return text[start:end].strip() or None


def _landmark_span(text: str, start: int, end: int) -> Span:
    # 七宝老街, 徐家汇地铁站: the kind of place after a name is part of it.
    kind = _PLACE_SUFFIX.match(text, end)
    if kind is not None:
        end = kind.end()
    return Span(start, end, "address", text[start:end])


def _joined(
    spans: list[Span], text: str, precise: set[tuple[int, int]]
) -> list[tuple[int, int, bool]]:
    """Runs of place spans, each with whether it holds a road, estate or landmark."""
    groups: list[tuple[int, int, bool]] = []
    for span in spans:
        specific = (span.start, span.end) in precise
        if groups and text[groups[-1][1] : span.start] in _ADDRESS_JOINERS:
            start, _, was = groups[-1]
            groups[-1] = (start, span.end, was or specific)
        else:
            groups.append((span.start, span.end, specific))
    widened = []
    for start, end, specific in groups:
        road = None if specific else _ROAD_AFTER_DIVISION.match(text, end)
        if road is not None:
            end, specific = road.end(), True
        tail = _ADDRESS_TAIL.match(text, end)
        widened.append((start, tail.end() if tail else end, specific))
    return widened


# --- when ---------------------------------------------------------------------------


def find_time(text: str, now: datetime) -> tuple[str | None, str | None]:
    """When it happened, as said, and as an ISO date or date-time where it names one.

    Args:
        text: The caller's words.
        now: When the call is; 昨天 counts from it.

    Returns:
        The time words (at most two stretches, joined by a comma: 这两个礼拜每天晚上
        十一点以后, 昨天凌晨两点), and the first one's date or date-time when it
        names a single day (``2025-12-09T02:00``), else None.
    """
    dates = date_spans(text, now)
    found = [
        *dates,
        *(_span(m) for m in DURATION.finditer(text)),
        *(_span(m) for m in FREQUENCY.finditer(text)),
        *(_span(m) for m in _PARTS_OF_DAY.finditer(text)),
    ]
    kept = without_overlaps(found)
    if not kept:
        return None, None
    groups: list[tuple[int, int]] = []
    for span in kept:
        if groups and text[groups[-1][1] : span.start] in _TIME_JOINERS:
            groups[-1] = (groups[-1][0], span.end)
        else:
            groups.append((span.start, span.end))
    stretches = []
    for start, end in groups:
        tail = _TIME_TAIL.match(text, end)
        stretches.append((start, tail.end() if tail else end))
    # A part of the day alone (晚上) is a time only when nothing more precise is said.
    precise = [
        (start, end)
        for start, end in stretches
        if not _PARTS_OF_DAY.fullmatch(text[start:end])
    ]
    chosen = (precise or stretches)[:_MAX_TIMES]
    said = "，".join(text[start:end].strip("，, ") for start, end in chosen)
    days = (_one_day(dates, stretch, text) for stretch in chosen)
    return said, next((day for day in days if day), None)


def _span(match: re.Match[str]) -> Span:
    return Span(match.start(), match.end(), "date", match.group())


def _one_day(dates: list[Span], stretch: tuple[int, int], text: str) -> str | None:
    start, end = stretch
    if FREQUENCY.match(text, start):
        return None  # 每天晚上十一点: every evening, not today's
    for span in dates:
        inside = start <= span.start and span.end <= end
        said = text[span.start : span.end]
        if inside and _ISO.match(span.value) and _NAMES_A_DAY.search(said):
            return span.value
    return None


# --- what the caller wants ---------------------------------------------------------


def find_demand(
    text: str, deciding_words: tuple[str, ...] = ()
) -> tuple[str | None, bool]:
    """What the caller wants, in one line of their own words.

    Args:
        text: The caller's words.
        deciding_words: The words that decided the category; without a demand, the
            clause holding most of them says what is wrong.

    Returns:
        The clause (from its cue to the end of the sentence, at most 40 characters)
        and True when the caller asked for something (希望, 麻烦, 能不能 …); else
        the clause that says what is wrong and False; (None, False) for no text.
    """
    sentences = [s for s in _CLAUSE_END.split(text) if s.strip()]
    best: tuple[int, str] | None = None
    for sentence in sentences:
        clauses = _clauses(sentence)
        for index, clause in enumerate(clauses):
            rank = _demand_rank(clause)
            if rank is None:
                continue
            asked = _one_line(clauses[index:])
            if best is None or rank < best[0]:
                best = (rank, asked)
    if best is not None:
        return best[1], True
    return _what_is_wrong(sentences, deciding_words), False


def _clauses(sentence: str) -> list[str]:
    english = not cjk_runs(sentence)
    return [
        clause.strip()
        for clause in (_CLAUSE_BREAK_EN if english else _CLAUSE_BREAK).split(sentence)
        if clause.strip()
    ]


def _bare(clause: str) -> str:
    """The clause without the fillers of its language (嗯, 那个; um, well)."""
    return (_FILLERS if cjk_runs(clause) else _FILLERS_EN).sub("", clause)


def _demand_rank(clause: str) -> int | None:
    bare = _bare(clause)
    if not cjk_runs(clause):
        cue = _DEMAND_CUES_EN.search(bare)
        if cue is None or _ONLY_THE_CALL_EN.match(bare):
            return None
        return cue.start()
    if not bare or _POLITE.match(bare) or bare.startswith("请问"):
        return None
    ranks = [rank for rank, cue in enumerate(_DEMAND_CUES) if cue in bare]
    if not ranks and _PLEASE.match(bare):
        return len(_DEMAND_CUES)  # 请城管来拆: asked, if less surely than with 希望
    return min(ranks) if ranks else None


def _one_line(clauses: list[str]) -> str:
    english = not cjk_runs(clauses[0])
    joiner, limit = (", ", _MAX_DEMAND_EN) if english else ("，", _MAX_DEMAND)
    line = _bare(clauses[0])
    for clause in clauses[1:]:
        if len(line) + len(joiner) + len(clause) > limit:
            break
        line += joiner + clause
    if len(line) <= limit or not english:
        return line[:limit]
    return line[:limit].rsplit(" ", 1)[0]  # an English line ends at a word


def _what_is_wrong(sentences: list[str], deciding_words: tuple[str, ...]) -> str | None:
    clauses = [_bare(clause) for sentence in sentences for clause in _clauses(sentence)]
    clauses = [clause for clause in clauses if len(clause) >= 2]
    if not clauses:
        return None
    folded = [normalise(clause) for clause in clauses]
    scores = [sum(1 for word in deciding_words if word in f) for f in folded]
    best = max(range(len(clauses)), key=lambda i: (scores[i], -i))
    if scores[best] == 0:
        best = 0
    return _one_line(clauses[best:])
