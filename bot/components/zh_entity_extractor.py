"""Rule-based extractor for the places and times Shanghai citizens mention.

Three entities, all found without training so that they work from the first message:

- `district`: any form of a district's name (徐汇, 徐汇区, Xuhui District, 闸北);
  the value is the official Chinese name (徐汇区).
- `address`: a subdistrict or town (七宝 → value 七宝镇), a road address
  (漕溪北路1200号, 南京西路100弄3号), a town followed by one (张江镇祖冲之路887号),
  an estate (康健新村, XX小区3号楼), a station (莘庄地铁站) or a crossing (漕溪北路和中山南二路路口); apart
  from subdistricts and towns the value is the text as written.
- `date`: 今天, 下周一, 11月20号, 昨天晚上十点多 …; the value is an ISO date
  (2026-11-20) or date and time (2026-11-20T22:00) counted from the message's time,
  or the text itself when no single day can be named (上个月, 前几天).

Districts and subdistricts are matched by a spaCy `entity_ruler` over jieba tokens, so
黄浦江 (the river) is not read as 黄浦区; road addresses and times are regular
expressions over the characters of the message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_CONFIDENCE,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from knowledge_base import clock

if TYPE_CHECKING:
    import jieba
    import jieba.posseg
    from spacy.language import Language

    from knowledge_base.places import AddressWords

DISTRICT = "district"
ADDRESS = "address"
DATE = "date"

# Place names are added to a private jieba dictionary with this frequency. With
# jieba's own suggestion, 17 of 4,220 test contexts split a name apart (在外冈 →
# 在外/冈, 重固有 → 重/固有); at 20,000 none did, and on 8,000 real citizen
# messages from another province it added only three spurious matches.
_PLACE_WORD_FREQUENCY = 20_000


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False
)
class ZhEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Extracts Shanghai districts, addresses and dates from Chinese messages."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            # Entity types to return: any of "district", "address" and "date".
            # None returns all three.
            "dimensions": None,
        }

    @staticmethod
    def required_packages() -> list[str]:
        """Lists required dependencies (see parent class for full docstring)."""
        return ["spacy", "jieba"]

    def __init__(self, config: dict[str, Any]) -> None:
        """Creates the extractor; the spaCy pipeline is built on first use."""
        self._config = {**self.get_default_config(), **config}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ZhEntityExtractor:
        """Creates a new component (see parent class for full docstring)."""
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        """Appends the districts, addresses and dates found in each message.

        Args:
            messages: Messages to process.

        Returns:
            The same messages, each with this component's entities added after any
            entities that earlier components found.
        """
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            extracted = self.add_extractor_name(
                extract_entities(text, reference_time(message))
            )
            extracted = self.filter_irrelevant_entities(
                extracted, self._config["dimensions"]
            )
            message.set(
                ENTITIES, message.get(ENTITIES, []) + extracted, add_to_output=True
            )
        return messages


def reference_time(message: Message) -> datetime:
    """The moment relative dates in a message count from, in Shanghai time.

    Args:
        message: A message; its `time` (seconds since the epoch, as the Duckling
            extractor reads it) is used when set.

    Returns:
        The message's time, or now, as naive Shanghai time (see `knowledge_base.clock`).
    """
    if message.time is not None:
        moment = datetime.fromtimestamp(float(message.time), tz=clock.SHANGHAI)
        return moment.replace(tzinfo=None)
    return clock.now()


def extract_entities(text: str, now: datetime) -> list[dict[str, Any]]:
    """Finds districts, addresses and dates in a message.

    Args:
        text: The message as the citizen wrote it.
        now: The time relative dates (今天, 下周一) count from.

    Returns:
        Entities with character offsets into `text`, sorted by position and never
        overlapping one another.
    """
    places = _place_spans(text)
    dates = _date_spans(text, now)
    stops = {span.end for span in (*places, *dates)}
    addresses = _merge_street_with_address(
        places, _road_spans(text, stops) + _estate_spans(text, stops), text
    )
    kept = _without_overlaps([*addresses, *places, *dates])
    return [span.as_entity() for span in kept]


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    entity: str
    value: str

    def as_entity(self) -> dict[str, Any]:
        return {
            ENTITY_ATTRIBUTE_TYPE: self.entity,
            ENTITY_ATTRIBUTE_START: self.start,
            ENTITY_ATTRIBUTE_END: self.end,
            ENTITY_ATTRIBUTE_VALUE: self.value,
            ENTITY_ATTRIBUTE_CONFIDENCE: 1.0,
        }

    def overlaps(self, other: _Span) -> bool:
        return self.start < other.end and other.start < self.end


def _alternatives(words: Iterable[str]) -> str:
    # Longest first, so that 号楼 wins over 号 and 路口 over 口.
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


def _without_overlaps(spans: Iterable[_Span]) -> list[_Span]:
    # Longest first: 浦东南路100号 (an address) beats the 浦东 inside it, and
    # 100弄3号 beats reading 3号 as the 3rd of the month. Ties keep list order.
    kept: list[_Span] = []
    for span in sorted(spans, key=lambda s: s.start - s.end):
        if not any(span.overlaps(other) for other in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)


# --- Districts, subdistricts and towns ---------------------------------------------


@lru_cache(maxsize=1)
def _segmenter() -> jieba.Tokenizer:
    """A private jieba dictionary that knows the place names; built once.

    With it 外冈 and 重固 come out as one token. Adding them to jieba's global
    dictionary instead would change how Rasa's JiebaTokenizer splits every message,
    depending on whether this component happened to load first.
    """
    import jieba

    from knowledge_base.places import place_forms

    segmenter = jieba.Tokenizer()
    for form in place_forms():
        if not form.text.isascii():
            segmenter.add_word(form.text, _PLACE_WORD_FREQUENCY)
    return segmenter


@lru_cache(maxsize=1)
def _place_pipeline() -> Language:
    """spaCy `zh` with jieba and an entity ruler for every place form; built once."""
    import spacy

    from knowledge_base.places import place_forms

    forms = place_forms()
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.tokenizer.jieba_seg = _segmenter()
    # LOWER makes English forms case-insensitive and leaves Chinese alone.
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(
        [{"label": form.kind, "pattern": form.text, "id": form.value} for form in forms]
    )
    return nlp


def _place_spans(text: str) -> list[_Span]:
    doc = _place_pipeline()(text)
    return [
        _Span(
            ent.start_char,
            ent.end_char,
            DISTRICT if ent.label_ == "district" else ADDRESS,
            ent.ent_id_,
        )
        for ent in doc.ents
    ]


# --- Road addresses, estates and crossings -----------------------------------------

_CJK = re.compile(r"[\u4e00-\u9fff]")
# The longest name part read before a road's suffix (中山南二 in 中山南二路) and
# before an estate's (万科城市 in 万科城市花园).
_MAX_ROAD_NAME = 5
_MAX_ESTATE_NAME = 6
_CN_NUMERALS = "零〇一二两三四五六七八九十百千"
_ORDINALS = "一二三四五六七八九"  # 中山南二路


@dataclass(frozen=True)
class _AddressGrammar:
    """The address vocabulary of `knowledge_base.places`, compiled for matching."""

    words: AddressWords
    road_suffix: re.Pattern[str]
    estate_suffix: re.Pattern[str]
    house: re.Pattern[str]
    crossing: re.Pattern[str]
    locative: re.Pattern[str]
    leading_words: tuple[str, ...]  # longest first: 上海市 before 上海 and 市
    multi_char_generic_names: tuple[str, ...]


@lru_cache(maxsize=1)
def _address_grammar() -> _AddressGrammar:
    from knowledge_base.places import address_words

    words = address_words()
    units = _alternatives(words.house_units)
    return _AddressGrammar(
        words=words,
        road_suffix=re.compile(_alternatives(words.road_suffixes)),
        estate_suffix=re.compile(_alternatives(words.estate_suffixes)),
        # 100弄3号, 3号楼502室, a bare number after a road (漕溪北路1200), but not
        # the start of a time or date (南京路3点).
        house=re.compile(
            rf"(?:(?:\d+|[{_CN_NUMERALS}]{{1,6}})(?:{units}))+(?:\d+(?!\d))?"
            r"|\d+(?![\d.:：点时月年])"
        ),
        crossing=re.compile(_alternatives(words.crossings)),
        locative=re.compile(_alternatives(words.locatives)),
        leading_words=tuple(sorted(words.leading_words, key=len, reverse=True)),
        multi_char_generic_names=tuple(w for w in words.generic_names if len(w) > 1),
    )


@dataclass(frozen=True)
class _Road:
    start: int
    suffix_start: int  # where 路 starts in 漕溪北路
    suffix_end: int
    end: int  # after the house number, if any
    numbered: bool
    after_place: bool  # a district or town ends where the name starts (静安区万航渡路)


def _name_start(text: str, end: int, stops: set[int], max_length: int) -> int | None:
    """Where the name ending at `end` starts, or None if there is no real name."""
    grammar = _address_grammar()
    words = grammar.words
    start = end
    while (
        start > 0
        and end - start < max_length
        and _CJK.match(text[start - 1])
        and text[start - 1] not in words.name_breaks
        # Another entity ends here (徐汇区|漕溪北路); only reach into it when the
        # name would otherwise be a single character (浦东|南路 is 浦东南路).
        and not (start in stops and end - start >= 2)
    ):
        start -= 1
    stripped = True
    while stripped:
        stripped = False
        for word in grammar.leading_words:
            if text.startswith(word, start) and end - start - len(word) >= 2:
                start += len(word)
                stripped = True
                break
    name = text[start:end]
    if len(name) < 2 or name in words.generic_names or name in words.leading_words:
        return None
    if name.endswith(grammar.multi_char_generic_names):
        return None
    return start


def _find_roads(text: str, stops: set[int]) -> list[_Road]:
    grammar = _address_grammar()
    roads = []
    for suffix in grammar.road_suffix.finditer(text):
        if suffix.group() == "街" and text.startswith("道", suffix.end()):
            continue  # 宝峰街道 is a subdistrict, not a street
        start = _name_start(text, suffix.start(), stops, _MAX_ROAD_NAME)
        if start is None or text[start : suffix.end()].endswith(
            grammar.words.generic_roads
        ):
            continue
        house = grammar.house.match(text, suffix.end())
        if house is None:
            # A house number shows a name is a road's; without one the name has
            # to read like a name (最近发现路口 is "lately I found at the crossing").
            start = _trim_name(text, start, _without_direction(text, start, suffix))
            if start is None:
                continue
        end = house.end() if house else suffix.end()
        after_place = start in stops
        roads.append(
            _Road(
                start, suffix.start(), suffix.end(), end, house is not None, after_place
            )
        )
    return roads


def _without_direction(text: str, start: int, suffix: re.Match[str]) -> int:
    """Where a road's name ends before its direction: 漕溪|北路, 中山|南二路."""
    end = _without_ordinal(text, start, suffix.start())
    if end - start > 2 and text[end - 1] in _address_grammar().words.directions:
        end -= 1
    return end


