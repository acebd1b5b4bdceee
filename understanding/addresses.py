"""The places a citizen's message names: districts, subdistricts and towns, addresses.

- A district, in any form of its name (徐汇, 徐汇区, Xuhui District, 闸北), has the
  official Chinese name (徐汇区) as its value.
- An address is a subdistrict or town (七宝 → 七宝镇), a road address (漕溪北路1200号,
  南京西路100弄3号), a town followed by one (张江镇祖冲之路887号), an estate (康健新村,
  XX小区3号楼), a station (莘庄地铁站) or a crossing (漕溪北路和中山南二路路口); apart
  from subdistricts and towns the value is the text as written.

Districts and subdistricts are matched by a spaCy `entity_ruler` over jieba tokens, so
黄浦江 (the river) is not read as 黄浦区; road addresses are regular expressions over
the characters of the message, with jieba's parts of speech to tell a name from a
phrase. The vocabulary is `knowledge_base.places`; spaCy and jieba load on first use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, cast

from understanding.spans import ADDRESS, DISTRICT, Span, alternatives

if TYPE_CHECKING:
    import jieba
    import jieba.posseg
    from spacy.lang.zh import ChineseTokenizer
    from spacy.language import Language
    from spacy.pipeline import EntityRuler

    from knowledge_base.places import AddressWords

# Place names are added to a private jieba dictionary with this frequency. With
# jieba's own suggestion, 17 of 4,220 test contexts split a name apart (在外冈 →
# 在外/冈, 重固有 → 重/固有); at 20,000 none did, and on 8,000 real citizen
# messages from another province it added only three spurious matches.
_PLACE_WORD_FREQUENCY = 20_000


def place_spans(text: str) -> list[Span]:
    """The districts, subdistricts and towns a message names.

    Args:
        text: The message as the citizen wrote it.

    Returns:
        One span per place, its value the official name (浦东 → 浦东新区).
    """
    doc = _place_pipeline()(text)
    return [
        Span(
            ent.start_char,
            ent.end_char,
            DISTRICT if ent.label_ == "district" else ADDRESS,
            ent.ent_id_,
        )
        for ent in doc.ents
    ]


def address_spans(text: str, places: list[Span], stops: set[int]) -> list[Span]:
    """The road addresses, estates, stations and crossings a message names.

    Args:
        text: The message as the citizen wrote it.
        places: The message's `place_spans`; a town just before an address joins it
            (张江镇祖冲之路887号).
        stops: Where other entities (places, dates) end; a name does not reach back
            across one (徐汇区|漕溪北路).

    Returns:
        Candidate addresses, which may overlap one another and `places`.
    """
    return _merge_street_with_address(
        places, _road_spans(text, stops) + _estate_spans(text, stops), text
    )


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
    cast("ChineseTokenizer", nlp.tokenizer).jieba_seg = _segmenter()
    # LOWER makes English forms case-insensitive and leaves Chinese alone.
    ruler = cast(
        "EntityRuler",
        nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"}),
    )
    ruler.add_patterns(
        [{"label": form.kind, "pattern": form.text, "id": form.value} for form in forms]
    )
    return nlp


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
    units = alternatives(words.house_units)
    return _AddressGrammar(
        words=words,
        road_suffix=re.compile(alternatives(words.road_suffixes)),
        estate_suffix=re.compile(alternatives(words.estate_suffixes)),
        # 100弄3号, 3号楼502室, a bare number after a road (漕溪北路1200), but not
        # the start of a time or date (南京路3点).
        house=re.compile(
            rf"(?:(?:\d+|[{_CN_NUMERALS}]{{1,6}})(?:{units}))+(?:\d+(?!\d))?"
            r"|\d+(?![\d.:：点时月年])"
        ),
        crossing=re.compile(alternatives(words.crossings)),
        locative=re.compile(alternatives(words.locatives)),
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


def _road_spans(text: str, stops: set[int]) -> list[Span]:
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


def _estate_spans(text: str, stops: set[int]) -> list[Span]:
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
    places: list[Span], addresses: list[Span], text: str
) -> list[Span]:
    # 张江镇祖冲之路887号 is one address: the town says where the road is.
    starts = {span.start: span for span in addresses}
    merged = []
    for place in places:
        following = starts.get(place.end)
        if place.entity == ADDRESS and following is not None:
            merged.append(_address(text, place.start, following.end))
    return merged + addresses


def _address(text: str, start: int, end: int) -> Span:
    return Span(start, end, ADDRESS, text[start:end])
