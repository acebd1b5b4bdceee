"""How reports name problems and places: the vocabulary and the readers of it.

The vocabulary lives in ``data/report_words.yml`` and is read once, on first use.
``concepts`` finds the problems a text names (路灯, 油烟) and ``places`` the roads,
estates and house numbers; ``cases.duplicates`` compares reports by them and
``cases.hot_topics`` groups them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from knowledge_base.places import address_words

WORDS_PATH = Path(__file__).resolve().parent / "data" / "report_words.yml"


# --- Problems -----------------------------------------------------------------------
#
# What is wrong, and what causes it. Two reports that both say what is wrong (or both
# say what causes it) and do not agree describe two problems, however alike their
# words; paraphrases that share few characters ("灯不亮" / "黑灯瞎火") agree here.
# Each concept is written in the terms citizens use, Chinese and English, and read
# longest term first, so 红绿灯 is a signal and not a street light.


@dataclass(frozen=True)
class ReportWords:
    """The vocabulary of ``data/report_words.yml``; each table is described there."""

    nuisances: dict[str, tuple[str, ...]]
    sources: dict[str, tuple[str, ...]]
    related: tuple[frozenset[str], ...]
    symptoms: frozenset[str]
    estate_suffixes: tuple[str, ...]
    suffix_forms: dict[str, str]
    not_road_after: str
    not_names: frozenset[str]
    english_directions: dict[str, str]
    not_english_names: frozenset[str]
    boilerplate: tuple[str, ...]
    site_suffixes: tuple[str, ...]
    generic_place_endings: tuple[str, ...]
    roads_any: frozenset[str]
    area_problems: frozenset[str]
    place_sounds: dict[str, str]
    road_directions: str
    organisation_suffixes: tuple[str, ...]
    shop_suffixes: frozenset[str]
    organisation_prefixes: tuple[str, ...]
    organisation_trades: tuple[str, ...]


@lru_cache(maxsize=1)
def report_words() -> ReportWords:
    """The matcher's vocabulary, read once on first use."""
    raw: dict[str, Any] = yaml.safe_load(WORDS_PATH.read_text(encoding="utf-8"))

    def table(name: str) -> dict[str, tuple[str, ...]]:
        return {key: tuple(terms) for key, terms in raw[name].items()}

    return ReportWords(
        nuisances=table("nuisances"),
        sources=table("sources"),
        related=tuple(frozenset(family) for family in raw["related"]),
        symptoms=frozenset(raw["symptoms"]),
        estate_suffixes=tuple(raw["estate_suffixes"]),
        suffix_forms=dict(raw["suffix_forms"]),
        not_road_after=raw["not_road_after"],
        not_names=frozenset(raw["not_names"]),
        english_directions=dict(raw["english_directions"]),
        not_english_names=frozenset(raw["not_english_names"]),
        boilerplate=tuple(raw["boilerplate"]),
        site_suffixes=tuple(raw["site_suffixes"]),
        generic_place_endings=tuple(raw["generic_place_endings"]),
        roads_any=frozenset(raw["roads_any"]),
        area_problems=frozenset(raw["area_problems"]),
        place_sounds=dict(raw["place_sounds"]),
        road_directions="".join(raw["road_directions"]),
        organisation_suffixes=tuple(raw["organisation_suffixes"])
        + tuple(raw["shop_suffixes"]),
        shop_suffixes=frozenset(raw["shop_suffixes"]),
        organisation_prefixes=tuple(raw["organisation_prefixes"]),
        organisation_trades=tuple(raw["organisation_trades"]),
    )


@dataclass(frozen=True)
class Concepts:
    nuisances: frozenset[str]
    sources: frozenset[str]


def _concept_terms() -> list[tuple[str, str, bool]]:
    words = report_words()
    terms = [(t, name, False) for name, ts in words.nuisances.items() for t in ts]
    terms += [(t, name, True) for name, ts in words.sources.items() for t in ts]
    return sorted(terms, key=lambda term: -len(term[0]))


