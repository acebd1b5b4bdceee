"""Whether a citizen's message reports an emergency happening now, and which.

Rules, not a model: a model can be outvoted by a busy form or a confident intent, and a
missed fire costs more than any wrong guess elsewhere. ``patterns`` holds the words of
each kind; this module decides whether a match counts.

A match counts unless its context says otherwise. The context is only read when
something matched, so most messages cost one search per kind and script:

1. the words around it mean something else (等着火车, 跳楼价, 落水管, 打人工客服);
2. it is negated, general or a topic: "没有着火", "防止溺水", "着火的时候", "起火事件";
3. it is past, unless its clause says it is happening now: "上次着火的赔偿";
4. it is in a letter to officials (addressed so, or 150 characters and more), which
   narrates: only what the letter says is happening now counts;
5. it is over or in care: "火已经灭了", "已经送医院了", "住院";
6. it is a condition, a worry or a hazard complaint: "如果着火了", "担心会起火",
   "存在火灾隐患", "消防通道被堵";
7. it is a habit: "孩子老是爬窗台", "这个路口经常出车祸";
8. it is a story, news, a drill or a lesson: "新闻里说…", "消防演练";
9. it sits beside paperwork (insurance, fees, applications): people in danger do not
   ask about compensation in the same breath — unless they also cry for help;
10. for words as common in complaints as in emergencies (``Level.WEAK``): complaint
    framing, habit, duration and questions about procedure, unless they cry for help.

Self-harm is handled for recall. Ideation ("不想活了", "I want to kill myself") counts
whatever paperwork, condition or story surrounds it; only negation, the past, a few
idioms (跳楼价, 自杀式, "排队排到想死") and, in a letter, being about someone else stop
it. "想死的心都有了" and the like count as a gentle check-in unless the message says
what exasperates the citizen (a procedure, a queue, a website, a complaint): then it is
the idiom. Borderline messages therefore get a crisis line and a person, not silence.

Measured on ``tests/data/emergencies.yml`` (``tests/safety/test_triage.py -s``): every
labelled message right; on five rounds of messages written after the patterns, before
each round's fixes, 0.71-0.78 of emergencies found and 0-5 ordinary messages flagged
per round of 34-73; 3 of 18,783 real citizen messages (TipDM 2020) flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from knowledge_base.search.text import normalise
from safety import patterns as p
from safety.fast_regex import compile_fast
from safety.kinds import Kind
from safety.lines import numbers_for
from safety.patterns import Level

# When one message describes several emergencies, the reply leads with the first of
# these: the scene before its consequences (a fire that hurt someone is a fire, a
# traffic accident already includes the ambulance), and self-harm before the injury
# it caused.
PRIORITY: tuple[Kind, ...] = (
    Kind.FIRE,
    Kind.GAS_LEAK,
    Kind.TRAFFIC_INJURY,
    Kind.DROWNING,
    Kind.VIOLENCE,
    Kind.SELF_HARM,
    Kind.PERSON_IN_DANGER,
    Kind.MEDICAL,
)


@dataclass(frozen=True)
class Emergency:
    """An emergency a message reports.

    Attributes:
        kind: What is happening, the one the reply leads with.
        numbers: Numbers to call, the first one first (``("119",)``; for traffic
            injuries ``("120", "110", "122")``), then those of ``also``.
        evidence: The words that showed it, as found in the normalised message.
        also: Further kinds the same message describes (a stabbing that bleeds is
            violence, also medical).
        imminent: False only for self-harm talk without an act or a means in sight,
            which is answered with a crisis line first and 120/110 second. Someone
            else about to take their life is imminent: the citizen cannot call a
            crisis line for them.
    """

    kind: Kind
    numbers: tuple[str, ...]
    evidence: tuple[str, ...]
    also: tuple[Kind, ...] = field(default=())
    imminent: bool = True

    @property
    def kinds(self) -> tuple[Kind, ...]:
        return (self.kind, *self.also)


_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_SPACE_IN_CJK = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_SPACES = re.compile(r"\s+")
_SENTENCE_BREAK = re.compile(r"[。!?;\n]|\.(?=\s|$)")
_CLAUSE_BREAK = re.compile(r"[。!?;\n,、…~:]|\.(?=\s|$)|\s-\s")


def prepare(text: str) -> str:
    """The form every pattern is written against.

    ``normalise`` (full-width to half-width, lower case, traditional to simplified),
    then 著 folded into 着 (著火: simplified text keeps 著 where traditional wrote it),
    the spaces a speech recogniser puts between Chinese characters dropped and runs of
    spaces made one.
    """
    text = normalise(text).replace("著", "着")
    text = _SPACE_IN_CJK.sub("", text)
    return _SPACES.sub(" ", text).strip()


@dataclass(frozen=True)
class _Rule:
    kind: Kind
    level: Level
    exclude: re.Pattern[str] | None


@dataclass(frozen=True)
class _KindMatcher:
    kind: Kind
    # One alternation per kind and script, the rule told by ``lastgroup``. Chinese
    # rules cannot match without a Chinese character, English ones (mixed included)
    # without a Latin letter: a message is only searched with those it can match.
    chinese: re.Pattern[str] | None
    english: re.Pattern[str] | None
    rules: dict[str, _Rule]

    def patterns(self, has_cjk: bool, has_latin: bool) -> list[re.Pattern[str]]:
        chosen = (
            self.chinese if has_cjk else None,
            self.english if has_latin else None,
        )
        return [pattern for pattern in chosen if pattern is not None]


@dataclass(frozen=True)
class _Context:
    booster: re.Pattern[str]
    negation_before: re.Pattern[str]
    negation_after: re.Pattern[str]
    hypothetical: re.Pattern[str]
    hazard: re.Pattern[str]
    aftermath: re.Pattern[str]
    letter: re.Pattern[str]
    first_person: re.Pattern[str]
    past: re.Pattern[str]
    present: re.Pattern[str]
    resolved: re.Pattern[str]
    fiction: re.Pattern[str]
    paperwork: re.Pattern[str]
    complaint: re.Pattern[str]
    habit: re.Pattern[str]
    duration: re.Pattern[str]
    procedure: re.Pattern[str]
    exasperation: re.Pattern[str]
    imminent: re.Pattern[str]


_LATIN_WORD = re.compile(r"[a-z]{3,}")
_HAS_CJK = re.compile(rf"[{_CJK}]")
_HAS_LATIN = re.compile(r"[a-z]")


def _compile_kind(kind: Kind, rules: list[p.Rule]) -> _KindMatcher:
    groups: dict[bool, list[str]] = {False: [], True: []}
    table: dict[str, _Rule] = {}
    # Strong rules first: at one position the first alternative that matches wins.
    order = {
        Level.IDEATION: 0,
        Level.STRONG: 0,
        Level.IDIOM: 1,
        Level.CRY: 1,
        Level.WEAK: 2,
        Level.BOOSTED: 3,
    }
    ranked = sorted(enumerate(rules), key=lambda item: (order[item[1][0]], item[0]))
    for index, (level, pattern, exclude) in ranked:
        name = f"r{index}"
        groups[_LATIN_WORD.search(pattern) is not None].append(f"(?P<{name}>{pattern})")
        table[name] = _Rule(
            kind=kind,
            level=level,
            exclude=compile_fast(exclude) if exclude else None,
        )
    chinese, english = (
        compile_fast("|".join(groups[script])) if groups[script] else None
        for script in (False, True)
    )
    return _KindMatcher(kind=kind, chinese=chinese, english=english, rules=table)


@lru_cache(maxsize=1)
def _matchers() -> tuple[_KindMatcher, ...]:
    return tuple(_compile_kind(kind, p.RULES[kind]) for kind in PRIORITY)


@lru_cache(maxsize=1)
def _context() -> _Context:
    return _Context(
        booster=compile_fast(p.BOOSTER),
        negation_before=compile_fast(p.NEGATION_BEFORE),
        negation_after=compile_fast(p.NEGATION_AFTER),
        hypothetical=compile_fast(p.HYPOTHETICAL),
        hazard=compile_fast(p.HAZARD),
        aftermath=compile_fast(p.AFTERMATH),
        letter=compile_fast(p.LETTER),
        first_person=compile_fast(p.FIRST_PERSON),
        past=compile_fast(p.PAST),
        present=compile_fast(p.PRESENT),
        resolved=compile_fast(p.RESOLVED),
        fiction=compile_fast(p.FICTION),
        paperwork=compile_fast(p.PAPERWORK),
        complaint=compile_fast(p.COMPLAINT),
        habit=compile_fast(p.HABIT),
        duration=compile_fast(p.DURATION),
        procedure=compile_fast(p.PROCEDURE),
        exasperation=compile_fast(p.EXASPERATION),
        imminent=compile_fast(p.IMMINENT),
    )


def compile_patterns() -> None:
    """Compile every pattern now rather than on the first message (for a warm start)."""
    _matchers()
    _context()


def triage(text: str) -> Emergency | None:
    """Whether a message reports an emergency happening now.

    Args:
        text: The message as the citizen wrote it: Chinese (simplified or
            traditional, full- or half-width), English or both.

    Returns:
        The emergency, or None for an ordinary message.
    """
    if not text:
        return None
    prepared = prepare(text)
    found: list[tuple[Kind, str, Level]] = []
    # Context that concerns the whole message, worked out at the first match only.
    booster: bool | None = None
    letter = False
    has_cjk = _HAS_CJK.search(prepared) is not None
    has_latin = _HAS_LATIN.search(prepared) is not None
    for matcher in _matchers():
        evidence: tuple[str, Level] | None = None
        for pattern in matcher.patterns(has_cjk, has_latin):
            start = 0
            while evidence is None:
                match = pattern.search(prepared, start)
                if match is None:
                    break
                rule = matcher.rules[str(match.lastgroup)]
                if booster is None:
                    letter = len(prepared) >= p.LETTER_LENGTH or bool(
                        _context().letter.search(prepared)
                    )
                    booster = not letter and bool(_context().booster.search(prepared))
                if _counts(rule, match, prepared, booster=booster, letter=letter):
                    evidence = (match.group(), rule.level)
                # A match that does not count may hide one that does, inside it.
                start = match.start() + 1
        if evidence is not None:
            found.append((matcher.kind, *evidence))
    if any(level is not Level.CRY for _, _, level in found):
        # A bare cry for help adds nothing to a message that says what is happening.
        found = [each for each in found if each[2] is not Level.CRY]
    if not found:
        return None
    kind = found[0][0]
    also = tuple(other for other, _, _ in found[1:])
    # Someone else about to take their life, or a fresh cut, is as urgent as an act in
    # the citizen's own words: 120 and 110 first, the crisis lines after.
    imminent = (
        Kind.SELF_HARM not in (kind, *also)
        or any(k is Kind.SELF_HARM and level is Level.STRONG for k, _, level in found)
        or bool(_context().imminent.search(prepared))
    )
    numbers: list[str] = []
    for each in (kind, *also):
        for number in numbers_for(each, imminent=imminent):
            if number not in numbers:
                numbers.append(number)
    return Emergency(
        kind=kind,
        numbers=tuple(numbers),
        evidence=tuple(words for _, words, _ in found),
        also=also,
        imminent=imminent,
    )


def _span(breaks: re.Pattern[str], text: str, start: int, end: int) -> tuple[int, int]:
    """The clause or sentence around ``text[start:end]``."""
    left = 0
    for found in breaks.finditer(text, 0, start):
        left = found.end()
    right_match = breaks.search(text, end)
    return left, right_match.start() if right_match else len(text)


def _counts(
    rule: _Rule, match: re.Match[str], text: str, *, booster: bool, letter: bool
) -> bool:
    """Whether one match reports an emergency, given the words around it."""
    c = _context()
    start, end = match.span()
    clause_start, clause_end = _span(_CLAUSE_BREAK, text, start, end)
    sentence_start, sentence_end = _span(_SENTENCE_BREAK, text, start, end)
    sentence = text[sentence_start:sentence_end]
    if rule.exclude is not None:
        # Strong words are only undone by what stands right beside them (等着火车);
        # weak ones by anything in their sentence (烟囱…冒黑烟).
        if rule.level in (Level.STRONG, Level.IDEATION):
            scope = text[max(clause_start, start - 8) : min(clause_end, end + 8)]
        else:
            scope = sentence
        if rule.exclude.search(scope):
            return False
    if c.negation_before.search(text, clause_start, start) or c.negation_after.match(
        text[end:clause_end]
    ):
        return False
    now = c.present.search(text, clause_start, clause_end) is not None
    # "去年着火了" is past; "上次的赔偿还没给，现在着火了" is not: the clause says now.
    if c.past.search(text, sentence_start, clause_end) and not now:
        return False
    if rule.level is Level.CRY:
        # The cry is its own booster: it cannot vouch for itself.
        booster = False
    if rule.level is Level.IDEATION:
        # A letter quotes others' despair ("病人根本活不下去"); the writer's own counts.
        return (
            not letter
            or c.first_person.search(text, clause_start, clause_end) is not None
        )
    # A letter to officials narrates; only what it says is happening now counts.
    if letter and not now:
        return False
    if not booster and (c.resolved.search(text) or c.aftermath.search(text)):
        return False
    if c.hypothetical.search(text, sentence_start, start):
        return False
    if c.hazard.search(text) and not (booster or now):
        return False
    # "孩子老是爬窗台", "这里经常出车祸": a habit is a complaint, whatever the words.
    if c.habit.search(text, clause_start, clause_end) and not booster:
        return False
    if rule.level in (Level.IDIOM, Level.CRY):
        # Beside a procedure or a complaint the idiom is exasperation, not despair.
        return not (c.exasperation.search(text) or c.complaint.search(text))
    strong = rule.level is Level.STRONG
    if c.fiction.search(sentence if strong else text):
        return False
    if booster:
        return True
    if c.paperwork.search(text):
        return False
    if strong:
        return True
    if rule.level is Level.BOOSTED:
        return False
    return not (
        c.complaint.search(text)
        or c.habit.search(text)
        or c.duration.search(text)
        or c.procedure.search(text)
    )
