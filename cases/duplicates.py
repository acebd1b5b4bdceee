"""One event, one case: whether a new report describes an event already reported.

When fifty neighbours report the same broken street light, the centre joins their
reports into one work order while the citizen is still talking. A 12345 centre calls
two reports the same event when they are

- the same kind of problem: the same category when both have one, and the same
  problem words (a broken light and a pothole at one junction are two events, and so
  are the noise and the fumes of one restaurant);
- at the same place: never in two districts; in one street (街道/镇), at the same
  road, junction, estate (小区) or a nearby house number; the same problem in another
  estate on one long road, or at the far end of it, is another event;
- described alike, and reported within ``WINDOW`` of each other.

``similarity`` scores a pair from 0 to 1 with the reasons an agent reads;
``candidates`` gives the open orders a new report may join, best first; ``group``
joins a batch into same-event groups for offline analysis. All are pure: the caller
reads the reports from wherever they live. Calibrated on the labelled pairs of
``tests/data/duplicate_pairs.yml``; every fourth pair is held back from tuning (its
errors were read once, after the first blind measure: F1 0.84 there, 0.97 overall).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from cases.report_words import (
    Concepts,
    Place,
    concepts,
    places,
    report_words,
    road_stem,
    same_road,
)
from knowledge_base.search.text import normalise

# Reports at or above it are one event. Chosen on the tuning three quarters of the
# labelled pairs: F1 stays within a point of its best from 0.55 to 0.65.
SAME_EVENT_THRESHOLD = 0.6
# The longest time limit of a work-order category is 15 working days, three calendar
# weeks; 30 days also covers an order returned or extended once. Past it, a report of
# the same problem at the same place is a new event (the light broke again).
WINDOW = dt.timedelta(days=30)
# House numbers on one road this close are one spot: a light or a pothole outside 200号
# is reported as 196号 or 240号 (a flooded stretch spans more); the far end of a long
# road is another event.
NEARBY_HOUSE_NUMBERS = 50
# A problem named for a kind of the other's (没水 and 冒水 of one burst main) is this
# much of a problem in common.
RELATED_WEIGHT = 0.7
# How surely two reports of one outage (water, power, gas) in one street, or on one
# road, are at one place: a main serves the whole stretch.
AREA_PLACE = 0.75
# Two categories for one event are a sign, not a proof, of two problems.
RECATEGORISED = 0.9
# Places on one road, at different spots or written differently.
_ONE_ROAD = frozenset({"同路不同段", "路口不同", "路口与门牌", "同一道路"})
# Two buildings: a pipe that bursts in a stairwell is the building's, not the street's.
_ONE_BUILDING = frozenset({"同弄不同楼", "不同楼"})


@dataclass(frozen=True)
class Report:
    """One citizen's report as the matcher compares it."""

    key: str  # work-order number or message id
    text: str  # the description, in the citizen's words
    reported_at: dt.datetime
    category: str | None = None  # work-order category code
    district: str | None = None
    street: str | None = None  # the street or town (街道/镇), None if unknown
    address: str | None = None  # the citizen's address text


@dataclass(frozen=True)
class Match:
    key: str
    score: float
    reasons: tuple[str, ...]


_TWO_SPOTS = frozenset({"同路不同段", "同弄不同楼", "路口不同", "路口与门牌", "不同楼"})