def _without_ordinal(text: str, start: int, end: int) -> int:
    if end - start > 2 and text[end - 1] in _ORDINALS:
        return end - 1
    return end


def _road_spans(text: str, stops: set[int]) -> list[_Span]:
    grammar = _address_grammar()
    roads = _find_roads(text, stops)
    spans = []
    for index, road in enumerate(roads):
        if road.numbered:
            spans.append(_address(text, road.start, road.end))
            continue
        # 漕溪北路和中山南二路路口, 漕溪北路中山南二路口
        following = roads[index + 1] if index + 1 < len(roads) else None
        if following and not following.numbered:
            between = text[road.end : following.start]
            crossing = grammar.crossing.match(text, following.end)
            if (not between or between in grammar.words.connectors) and crossing:
                spans.append(_address(text, road.start, crossing.end()))
                continue
        crossing = grammar.crossing.match(text, road.end)
        if crossing:
            spans.append(_address(text, road.start, crossing.end()))
        elif _is_named_road(text, road):
            spans.append(_address(text, road.start, road.end))
    return spans


def _is_named_road(text: str, road: _Road) -> bool:
    # Without a house number, 路 alone is too common a character (路灯, 走路), so a
    # bare road needs a direction (漕溪北路, 中山南二路), a suffix that is rarely
    # generic (世纪大道), a locative after it (华山路附近, 沪闵公路沿线) or a
    # district or town just before it (静安区万航渡路, 张江镇祖冲之路).
    if road.after_place:
        return True
    grammar = _address_grammar()
    if text[road.start : road.suffix_end].endswith(grammar.words.named_road_suffixes):
        return True
    name_end = _without_ordinal(text, road.start, road.suffix_start)
    if text[name_end - 1] in grammar.words.directions:
        return True
    return grammar.locative.match(text, road.end) is not None


