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
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

from knowledge_base.places import address_words
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


# --- Problems -----------------------------------------------------------------------
#
# What is wrong, and what causes it. Two reports that both say what is wrong (or both
# say what causes it) and do not agree describe two problems, however alike their
# words; paraphrases that share few characters ("灯不亮" / "黑灯瞎火") agree here.
# Each concept is written in the terms citizens use, Chinese and English, and read
# longest term first, so 红绿灯 is a signal and not a street light.

# fmt: off
_NUISANCES: dict[str, tuple[str, ...]] = {
    "噪音": ("噪音", "噪声", "吵", "扰民", "声音", "响声", "轰鸣", "鸣笛", "喇叭", "noise", "noisy",
        "loud"),
    "油烟": ("油烟", "烟味", "熏", "排烟", "fume"),
    "烟尘": ("浓烟", "黑烟", "冒烟", "烟雾", "烟囱", "smoke"),
    "焚烧": ("焚烧", "烧树叶", "烧垃圾", "烧东西", "烧纸", "burning"),
    "异味": ("臭", "异味", "气味", "味道", "反味", "smell", "stink", "odour", "odor"),
    "扬尘": ("扬尘", "灰尘", "粉尘", "灰大", "尘土", "dust"),
    "路灯": ("路灯", "灯杆", "照明", "灯不亮", "黑灯", "灯坏", "灯灭", "灯都不亮", "streetlight",
        "street light", "lamp"),
    "信号灯": ("红绿灯", "信号灯", "绿灯", "黄灯", "traffic light", "signal"),
    "广告牌": ("广告牌", "招牌", "店招", "广告", "billboard"),
    "路面破损": ("坑", "塌陷", "凹陷", "下沉", "破损", "裂缝", "开裂", "不平", "陷", "沉降", "地砖", "翘起",
        "挖开", "开挖", "挖了路", "马路拉链", "pothole", "crack", "dug up"),
    "井盖": ("井盖", "manhole"),
    "标线": ("标线", "斑马线", "人行横道线", "road marking"),
    "护栏": ("护栏", "隔离栏", "栏杆", "railing", "barrier"),
    "积水": ("积水", "排水", "下水道", "污水", "淹", "倒灌", "雨水", "堵塞", "flood", "drain"),
    "垃圾": ("垃圾", "废弃", "杂物", "清运", "乱扔", "乱倒", "倾倒", "偷倒", "rubbish", "garbage",
        "trash", "litter"),
    "停车": ("停车", "乱停", "违停", "停放", "占用车位", "车位", "停着", "停在", "parking", "parked"),
    "违建": ("违建", "违章建筑", "搭建", "加盖", "搭棚", "扩建", "illegal structure"),
    "摆摊": ("摆摊", "摊贩", "占道经营", "出店经营", "流动摊", "vendor", "stall"),
    "停水": ("停水", "没水", "水压", "断水", "no water", "water pressure"),
    "水质": ("水质", "发黄", "浑浊", "黄色的水", "水是黄", "tap water"),
    "停电": ("停电", "跳闸", "电压", "没电", "power cut", "outage"),
    "燃气": ("燃气", "煤气", "gas"),
    "漏水": ("漏水", "渗水", "水管", "爆管", "leak"),
    "电梯": ("电梯", "elevator", "lift"),
    "树木": ("树", "修剪", "倒伏", "tree", "branch"),
    "群租": ("群租", "隔断", "二房东", "床位", "overcrowd"),
    "动物": ("狗", "犬", "流浪猫", "野猫", "dog", "cat"),
    "虫鼠": ("老鼠", "蟑螂", "蚊子", "rat", "cockroach", "mosquito"),
    "欠薪": ("工资", "欠薪", "拖欠", "wage", "salary"),
    "收费": ("收费", "乱收费", "物业费", "停车费", "charge", "fee"),
    "单车": ("共享单车", "单车", "自行车", "bike", "bicycle"),
    "公交": ("公交", "班次", "bus"),
    "食品": ("过期", "变质", "食品", "卫生差", "expired", "food"),
    "交通违法": ("闯红灯", "逆行", "超速", "飙车", "red light", "speeding"),
}
_SOURCES: dict[str, tuple[str, ...]] = {
    "工地": ("工地", "施工", "打桩", "渣土", "搅拌", "塔吊", "construction", "building site"),
    "饭店": ("饭店", "餐馆", "餐厅", "饭馆", "小吃", "烧烤", "面馆", "火锅", "排档", "restaurant", "bbq",
        "barbecue"),
    "广场舞": ("广场舞", "跳舞", "dancing", "dance"),
    "装修": ("装修", "电钻", "敲墙", "renovation", "drilling"),
    "娱乐场所": ("酒吧", "ktv", "歌厅", "棋牌", "bar", "karaoke"),
    "设备": ("空调外机", "外机", "风机", "冷却塔", "水泵", "变压器", "air conditioner"),
    "工厂": ("工厂", "厂房", "车间", "作坊", "factory", "workshop"),
    "市场": ("菜场", "菜市场", "市场", "market"),
    "车辆": ("货车", "渣土车", "卡车", "大车", "摩托", "truck", "lorry"),
}
# fmt: on


