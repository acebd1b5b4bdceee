"""Which work-order category a complaint belongs to, and so which department handles it.

Evidence is the category's own vocabulary: each keyword found in the complaint counts by
its length (a long phrase such as "半夜施工" says more than "吵"), and BM25 over the
category's keywords and description catches words jieba separates differently. With no
evidence at all the complaint goes to the catch-all category for a person to route.

Expats write their complaints in English, so each category has English keywords too.
They are matched as whole words, stem by stem ("barking dogs" finds "barking dog", and
"bar" does not find "barber"), and count two per word, as a Chinese word of two
characters does; of two categories with equal evidence, the one named first wins.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy.orm import Session

from foundation.without_jax import leave_out_jax
from knowledge_base.repositories.work_order_categories import list_categories
from knowledge_base.search.text import Segmenter, latin_stems, normalise

if TYPE_CHECKING:
    import numpy.typing as npt  # for annotations only: importing it takes ~80 ms

    from knowledge_base.search.engine import SearchEngine

FALLBACK_CATEGORY = "other"
BM25_WEIGHT = 0.5
# The catch-all's words ("建议", "不作为") turn up in complaints of every kind: it wins
# only when no specific category has comparable evidence.
FALLBACK_WEIGHT = 0.5
# What an English word of a keyword counts for: about what a two-character Chinese word
# counts, so that English and Chinese keywords weigh alike in a mixed message.
ENGLISH_WORD_WEIGHT = 2
# Between categories of equal evidence, the one named first: a complaint names its
# problem before the places around it ("a pothole outside the kindergarten").
ENGLISH_FIRST_NAMED_BONUS = 0.01
# Evidence for a specific category that makes a message read as a problem to report:
# one two-character keyword, or one English word, such as "噪音" or "landlord".
PROBLEM_EVIDENCE = 2.0
# Below this a category's evidence is only words every description shares ("问题"
# scores about 0.06 everywhere): no evidence, so a person routes the complaint rather
# than whichever category such a word happened to favour.
LEAST_EVIDENCE = 0.2


@dataclass(frozen=True)
class CategoryProfile:
    code: str
    name: str
    name_en: str
    department_code: str
    department_name: str
    time_limit_days: int
    keywords: tuple[str, ...]
    description: str = ""
    # What the handling unit is responsible for here (职责): shown with a dispatch.
    duty: str = ""
    keywords_en: tuple[str, ...] = ()


@dataclass(frozen=True)
class Classification:
    category: str
    category_name: str
    department: str
    department_name: str
    time_limit_days: int
    score: float
    scores: dict[str, float]


class ComplaintClassifier:
    def __init__(self, categories: Sequence[CategoryProfile]) -> None:
        leave_out_jax()
        import bm25s

        if not categories:
            raise ValueError("at least one work-order category is needed")
        self.categories = list(categories)
        self._keywords = [
            tuple(sorted({normalise(k) for k in c.keywords}, key=len, reverse=True))
            for c in self.categories
        ]
        # Each English keyword's stems between spaces, and the keyword as first
        # written, longest phrase first.
        self._keywords_en = [
            sorted(
                _by_stems(c.keywords_en).items(),
                key=lambda item: item[0].count(" "),
                reverse=True,
            )
            for c in self.categories
        ]
        self.segmenter = Segmenter(k for keywords in self._keywords for k in keywords)
        corpus = [
            self.segmenter.tokens(
                normalise(" ".join((c.name, *c.keywords, c.description)))
            )
            for c in self.categories
        ]
        self._vocabulary = {token for tokens in corpus for token in tokens}
        self._bm25 = bm25s.BM25()
        self._bm25.index(corpus, show_progress=False)
        self._weights: npt.NDArray[np.float64] = np.array(
            [
                FALLBACK_WEIGHT if c.code == FALLBACK_CATEGORY else 1.0
                for c in self.categories
            ]
        )

    def evidence(self, text: str) -> npt.NDArray[np.float64]:
        """Score of every category for ``text``, in the order of ``categories``."""
        text = normalise(text)
        scores = np.array(
            [
                sum(len(keyword) for keyword in self._chinese_found(text, index))
                for index in range(len(self.categories))
            ],
            dtype=np.float64,
        )
        stems = _stemmed(text)
        if stems != "  ":
            for index in range(len(self.categories)):
                found = self._english_found(stems, index)
                for keyword in found:
                    scores[index] += ENGLISH_WORD_WEIGHT * (keyword.count(" ") - 1)
                if found:
                    first = min(stems.index(keyword) for keyword in found)
                    scores[index] += ENGLISH_FIRST_NAMED_BONUS * (
                        1 - first / len(stems)
                    )
        tokens = [t for t in self.segmenter.tokens(text) if t in self._vocabulary]
        if tokens:
            scores += BM25_WEIGHT * self._bm25.get_scores(tokens)
        return scores * self._weights

    def _chinese_found(self, text: str, index: int) -> list[str]:
        """The category's Chinese keywords found in the normalised ``text``."""
        found = []
        for keyword in self._keywords[index]:
            if keyword in text:
                found.append(keyword)
                # A longer keyword already counted its shorter parts.
                text = text.replace(keyword, " ")
        return found

    def _english_found(self, stems: str, index: int) -> list[str]:
        """The stems of the category's English keywords found in ``stems``."""
        found = []
        for keyword, _ in self._keywords_en[index]:
            if keyword in stems:
                found.append(keyword)
                # A longer phrase already counted its words.
                stems = stems.replace(keyword, " | ")
        return found

    def keywords_found(self, text: str, code: str) -> tuple[str, ...]:
        """The category's keywords, Chinese or English, as the catalogue writes them,
        found in ``text``: longest first, each counted once."""
        index = next(i for i, c in enumerate(self.categories) if c.code == code)
        text = normalise(text)
        written = dict(self._keywords_en[index])
        english = [written[k] for k in self._english_found(_stemmed(text), index)]
        return tuple(self._chinese_found(text, index) + english)

    def names_a_problem(self, text: str) -> bool:
        """Whether a message that the assistant could not place reads as a problem the
        centre handles: some category other than the catch-all has its words. A
        citizen who describes a problem without saying "投诉" is then offered to
        report it, instead of only being told that no guide matches."""
        scores = self.evidence(text)
        return any(
            score >= PROBLEM_EVIDENCE
            for category, score in zip(self.categories, scores, strict=True)
            if category.code != FALLBACK_CATEGORY
        )

    def category_named(self, mention: str) -> CategoryProfile | None:
        """The category a citizen names when asked which kind of problem it is: its
        code (a button's payload), its name or a word of its English name ("noise"),
        or words that point to one category more than to any other ("噪音", "物业").
        The catch-all is only named outright: evidence for it is no evidence."""
        wanted = normalise(mention).strip()
        if not wanted:
            return None
        for category in self.categories:
            english = normalise(category.name_en)
            if wanted in (category.code, normalise(category.name), english) or (
                len(wanted) > 3 and wanted in english.split()
            ):
                return category
        scores = self.evidence(wanted)
        best_two = np.sort(scores)[-2:]
        if best_two[-1] <= 0 or (len(best_two) == 2 and best_two[0] == best_two[1]):
            return None
        best = self.categories[int(np.argmax(scores))]
        return None if best.code == FALLBACK_CATEGORY else best

    def classify(self, text: str) -> Classification:
        scores = self.evidence(text)
        total = float(scores.sum())
        if scores.max() < LEAST_EVIDENCE:
            best = next(
                (
                    i
                    for i, c in enumerate(self.categories)
                    if c.code == FALLBACK_CATEGORY
                ),
                0,
            )
            confidence = 0.0
        else:
            best = int(np.argmax(scores))
            confidence = float(scores[best]) / total
        category = self.categories[best]
        return Classification(
            category=category.code,
            category_name=category.name,
            department=category.department_code,
            department_name=category.department_name,
            time_limit_days=category.time_limit_days,
            score=round(confidence, 4),
            scores={
                c.code: round(float(s), 4)
                for c, s in zip(self.categories, scores, strict=True)
                if s > 0
            },
        )