@lru_cache(maxsize=1)
def _concept_pattern() -> tuple[re.Pattern[str], dict[str, tuple[str, bool]]]:
    terms = _concept_terms()
    # English terms match whole words only (bar is not barrier, cat is not catch).
    alternatives = [
        rf"(?<![a-z]){re.escape(t)}[a-z]{{0,3}}(?![a-z])"
        if t.isascii()
        else re.escape(t)
        for t, _, _ in terms
    ]
    # A look-ahead at the terms' first characters lets the engine skip, in one test,
    # the many positions where no term starts: four times faster on long letters.
    firsts = re.escape("".join(sorted({t[0] for t, _, _ in terms})))
    pattern = rf"(?=[{firsts}])(?:{'|'.join(alternatives)})"
    return re.compile(pattern), {t: (n, s) for t, n, s in terms}


def concepts(text: str) -> Concepts:
    pattern, meaning = _concept_pattern()
    nuisances: set[str] = set()
    sources: set[str] = set()
    for found in pattern.finditer(text):
        term = found.group()
        concept = meaning.get(term) or _english_stem_meaning(term, meaning)
        if concept is None:
            continue
        (sources if concept[1] else nuisances).add(concept[0])
    return Concepts(frozenset(nuisances), frozenset(sources))


def _english_stem_meaning(
    word: str, meaning: dict[str, tuple[str, bool]]
) -> tuple[str, bool] | None:
    # "lamps", "leaking": the pattern lets up to two letters follow an English term.
    for cut in (1, 2, 3):
        found = meaning.get(word[:-cut])
        if found is not None:
            return found
    return None


# --- Places -------------------------------------------------------------------------
#
# A place token is a road (宜山路), an estate or landmark (康健新村, 田林十二村,
# 漕河泾公园), a house number on a road, a building of an estate (5号楼) or an
# organisation (某某装饰工程有限公司). Names are compared by the sound of their last two
# characters (three for a road with a direction: 漕溪北路 is caoxibei), so 在宜山路
# and 宜山路, 万科城市花园 and 城市花园, and "Yishan Road" all name one place; a
# junction is the pair of its roads, in any order.

_NUMERALS = "一二三四五六七八九十0123456789"
_ENGLISH_ROAD = re.compile(
    r"(?:(\d+) )?([a-z]+(?: (?:north|south|east|west|middle|central))?) "
    r"(?:road|rd|lu|street|st|avenue|ave)\b(?: (?:no\. ?)?(\d+))?"
)
_CROSSING = re.compile(
    r"路口|交叉口|交汇|交界|十字|junction|intersection|crossing|corner"
    r"|(?:road|rd) ?(?:and|&|/)"
)
# A building of an estate or lane: 5号楼, 12栋, building 5.
_BUILDING = re.compile(
    r"(\d+)(?:号楼|栋|幢|號楼)|(?:building|bldg|block) ?(?:no\. ?)?(\d+)"
)


@dataclass(frozen=True)
class Estate:
    key: str  # the sound of its name and its suffix: chengshi花园, jinyang八街坊
    area: str  # the sound of its first two characters: 开鲁新村 and 开鲁三村 share it
    numbered: bool  # 开鲁三村 is one estate of the 开鲁 area; 开鲁新村 may be all of it


@dataclass(frozen=True)
class Place:
    roads: frozenset[str]
    estates: frozenset[Estate]
    # (road, house or lane number, building in the lane or 0): 长宁路1600弄3号
    numbers: tuple[tuple[str, int, int], ...]
    crossing: bool
    spans: tuple[tuple[int, int], ...]  # where the place names are, to leave them out
    buildings: frozenset[int] = frozenset()  # 5号楼: two buildings are two spots
    # A house number that is a door (田林路200号), not a lane (兰溪路137弄) of an estate.
    door: bool = False
    organisations: frozenset[str] = frozenset()  # the cores of companies and shops

    @property
    def known(self) -> bool:
        return bool(self.roads or self.estates)