def _place_similarity(
    a: Place, b: Place, same_street: bool | None
) -> tuple[float, str]:
    """How surely two reports name one spot, and the phrase that says why."""
    if a.organisations & b.organisations:
        # A company or shop is its own place, however its street is written.
        return 0.95, "同一单位"
    if a.buildings and b.buildings and not a.buildings & b.buildings:
        # 5号楼 and 12号楼: a lift, a flat let to a crowd or a leak is in one building.
        return 0.2, "不同楼"
    if not (a.known and b.known):
        # Where one says no place, only the street can: the same problem in one
        # street within the window is most often the same event.
        return (0.75 if same_street else 0.5), "地址不详"
    if a.estates and b.estates:
        # An estate is a smaller place than a road: two estates are two places, but
        # 开鲁新村 may be written for any of 开鲁一村 to 开鲁六村.
        if {e.key for e in a.estates} & {e.key for e in b.estates}:
            return 1.0, "同一小区"
        if any(
            x.area == y.area and x.numbered != y.numbered
            for x in a.estates
            for y in b.estates
        ):
            return 0.75, "同一片小区"
        return 0.1, "小区不同"
    if not (a.roads and b.roads):
        # An estate on one side, a road on the other: the road may be its address
        # (兰溪路137弄 is in 曹杨五村), so the place is unknown rather than another;
        # an estate named after the road (长白二村, 长白路) is most likely on it, and
        # a door on the road (年家浜路188号) is most likely not in it.
        estates, on_road = (a.estates, b) if b.roads else (b.estates, a)
        if any(e.area == road_stem(r) for e in estates for r in on_road.roads):
            return 0.8, "小区与道路同名"
        if on_road.door:
            return 0.35, "门牌与小区"
        return (0.6 if same_street else 0.5), "地址写法不同"
    shared = {r for r in a.roads if any(same_road(r, s) for s in b.roads)}
    if not shared:
        return 0.1, "道路不同"
    for road, number, building in a.numbers:
        for other, other_number, other_building in b.numbers:
            if not same_road(road, other):
                continue
            if abs(number - other_number) > NEARBY_HOUSE_NUMBERS:
                return 0.15, "同路不同段"
            if number == other_number and 0 != building != other_building != 0:
                return 0.2, "同弄不同楼"
            return 0.95, "门牌相近"
    if len(a.roads) >= 2 and len(b.roads) >= 2:
        # Two roads each, written as a junction or not (中山北路光新路附近): one road
        # in common and another each is two cross-roads of a long road, two spots.
        if _has_other_road(a, b) and _has_other_road(b, a):
            return 0.3, "路口不同"
        if len(shared) >= 2:
            return 1.0, "同一路口"
    if a.crossing and b.crossing:
        return 0.3, "路口不同"
    if (a.crossing and b.numbers) or (b.crossing and a.numbers):
        return 0.25, "路口与门牌"
    return 0.75, "同一道路"


def _has_other_road(a: Place, b: Place) -> bool:
    """Whether ``a`` names a road that ``b`` does not."""
    return any(not any(same_road(r, s) for s in b.roads) for r in a.roads)


# --- Words --------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _boilerplate() -> re.Pattern[str]:
    """What every complaint says, whatever it is about: it makes unrelated reports
    alike, so it is left out of the words compared."""
    return re.compile("|".join(report_words().boilerplate))


@dataclass(frozen=True)
class _Features:
    place: Place
    concepts: Concepts
    grams: Counter[str]
    norm: float
    place_names: tuple[str, ...]  # as written, for titles
    written: str  # the normalised address and text


@lru_cache(maxsize=20_000)
def _features(text: str, address: str | None) -> _Features:
    """Everything a comparison needs of one report, computed once per text."""
    written = normalise(f"{address or ''}，{text}")
    place = places(written)
    words = list(written)
    for start, end in place.spans:
        words[start:end] = [" "] * (end - start)
    remainder = _boilerplate().sub(" ", "".join(words))
    grams = Counter(_grams(remainder))
    return _Features(
        place=place,
        concepts=concepts(written),
        grams=grams,
        norm=math.sqrt(sum(n * n for n in grams.values())) or 1.0,
        place_names=tuple(written[start:end] for start, end in place.spans),
        written=written,
    )


def _grams(text: str) -> Iterator[str]:
    """Character bigrams of each Chinese run and the English words."""
    for run in re.findall(r"[\u4e00-\u9fff]+", text):
        yield from (run[i : i + 2] for i in range(len(run) - 1))
    yield from re.findall(r"[a-z]{3,}", text)


def _cosine(a: _Features, b: _Features) -> float:
    if len(a.grams) > len(b.grams):
        a, b = b, a
    dot = sum(n * b.grams[g] for g, n in a.grams.items() if g in b.grams)
    return dot / (a.norm * b.norm)


def _problem_similarity(
    a: _Features, b: _Features, text: float, same_category: bool
) -> tuple[float, str | None]:
    """How surely two reports describe one problem, and the phrase that says why."""
    shared: set[str] = set()
    kin = 0
    for mine, theirs in (
        (a.concepts.nuisances, b.concepts.nuisances),
        (a.concepts.sources, b.concepts.sources),
    ):
        shared |= mine & theirs
        if _contradict(mine, theirs):
            return 0.2 * text, "问题不同"
        kin += min(
            sum(_kindred({x}, theirs - mine) for x in mine - theirs),
            sum(_kindred({y}, mine - theirs) for y in theirs - mine),
        )
    alike = min(1.0, text / 0.4)
    if shared or kin:
        # A long letter names many problems in passing: one in common is not enough.
        # One named for a kind of another (没水, 冒水: one burst main) counts less.
        named = min(
            len(a.concepts.nuisances | a.concepts.sources),
            len(b.concepts.nuisances | b.concepts.sources),
        )
        coverage = min(1.0, (len(shared) + RELATED_WEIGHT * kin) / named)
        problem = 0.45 + 0.3 * coverage + 0.25 * alike
        return problem, "同类问题：" + "、".join(sorted(shared) or ["相关"])
    # Nothing said either way: the category the agent chose is some evidence.
    base = 0.5 if same_category else 0.3
    return base + (1 - base) * alike, "同一类别" if same_category else None