def _estate_spans(text: str, stops: set[int]) -> list[_Span]:
    grammar = _address_grammar()
    spans = []
    for suffix in grammar.estate_suffix.finditer(text):
        start = _name_start(text, suffix.start(), stops, _MAX_ESTATE_NAME)
        if start is not None:
            # 小区 is also the everyday word for "housing estate": 造成小区 and
            # 因此本小区 name none, 关于紫金国际小区 names 紫金国际.
            start = _trim_name(text, start, suffix.start())
        if start is None:
            continue
        house = grammar.house.match(text, suffix.end())
        spans.append(_address(text, start, house.end() if house else suffix.end()))
    return spans


@lru_cache(maxsize=1)
def _pos_tagger() -> jieba.posseg.POSTokenizer:
    import jieba.posseg

    return jieba.posseg.POSTokenizer(_segmenter())


def _is_function_word(tag: str) -> bool:
    # jieba tags: d adverb, c conjunction, p preposition, u particle, r pronoun,
    # m numeral, q measure word, t time word.
    return tag[0] in "dcpurmqt"


def _is_verb(word: str, tag: str) -> bool:
    # Single-character "verbs" are usually name parts to jieba (翰林居, 润景园).
    return tag.startswith("v") and tag != "vn" and len(word) > 1


def _trim_name(text: str, start: int, end: int) -> int | None:
    """Drops words in front of a name that cannot belong to it, by part of speech.

    Args:
        text: The message.
        start: Where the candidate name starts.
        end: Where it ends.

    Returns:
        Where the name really starts (关于|紫金国际), or None when the candidate
        reads as a phrase rather than a name (造成, 装修时发现, 项目西侧).
    """
    if end - start < 2:
        return start
    words = [(w.word, w.flag) for w in _pos_tagger().cut(text[start:end])]
    while len(words) > 1 and end - start - len(words[0][0]) >= 2:
        word, tag = words[0]
        if not (_is_function_word(tag) or _is_verb(word, tag)):
            break
        start += len(word)
        words.pop(0)
    last_word, last_tag = words[-1]
    # A time word may end a name (春天花园); other function words may not.
    if (_is_function_word(last_tag) and last_tag[0] != "t") or last_tag == "f":
        return None  # 项目西侧, 目前本
    if last_tag.startswith("v") and len(last_word) > 1:
        return None  # 造成, 严重影响
    # Only verbs and function words (搞得, 设置) name nothing. Time words can be
    # names (春天花园); 目前 and 时候 are in generic_names instead.
    if all(
        _is_function_word(tag) and tag[0] != "t" or tag[0] in "vf" for _, tag in words
    ):
        return None
    return start