@lru_cache(maxsize=1)
def _grammar() -> tuple[
    re.Pattern[str], re.Pattern[str], frozenset[str], tuple[str, ...]
]:
    words = address_words()
    ours = report_words()
    roads = sorted(words.road_suffixes, key=len, reverse=True)
    road = re.compile(
        rf"({'|'.join(roads)})(?![{ours.not_road_after}])(?:(\d+)(?:弄(\d+)?|号)?)?"
    )
    estate = re.compile("|".join(ours.estate_suffixes))
    breaks = frozenset(words.name_breaks) | frozenset(
        "，。、；：！？,.;:!? 和与跟及或在近"
    )
    leading = tuple(sorted(words.leading_words, key=len, reverse=True))
    return road, estate, breaks, leading


def _name_before(
    text: str, end: int, longest: int, floor: int = 0
) -> tuple[int, str] | None:
    """The name ending at ``end``, not reaching back before ``floor``."""
    _, _, breaks, leading = _grammar()
    start = end
    while (
        start > floor
        and end - start < longest
        and "\u4e00" <= text[start - 1] <= "\u9fff"
    ):
        if text[start - 1] in breaks:
            break
        start -= 1
    # 张江镇祖冲之路: a town's name before a road's is not part of it.
    for town in ("镇", "街道"):
        found = text.rfind(town, start, max(start, end - 2 - len(town)))
        if found >= 0:
            start = found + len(town)
    stripped = True
    while stripped:
        stripped = False
        for word in leading:
            if text.startswith(word, start) and end - start - len(word) >= 2:
                start += len(word)
                stripped = True
    name = text[start:end]
    generic = address_words().generic_names
    if (
        len(name) < 2
        or name in generic
        or name in report_words().not_names
        or name[-2:] in generic
    ):
        return None
    return start, name


@lru_cache(maxsize=8192)
def sound(name: str) -> str:
    """The toneless pinyin of a name's last two characters: its key."""
    if name.isascii():
        return name.replace(" ", "")
    from pypinyin import lazy_pinyin

    overrides = report_words().place_sounds
    return "".join(
        overrides.get(char, read)
        for char, read in zip(name[-2:], lazy_pinyin(name[-2:]), strict=True)
    )


def _road_sound(name: str) -> str:
    """A road's key: a direction is part of its name, so 襄阳南路 is xiangyangnan
    (as "Xiangyang South Road" reads), not yangnan."""
    if len(name) >= 3 and name[-1] in report_words().road_directions:
        return sound(name[-3:-1]) + sound(name[-1])
    return sound(name)


def places(text: str) -> Place:
    road_suffix, estate_suffix, _, _ = _grammar()
    roads: list[str] = []
    estates: set[Estate] = set()
    numbers: list[tuple[str, int, int]] = []
    spans: list[tuple[int, int]] = []
    door = False
    for found in road_suffix.finditer(text):
        if text.startswith(("道", "坊"), found.end(1)) and found.group(1) == "街":
            continue  # 田林街道 is a subdistrict (Report.street), 八街坊 an estate
        if text.startswith("街道", found.end(1)):
            continue  # 大宁路街道 is a subdistrict, not 大宁路
        if text[max(found.start() - 1, 0) : found.end(1)] in report_words().roads_any:
            continue  # 门口马路: 马路 is "the road", not a road named 门口马
        named = _name_before(text, found.start(), 5)
        if named is None:
            continue
        key = _road_sound(named[1]) + found.group(1)
        roads.append(key)
        spans.append((named[0], found.end()))
        if found.group(2):
            numbers.append((key, int(found.group(2)), int(found.group(3) or 0)))
            door = door or not text.startswith("弄", found.end(2))
    named_estates: list[tuple[int, int, str, str]] = []  # start, end, name, suffix
    for found in estate_suffix.finditer(text):
        floor = named_estates[-1][1] if named_estates else 0
        suffix = found.group()
        previous = named_estates[-1] if named_estates else None
        if previous and _continues(text, previous, found.start()):
            # 万科城市花园 is not 万科城 followed by 市花园; 金杨新村八街坊 is the
            # eighth 街坊 of 金杨新村, which 金杨八街坊 also names.
            named_estates.pop()
            name = text[previous[0] : found.start()]
            if len(previous[3]) > 1:  # 新村八 → 八: the number names it
                name = previous[2] + text[previous[1] : found.start()]
            named_estates.append((previous[0], found.end(), name, suffix))
            continue
        named = _name_before(text, found.start(), 6, floor)
        if named is not None:
            named_estates.append((named[0], found.end(), named[1], suffix))
    for start, end, name, suffix in named_estates:
        numbered = re.search(f"[{_NUMERALS}]+$", name)
        estates.add(
            Estate(
                key=_estate_key(name) + report_words().suffix_forms.get(suffix, suffix),
                area=sound(name[:2]),
                numbered=bool(numbered and numbered.start() >= 2),
            )
        )
        spans.append((start, end))
    directions = report_words().english_directions
    for found in _ENGLISH_ROAD.finditer(text):
        *words, last = found.group(2).split()
        if last in directions and words:
            key = words[-1] + directions[last]
        elif last not in report_words().not_english_names:
            key = last
        else:
            continue
        roads.append(key)
        spans.append(found.span())
        number = found.group(1) or found.group(3)
        if number:
            numbers.append((key, int(number), 0))
    return Place(
        roads=frozenset(roads),
        estates=frozenset(estates),
        numbers=tuple(numbers),
        crossing=bool(_CROSSING.search(text)) and len(set(roads)) >= 2,
        spans=tuple(spans),
        buildings=frozenset(
            int(found.group(1) or found.group(2)) for found in _BUILDING.finditer(text)
        ),
        organisations=frozenset(organisations(text)),
        door=door,
    )