def _contradict(mine: frozenset[str], theirs: frozenset[str]) -> bool:
    """Both name a problem, and none of one's is the other's or a kind of it."""
    symptoms = report_words().symptoms
    if symptoms.issuperset(mine) or symptoms.issuperset(theirs):
        return False
    return not _kindred(mine, theirs)


def _kindred(mine: Iterable[str], theirs: Iterable[str]) -> bool:
    """Whether a problem of one, not a mere symptom, is one of the other's or a kind
    of it."""
    words = report_words()
    return any(
        x == y or any({x, y} <= family for family in words.related)
        for x in set(mine) - words.symptoms
        for y in set(theirs) - words.symptoms
    )


def described(report: Report) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The places a report names as written (宜山路钦州路口 → 宜山路, 钦州路) and the
    problems it names (路灯, 油烟), for labelling a group of reports."""
    features = _features(report.text, report.address)
    named = features.concepts
    return features.place_names, tuple(sorted(named.nuisances)) + tuple(
        sorted(named.sources)
    )


def wording(report: Report) -> tuple[str, Counter[str]]:
    """A report's text as compared (normalised) and its words without its places and
    boilerplate (character bigrams, English words), for weighing by rarity."""
    features = _features(report.text, report.address)
    return features.written, features.grams


def problems_differ(a: Report, b: Report) -> bool:
    """Whether both reports name a problem and none of one's is the other's."""
    x = _features(a.text, a.address).concepts
    y = _features(b.text, b.address).concepts
    return _contradict(x.nuisances, y.nuisances) or _contradict(x.sources, y.sources)


def different_spots(a: Report, b: Report) -> bool:
    """Whether two reports name one road at two spots: house numbers far apart, two
    buildings of one lane, two junctions, or a junction and a house number."""
    fa, fb = _features(a.text, a.address), _features(b.text, b.address)
    return _place_similarity(fa.place, fb.place, None)[1] in _TWO_SPOTS


# --- Scores -------------------------------------------------------------------------


def similarity(a: Report, b: Report) -> tuple[float, tuple[str, ...]]:
    """How likely two reports describe one event, from 0 to 1, and why.

    Args:
        a: One report.
        b: Another.

    Returns:
        The score, calibrated so that ``SAME_EVENT_THRESHOLD`` separates, and short
        Chinese phrases an agent reads (同一街道, 地址相近, 描述相似 0.72).
    """
    return similarity_within(a, b, WINDOW)


def similarity_within(
    a: Report, b: Report, window: dt.timedelta
) -> tuple[float, tuple[str, ...]]:
    """``similarity`` with another window: hot topics look back over their period."""
    if a.district and b.district and a.district != b.district:
        return 0.0, ("不同区",)
    apart = abs(a.reported_at - b.reported_at)
    if apart > window:
        return 0.0, ("时间相隔过久",)
    fa, fb = _features(a.text, a.address), _features(b.text, b.address)
    recategorised = bool(a.category and b.category and a.category != b.category)
    # Agents file one event under different categories (a burst main as water supply
    # and as roads): two categories are two problems unless the words say otherwise.
    if recategorised and not _kindred(fa.concepts.nuisances, fb.concepts.nuisances):
        return 0.0, ("类别不同",)
    text = _cosine(fa, fb)
    same_street = _same_street(a, b, fa, fb)
    place, place_reason = _place_similarity(fa.place, fb.place, same_street)
    reasons = [place_reason]
    if same_street is False and place < 0.95:
        place *= 0.3
        reasons.insert(0, "不同街道")
    elif same_street:
        reasons.insert(0, "同一街道")
    if (
        place < AREA_PLACE
        and place_reason not in _ONE_BUILDING
        and _area_problem(fa, fb)
        and (same_street or place_reason in _ONE_ROAD)
    ):
        # A main, a cable, a gas pipe serves a whole stretch: one outage is reported
        # from both ends of a road and from any estate of the street.
        place = AREA_PLACE
        reasons.append("成片停供")
    same_category = bool(a.category) and a.category == b.category
    problem, problem_reason = _problem_similarity(fa, fb, text, same_category)
    if recategorised:
        problem *= RECATEGORISED
        reasons.append("类别不同")
    if problem_reason:
        reasons.append(problem_reason)
    reasons.append(f"描述相似 {text:.2f}")
    # Both must hold: the same problem elsewhere, or another problem here, is not it.
    score = math.sqrt(place * problem) * (1.0 - 0.1 * apart / window)
    return round(score, 3), tuple(reasons)


def _same_street(a: Report, b: Report, fa: _Features, fb: _Features) -> bool | None:
    """Whether two reports are in one street (街道/镇): None when it is unknown.

    A street is often named after a road or an estate (石泉路街道, 长风新村街道): a
    report placed on it, whose street the centre left blank, is in that street.
    """
    if a.street and b.street:
        return a.street == b.street
    if a.street:
        return True if _names_street(a.street, fb.written) else None
    if b.street:
        return True if _names_street(b.street, fa.written) else None
    return None


@lru_cache(maxsize=1024)
def _street_names(street: str) -> tuple[str, ...]:
    """What in a report names a street: 长风新村街道 → 长风新村, 长风 (长风三村)."""
    core = normalise(street)
    for suffix in ("街道", "镇", "乡"):
        core = core.removesuffix(suffix)
    names = [core]
    for estate in report_words().estate_suffixes:
        if core.endswith(estate) and len(core) - len(estate) >= 2:
            names.append(core[: -len(estate)])
    return tuple(name for name in names if len(name) >= 2)


def _names_street(street: str, written: str) -> bool:
    return any(name in written for name in _street_names(street))


def _area_problem(a: _Features, b: _Features) -> bool:
    """Whether both name an outage of the one supply (no water and a burst main)."""
    area = report_words().area_problems
    return _kindred(a.concepts.nuisances & area, b.concepts.nuisances & area)


def candidates(
    new: Report, open_reports: Iterable[Report], limit: int = 5
) -> list[Match]:
    """The open reports a new one may be the same event as, best first.

    Args:
        new: The report being taken.
        open_reports: Open orders, typically those of its category and district.
        limit: At most this many.

    Returns:
        Those at or above ``SAME_EVENT_THRESHOLD``, best first.
    """
    matches = []
    for report in open_reports:
        if report.key == new.key:
            continue
        score, reasons = similarity(new, report)
        if score >= SAME_EVENT_THRESHOLD:
            matches.append(Match(report.key, score, reasons))
    matches.sort(key=lambda match: -match.score)
    return matches[:limit]


def group(reports: Sequence[Report]) -> list[list[Report]]:
    """Same-event groups of a batch as the chat forms them, for offline analysis.

    Each report, in the order reported, joins the group of the first report it repeats
    best (the open order it would be merged into), or opens a group of its own. A
    report joins by matching a group's first report, not any member: linking through
    members chains unrelated reports (on the message board, hundreds of letters into
    one group through letters that each resemble the next).

    Returns:
        Every report in one group: the largest groups first, first reports first.
    """
    keys_of: defaultdict[int, list[tuple[str, ...]]] = defaultdict(list)
    for key, members in _blocks(reports).items():
        for index in members:
            keys_of[index].append(key)
    firsts_in: defaultdict[tuple[str, ...], list[int]] = defaultdict(list)
    groups: dict[int, list[int]] = {}
    for index in sorted(range(len(reports)), key=lambda i: reports[i].reported_at):
        best, best_score = None, SAME_EVENT_THRESHOLD
        compared: set[int] = set()
        for key in keys_of[index]:
            for first in firsts_in[key]:
                if first in compared:
                    continue
                compared.add(first)
                score = similarity(reports[first], reports[index])[0]
                if score >= best_score:
                    best, best_score = first, score
        if best is None:
            groups[index] = [index]
            for key in keys_of[index]:
                firsts_in[key].append(index)
        else:
            groups[best].append(index)
    return sorted(
        ([reports[i] for i in members] for members in groups.values()),
        key=lambda members: -len(members),
    )


def _blocks(reports: Sequence[Report]) -> dict[tuple[str, ...], list[int]]:
    """Reports that may match share a block: a place and a problem (a report without
    a place meets those of its street with its problem). Not the district: a report
    whose district is unknown may match one of any.

    A report whose words name no problem meets only those at its place that name none
    either: the price of blocks small enough for 5,000 reports in seconds.
    """
    blocks: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for index, report in enumerate(reports):
        features = _features(report.text, report.address)
        place = features.place
        wheres = [road_stem(road) for road in place.roads]
        wheres += [f"e:{estate.area}" for estate in place.estates]
        problems = sorted(features.concepts.nuisances | features.concepts.sources)
        problems = problems or [report.category or ""]
        street = f"s:{report.street or ''}"
        if not wheres or report.street:
            wheres.append(street)
        for where in wheres:
            for what in problems:
                blocks[(where, what)].append(index)
    return blocks