def _stemmed(text: str) -> str:
    """The stems of the text's Latin words between spaces, a space at either end, so
    that a keyword's stems are found as whole words by ``in``."""
    return f" {' '.join(latin_stems(normalise(text)))} "


def _by_stems(keywords: Sequence[str]) -> dict[str, str]:
    """Each keyword's stems, and the keyword first written with them ("rent" and
    "renting" are one)."""
    by_stems: dict[str, str] = {}
    for keyword in keywords:
        by_stems.setdefault(_stemmed(keyword), keyword)
    by_stems.pop("  ", None)
    return by_stems


def build_classifier(session: Session) -> ComplaintClassifier:
    """The classifier of the catalogue's work-order categories, as they are now."""
    return ComplaintClassifier(
        [
            CategoryProfile(
                code=category.code,
                name=category.name,
                name_en=category.name_en,
                department_code=category.department.code,
                department_name=category.department.name,
                time_limit_days=category.time_limit_days,
                keywords=tuple(category.keywords),
                description=category.description,
                duty=category.duty,
                keywords_en=tuple(category.keywords_en),
            )
            for category in list_categories(session)
        ]
    )


def complaint_classifier(search: SearchEngine) -> ComplaintClassifier:
    """The process's classifier, rebuilt after each catalogue change like its index."""
    return search.built(build_classifier)
