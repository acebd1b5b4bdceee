"""Repairs speech-recognition homophones ("居住正" → "居住证") against known terms.

A hotline transcript spells a word by its sound. We index every catalogue term by its
toneless pinyin, folded for the southern accents ASR systems often mishear (zh/z, ch/c,
sh/s, -ng/-n), and look for stretches of the question that sound like a term but are
spelt otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from knowledge_base.search.text import cjk_runs, normalise

MIN_TERM_CHARS = 2
MAX_TERM_CHARS = 8
_ACCENT_FOLDS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("ng", "n"))
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")


def _syllables(text: str) -> list[str]:
    from pypinyin import Style, lazy_pinyin

    return [
        _fold(syllable)
        for syllable in lazy_pinyin(text, style=Style.NORMAL, errors="ignore")
    ]


def _fold(syllable: str) -> str:
    for heard, folded in _ACCENT_FOLDS:
        syllable = syllable.replace(heard, folded)
    return syllable


class HomophoneRepairer:
    """Maps sound-alike spans of a question to the catalogue term they stand for.

    Args:
        terms: catalogue vocabulary (names, aliases, keywords).
        is_word: tells whether a spelling is a real word in its own right; a two-character
            real word ("事业") is never "repaired" into a term that sounds the same ("失业").
    """

    def __init__(
        self,
        terms: Iterable[str],
        is_word: Callable[[str], bool] = lambda word: False,
    ) -> None:
        self._terms: set[str] = set()
        self._by_sound: dict[str, str] = {}
        for term in terms:
            term = normalise(term)
            if MIN_TERM_CHARS <= len(term) <= MAX_TERM_CHARS and cjk_runs(term) == [
                term
            ]:
                self._terms.add(term)
                self._by_sound.setdefault(" ".join(_syllables(term)), term)
        self._is_word = is_word

    def repairs(self, text: str) -> list[str]:
        """Terms that sound like a span of ``text`` but are not spelt there, longest first."""
        found: list[str] = []
        for run in cjk_runs(text):
            if len(run) < MIN_TERM_CHARS:
                continue
            sounds = _syllables(run)
            if len(sounds) != len(run):
                continue
            start = 0
            while start < len(run) - 1:
                match_length = 0
                for length in range(
                    min(MAX_TERM_CHARS, len(run) - start), MIN_TERM_CHARS - 1, -1
                ):
                    span = run[start : start + length]
                    if span in self._terms:
                        match_length = length
                        break
                    term = self._by_sound.get(" ".join(sounds[start : start + length]))
                    if term is None or (length == 2 and self._is_word(span)):
                        continue
                    found.append(term)
                    match_length = length
                    break
                start += max(match_length, 1)
        return found

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where ``text`` spells a term or sounds like one, as offsets into ``text``.

        Every match is returned, overlapping ones included, so a caller can choose
        among them ("换架照" holds "架照", which sounds like "驾照").
        """
        found: list[tuple[int, int]] = []
        for run in _HAN_RUN.finditer(text):
            sounds = _syllables(run.group())
            if len(sounds) != len(run.group()):
                continue
            for start in range(len(sounds) - MIN_TERM_CHARS + 1):
                longest = min(MAX_TERM_CHARS, len(sounds) - start)
                for length in range(MIN_TERM_CHARS, longest + 1):
                    span = run.group()[start : start + length]
                    if (
                        span in self._terms
                        or " ".join(sounds[start : start + length]) in self._by_sound
                    ):
                        found.append(
                            (run.start() + start, run.start() + start + length)
                        )
        return found