# Kinds of one trouble that citizens name for one another (fumes one calls smoke, a
# flooded road another a blocked drain): they neither match nor contradict.
_RELATED = (
    frozenset({"油烟", "烟尘", "焚烧"}),
    frozenset({"积水", "漏水", "井盖"}),
    frozenset({"路面破损", "井盖"}),
)
# What comes with many problems (rubbish and drains smell too): it contradicts nothing.
_SYMPTOMS = frozenset({"异味"})


@dataclass(frozen=True)
class _Concepts:
    nuisances: frozenset[str]
    sources: frozenset[str]


def _concept_terms() -> list[tuple[str, str, bool]]:
    terms = [(t, name, False) for name, ts in _NUISANCES.items() for t in ts]
    terms += [(t, name, True) for name, ts in _SOURCES.items() for t in ts]
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
    return re.compile("|".join(alternatives)), {t: (n, s) for t, n, s in terms}


def _concepts(text: str) -> _Concepts:
    pattern, meaning = _concept_pattern()
    nuisances: set[str] = set()
    sources: set[str] = set()
    for found in pattern.finditer(text):
        term = found.group()
        concept = meaning.get(term) or _english_stem_meaning(term, meaning)
        if concept is None:
            continue
        (sources if concept[1] else nuisances).add(concept[0])
    return _Concepts(frozenset(nuisances), frozenset(sources))


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
# 漕河泾公园) or a house number on a road. Names are compared by the sound of their
# last two characters, so 在宜山路 and 宜山路, 万科城市花园 and 城市花园, and
# "Yishan Road" all name one place; a junction is the pair of its roads, in any order.

# fmt: off
_ESTATE_SUFFIXES = (
    "小区", "新村", "街坊", "花园", "公寓", "家园", "大厦", "广场", "公园", "地铁站", "菜市场", "菜场", "小学",
    "中学", "学校", "医院", "商场", "苑", "村", "城", "站",
)
# fmt: on
_SUFFIX_FORMS = {"地铁站": "站", "菜市场": "菜场"}
_NUMERALS = "一二三四五六七八九十0123456789"
# Words that end like a place name and are not one (路灯, 路面; 马路, 农村).
_NOT_ROAD_AFTER = "灯面过人况费径障基政"
# fmt: off
_NOT_NAMES = frozenset(
    {
        "农", "垃圾", "进城", "线路", "电路", "中转", "城乡", "收费", "全城", "道路", "加油", "车站", "公路",
        "那个", "马上", "这个", "充电", "高铁", "城管", "新城", "门口", "火车", "路口", "汽车", "小路", "马路",
        "公交", "网路", "铁路", "马路边", "每天晚上",
    }
)
# fmt: on
_ENGLISH_ROAD = re.compile(
    r"(?:(\d+) )?([a-z]+(?: (?:north|south|east|west|middle|central))?) "
    r"(?:road|rd|lu|street|st|avenue|ave)\b(?: (?:no\. ?)?(\d+))?"
)
# English puts a road's direction after its name as Chinese does: Caoxi North Road.
_DIRECTIONS = {
    "north": "bei",
    "south": "nan",
    "east": "dong",
    "west": "xi",
    "middle": "zhong",
    "central": "zhong",
}
_NOT_ENGLISH_NAMES = frozenset(
    {"the", "a", "this", "that", "my", "our", "on", "at", "of"}
)
_CROSSING = re.compile(
    r"路口|交叉口|交汇|交界|十字|junction|intersection|crossing|(?:road|rd) (?:and|&)"
)