def _merge_street_with_address(
    places: list[_Span], addresses: list[_Span], text: str
) -> list[_Span]:
    # 张江镇祖冲之路887号 is one address: the town says where the road is.
    starts = {span.start: span for span in addresses}
    merged = []
    for place in places:
        following = starts.get(place.end)
        if place.entity == ADDRESS and following is not None:
            merged.append(_address(text, place.start, following.end))
    return merged + addresses


def _address(text: str, start: int, end: int) -> _Span:
    return _Span(start, end, ADDRESS, text[start:end])


# --- Dates and times ---------------------------------------------------------------

_CN_SMALL_NUMBER = "零〇一二两三四五六七八九十"
_NUM = rf"(?:\d{{1,2}}|[{_CN_SMALL_NUMBER}]{{1,3}})"
_DAY_WORDS = {
    "大前天": (-3, None),
    "前天": (-2, None),
    "昨天": (-1, None),
    "昨日": (-1, None),
    "昨儿": (-1, None),
    "昨晚": (-1, "晚上"),
    "昨夜": (-1, "夜里"),
    "今天": (0, None),
    "今日": (0, None),
    "今儿": (0, None),
    "今早": (0, "早上"),
    "今晨": (0, "早上"),
    "今晚": (0, "晚上"),
    "今夜": (0, "夜里"),
    "明天": (1, None),
    "明日": (1, None),
    "明儿": (1, None),
    "明早": (1, "早上"),
    "明晚": (1, "晚上"),
    "后天": (2, None),
    "大后天": (3, None),
}
_WEEK_OFFSETS = {"上上": -2, "上": -1, "这": 0, "本": 0, "下": 1, "下下": 2}
_MONTH_OFFSETS = {"上": -1, "这": 0, "本": 0, "下": 1}
_YEAR_OFFSETS = {"前年": -2, "去年": -1, "今年": 0, "明年": 1}
_WEEKDAYS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7}
_PARTS_OF_DAY = (
    "凌晨|清晨|早上|早晨|上午|中午|下午|傍晚|晚上|晚间|夜里|夜间|半夜|深夜|午夜"
)
# Words that lead to a clock time: 跳到十点, 过了十二点, 从八点.
_UNTIL = ("到", "至", "过", "过了", "从")
_NIGHT = ("晚上", "晚间", "夜里", "夜间", "深夜", "半夜", "午夜")
_VAGUE = "前几天|这几天|前阵子|前段时间|这段时间|上半年|下半年"
# Holidays name a period the citizen means (春节期间): the mention is the holiday itself.
_HOLIDAYS = "春节|除夕|大年三十|元旦|清明节|清明|五一|劳动节|端午节|端午|中秋节|中秋|国庆节|国庆"