@lru_cache(maxsize=1)
def _organisation_grammar() -> tuple[re.Pattern[str], frozenset[str]]:
    words = report_words()
    suffixes = sorted(words.organisation_suffixes, key=len, reverse=True)
    breaks = frozenset(address_words().name_breaks) | frozenset(
        "，。、；：！？,.;:!? 家和与跟及或在近把对"
    )
    return re.compile("|".join(suffixes)), breaks


def organisations(text: str) -> list[str]:
    """The cores of the organisations a (normalised) text names: 上海鑫宏装饰工程有限
    公司 and 鑫宏公司 are both 鑫宏, so a company named two ways is one place.

    The name is read back from its suffix to a word that cannot be in one; the city
    before it and the trade and legal form after it are left off, and what is left
    must be two characters or more, three for a shop (那家店, 装饰公司, 烧烤店 name no
    organisation).
    """
    words = report_words()
    pattern, breaks = _organisation_grammar()
    cores = []
    for found in pattern.finditer(text):
        start = found.start()
        while (
            start > 0
            and found.start() - start < 12
            and "\u4e00" <= text[start - 1] <= "\u9fff"
            and text[start - 1] not in breaks
        ):
            start -= 1
        name = text[start : found.start()]
        for prefix in words.organisation_prefixes:
            if name.startswith(prefix):
                name = name[len(prefix) :]
                break
        trimmed = True
        while trimmed:
            trimmed = False
            for trade in words.organisation_trades:
                if name.endswith(trade):
                    name = name[: -len(trade)]
                    trimmed = True
        # A shop's core may be its trade (烧烤店, 咖啡店): a name is longer.
        shortest = 3 if found.group() in words.shop_suffixes else 2
        if len(name) >= shortest and name not in words.not_names:
            cores.append(name[:4])
    return cores


def _continues(
    text: str, previous: tuple[int, int, str, str], suffix_start: int
) -> bool:
    """Whether a suffix found after an estate's belongs to a longer name with it."""
    between = text[previous[1] : suffix_start]
    if len(previous[3]) == 1:  # 城, 苑, 村: as often inside a name as at its end
        return 0 < len(between) <= 3 and all("\u4e00" <= c <= "\u9fff" for c in between)
    return len(between) == 1 and between in _NUMERALS


def _estate_key(name: str) -> str:
    """An estate's key: numbered estates by their first two characters and number
    (金杨新村八 and 金杨八 are one, 田林十二 and 田林二 two), others like roads."""
    numeral = re.search(f"[{_NUMERALS}]+$", name)
    if numeral and numeral.start() >= 2:
        return sound(name[:2]) + numeral.group()
    return sound(name)


