"""How a complaint is dispatched: its top-level category, its category and unit, and
whether it may go without an agent looking at it.

Routing is hierarchical. A model learned from the centre's archive
(``training.train_routing_model``), when one is active, decides the top level: on real
messages it is right about nine times in ten where the curated vocabulary is right half
the time. The fine category comes from whichever knows more: the learned model itself
when the archive was labelled with our category codes, else the curated vocabulary,
restricted to the categories of the chosen top level. An order goes out automatically
only when the learned model's confidence reaches the threshold that held 95% precision
in cross-validation and, where the top level has several categories, the curated
vocabulary on its own puts the message in the same top level (otherwise its fine
category is a guess among several); everything else waits in the agents' review queue
with the top three suggestions. The curated classifier
alone never dispatches: its scores are not probabilities.

A message with no Chinese character in it (an expat's complaint in English) is routed
by the curated vocabulary alone, which has English keywords: a model learned from a
Chinese archive has nothing to read in it and would only guess.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy.orm import Session

from cases.repositories.routing_models import active_model
from cases.routing.classify import (
    FALLBACK_CATEGORY,
    CategoryProfile,
    ComplaintClassifier,
    build_classifier,
)
from cases.routing.learned import LearnedClassifier, load_top_level_map
from knowledge_base.search.text import cjk_runs, normalise

if TYPE_CHECKING:
    import numpy.typing as npt  # for annotations only: importing it takes ~80 ms

    from knowledge_base.search.engine import SearchEngine

SUGGESTIONS = 3
DECIDING_WORDS = 3
# A long message's first words: the batch stays a few milliseconds whatever its length.
MAX_WORDS_ASKED = 40


@dataclass(frozen=True)
class Suggestion:
    category: str
    category_name: str
    department: str
    department_name: str
    top_level: str
    confidence: float


@dataclass(frozen=True)
class Routing:
    category: str
    category_name: str
    department: str
    department_name: str
    time_limit_days: int
    top_level: str
    confidence: float
    automatic: bool
    # None: the curated classifier routed it.
    model_version: str | None
    suggestions: tuple[Suggestion, ...]
    # Why: the words of the message that decided the category, most decisive first,
    # and the handling unit's duty here.
    deciding_words: tuple[str, ...] = ()
    duty: str = ""


@dataclass(frozen=True)
class ActiveModel:
    version: str
    label_kind: str
    threshold: float
    classifier: LearnedClassifier


class Router:
    def __init__(
        self,
        curated: ComplaintClassifier,
        model: ActiveModel | None = None,
        top_level_map: dict[str, str] | None = None,
    ) -> None:
        self.curated = curated
        self.model = model
        self._top_level = top_level_map or load_top_level_map()
        self._by_code = {c.code: c for c in curated.categories}

    def top_level_of(self, category_code: str) -> str:
        return self._top_level[category_code]

    def route(self, text: str, *, explain: bool = False) -> Routing:
        """The routing of ``text``; with ``explain``, the words that decided it too
        (for a person to read: asking the model costs a batch of predictions)."""
        if self.model is None or not cjk_runs(text):
            routing = self._curated(text)
            return replace(routing, deciding_words=self._keywords_of(text, routing))
        probabilities = self.model.classifier.predict_proba([text])[0]
        classes = [str(c) for c in self.model.classifier.classes_]
        ranked = np.argsort(-probabilities)
        if self.model.label_kind == "category":
            routing = self._by_learned_category(probabilities, classes, ranked)
        else:
            routing = self._by_learned_top_level(text, probabilities, classes, ranked)
        if not explain:
            return routing
        return replace(
            routing,
            deciding_words=self._words_the_model_needed(
                text, int(ranked[0]), float(probabilities[ranked[0]])
            ),
        )

    def _keywords_of(self, text: str, routing: Routing) -> tuple[str, ...]:
        """The category's own keywords found in the message, longest first."""
        return self.curated.keywords_found(text, routing.category)[:DECIDING_WORDS]

    def _words_the_model_needed(
        self, text: str, chosen: int, confidence: float
    ) -> tuple[str, ...]:
        """The words whose removal costs the chosen class most probability.

        Asked of the model itself, so it explains whatever model is active: one batch
        of the message with each word left out, a few milliseconds.
        """
        assert self.model is not None
        words = list(
            dict.fromkeys(
                w for w in self.curated.segmenter.words(normalise(text)) if w.strip()
            )
        )[:MAX_WORDS_ASKED]
        if not words:
            return ()
        shown = normalise(text)
        without = [shown.replace(word, " ") for word in words]
        remaining = self.model.classifier.predict_proba(without)[:, chosen]
        drops = sorted(
            zip(confidence - remaining, words, strict=True),
            key=lambda item: item[0],
            reverse=True,
        )
        chosen_words: list[str] = []
        for drop, word in drops:
            if drop <= 0 or len(chosen_words) == DECIDING_WORDS:
                break
            # "出租车" already says what "出租" and "租车" would.
            if not any(word in kept for kept in chosen_words):
                chosen_words.append(word)
        return tuple(chosen_words)

    def _suggestion(self, category: CategoryProfile, confidence: float) -> Suggestion:
        return Suggestion(
            category=category.code,
            category_name=category.name,
            department=category.department_code,
            department_name=category.department_name,
            top_level=self._top_level[category.code],
            confidence=round(confidence, 4),
        )

    def _routing(
        self,
        suggestions: list[Suggestion],
        automatic: bool,
        model_version: str | None,
    ) -> Routing:
        best = suggestions[0]
        return Routing(
            category=best.category,
            category_name=best.category_name,
            department=best.department,
            department_name=best.department_name,
            time_limit_days=self._by_code[best.category].time_limit_days,
            top_level=best.top_level,
            confidence=best.confidence,
            automatic=automatic,
            model_version=model_version,
            suggestions=tuple(suggestions),
            duty=self._by_code[best.category].duty,
        )

    def _curated(self, text: str) -> Routing:
        classification = self.curated.classify(text)
        ranked = sorted(
            classification.scores.items(), key=lambda item: item[1], reverse=True
        )
        total = sum(score for _, score in ranked) or 1.0
        suggestions = [
            self._suggestion(
                self._by_code[classification.category], classification.score
            )
        ]
        for code, score in ranked:
            if len(suggestions) == SUGGESTIONS:
                break
            if code != classification.category:
                suggestions.append(self._suggestion(self._by_code[code], score / total))
        return self._routing(suggestions, automatic=False, model_version=None)

    def _by_learned_category(
        self,
        probabilities: npt.NDArray[np.float64],
        classes: list[str],
        ranked: npt.NDArray[np.intp],
    ) -> Routing:
        assert self.model is not None
        suggestions = [
            self._suggestion(self._by_code[classes[i]], float(probabilities[i]))
            for i in ranked
            if classes[i] in self._by_code
        ][:SUGGESTIONS]
        automatic = bool(suggestions[0].confidence >= self.model.threshold)
        return self._routing(suggestions, automatic, self.model.version)

    def _by_learned_top_level(
        self,
        text: str,
        probabilities: npt.NDArray[np.float64],
        classes: list[str],
        ranked: npt.NDArray[np.intp],
    ) -> Routing:
        assert self.model is not None
        evidence = dict(
            zip(
                (c.code for c in self.curated.categories),
                self.curated.evidence(text),
                strict=True,
            )
        )
        suggestions = [
            self._suggestion(
                self._fine_category(classes[i], evidence), float(probabilities[i])
            )
            for i in ranked[:SUGGESTIONS]
        ]
        chosen = suggestions[0]
        automatic = chosen.confidence >= self.model.threshold and (
            self._only_category_of(chosen.top_level)
            or self._curated_agrees(evidence, chosen.top_level)
        )
        return self._routing(suggestions, automatic, self.model.version)

    def _only_category_of(self, top_level: str) -> bool:
        specific = [
            code
            for code in self._by_code
            if self._top_level[code] == top_level and code != FALLBACK_CATEGORY
        ]
        return len(specific) == 1

    def _curated_agrees(self, evidence: dict[str, float], top_level: str) -> bool:
        """Whether the curated vocabulary, on its own, puts the message in the same
        top level: only then is its fine category more than a guess among several."""
        best = max(evidence, key=evidence.__getitem__)
        return bool(
            evidence[best] > 0
            and best != FALLBACK_CATEGORY
            and self._top_level[best] == top_level
        )

    def _fine_category(
        self, top_level: str, evidence: dict[str, float]
    ) -> CategoryProfile:
        """The category of ``top_level`` with the most curated evidence; with none,
        the catch-all where it belongs there, else the first listed."""
        members = [
            c for c in self.curated.categories if self._top_level[c.code] == top_level
        ]
        if not members:
            raise ValueError(f"no work-order category folds onto {top_level!r}")
        specific = [c for c in members if c.code != FALLBACK_CATEGORY]
        best = max(specific or members, key=lambda c: evidence.get(c.code, 0.0))
        if evidence.get(best.code, 0.0) > 0 or len(specific) == 1:
            return best
        return next((c for c in members if c.code == FALLBACK_CATEGORY), best)


def load_active_model(session: Session) -> ActiveModel | None:
    """The active routing model, unpickled; None while none is trained or active.

    The payload was written by ``hotline routing train`` into our own database:
    unpickling runs code, so nothing else may write that table.
    """
    row = active_model(session)
    if row is None:
        return None
    classifier = pickle.loads(row.payload)
    if not isinstance(classifier, LearnedClassifier):
        raise TypeError(f"routing model {row.version} holds no LearnedClassifier")
    return ActiveModel(row.version, row.label_kind, row.threshold, classifier)


def build_router(session: Session) -> Router:
    """The router of the catalogue's categories and the active model, as they are now."""
    return Router(build_classifier(session), load_active_model(session))


def complaint_router(search: SearchEngine) -> Router:
    """The process's router, rebuilt after each catalogue change and model activation."""
    return search.built(build_router)
