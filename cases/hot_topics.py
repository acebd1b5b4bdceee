"""Hot topics (热点): many citizens reporting one problem at one place in one period.

Managers see, for the last ``days``, the clusters of similar reports ranked by how
many reported. A topic is one problem at one place, whether or not every report is
the same event, so it is read more loosely than ``cases.duplicates`` joins events:

- **One place.** Two reports are compared only when they name the same place: an
  estate or road, or an organisation or named site (郝家坪小学, 余易贷平台, 58车贷案),
  never in two districts. A "place" named in reports of several districts is a phrase
  and not a place (公交线路, 影响小区), and is not one to compare on.
- **One problem.** Two reports that both name a problem of the vocabulary
  (``data/report_words.yml``) and disagree are two problems. Otherwise they are as
  alike as their words, weighed by rarity over the batch (TF-IDF of character bigrams
  and the problems named), so problems outside the vocabulary (forced internships, a
  lending fraud, a school's places) are grouped too.
- **No chains.** Clusters grow by centroid link: two join only when their centroids
  are alike, so a letter about water cuts in one estate does not join its noise
  complaints through one letter naming both.

Ranking, best first: the number of reports in the period; then likes, where the
source has them (a message board, where readers add their voice to a letter); then
growth, ``count / max(previous_count, 1)`` over the period of the same length before
it (a topic new this week with 6 reports grows 6x; one steady at 6 a week, 1x).
Examples are the reports most central to the topic; its title, its most named place
and the problem most of its reports name.

``hot_topics`` is pure; ``recent_hot_topics`` reads the work orders of the last two
periods from the database and calls it.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from cases.duplicates import (
    SAME_EVENT_THRESHOLD,
    Report,
    described,
    different_spots,
    problems_differ,
    similarity,
    wording,
)
from cases.report_words import named_sites, place_name, report_words
from cases.repositories.work_orders import reported_between
from foundation import clock
from privacy.identity import mask_personal_data

# The cosine of two clusters' TF-IDF centroids at which they join. On the message
# board 0.2 joins the 50-odd letters of each of its two largest issues (a mixing
# plant's noise, parking spaces sold with flats); 0.3 splits each in two, and 0.4
# leaves most of their letters in pieces.
TOPIC_THRESHOLD = 0.2
MIN_REPORTS = 2
EXAMPLES = 3
# A place named in reports of this many districts is a phrase, not a place.
PHRASE_DISTRICTS = 3
# Pairs less alike than this are left out: they barely move a centroid, and leaving
# them out keeps the clustering sparse.
NEGLIGIBLE = 0.05
TITLE_WORDS = 2
HEAD_CHARS = 200
_HOUSE_NUMBER = re.compile(r"[0-9一二三四五六七八九十]+(?:弄[0-9]*|号|栋|期)?$")


@dataclass(frozen=True)
class HotTopic:
    title: str  # place and problem, e.g. "田林街道 宜山路钦州路口 路灯", masked
    district: str | None
    street: str | None
    category: str | None
    count: int  # reports in the period
    previous_count: int  # reports in the period of the same length before it
    growth: float  # count / max(previous_count, 1)
    first_seen: dt.datetime
    last_seen: dt.datetime
    examples: tuple[str, ...]  # up to 3 reports, personal data masked
    keys: tuple[str, ...]  # the period's reports
    likes: int = 0  # the reports' likes, where the source has them


def hot_topics(
    reports: Sequence[Report],
    now: dt.datetime,
    days: int = 7,
    top: int = 10,
    likes: Mapping[str, int] | None = None,
    events: Mapping[str, str] | None = None,
) -> list[HotTopic]:
    """The top clusters of similar reports of the last ``days``.

    Args:
        reports: Reports of at least the last ``2 * days`` (older ones are ignored).
        now: The end of the period.
        days: Its length.
        top: At most this many topics.
        likes: Likes by report key, where the source has them.
        events: The event each report was filed under, by report key, where the
            centre joined reports of one event (``cases.merging``): one topic always.

    Returns:
        Topics of at least two reports in the period, best first (see the module).
    """
    likes = likes or {}
    period = dt.timedelta(days=days)
    start, previous_start = now - period, now - 2 * period
    recent = [r for r in reports if previous_start < r.reported_at <= now]
    # Topics are read from each report's opening: a letter says there what it is
    # about, and its long remainder makes unrelated letters alike (and slow to read).
    heads = [replace(r, text=r.text[:HEAD_CHARS]) for r in recent]
    places = _places(heads)
    vectors = _vectors(heads)
    pairs = _alike_pairs(heads, places, vectors)
    if events:
        _join_events(recent, events, pairs)
    candidates = []
    for members in _centroid_link(len(recent), pairs):
        current = [i for i in members if recent[i].reported_at > start]
        if len(current) >= MIN_REPORTS:
            candidates.append((members, current))
    candidates.sort(
        key=lambda c: (
            -len(c[1]),
            -sum(likes.get(recent[i].key, 0) for i in c[1]),
            -len(c[1]) / max(len(c[0]) - len(c[1]), 1),
        )
    )
    return [
        _topic(recent, heads, current, members, places, vectors, likes)
        for members, current in candidates[:top]
    ]


def recent_hot_topics(
    session: Session, now: dt.datetime | None = None, days: int = 7, top: int = 10
) -> list[HotTopic]:
    """The hot topics of the work orders filed in the last ``days``.

    Merged orders count: each was a citizen's report.
    """
    now = now or clock.now()
    orders = reported_between(session, now - dt.timedelta(days=2 * days), now)
    events = {order.number: str(order.merged_into_id or order.id) for order in orders}
    reports = [
        Report(
            key=order.number,
            text=order.description,
            reported_at=order.created_at,
            category=order.category.code,
            district=order.district,
            street=order.street,
            address=order.address,
        )
        for order in orders
    ]
    return hot_topics(reports, now, days, top, events=events)


# --- Places -------------------------------------------------------------------------


def _places(reports: Sequence[Report]) -> list[dict[str, str]]:
    """Each report's places: key → the name as written, for titles.

    A key is the name without its house number and generic ending (丽发新城小区 and
    丽发新城 are one), joined to a longer name it ends (滨河苑 is 伊景园滨河苑).
    A report that names no place is placed at its street, where it has one.
    """
    found: list[dict[str, str]] = []
    districts: defaultdict[str, set[str]] = defaultdict(set)
    for report in reports:
        written, _ = wording(report)
        named: dict[str, str] = {}
        for name in sorted(_names(report, written), key=written.find):
            named.setdefault(_place_key(name), name)
        if not named and report.street:
            named[f"street:{report.street}"] = report.street
        for key in named:
            districts[key].add(report.district or "")
        found.append(named)
    phrases = {k for k, d in districts.items() if len(d - {""}) >= PHRASE_DISTRICTS}
    longer = _longer_names(districts.keys() - phrases)
    return [
        {longer.get(k, k): name for k, name in named.items() if k not in phrases}
        for named in found
    ]


def _names(report: Report, written: str) -> Iterable[str]:
    suffixes = sorted(
        (*report_words().estate_suffixes, "路", "街", "道", "巷"), key=len, reverse=True
    )
    for span in described(report)[0]:
        bare = _HOUSE_NUMBER.sub("", span)
        suffix = next((s for s in suffixes if bare.endswith(s)), bare[-1:])
        name = place_name(bare, len(suffix))
        if name is not None:
            yield name
    yield from named_sites(written)


def _place_key(name: str) -> str:
    for ending in report_words().generic_place_endings:
        if name.endswith(ending) and len(name) - len(ending) >= 3:
            return name[: -len(ending)]
    return name


def _longer_names(keys: Iterable[str]) -> dict[str, str]:
    """Keys that end another key of three characters or more, mapped to it."""
    known = set(keys)
    joined = {}
    for key in known:
        for cut in range(1, len(key) - 2):
            if key[cut:] in known:
                joined[key] = key[cut:]
                break
    return joined


# --- Words --------------------------------------------------------------------------


def _vectors(reports: Sequence[Report]) -> Any:
    """Unit TF-IDF rows (a sparse matrix) of each report's words and named problems,
    weighed over the batch.

    Rarity does what a stopword list cannot: words every letter uses (领导, 业主)
    weigh little, those of one issue (搅拌站, 实习) much.
    """
    from sklearn.feature_extraction import FeatureHasher
    from sklearn.feature_extraction.text import TfidfTransformer

    terms = []
    for report in reports:
        counts: dict[str, float] = dict(wording(report)[1])
        # A named problem counts as a word, so paraphrases (灯不亮, 黑灯) meet.
        for problem in described(report)[1]:
            counts[f"problem:{problem}"] = 2.0
        terms.append(counts)
    if not terms:
        return None
    # Hashed columns: a vocabulary of a million terms collides rarely, and building
    # one is most of the time this takes.
    hasher = FeatureHasher(n_features=2**22, input_type="dict", alternate_sign=False)
    counted = hasher.transform(terms).tocsr()
    # Only the columns in use, so products of rows do not walk millions of empty ones.
    counted = counted[:, np.unique(counted.indices)]
    return TfidfTransformer(sublinear_tf=True).fit_transform(counted).tocsr()


def _alike_pairs(
    reports: Sequence[Report],
    places: list[dict[str, str]],
    vectors: Any,
) -> dict[tuple[int, int], float]:
    """How alike each pair of reports at one place is, where it is not negligible."""
    blocks: defaultdict[str, list[int]] = defaultdict(list)
    for index, named in enumerate(places):
        for key in named:
            blocks[key].append(index)
    alike: dict[tuple[int, int], float] = {}
    for members in blocks.values():
        if len(members) < 2:
            continue
        scores = (vectors[members] @ vectors[members].T).toarray()
        for x, y in zip(*np.nonzero(np.triu(scores, 1) >= NEGLIGIBLE), strict=True):
            i, j = members[x], members[y]
            if (i, j) in alike or not _comparable(reports[i], reports[j]):
                continue
            alike[(i, j)] = max(float(scores[x, y]), _event(reports[i], reports[j]))
    return alike


def _event(a: Report, b: Report) -> float:
    """How surely two work orders are one event, where that is reliable: filed with
    categories and addresses, short reports of one event share too few words for
    their TF-IDF to tell (宜山路钦州路口路灯坏了 / 钦州路宜山路交叉口那盏路灯不亮了)."""
    if not (a.category and b.category):
        return 0.0
    score = similarity(a, b)[0]
    return score if score >= SAME_EVENT_THRESHOLD else 0.0


def _join_events(
    reports: Sequence[Report],
    events: Mapping[str, str],
    alike: dict[tuple[int, int], float],
) -> None:
    """Reports the centre filed under one event are alike as can be."""
    by_event: defaultdict[str, list[int]] = defaultdict(list)
    for index, report in enumerate(reports):
        by_event[events.get(report.key, report.key)].append(index)
    for members in by_event.values():
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                alike[(i, j)] = 1.0


def _comparable(a: Report, b: Report) -> bool:
    if a.district and b.district and a.district != b.district:
        return False
    if a.category and b.category and a.category != b.category:
        return False
    return not (problems_differ(a, b) or different_spots(a, b))


def _centroid_link(count: int, alike: dict[tuple[int, int], float]) -> list[list[int]]:
    """Clusters where every merge joins two whose centroids are alike enough.

    With unit rows, the cosine of two clusters' centroids is ``S(A, B) / sqrt(S(A, A)
    S(B, B))``, S summing the similarity of every pair across: a report joins a topic
    by resembling its core, not one member (single links chain a letter about water
    cuts to an estate's noise complaints through one letter naming both). Pairs not
    in ``alike`` (at two places) count as 0, so a cluster stays at one place.
    """
    members = {i: [i] for i in range(count)}
    within = dict.fromkeys(range(count), 1.0)  # S(A, A)
    links: defaultdict[int, dict[int, float]] = defaultdict(dict)  # S(A, B)
    for (i, j), score in alike.items():
        links[i][j] = links[j][i] = score
    heap = [(-score, i, j) for (i, j), score in alike.items()]
    heapq.heapify(heap)

    def linkage(i: int, j: int) -> float:
        return links[i].get(j, 0.0) / math.sqrt(within[i] * within[j])

    while heap:
        negative, i, j = heapq.heappop(heap)
        if i not in members or j not in members:
            continue
        current = linkage(i, j)
        if abs(-negative - current) > 1e-9:
            continue  # stale: pushed before a merge; the current one is in the heap
        if current < TOPIC_THRESHOLD:
            break
        within[i] += within.pop(j) + 2 * links[i][j]
        members[i] += members.pop(j)
        for other, total in links.pop(j).items():
            del links[other][j]
            if other != i:
                links[i][other] = links[other][i] = links[i].get(other, 0.0) + total
        for other in links[i]:
            low, high = min(i, other), max(i, other)
            heapq.heappush(heap, (-linkage(i, other), low, high))
    return sorted(members.values(), key=len, reverse=True)


# --- Topics -------------------------------------------------------------------------


def _topic(
    recent: Sequence[Report],
    heads: Sequence[Report],
    current: list[int],
    members: list[int],
    places: list[dict[str, str]],
    vectors: Any,
    likes: Mapping[str, int],
) -> HotTopic:
    previous_count = len(members) - len(current)
    reports = sorted((recent[i] for i in current), key=lambda r: r.reported_at)
    street = _most_common(r.street for r in reports)
    centroid = np.asarray(vectors[current].mean(axis=0)).ravel()
    centrality = vectors[current] @ centroid
    central = [recent[current[k]] for k in np.argsort(-centrality, kind="stable")]
    return HotTopic(
        title=mask_personal_data(_title(current, heads, places, street)),
        district=_most_common(r.district for r in reports),
        street=street,
        category=_most_common(r.category for r in reports),
        count=len(reports),
        previous_count=previous_count,
        growth=round(len(reports) / max(previous_count, 1), 2),
        first_seen=reports[0].reported_at,
        last_seen=reports[-1].reported_at,
        examples=_examples(central),
        keys=tuple(r.key for r in reports),
        likes=sum(likes.get(r.key, 0) for r in reports),
    )


def _title(
    current: list[int],
    recent: Sequence[Report],
    places: list[dict[str, str]],
    street: str | None,
) -> str:
    """The street, the place most reports name and what most of them say is wrong."""
    # The place each report names first is the one it is about (a letter about an
    # estate names its developer later): the title takes the most common of those.
    keys: Counter[str] = Counter(next(iter(places[i]), "") for i in current)
    written: dict[str, Counter[str]] = defaultdict(Counter)
    for i in current:
        for key, name in places[i].items():
            written[key][name] += 1
    place = ""
    key = keys.most_common(1)[0][0]
    if key and not key.startswith("street:"):
        place = written[key].most_common(1)[0][0]
    problem = "、".join(_problem_words(current, recent, place))
    return " ".join(part for part in (street, place, problem) if part)


def _problem_words(
    current: list[int], recent: Sequence[Report], place: str
) -> list[str]:
    """The named problems half the reports share, else their most shared words."""
    problems: Counter[str] = Counter()
    for i in current:
        problems.update(described(recent[i])[1])
    shared = [p for p, n in problems.most_common(TITLE_WORDS) if 2 * n >= len(current)]
    if shared:
        return shared
    import jieba

    boilerplate = set(report_words().boilerplate)
    words: Counter[str] = Counter()
    for i in current:
        written, _ = wording(recent[i])
        head = re.split("[。！？!?]", written, maxsplit=1)[0]
        words.update(
            {
                w
                for w in jieba.lcut(head)
                if len(w) >= 2
                and w not in boilerplate
                and w not in place
                and not any(c.isascii() for c in w)
            }
        )
    return [w for w, n in words.most_common(TITLE_WORDS) if n >= 2]


def _examples(central: list[Report]) -> tuple[str, ...]:
    examples: list[str] = []
    for report in central:
        text = mask_personal_data(report.text.strip())
        if text not in examples:
            examples.append(text)
        if len(examples) == EXAMPLES:
            break
    return tuple(examples)


def _most_common(values: Iterable[str | None]) -> str | None:
    found = Counter(v for v in values if v)
    return found.most_common(1)[0][0] if found else None