@dataclass(frozen=True)
class _Estate:
    key: str  # the sound of its name and its suffix: chengshi花园, jinyang八街坊
    area: str  # the sound of its first two characters: 开鲁新村 and 开鲁三村 share it
    numbered: bool  # 开鲁三村 is one estate of the 开鲁 area; 开鲁新村 may be all of it


@dataclass(frozen=True)
class _Place:
    roads: frozenset[str]
    estates: frozenset[_Estate]
    # (road, house or lane number, building in the lane or 0): 长宁路1600弄3号
    numbers: tuple[tuple[str, int, int], ...]
    crossing: bool
    spans: tuple[tuple[int, int], ...]  # where the place names are, to leave them out

    @property
    def known(self) -> bool:
        return bool(self.roads or self.estates)


@lru_cache(maxsize=1)
def _grammar() -> tuple[
    re.Pattern[str], re.Pattern[str], frozenset[str], tuple[str, ...]
]:
    words = address_words()
    roads = sorted(words.road_suffixes, key=len, reverse=True)
    road = re.compile(
        rf"({'|'.join(roads)})(?![{_NOT_ROAD_AFTER}])(?:(\d+)(?:弄(\d+)?|号)?)?"
    )
    estate = re.compile("|".join(_ESTATE_SUFFIXES))
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
    if len(name) < 2 or name in generic or name in _NOT_NAMES or name[-2:] in generic:
        return None
    return start, name


@lru_cache(maxsize=8192)
def _sound(name: str) -> str:
    """The toneless pinyin of a name's last two characters: its key."""
    if name.isascii():
        return name.replace(" ", "")
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(name[-2:]))


def _places(text: str) -> _Place:
    road_suffix, estate_suffix, _, _ = _grammar()
    roads: list[str] = []
    estates: set[_Estate] = set()
    numbers: list[tuple[str, int, int]] = []
    spans: list[tuple[int, int]] = []
    for found in road_suffix.finditer(text):
        if text.startswith(("道", "坊"), found.end(1)) and found.group(1) == "街":
            continue  # 田林街道 is a subdistrict (Report.street), 八街坊 an estate
        if text.startswith("街道", found.end(1)):
            continue  # 大宁路街道 is a subdistrict, not 大宁路
        named = _name_before(text, found.start(), 5)
        if named is None:
            continue
        key = _sound(named[1]) + found.group(1)
        roads.append(key)
        spans.append((named[0], found.end()))
        if found.group(2):
            numbers.append((key, int(found.group(2)), int(found.group(3) or 0)))
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
            _Estate(
                key=_estate_key(name) + _SUFFIX_FORMS.get(suffix, suffix),
                area=_sound(name[:2]),
                numbered=bool(numbered and numbered.start() >= 2),
            )
        )
        spans.append((start, end))
    for found in _ENGLISH_ROAD.finditer(text):
        *words, last = found.group(2).split()
        if last in _DIRECTIONS and words:
            key = words[-1] + _DIRECTIONS[last]
        elif last not in _NOT_ENGLISH_NAMES:
            key = last
        else:
            continue
        roads.append(key)
        spans.append(found.span())
        number = found.group(1) or found.group(3)
        if number:
            numbers.append((key, int(number), 0))
    return _Place(
        roads=frozenset(roads),
        estates=frozenset(estates),
        numbers=tuple(numbers),
        crossing=bool(_CROSSING.search(text)) and len(set(roads)) >= 2,
        spans=tuple(spans),
    )


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
        return _sound(name[:2]) + numeral.group()
    return _sound(name)