# One mention: a day (or a vaguer period), then a part of the day, then a clock time,
# each optional; _is_date_mention decides which combinations are dates.
_DATE_PATTERN = re.compile(
    rf"""
    (?:(?:
        (?P<day_word>{_alternatives(_DAY_WORDS)})
      | (?P<iso_year>(?<!\d)\d{{4}})[-/.](?P<iso_month>\d{{1,2}})[-/.](?P<iso_day>\d{{1,2}})(?!\d)
      | (?:(?P<year>(?<!\d)\d{{4}}|[零〇一二三四五六七八九]{{4}})年
           |(?P<year_word>{_alternatives(_YEAR_OFFSETS)}))?
        (?P<month>(?<!\d)\d{{1,2}}|十[一二]?|[一二三四五六七八九])月份?
        (?:(?P<day>{_NUM})[日号])?
      | (?P<month_word>上个?月|下个?月|这个月|本月)(?:(?P<month_day>{_NUM})[日号])?
      | (?:(?P<week_word>上上|上|下下|下|这|本)个?)?
        (?<![一二两三四五六七八九十几每\d])(?:星期|礼拜|周)
        (?:(?P<weekday>[一二三四五六日天])(?![次回遍趟个气])|(?P<weekend>末)|(?![围边到全]))
      | (?P<count>\d{{1,2}}|[一二两三四五六七八九十]{{1,3}}|半|几)个?
        (?P<unit>天|日|星期|礼拜|周|月)(?P<direction>以前|之前|前|以后|之后|后)
      | (?P<bare_day>(?<![\d弄路号栋幢楼#\-\]〕）)])(?:[12]\d|3[01]|0?[1-9]|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九]))号
        (?![\d线楼门栋幢床房室口车位窗院台柜机站弄])
      | (?P<vague>{_VAGUE})
      | (?P<holiday>{_HOLIDAYS})(?![路号弄站])
      | (?P<year_alone>{_alternatives(_YEAR_OFFSETS)})(?![\d零〇一二三四五六七八九十]+月)
    )(?:的(?=(?:{_PARTS_OF_DAY})|{_NUM}[点时]))?)?
    (?P<part>{_PARTS_OF_DAY})?
    (?:
        (?P<hour>{_NUM})[点时](?P<oclock>钟)?
        (?P<minute>半|一刻|三刻|{_NUM})?分?
        (?P<about>多|左右|前后)?
      | (?P<clock_hour>(?<!\d)\d{{1,2}})[:：](?P<clock_minute>\d{{2}})(?!\d)
    )?
    """,
    re.VERBOSE,
)


