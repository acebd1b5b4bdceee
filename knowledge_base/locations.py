"""Where a complaint is: the district and the street or town (街道/镇) that a citizen's
words point to, as divisions of the official list.

Citizens seldom write their street's name. They give a landmark (徐家汇地铁站3号口), a
business park (漕河泾开发区桂平路), a town without its suffix (浦东张江), a district
that no longer exists (闸北), what speech recognition heard (陆家咀), traditional
characters, or English. The locator reads all of these against the current imported
list (``divisions``), the district names of ``places`` and the hand-built landmarks of
``data/landmarks.yml``, and says which words decided, so an agent can check it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import yaml
from sqlalchemy.orm import Session

from foundation.errors import NotFoundError
from foundation.settings import get_settings
from knowledge_base.divisions import DivisionRecord, imports_made_here
from knowledge_base.place_sounds import (
    SoundIndex,
    english_division_name,
    pinyin_keys,
)
from knowledge_base.places import get_places
from knowledge_base.repositories.divisions import (
    current_division_list,
    current_list_version,
)
from knowledge_base.search.text import normalise

if TYPE_CHECKING:
    import jieba

LANDMARKS_PATH = Path(__file__).resolve().parent / "data" / "landmarks.yml"

How = Literal["name", "landmark", "short name", "english", "sounds like"]
# Which reading wins when two name different streets: a name written in full over a
# landmark, over a short form or English, over a sound-alike.
_STRENGTH: dict[How, int] = {
    "name": 4,
    "landmark": 3,
    "short name": 2,
    "english": 2,
    "sounds like": 1,
}

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z0-9]+)*")
# A short name followed by these is a road named after the place, and roads run
# elsewhere: 吴淞路 is in 虹口, not in 宝山's 吴淞街道; 浦东南路, 长宁路, 徐家汇路.
_ROAD_AFTER = re.compile(
    r"[东南西北中]?[一二三四五六七八九]?(?:路|大道|公路|街(?!道)|弄|巷)"
)
_ROAD_WORDS_AFTER = frozenset({"road", "rd", "lu", "street", "st", "avenue", "ave"})
_MAX_ENGLISH_WORDS = 6
_PREPOSITIONS = "在住到去于从近往"
# jieba's words this long that start with a place's short name are named after it.
_NAMED_AFTER_PLACE = 4


@dataclass(frozen=True)
class Place:
    """A district (six-digit code) or a street, town or zone (nine digits)."""

    code: str
    name: str


@dataclass(frozen=True)
class Mention:
    """Words of a message that name a place, and how they were read.

    ``text`` is the message's own words after folding (traditional to simplified,
    lower case), ``start`` and ``end`` offsets into that folded text.
    """

    text: str
    start: int
    end: int
    reads_as: str
    how: How


@dataclass(frozen=True)
class Location:
    """Where a message points: always a district, a street when the words tell it."""

    district: Place
    street: Place | None
    evidence: tuple[Mention, ...]


@dataclass(frozen=True)
class _Form:
    """One way of writing a place, and the divisions it may stand for."""

    reads_as: str
    how: How
    codes: frozenset[str]
    # A short name yields to a road named after it (吴淞路) and, at two characters,
    # must be a word of its own (提高行人 holds no 高行镇).
    short: bool = False


@dataclass(frozen=True)
class Landmark:
    """A place citizens name, and the division it lies in (``division`` is that
    division's name, for the tests to check the code against the list)."""

    names: tuple[str, ...]
    english: tuple[str, ...]
    code: str
    division: str
    note: str


@dataclass(frozen=True)
class Landmarks:
    """The hand-built part of the gazetteer; see ``data/landmarks.yml``."""

    places: tuple[Landmark, ...]
    not_shortened: frozenset[str]
    not_places: tuple[str, ...]


@lru_cache(maxsize=1)
def load_landmarks(path: Path = LANDMARKS_PATH) -> Landmarks:
    """Reads the landmarks on first use."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Landmarks(
        places=tuple(
            Landmark(
                names=tuple(str(name) for name in entry.get("names") or ()),
                english=tuple(str(name) for name in entry.get("english") or ()),
                code=str(entry["code"]),
                division=str(entry.get("street") or entry["district"]),
                note=str(entry["note"]),
            )
            for entry in raw["places"]
        ),
        not_shortened=frozenset(str(word) for word in raw["not_shortened"]),
        not_places=tuple(str(word) for word in raw["not_places"]),
    )


def short_names(name: str) -> list[str]:
    """How a division's name is written without its suffix.

    Args:
        name: The official name: 徐家汇街道, 天平路街道, 真如镇街道, 川沙新镇.

    Returns:
        Its short forms (徐家汇; 天平街道; 真如镇 and 真如; 川沙镇 and 川沙), before any
        is set aside as an everyday word or shared with a district.
    """
    for suffix, forms in _SHORTENINGS:
        stem = name.removesuffix(suffix)
        if stem != name and len(stem) >= 2:
            return [form.format(stem) for form in forms]
    return []


# Longest suffix first. A road-named street keeps 街道 (天平路街道 → 天平街道, as
# citizens say it): 天平路 alone is the road, and 天平 the scales.
_SHORTENINGS = (
    ("新村街道", ("{}新村", "{}")),
    ("路街道", ("{}街道",)),
    ("镇街道", ("{}镇", "{}")),
    ("街道", ("{}",)),
    ("新城镇", ("{}新城",)),
    ("新镇", ("{}镇", "{}")),
    ("新区", ("{}",)),
    ("镇", ("{}",)),
    ("乡", ("{}",)),
)


class Locator:
    """Reads districts and streets out of messages, against one list of divisions.

    Args:
        divisions: The official list (``divisions.DivisionRecord``), usually the
            current one in the database.
        landmarks: The hand-built places; ``data/landmarks.yml`` by default.
    """

    def __init__(
        self, divisions: Iterable[DivisionRecord], landmarks: Landmarks | None = None
    ) -> None:
        landmarks = landmarks or load_landmarks()
        records = list(divisions)
        self._places = {r.code: Place(r.code, r.name) for r in records} | {
            r.district_code: Place(r.district_code, r.district) for r in records
        }
        self._district_of = {r.code: r.district_code for r in records} | {
            r.district_code: r.district_code for r in records
        }
        forms: dict[str, list[_Form]] = {}
        english: dict[str, list[_Form]] = {}
        for text, form in _district_forms(self._places):
            forms.setdefault(text, []).append(form)
        for text, form in _division_forms(records, set(forms), landmarks):
            forms.setdefault(text, []).append(form)
        for landmark in landmarks.places:
            if landmark.code not in self._places:
                continue  # not in this edition of the list: to be checked again
            codes = frozenset({landmark.code})
            for name in landmark.names:
                forms.setdefault(normalise(name), []).append(
                    _Form(name, "landmark", codes)
                )
            for name in landmark.english:
                english.setdefault(_english_key(name), []).append(
                    _Form(name, "english", codes)
                )
        for word in landmarks.not_places:
            forms.setdefault(normalise(word), []).append(
                _Form(word, "name", frozenset())
            )
        for text, english_form in _english_district_forms(self._places):
            english.setdefault(text, []).append(english_form)
        for text, english_form in _english_division_forms(records):
            english.setdefault(text, []).append(english_form)
        self._forms = {text: _merged(found) for text, found in forms.items()}
        self._english_forms = {text: _merged(found) for text, found in english.items()}
        self._longest = max(len(text) for text in self._forms)
        self._sounds = SoundIndex(text for text, f in self._forms.items() if f.codes)
        self._pinyin = {
            key: _merged(found) for key, found in _pinyin_forms(self._forms).items()
        }
        self._segmenter_lock = threading.Lock()
        self._segmenter: jieba.Tokenizer | None = None

    def locate(self, text: str) -> Location | None:
        """The district and, when the words tell it, the street of a message.

        Args:
            text: What the citizen wrote or said, address and description together.

        Returns:
            The location with the mentions that decided it, or None when the message
            names no place in Shanghai, or only places in several districts at once.
        """
        return self._decide(self.mentions(text))

    def mentions(self, text: str) -> list[tuple[Mention, frozenset[str]]]:
        """Every place a message names, in order, each with the codes it may mean."""
        folded = normalise(text)
        words = _Words(folded, self._segmenter_with_places)
        # Written and sound-alike readings compete on length, so that 七堡镇 (七宝镇)
        # beats the 堡镇 written inside it, and 浦东机厂 (浦东机场) the 浦东.
        candidates = [
            *self._written(folded, words),
            *self._sound_alikes(folded, words),
        ]
        # not_places only keep the places inside them from being read.
        places = [(m, codes) for m, codes in _longest_first(candidates) if codes]
        return sorted(
            places + self._english_mentions(folded), key=lambda item: item[0].start
        )

    # --- reading ----------------------------------------------------------------

    def _written(
        self, text: str, words: _Words
    ) -> Iterator[tuple[Mention, frozenset[str]]]:
        for start in range(len(text)):
            for end in range(min(len(text), start + self._longest), start + 1, -1):
                form = self._forms.get(text[start:end])
                if form is not None and _stands_alone(form, text, start, end, words):
                    mention = Mention(
                        text[start:end], start, end, form.reads_as, form.how
                    )
                    yield mention, form.codes

    def _segmenter_with_places(self) -> jieba.Tokenizer:
        """jieba's dictionary with the short names at the frequency jieba suggests:
        enough to keep 七宝 whole, not so much that 真新鲜 reads as 真新 (a street)."""
        with self._segmenter_lock:
            if self._segmenter is None:
                import jieba

                segmenter = jieba.Tokenizer()
                for text, form in self._forms.items():
                    if form.short and len(text) == 2 and _CJK.match(text):
                        segmenter.add_word(text)
                self._segmenter = segmenter
            return self._segmenter

    def _sound_alikes(
        self, text: str, words: _Words
    ) -> Iterator[tuple[Mention, frozenset[str]]]:
        for start, end, written in self._sounds.matches(text):
            form = self._forms[written]
            if _stands_alone(form, text, start, end, words):
                mention = Mention(text[start:end], start, end, written, "sounds like")
                yield mention, form.codes

    def _english_mentions(self, text: str) -> list[tuple[Mention, frozenset[str]]]:
        words = list(_LATIN_WORD.finditer(text))
        keys = [_english_word(word.group()) for word in words]
        found = []
        index = 0
        while index < len(words):
            for stop in range(min(len(words), index + _MAX_ENGLISH_WORDS), index, -1):
                form = self._english_forms.get(" ".join(keys[index:stop]))
                if form is None:
                    form = self._pinyin.get("".join(keys[index:stop]))
                    road = stop < len(words) and keys[stop] in _ROAD_WORDS_AFTER
                    if form is not None and form.short and road:
                        continue  # Xujiahui Road, Changning Road
                if form is not None:
                    start, end = words[index].start(), words[stop - 1].end()
                    mention = Mention(
                        text[start:end], start, end, form.reads_as, "english"
                    )
                    found.append((mention, form.codes))
                    index = stop
                    break
            else:
                index += 1
        return found

    # --- deciding ---------------------------------------------------------------

    def _decide(
        self, mentions: list[tuple[Mention, frozenset[str]]]
    ) -> Location | None:
        named: Counter[str] = Counter()
        first_named: dict[str, int] = {}
        for mention, codes in mentions:
            if len(codes) == 1 and _is_district(next(iter(codes))):
                code = next(iter(codes))
                named[code] += 1
                first_named.setdefault(code, mention.start)
        street_mentions = [
            (mention, codes)
            for mention, codes in mentions
            if not all(_is_district(code) for code in codes)
        ]
        # A district the citizen names settles which of a name's streets is meant
        # (虹桥: 长宁's street or 闵行's town), and outweighs a landmark elsewhere.
        if named:
            street_mentions = [
                (mention, frozenset(c for c in codes if self._district_of[c] in named))
                for mention, codes in street_mentions
            ]
        ranked = sorted(
            (item for item in street_mentions if item[1]),
            key=lambda item: (-_STRENGTH[item[0].how], -len(item[0].text)),
        )
        for mention, codes in ranked:
            if len(codes) == 1:
                street = self._places[next(iter(codes))]
                return self._location(street, mentions, mention)
        for mention, codes in ranked:
            districts = {self._district_of[code] for code in codes}
            if len(districts) == 1:
                (district,) = districts
                return Location(self._places[district], None, (mention,))
        if named:
            district = min(named, key=lambda code: (-named[code], first_named[code]))
            evidence = tuple(
                mention for mention, codes in mentions if codes == frozenset({district})
            )
            return Location(self._places[district], None, evidence)
        return None

    def _location(
        self,
        street: Place,
        mentions: list[tuple[Mention, frozenset[str]]],
        decisive: Mention,
    ) -> Location:
        district = self._district_of[street.code]
        agreeing = [
            mention for mention, codes in mentions if codes == frozenset({district})
        ]
        evidence = tuple(sorted([decisive, *agreeing], key=lambda m: m.start))
        return Location(self._places[district], street, evidence)


class _Words:
    """Where jieba's words start and end in a message, cut only when first asked."""

    def __init__(self, text: str, segmenter: Callable[[], jieba.Tokenizer]) -> None:
        self._text = text
        self._segmenter = segmenter
        self._word_at: dict[int, str] | None = None

    def is_word(self, start: int, end: int) -> bool:
        if self._word_at is None:
            words = list(self._segmenter().cut(self._text, HMM=False))
            starts = itertools.accumulate((len(word) for word in words), initial=0)
            self._word_at = dict(zip(starts, words, strict=False))
        word_at = self._word_at
        # A longer name built on the place is still the place (虹口足球场, 龙华烈士陵园).
        if len(word_at.get(start, "")) >= _NAMED_AFTER_PLACE:
            return True
        if end not in word_at and end != len(self._text):
            return False
        # jieba fuses a preposition with a name's first character now and then
        # (住在外冈 → 住/在外/冈); the place is still a word of its own.
        return start in word_at or (
            start - 1 in word_at and self._text[start - 1] in _PREPOSITIONS
        )


def _stands_alone(form: _Form, text: str, start: int, end: int, words: _Words) -> bool:
    if not form.short:
        return True
    if _ROAD_AFTER.match(text, end):
        return False
    return end - start > 2 or words.is_word(start, end)


def _is_district(code: str) -> bool:
    return len(code) == 6


def _merged(forms: list[_Form]) -> _Form:
    """One form for one written text: the strongest reading, every code it may mean."""
    strongest = max(forms, key=lambda form: (_STRENGTH[form.how], not form.short))
    codes = frozenset().union(*(form.codes for form in forms))
    return _Form(strongest.reads_as, strongest.how, codes, strongest.short)


def _longest_first(
    candidates: list[tuple[Mention, frozenset[str]]],
) -> list[tuple[Mention, frozenset[str]]]:
    # 北外滩 over the 外滩 inside it, 新江湾城 over 江湾, 黄浦江 over 黄浦.
    kept: list[tuple[Mention, frozenset[str]]] = []
    # Of two readings of one stretch, the written one wins over the sound-alike.
    for mention, codes in sorted(
        candidates,
        key=lambda item: (
            item[0].start - item[0].end,
            item[0].how == "sounds like",
            item[0].start,
        ),
    ):
        if not any(
            mention.start < other.end and other.start < mention.end for other, _ in kept
        ):
            kept.append((mention, codes))
    return sorted(kept, key=lambda item: item[0].start)


def _district_forms(places: dict[str, Place]) -> Iterator[tuple[str, _Form]]:
    """The districts' names, short names (徐汇) and former names (闸北, 南汇)."""
    code_of = {place.name: code for code, place in places.items() if _is_district(code)}
    for name, code in code_of.items():
        yield normalise(name), _Form(name, "name", frozenset({code}))
    for district in get_places().districts:
        district_code = code_of.get(district.name)
        if district_code is None:
            continue
        for form in (*district.short_names, *district.former_names):
            yield (
                normalise(form),
                _Form(
                    form,
                    "name",
                    frozenset({district_code}),
                    short=not form.endswith(("区", "县")),
                ),
            )


def _english_district_forms(
    places: dict[str, Place],
) -> Iterator[tuple[str, _Form]]:
    code_of = {place.name: code for code, place in places.items() if _is_district(code)}
    for district in get_places().districts:
        code = code_of.get(district.name)
        if code is not None:
            for form in district.english_names:
                yield _english_key(form), _Form(form, "english", frozenset({code}))


def _english_division_forms(
    records: list[DivisionRecord],
) -> Iterator[tuple[str, _Form]]:
    """Streets and towns as English writes them, the names the office answers use:
    Zhangjiang Town, Nanjing West Road Subdistrict. A road-named street is also read
    from its road's English name alone (Nanjing West Road): visitors name the area by
    it, and no pinyin reading of 南京西路 gives those words."""
    for record in records:
        english = english_division_name(record.name)
        if english is None:
            continue
        stem, level = english
        codes = frozenset({record.code})
        yield _english_key(f"{stem} {level}"), _Form(record.name, "english", codes)
        if stem.endswith(" Road"):
            yield _english_key(stem), _Form(record.name, "english", codes, short=True)


def _division_forms(
    records: list[DivisionRecord], district_forms: set[str], landmarks: Landmarks
) -> Iterator[tuple[str, _Form]]:
    """Official names, and short names that no district or everyday word has taken."""
    short: dict[str, set[str]] = {}
    for record in records:
        yield (
            normalise(record.name),
            _Form(record.name, "name", frozenset({record.code})),
        )
        for form in short_names(record.name):
            short.setdefault(normalise(form), set()).add(record.code)
    for form, codes in short.items():
        if form in district_forms or form in landmarks.not_shortened:
            continue
        yield form, _Form(form, "short name", frozenset(codes), short=True)


def _pinyin_forms(forms: dict[str, _Form]) -> dict[str, list[_Form]]:
    """Chinese names as English writes them: Xujiahui, Lujiazui, Qibao."""
    by_pinyin: dict[str, list[_Form]] = {}
    for text, form in forms.items():
        if len(text) >= 2 and form.codes:
            english = _Form(form.reads_as, "english", form.codes, form.short)
            for key in pinyin_keys(text):
                by_pinyin.setdefault(key, []).append(english)
    return by_pinyin


def _english_key(text: str) -> str:
    return " ".join(
        _english_word(word) for word in _LATIN_WORD.findall(normalise(text))
    )


def _english_word(word: str) -> str:
    return word.replace("'", "").replace("’", "")


# --- the current list ---------------------------------------------------------------


class _CurrentLocator:
    """The locator of the current list, rebuilt when an import changes the list.

    Every message of every conversation is read for where the citizen is, so the
    list's version is read at most once every ``catalogue_check_interval_s`` seconds,
    as the search index reads the catalogue's revision: reading it for each message
    was two thirds of the action server's work. An import made by this process is
    followed at once.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._version: tuple[str, int, dt.datetime] | None = None
        self._locator: Locator | None = None
        self._next_check = float("-inf")
        self._imports_seen = -1

    def get(self, session: Session) -> Locator:
        # Keyed by database too: tests and tools may hold several in one process.
        database = str(session.get_bind().engine.url)
        with self._lock:
            if (
                self._locator is not None
                and self._version is not None
                and self._version[0] == database
                and self._imports_seen == imports_made_here()
                and self._clock() < self._next_check
            ):
                return self._locator
        imports_seen = imports_made_here()
        current = current_list_version(session)
        if current is None:
            raise NotFoundError("division list", "current")
        version = (database, *current)
        with self._lock:
            self._imports_seen = imports_seen
            self._next_check = self._clock() + get_settings().catalogue_check_interval_s
            if self._locator is None or version != self._version:
                division_list = current_division_list(session)
                if division_list is None:
                    raise NotFoundError("division list", "current")
                self._locator = Locator(
                    DivisionRecord(d.code, d.name, d.district_code, d.district)
                    for d in division_list.divisions
                )
                self._version = version
            return self._locator


_current = _CurrentLocator()


def locate(text: str, *, session: Session) -> Location | None:
    """The district and, when the words tell it, the street or town of a complaint.

    Args:
        text: The complaint's address and description as the citizen wrote them.
        session: Where the current list of divisions is read (`hotline places
            import-divisions`); the locator built from it is kept until it changes.

    Returns:
        The district and street (codes and names of the official list) and the words
        that decided, or None when the text names no place in Shanghai.

    Raises:
        NotFoundError: no list of divisions has been imported.
    """
    return _current.get(session).locate(text)