def _same_road(a: str, b: str) -> bool:
    # Chinese keys carry their suffix and the sound of the name's last two characters
    # (xibei路 for 漕溪北路); English ones neither (caoxibei for Caoxi North Road).
    a, b = _road_stem(a), _road_stem(b)
    shorter, longer = sorted((a, b), key=len)
    return len(shorter) >= 4 and longer.endswith(shorter)


def _road_stem(key: str) -> str:
    return key.rstrip("路街道巷大公")


def _place_similarity(
    a: _Place, b: _Place, same_street: bool | None
) -> tuple[float, str]:
    """How surely two reports name one spot, and the phrase that says why."""
    if not (a.known and b.known):
        # Where one says no place, only the street can: same_street is None when
        # either street is unknown.
        if same_street:
            return 0.55, "地址不详"
        return 0.25, "地址不详"
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
        # An estate on one side, a road on the other: the road may be its address.
        return 0.35, "地址写法不同"
    shared = {r for r in a.roads if any(_same_road(r, s) for s in b.roads)}
    if not shared:
        return 0.1, "道路不同"
    for road, number, building in a.numbers:
        for other, other_number, other_building in b.numbers:
            if not _same_road(road, other):
                continue
            if abs(number - other_number) > NEARBY_HOUSE_NUMBERS:
                return 0.15, "同路不同段"
            if number == other_number and 0 != building != other_building != 0:
                return 0.2, "同弄不同楼"
            return 0.95, "门牌相近"
    if a.crossing and b.crossing:
        return (1.0, "同一路口") if len(shared) >= 2 else (0.3, "路口不同")
    if (a.crossing and b.numbers) or (b.crossing and a.numbers):
        return 0.25, "路口与门牌"
    return 0.75, "同一道路"


# --- Words --------------------------------------------------------------------------

# What every complaint says, whatever it is about: it makes unrelated reports alike.
_BOILERPLATE = re.compile(
    "希望|相关部门|有关部门|尽快|处理|解决|投诉|反映|反应|严重|影响|居民|市民|我们|你们|"
    "请|谢谢|一下|现在|已经|问题|情况|这个|那个|附近|一直|没人管|管一管|非常|每天|"
    "很多|好几|几天|了|的|是|有|在|也|都|还|就|我|上海市|上海|小区|门口|旁边|"
    "please|the|and|is|are|has|have|been|for|near|outside|our|there"
)


@dataclass(frozen=True)
class _Features:
    place: _Place
    concepts: _Concepts
    grams: Counter[str]
    norm: float
    place_names: tuple[str, ...]  # as written, for titles