def _date_spans(text: str, now: datetime) -> list[_Span]:
    spans = []
    for match in _DATE_PATTERN.finditer(text):
        if match.start() == match.end() or not _is_date_mention(match):
            continue
        value = _date_value(match, now.date())
        spans.append(_Span(match.start(), match.end(), DATE, value or match.group()))
    return spans


def _is_date_mention(match: re.Match[str]) -> bool:
    has_day = any(
        match[group]
        for group in (
            "day_word",
            "iso_year",
            "month",
            "month_word",
            "week_word",
            "weekday",
            "weekend",
            "unit",
            "bare_day",
            "vague",
            "holiday",
            "year_alone",
        )
    )
    if has_day:
        return True
    if match["clock_hour"]:
        return True
    if not match["hour"]:
        return False  # 晚上 alone: a time of day, not a date
    if match["part"]:
        return True
    # 一点 is as often "a little" (有一点吵) as one o'clock; without 晚上 or a date,
    # a Chinese-numeral hour counts only with a marker (十点半, 两点多, 三点钟) or
    # after a word that leads to a time (吵到十点, 过了十二点).
    return bool(
        match["hour"].isdigit()
        or match["oclock"]
        or match["minute"]
        or match["about"]
        or match.string[: match.start()].endswith(_UNTIL)
    )


def _date_value(match: re.Match[str], today: date) -> str | None:
    """The ISO date or date-time a mention stands for, or None if not one day."""
    try:
        return _precise_value(match, today)
    except ValueError:
        return None  # 2月30日, 七八点: read as written


def _precise_value(match: re.Match[str], today: date) -> str | None:
    day, explicit = _day_of(match, today)
    if day is None:
        return None
    part = match["part"]
    if match["day_word"]:
        part = part or _DAY_WORDS[match["day_word"]][1]
    hour, minute = _time_of(match)
    if hour is None:
        return day.isoformat()
    next_day = False
    if part or not match["clock_hour"]:  # 15:30 is already on a 24-hour clock
        hour, next_day = _twenty_four_hour(hour, part)
    # 昨天晚上十二点 and 昨天半夜两点 are in the small hours after yesterday; with no
    # day named, 晚上十二点 is read as today's, since the message may be about
    # last night or tonight.
    if next_day and explicit:
        day += timedelta(days=1)
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}"


