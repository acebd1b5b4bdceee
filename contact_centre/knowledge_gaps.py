"""What citizens asked that the guides could not answer: the editors' gap report.

Every question of a period is read again through today's search index, so a gap an
editor has since filled no longer shows, and nothing more than the transcript needs to
be kept per turn (the service the conversation was about, for follow-ups). A question
counts once, as the first of these that fits it:

1. ``not_held``: it names a service the catalogue does not hold (``coverage``:
   日本签证, 烟草专卖零售许可证); the answer was "not held".
2. ``no_service``: search finds nothing above its floor.
3. ``weak_match``: search cannot tell two services apart, or its best is a coincidence
   of a word (火车票怎么退 → 临时身份证): neither named in the question nor scoring what
   ``resolution.OFFER_SCORE`` asks of a suggestion.
4. ``unhelpful``: the citizen's next message says the answer did not help (没用, 不对,
   不是这个, 转人工, 没听懂; "not helpful", "wrong", "a person"), or they rated the
   conversation ``LOW_RATING`` or lower after asking it.
5. ``missing_faq``: it is clearly about a catalogued service but asks something past
   the guide's fields (``understanding.compound``'s aspects) that none of the service's
   FAQs asks: 护照照片可以自己拍吗.

Only citizens' questions about guides are read: messages the NLU took for guidance or
could not place (``QUESTION_INTENTS``) that ask something (a question word, a service
named); greetings, form answers and button clicks are not questions. Questions alike
(character bigrams of what is left once question words are taken out, the tokens
search uses: no model) are clustered within a kind, and within a service for the kinds
that have one; clusters are ranked by how many asked. Examples are masked
(``privacy.identity.mask_personal_data``: ID and phone numbers, self-introduced names;
and house numbers in the addresses ``understanding`` finds): showing them is still a
staff read of what citizens wrote, which the adapters put in the audit log.

Public: ``knowledge_gaps``, ``Gap``, ``KINDS``, ``period_start``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from contact_centre.models import ConversationMessage
from contact_centre.repositories.conversations import citizen_messages_between
from contact_centre.repositories.feedback import low_ratings
from foundation import clock
from foundation.errors import ValidationFailed
from knowledge_base.coverage import coverage, named_catalogue_services
from knowledge_base.resolution import OFFER_SCORE, resolve_subject
from knowledge_base.search.build import build_service_index
from knowledge_base.search.ranking import SearchDocument, ServiceIndex
from knowledge_base.search.text import char_bigrams, latin_words, normalise, stem
from knowledge_base.services import get_service
from privacy.identity import mask_personal_data
from understanding import entities_in, questions_in

KINDS = ("not_held", "no_service", "weak_match", "unhelpful", "missing_faq")
EXAMPLES = 3
LOW_RATING = 2
MAX_LIMIT = 500
# Cosine of two questions' bigrams from which they are one cluster: paraphrases
# (火车票怎么退, 请问火车票怎么退票) share most of what is left of them.
ALIKE = 0.5
# Share of a question's bigrams an FAQ's question must hold to answer it.
FAQ_SHARE = 0.5
# The intents of questions about guides: guidance, and what the NLU could not place.
QUESTION_INTENTS = frozenset(
    (
        "ask_service_guide",
        "ask_materials",
        "ask_fee",
        "ask_processing_time",
        "ask_location",
        "ask_office_hours",
        "ask_eligibility",
        "ask_online_handling",
        "nlu_fallback",
        "out_of_scope",
    )
)
# Out of scope is the NLU's call; only a service it names makes such a message a gap.
OUT_OF_SCOPE = "out_of_scope"
REQUEST_HUMAN = "request_human"

# The citizen's next message says the answer did not help.
_UNHELPFUL = re.compile(
    r"没用|没有用|不对|不是这个|不是我要|不是我问|答非所问|转人工|人工客服|找人工|真人"
    r"|没听懂|听不懂|看不懂|没看懂|不明白|什么意思|啥意思"
    r"|\bnot (?:helpful|useful|it|right|what i (?:asked|meant|wanted))\b|\buseless\b"
    r"|\bwrong\b|\bdoesn'?t help\b|\bdidn'?t help\b|\bno help\b"
    r"|\b(?:a|real) (?:person|human)\b|\bhuman agent\b|\btalk to (?:an? )?(?:agent|person)\b"
    r"|\b(?:don'?t|didn'?t|do not|did not) understand\b"
)
# Something is asked: a question word or mark, or an errand (办, 申请, 查, apply).
_ASKS = re.compile(
    r"[?？吗呢么]|办|申请|查|咨询|想问|想知道"
    r"|\b(?:how|what|where|when|which|who|can|do|does|is|apply)\b"
)
# Words that say nothing of what is asked once the service is named.
_FUNCTION_WORDS = re.compile(
    r"请问|一下|可以|需要|什么|怎么|怎样|如何|能不能|可不可以|是不是|有没有|办理|申请"
    r"|[办要的吗呢啊呀吧嘛能我你想个那这是得么啥去到在给帮]"
)
_GENERIC_EN = frozenset(stem(w) for w in ("apply", "get", "need", "want", "make", "do"))
_DIGIT = re.compile(r"[0-9０-９]")


@dataclass(frozen=True)
class Gap:
    """One gap: a cluster of like questions, masked.

    ``title`` names it (the service name not held, or a question of the cluster, with
    its service's name when it has one); ``count`` is how many questions it holds;
    ``examples`` are up to ``EXAMPLES`` of them, the most asked first, and
    ``sample_question`` the first of them, for a draft's test case.
    """

    kind: str
    title: str
    count: int
    examples: tuple[str, ...]
    service_code: str | None
    sample_question: str


@dataclass
class _Question:
    message: ConversationMessage
    kind: str | None = None
    code: str | None = None
    key: str = ""  # what is compared: the name not held, or the question's subject
    missing: str = ""


@dataclass
class _Cluster:
    kind: str
    code: str | None
    questions: list[_Question] = field(default_factory=list)
    grams: Counter[str] = field(default_factory=Counter)


def period_start(
    text: str, *, now: dt.datetime | None = None, name: str = "since"
) -> dt.datetime:
    """When a period given as "7d", "24h" or an ISO date (or date and time) starts.

    Args:
        name: the parameter it was given as, for the error (``since``, ``until``).

    Raises:
        ValidationFailed: anything else, or a moment in the future.
    """
    now = now or clock.now()
    value = (text or "").strip().lower()
    relative = re.fullmatch(r"(\d{1,4})\s*([dh])", value)
    if relative:
        amount, unit = int(relative[1]), relative[2]
        if amount == 0:
            raise ValidationFailed(name, "give a period longer than zero, e.g. 7d")
        if unit == "d" and amount > 3660:
            raise ValidationFailed(name, "at most 3660 days back")
        return now - (
            dt.timedelta(days=amount) if unit == "d" else dt.timedelta(hours=amount)
        )
    try:
        start = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(
            name, "give 7d, 24h or a date such as 2026-12-01"
        ) from None
    if start.tzinfo is not None:
        raise ValidationFailed(name, "give the date in Shanghai time, no offset")
    if start > now:
        raise ValidationFailed(name, "must not be in the future")
    return start


def knowledge_gaps(
    session: Session,
    *,
    since: dt.datetime | dt.date,
    until: dt.datetime | dt.date | None = None,
    limit: int = 50,
    index: ServiceIndex | None = None,
) -> list[Gap]:
    """The gaps citizens ran into from ``since`` to before ``until``, most asked first.

    Args:
        since: the period's start (a day: its midnight), Shanghai time as stored.
        until: its end, excluded; now by default.
        limit: at most this many gaps, 1 to ``MAX_LIMIT``.
        index: the live search index (the process's ``SearchEngine.index``); built
            from ``session`` when not given.

    Raises:
        ValidationFailed: a limit out of range, or ``until`` not after ``since``.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed("limit", f"between 1 and {MAX_LIMIT}")
    start = _moment(since)
    end = _moment(until) if until is not None else clock.now()
    if end <= start:
        raise ValidationFailed("until", "must be after since")
    index = index or build_service_index(session)
    documents = {doc.code: doc for doc in index.documents}
    questions = _questions(session, index, documents, start, end)
    clusters = _clustered(q for q in questions if q.kind is not None)
    clusters.sort(
        key=lambda c: (-len(c.questions), KINDS.index(c.kind), c.code or "", _key(c))
    )
    return [_gap(cluster, documents) for cluster in clusters[:limit]]


def _moment(value: dt.datetime | dt.date) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time())


def _questions(
    session: Session,
    index: ServiceIndex,
    documents: dict[str, SearchDocument],
    start: dt.datetime,
    end: dt.datetime,
) -> list[_Question]:
    by_session: dict[str, list[ConversationMessage]] = defaultdict(list)
    for message in citizen_messages_between(session, start, end):
        by_session[message.session_id].append(message)
    faqs = _FaqQuestions(session)
    # Many ask in the same words: each wording is classified once per context.
    classified: dict[
        tuple[str, str | None, str | None], tuple[_Question, str | None]
    ] = {}
    rated_low = {
        rating.session_id: rating.created_at
        for rating in low_ratings(session, start, end, at_most=LOW_RATING)
    }
    found: list[_Question] = []
    for session_id, messages in by_session.items():
        context: str | None = None
        asked: list[_Question] = []
        for message in messages:
            text = message.text or ""
            if asked and _says_unhelpful(text, message.intent):
                _unhelpful(asked[-1])
            if _is_question(text, message.intent):
                seen = (text, message.intent, context)
                if seen not in classified:
                    first = _Question(message)
                    after = _classify(first, index, documents, faqs, context)
                    classified[seen] = (first, after)
                first, context = classified[seen]
                asked.append(dataclasses.replace(first, message=message))
            stated = (message.payload or {}).get("service")
            if isinstance(stated, str) and stated in documents:
                context = stated
        rated = rated_low.get(session_id)
        if rated is not None:
            before = [q for q in asked if q.message.created_at <= rated]
            if before:
                _unhelpful(before[-1])
        found.extend(asked)
    return found


def _is_question(text: str, intent: str | None) -> bool:
    if intent not in QUESTION_INTENTS or text.startswith("/"):
        return False
    return bool(_ASKS.search(normalise(text)))


def _says_unhelpful(text: str, intent: str | None) -> bool:
    return intent == REQUEST_HUMAN or bool(_UNHELPFUL.search(normalise(text)))


def _unhelpful(question: _Question) -> None:
    """An answer the citizen found unhelpful: unless the question is a gap already."""
    if question.kind in (None, "missing_faq"):
        question.kind = "unhelpful"


def _classify(
    question: _Question,
    index: ServiceIndex,
    documents: dict[str, SearchDocument],
    faqs: _FaqQuestions,
    context: str | None,
) -> str | None:
    """Sets the question's kind (None: answered) and returns the conversation's
    subject after it, as ``resolution`` would have it."""
    text = question.message.text
    missing = coverage(index, text).missing_subject
    if missing is not None:
        question.kind, question.missing = "not_held", normalise(missing.text)
        question.key = question.missing
        return None
    if question.message.intent == OUT_OF_SCOPE:
        return context
    question.key = _subject(text)
    resolution = resolve_subject(index, context_code=context, text=text)
    if resolution.candidates:
        question.kind = "weak_match"
        return context
    if resolution.code is None:
        question.kind = "no_service"
        return context
    code = resolution.code
    question.code = code
    if code != context and not _named_or_strong(index, text, code):
        question.kind = "weak_match"
        return context
    doc = documents.get(code)
    if doc is not None and doc.kind == "service":
        asked = _asked_beyond_the_name(text, doc)
        if asked and not faqs.answers(code, doc, asked):
            question.kind, question.key = "missing_faq", " ".join(asked)
    return code


def _named_or_strong(index: ServiceIndex, text: str, code: str) -> bool:
    if code in named_catalogue_services(index, text):
        return True
    hits = index.search(text, limit=1)
    return bool(hits) and hits[0].code == code and hits[0].score >= OFFER_SCORE


def _subject(text: str) -> str:
    """The question without its question words, for comparing questions."""
    return " ".join(q.subject for q in questions_in(text)) or normalise(text)


def _asked_beyond_the_name(text: str, doc: SearchDocument) -> list[str]:
    """What a question about ``doc`` asks once its names and question words are taken
    out: bigrams and English stems; none for "how do I apply for X" and the like."""
    clauses = questions_in(text)
    asking = [c for c in clauses if c.aspects] or clauses
    rest = " ".join(c.subject for c in asking) or normalise(text)
    return _grams_without(rest, doc)


def _grams_without(text: str, doc: SearchDocument) -> list[str]:
    names = sorted(
        {normalise(n) for n in (doc.name, *doc.names) if n}, key=len, reverse=True
    )
    for name in names:
        text = text.replace(name, " ")
    text = _FUNCTION_WORDS.sub(" ", text)
    english = {
        stem(w)
        for n in (doc.name_en, *doc.names_en)
        if n
        for w in latin_words(normalise(n))
    }
    return [
        *dict.fromkeys(char_bigrams(text)),
        *(
            w
            for w in dict.fromkeys(latin_words(text))
            if w not in english | _GENERIC_EN
        ),
    ]


class _FaqQuestions:
    """The FAQ questions of each service, as bigrams, read once per report."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._known: dict[str, list[set[str]]] = {}

    def answers(self, code: str, doc: SearchDocument, asked: Sequence[str]) -> bool:
        if code not in self._known:
            service = get_service(self._session, code)
            self._known[code] = [
                set(_grams_without(_subject(faq.question), doc))
                | set(_grams_without(_subject(faq.question_en or ""), doc))
                for faq in (service.faqs if service is not None else ())
            ]
        wanted = set(asked)
        return any(
            len(wanted & held) >= FAQ_SHARE * len(wanted) for held in self._known[code]
        )


def _features(question: _Question) -> Counter[str]:
    text = _FUNCTION_WORDS.sub(" ", question.key)
    grams = Counter(char_bigrams(text)) + Counter(latin_words(text))
    return grams or Counter([question.key])


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    dot = sum(n * b[g] for g, n in a.items() if g in b)
    if not dot:
        return 0.0
    return dot / (
        math.sqrt(sum(n * n for n in a.values()))
        * math.sqrt(sum(n * n for n in b.values()))
    )


def _clustered(questions: Iterable[_Question]) -> list[_Cluster]:
    """Each question joins the most alike cluster of its kind and service, if alike
    enough, else starts one; a cluster is compared by all its questions' bigrams."""
    clusters: dict[tuple[str, str | None], list[_Cluster]] = defaultdict(list)
    for question in questions:
        # A service not held is its own subject; a weak match's guess is no subject.
        code = question.code if question.kind in ("unhelpful", "missing_faq") else None
        features = _features(question)
        group = clusters[(question.kind or "", code)]
        best = max(group, key=lambda c: _cosine(features, c.grams), default=None)
        if best is None or _cosine(features, best.grams) < ALIKE:
            best = _Cluster(question.kind or "", code)
            group.append(best)
        best.questions.append(question)
        best.grams.update(features)
    return [cluster for group in clusters.values() for cluster in group]


def _key(cluster: _Cluster) -> str:
    return min(q.key for q in cluster.questions)


def _gap(cluster: _Cluster, documents: dict[str, SearchDocument]) -> Gap:
    examples = _examples(cluster.questions)
    code = cluster.code
    if cluster.kind == "not_held":
        names = Counter(q.missing for q in cluster.questions)
        title = mask_personal_data(names.most_common(1)[0][0])
    else:
        doc = documents.get(code) if code else None
        title = f"{doc.name}: {examples[0]}" if doc is not None else examples[0]
        if cluster.kind == "weak_match":
            guesses = Counter(q.code for q in cluster.questions if q.code)
            code = guesses.most_common(1)[0][0] if guesses else None
    return Gap(
        kind=cluster.kind,
        title=title,
        count=len(cluster.questions),
        examples=examples,
        service_code=code,
        sample_question=examples[0],
    )


def _examples(questions: Sequence[_Question]) -> tuple[str, ...]:
    """The most asked wordings first, each masked and shown once."""
    asked = Counter(masked(q.message.text.strip()) for q in questions)
    return tuple(text for text, _ in asked.most_common(EXAMPLES))


def masked(text: str) -> str:
    """A citizen's message as staff may see it in a report: ID and phone numbers,
    cards, e-mail addresses and self-introduced names masked, and the numbers of the
    house or flat in an address the message gives."""
    text = mask_personal_data(text)
    addresses = [
        (e["start"], e["end"])
        for e in entities_in(text, clock.now())
        if e["entity"] == "address"
    ]
    if not addresses:
        return text
    chars = list(text)
    for start, end in addresses:
        for i in range(start, end):
            if _DIGIT.fullmatch(chars[i]):
                chars[i] = "*"
    return "".join(chars)