@lru_cache(maxsize=20_000)
def _features(text: str, address: str | None) -> _Features:
    """Everything a comparison needs of one report, computed once per text."""
    written = normalise(f"{address or ''}，{text}")
    place = _places(written)
    words = list(written)
    for start, end in place.spans:
        words[start:end] = [" "] * (end - start)
    remainder = _BOILERPLATE.sub(" ", "".join(words))
    grams = Counter(_grams(remainder))
    return _Features(
        place=place,
        concepts=_concepts(written),
        grams=grams,
        norm=math.sqrt(sum(n * n for n in grams.values())) or 1.0,
        place_names=tuple(written[start:end] for start, end in place.spans),
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
    for mine, theirs in (
        (a.concepts.nuisances, b.concepts.nuisances),
        (a.concepts.sources, b.concepts.sources),
    ):
        shared |= mine & theirs
        if _contradict(mine, theirs):
            return 0.2 * text, "问题不同"
    alike = min(1.0, text / 0.4)
    if shared:
        # A long letter names many problems in passing: one in common is not enough.
        named = min(
            len(a.concepts.nuisances | a.concepts.sources),
            len(b.concepts.nuisances | b.concepts.sources),
        )
        coverage = len(shared) / named
        problem = 0.45 + 0.3 * coverage + 0.25 * alike
        return problem, "同类问题：" + "、".join(sorted(shared))
    # Nothing said either way: the category the agent chose is some evidence.
    base = 0.5 if same_category else 0.3
    return base + (1 - base) * alike, "同一类别" if same_category else None


def _contradict(mine: frozenset[str], theirs: frozenset[str]) -> bool:
    """Both name a problem, and none of one's is the other's or a kind of it."""
    if _SYMPTOMS.issuperset(mine) or _SYMPTOMS.issuperset(theirs):
        return False
    return not any(
        x == y or any({x, y} <= family for family in _RELATED)
        for x in mine - _SYMPTOMS
        for y in theirs - _SYMPTOMS
    )


def described(report: Report) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The places a report names as written (宜山路钦州路口 → 宜山路, 钦州路) and the
    problems it names (路灯, 油烟), for labelling a group of reports."""
    features = _features(report.text, report.address)
    concepts = features.concepts
    return features.place_names, tuple(sorted(concepts.nuisances)) + tuple(
        sorted(concepts.sources)
    )


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
    if a.category and b.category and a.category != b.category:
        return 0.0, ("类别不同",)
    fa, fb = _features(a.text, a.address), _features(b.text, b.address)
    text = _cosine(fa, fb)
    same_street = a.street == b.street if a.street and b.street else None
    place, place_reason = _place_similarity(fa.place, fb.place, same_street)
    reasons = [place_reason]
    if a.street and b.street:
        if a.street != b.street and place < 0.95:
            place *= 0.3
            reasons.insert(0, "不同街道")
        elif a.street == b.street:
            reasons.insert(0, "同一街道")
    same_category = bool(a.category) and a.category == b.category
    problem, problem_reason = _problem_similarity(fa, fb, text, same_category)
    if problem_reason:
        reasons.append(problem_reason)
    reasons.append(f"描述相似 {text:.2f}")
    # Both must hold: the same problem elsewhere, or another problem here, is not it.
    score = math.sqrt(place * problem) * (1.0 - 0.1 * apart / window)
    return round(score, 3), tuple(reasons)


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
    """Same-event groups of a batch, joined transitively, for offline analysis.

    Args:
        reports: Any batch of reports.

    Returns:
        Every report in one group: groups of two or more first, largest first, then
        the reports that match none, each alone.
    """
    return linked_groups(
        reports, lambda a, b: similarity(a, b)[0] >= SAME_EVENT_THRESHOLD
    )


def linked_groups(
    reports: Sequence[Report], linked: Callable[[Report, Report], bool]
) -> list[list[Report]]:
    """Connected groups under ``linked``, comparing only reports that share a block.

    Comparing all pairs of 5,000 reports is 12.5 million comparisons; reports that
    can match share a district and a place or a problem, so only those are compared.
    """
    parent = list(range(len(reports)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    compared: set[tuple[int, int]] = set()
    for members in _blocks(reports).values():
        for i, j in combinations(members, 2):
            if (i, j) in compared or root(i) == root(j):
                continue
            compared.add((i, j))
            if linked(reports[i], reports[j]):
                parent[root(i)] = root(j)
    grouped: dict[int, list[Report]] = defaultdict(list)
    for index, report in enumerate(reports):
        grouped[root(index)].append(report)
    return sorted(grouped.values(), key=lambda members: -len(members))


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
        places = [_road_stem(road) for road in place.roads]
        places += [f"e:{estate.area}" for estate in place.estates]
        problems = sorted(features.concepts.nuisances | features.concepts.sources)
        problems = problems or [report.category or ""]
        street = f"s:{report.street or ''}"
        if not places or report.street:
            places.append(street)
        for where in places:
            for what in problems:
                blocks[(where, what)].append(index)
    return blocks