def same_road(a: str, b: str) -> bool:
    # Chinese keys carry their suffix and the sound of the name's last two characters
    # and direction (caoxibei路 for 漕溪北路); English ones neither (caoxibei for Caoxi
    # North Road). English often leaves the direction out (Xiangyang Road for
    # 襄阳南路): a Chinese key's direction is then not compared.
    if _ends_alike(road_stem(a), road_stem(b)):
        return True
    if a.isascii() == b.isascii():
        return False
    native, english = (road_stem(b), a) if a.isascii() else (road_stem(a), b)
    for direction in sorted(set(report_words().english_directions.values())):
        if native.endswith(direction) and not english.endswith(direction):
            return _ends_alike(native[: -len(direction)], english)
    return False


def _ends_alike(a: str, b: str) -> bool:
    shorter, longer = sorted((a, b), key=len)
    return len(shorter) >= 4 and longer.endswith(shorter)


def road_stem(key: str) -> str:
    return key.rstrip("路街道巷大公")


# --- Named sites --------------------------------------------------------------------
#
# What many citizens report is often an organisation or a named site rather than an
# estate or a road: a college, a hospital, a lending platform, a fraud case. Its name
# is read backwards from its suffix to the first word that cannot be in a name.

# jieba's tags of dictionary words that end a name read backwards (严重影响小区 is not
# a name; 魅力之城 and 禧和路 are): verbs, adverbs, adjectives, pronouns, prepositions,
# conjunctions, particles, interjections, places and times of the sentence (门口,
# 现在). Only words of two or more characters stop a name: jieba tags single
# characters of names at random (禧 in 禧和路 as a conjunction).
_NOT_NAME_TAGS = frozenset(
    {"v", "vd", "d", "a", "ad", "r", "p", "c", "u", "y", "e", "o", "s", "f", "t", "m"}
)
_LONGEST_SITE_NAME = 8


@lru_cache(maxsize=1)
def _site_grammar() -> tuple[re.Pattern[str], frozenset[str]]:
    suffixes = sorted(report_words().site_suffixes, key=len, reverse=True)
    breaks = frozenset(address_words().name_breaks) | frozenset("市省")
    return re.compile("|".join(suffixes)), breaks


def named_sites(text: str) -> list[str]:
    """The organisations and named sites a (normalised) text names, as written.

    Args:
        text: A report's text, normalised.

    Returns:
        Each site's name and suffix (郝家坪小学, 余易贷平台), in the order written.
    """
    pattern, breaks = _site_grammar()
    found = []
    for match in pattern.finditer(text):
        start = match.start()
        while (
            start > 0
            and match.start() - start < _LONGEST_SITE_NAME
            and (text[start - 1].isalnum())
            and text[start - 1] not in breaks
        ):
            start -= 1
        name = place_name(text[start : match.end()], len(match.group()))
        if name is not None:
            found.append(name)
    return found


@lru_cache(maxsize=32_768)
def place_name(span: str, suffix_length: int) -> str | None:
    """The name a span ends with, read back from its suffix: None if it has none.

    Args:
        span: A place as found, e.g. 严重影响小区, 投诉丽发新城.
        suffix_length: The length of its suffix (小区: 2).

    Returns:
        The name and suffix (丽发新城), or None where no name precedes the suffix
        (严重影响小区, 多少米宽为大道真正彰显城).
    """
    import jieba
    import jieba.posseg

    tags = jieba.posseg.dt.word_tag_tab
    start = len(span) - suffix_length
    for word in reversed(jieba.lcut(span[:start], HMM=False)):
        if len(word) >= 2 and tags.get(word) in _NOT_NAME_TAGS:
            break
        start -= len(word)
    # A single character of a sentence may still lead (而凉塘路, 现广铁集团).
    if (
        len(span) - start - suffix_length > 2
        and tags.get(span[start]) in _NOT_NAME_TAGS
    ):
        start += 1
    name = span[start:]
    if len(name) - suffix_length < 2 or name in report_words().not_names:
        return None
    return name