def _day_of(match: re.Match[str], today: date) -> tuple[date | None, bool]:
    """The day a mention names and whether it named one at all (or means today)."""
    if match["day_word"]:
        return today + timedelta(days=_DAY_WORDS[match["day_word"]][0]), True
    if match["iso_year"]:
        return (
            date(
                int(match["iso_year"]),
                int(match["iso_month"]),
                int(match["iso_day"]),
            ),
            True,
        )
    if match["month"]:
        if not match["day"]:
            return None, True  # 11月: a month, not a day
        year = today.year
        if match["year"]:
            year = _number(match["year"], digit_by_digit=True)
        elif match["year_word"]:
            year += _YEAR_OFFSETS[match["year_word"]]
        return date(year, _number(match["month"]), _number(match["day"])), True
    if match["month_word"]:
        if not match["month_day"]:
            return None, True
        offset = _MONTH_OFFSETS[match["month_word"][0]]
        year, month = divmod(today.year * 12 + today.month - 1 + offset, 12)
        return date(year, month + 1, _number(match["month_day"])), True
    if match["weekday"] or match["week_word"] or match["weekend"]:
        if not match["weekday"]:
            return None, True  # 上周, 这周末: more than one day
        monday = today - timedelta(days=today.weekday())
        weeks = _WEEK_OFFSETS.get(match["week_word"] or "这", 0)
        offset = 7 * weeks + _WEEKDAYS[match["weekday"]] - 1
        return monday + timedelta(days=offset), True
    if match["unit"]:
        return _counted_day(match, today), True
    if match["bare_day"]:
        return today.replace(day=_number(match["bare_day"])), True
    if match["vague"] or match["holiday"] or match["year_alone"]:
        return None, True
    return today, False


def _counted_day(match: re.Match[str], today: date) -> date | None:
    # 三天前, 两周后; 半个月前 or 几天前 name no single day.
    if match["count"] in ("半", "几") or match["unit"] == "月":
        return None
    days = _number(match["count"]) * (1 if match["unit"] in ("天", "日") else 7)
    sign = -1 if "前" in match["direction"] else 1
    return today + timedelta(days=sign * days)


def _time_of(match: re.Match[str]) -> tuple[int | None, int]:
    if match["clock_hour"]:
        return int(match["clock_hour"]), int(match["clock_minute"])
    if not match["hour"]:
        return None, 0
    hour = _number(match["hour"])
    minute_text = match["minute"]
    minutes = {"半": 30, "一刻": 15, "三刻": 45}
    minute = minutes.get(minute_text or "", 0)
    if minute_text and minute_text not in minutes:
        minute = _number(minute_text)
    if hour > 24 or minute > 59:
        return None, 0
    return hour, minute


def _twenty_four_hour(hour: int, part: str | None) -> tuple[int, bool]:
    """The hour on a 24-hour clock, and whether it falls after midnight."""
    if hour == 24:
        return 0, True
    if part is None and 1 <= hour <= 5:
        # Citizens name the small hours (凌晨两点); a bare 三点 is the afternoon.
        return hour + 12, False
    if part in ("下午", "傍晚") and hour < 12:
        return hour + 12, False
    if part == "中午" and hour < 6:
        return hour + 12, False
    if part in _NIGHT:
        if hour == 12:
            return 0, True
        if hour <= 5:
            return hour, True
        if hour < 12:
            return hour + 12, False
    if part == "凌晨" and hour == 12:
        return 0, False
    return hour, False


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_CN_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _number(text: str, digit_by_digit: bool = False) -> int:
    """Reads 20, 二十, 二十三, 十一 or (for years, digit by digit) 二〇二六.

    Raises:
        ValueError: For anything else, such as 七八 (seven or eight).
    """
    if text.isdigit():
        return int(text)
    if digit_by_digit:
        return int("".join(str(_cn_digit(char)) for char in text))
    tens, ten, units = text.partition("十")
    if not ten:
        tens, units = "", text
    if len(tens) > 1 or len(units) > 1 or not (ten or units):
        raise ValueError(f"not a number under a hundred: {text}")
    value = (_cn_digit(tens) if tens else 1) * 10 if ten else 0
    return value + (_cn_digit(units) if units else 0)


def _cn_digit(char: str) -> int:
    if char not in _CN_DIGITS:
        raise ValueError(f"not a digit: {char}")
    return _CN_DIGITS[char]
