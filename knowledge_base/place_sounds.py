"""How place names sound, to read what speech recognition or a pinyin keyboard spelt
otherwise (徐家会 for 徐家汇, 陆家咀 for 陆家嘴) and what English writes in pinyin
(Xujiahui, Qibao).

Every reading of a character counts (长 is chang and zhang, 角 jiao and jue), so 长宁
sounds like Changning. As in ``search.phonetic``, the accents that speech recognition
blurs (zh/z, ch/c, sh/s, -ng/-n) are folded, but only for names of four characters or
more: at three, 中心镇 would pass for 中兴镇.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_ACCENT_FOLDS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("ng", "n"))
# A name with many characters of several readings would otherwise have hundreds.
_MAX_SPELLINGS = 32
# Names shorter than this sound like too many everyday words; longer ones are rarely
# misheard as a whole.
_SHORTEST = 3
_LONGEST = 8
_SHORTEST_FOLDED = 4

Spelling = tuple[str, ...]


@lru_cache(maxsize=4096)
def _readings(char: str) -> tuple[str, ...]:
    from pypinyin import Style, pinyin

    found = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
    return tuple(dict.fromkeys(found[0])) if found else ()


def spellings(text: str) -> list[Spelling]:
    """The ways ``text`` may sound, a toneless syllable per character; none if a
    character has no reading."""
    readings = [_readings(char) for char in text]
    if not all(readings):
        return []
    return list(itertools.islice(itertools.product(*readings), _MAX_SPELLINGS))


def pinyin_keys(text: str) -> set[str]:
    """``text`` as English writes it, syllables joined: 徐家汇 → xujiahui; ü also as u
    (吕巷 → lvxiang, luxiang)."""
    joined = {"".join(spelling) for spelling in spellings(text)}
    return joined | {key.replace("v", "u") for key in joined}


def _folded(spelling: Spelling) -> Spelling:
    return tuple(_folded_syllable(syllable) for syllable in spelling)


@lru_cache(maxsize=4096)
def _folded_syllable(syllable: str) -> str:
    """Every window of every message is folded: a syllable is folded once."""
    for heard, written in _ACCENT_FOLDS:
        syllable = syllable.replace(heard, written)
    return syllable


class SoundIndex:
    """Place names by their sound.

    Args:
        names: Names in Chinese characters; those of three to eight are indexed.
    """

    def __init__(self, names: Iterable[str]) -> None:
        self._exact: dict[Spelling, set[str]] = {}
        self._folded: dict[Spelling, set[str]] = {}
        self._lengths: set[int] = set()
        for name in names:
            if not _SHORTEST <= len(name) <= _LONGEST or not _HAN_RUN.fullmatch(name):
                continue
            self._lengths.add(len(name))
            for spelling in spellings(name):
                self._exact.setdefault(spelling, set()).add(name)
                if len(name) >= _SHORTEST_FOLDED:
                    self._folded.setdefault(_folded(spelling), set()).add(name)

    def matches(self, text: str) -> Iterator[tuple[int, int, str]]:
        """Stretches of ``text`` spelt otherwise than a name they sound like, sharing
        at least one character with it; as (start, end, name)."""
        for run in _HAN_RUN.finditer(text):
            for length in sorted(self._lengths, reverse=True):
                for start in range(run.start(), run.end() - length + 1):
                    window = text[start : start + length]
                    for name in self._sounding_like(window):
                        if name != window and any(
                            a == b for a, b in zip(name, window, strict=True)
                        ):
                            yield start, start + length, name

    def _sounding_like(self, window: str) -> set[str]:
        exact, folded = _window_spellings(window)
        found: set[str] = set()
        for spelling in exact:
            found |= self._exact.get(spelling, set())
        if len(window) >= _SHORTEST_FOLDED:
            for spelling in folded:
                found |= self._folded.get(spelling, set())
        return found


@lru_cache(maxsize=16384)
def _window_spellings(window: str) -> tuple[tuple[Spelling, ...], tuple[Spelling, ...]]:
    """A window's spellings and, once each, their folded forms: every message is read
    in every window of three to eight characters, and the same windows recur."""
    exact = spellings(window)
    return tuple(exact), tuple(dict.fromkeys(_folded(spelling) for spelling in exact))


# --- how English writes a division's name ---------------------------------------------

# Level words as Shanghai's own English signage gives them, longest suffix first; a
# division of another kind (开发区, 农场, 工业区) has no community centre of its own.
_ENGLISH_LEVELS = (
    ("街道", "Subdistrict"),
    ("新镇", "New Town"),
    ("镇", "Town"),
    ("乡", "Township"),
)
# Readings Shanghai's place names use where pypinyin's everyday choice differs:
# 长风 Changfeng, 重固 Chonggu, 殷行 Yinhang, 杨行 Yanghang.
_PLACE_READINGS = {"长": "chang", "重": "chong", "行": "hang"}
_ROAD_DIRECTIONS = {
    "东": "East",
    "南": "South",
    "西": "West",
    "北": "North",
    "中": "Middle",
    "一": "1st",
    "二": "2nd",
    "三": "3rd",
}


def english_division_name(name: str) -> tuple[str, str] | None:
    """A street's or town's name as English writes it, and its level word.

    Args:
        name: The official name: 张江镇, 南京西路街道, 曹杨新村街道, 川沙新镇.

    Returns:
        ("Zhangjiang", "Town"), ("Nanjing West Road", "Subdistrict"),
        ("Caoyang Xincun", "Subdistrict"), ("Chuansha", "New Town"); None for a zone,
        farm or park that is not a street or town.
    """
    for suffix, level in _ENGLISH_LEVELS:
        stem = name.removesuffix(suffix)
        if stem == name:
            continue
        if len(stem) < 2 and suffix == "新镇":
            continue  # 华新镇 is 华新 town, not 华 new town
        # A one-character town keeps its 镇 in the name: 堡镇 Baozhen Town, 唐镇.
        return _english_stem(stem if len(stem) >= 2 else name), level
    return None


def _english_stem(stem: str) -> str:
    if stem.endswith("路") and len(stem) >= 3:
        body, qualifier = stem[:-1], ""
        if body[-1] in _ROAD_DIRECTIONS and len(body) >= 3:
            body, qualifier = body[:-1], _ROAD_DIRECTIONS[body[-1]] + " "
        return f"{_romanised(body)} {qualifier}Road"
    if stem.endswith("新村") and len(stem) >= 4:
        return f"{_romanised(stem[:-2])} Xincun"
    return _romanised(stem)


def _romanised(text: str) -> str:
    """Hanyu Pinyin as one word, capitalised, with the apostrophe before a syllable
    that starts with a vowel (Jing'ansi), as the place-name standard writes it."""
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(text, style=Style.NORMAL, v_to_u=True)
    syllables = [
        _PLACE_READINGS.get(char, syllable)
        for char, syllable in zip(text, syllables, strict=False)
    ]
    word = "".join(
        ("'" if index and syllable[:1] in "aoe" else "") + syllable
        for index, syllable in enumerate(syllables)
    )
    return word[:1].upper() + word[1:]
