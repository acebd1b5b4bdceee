"""A small text classifier learned from labelled messages, and the top-level categories.

``ComplaintClassifier`` needs no training data: it matches each work-order category's own
vocabulary. Where labelled messages exist (a hotline's past work orders, a message
board's archive), ``LearnedClassifier`` learns from them instead: TF-IDF over character
1-2-grams and a linear SVM whose scores are calibrated into probabilities. Characters
rather than words because a Chinese bigram already carries most of a word without
depending on how jieba segments colloquial text; cross-validation on the
TipDM training titles preferred 1-2-grams to 1-3 or 1-4 and to adding jieba words
(docs/classification.md has the figures).

``top_level_of`` folds our 18 work-order categories onto the 7 top-level categories of
government message boards, read from ``knowledge_base/data/top_level_categories.yml``.
"""

from __future__ import annotations

import pickle
from collections.abc import Hashable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from cases.routing.classify import Classification
from knowledge_base.search.text import normalise

if TYPE_CHECKING:
    import numpy.typing as npt  # for annotations only: importing it takes ~80 ms

TOP_LEVEL_PATH = (
    Path(__file__).resolve().parents[2]
    / "knowledge_base"
    / "data"
    / "top_level_categories.yml"
)
# Chosen by 5-fold cross-validation on the TipDM training titles only (never on dev).
NGRAM_RANGE = (1, 2)
SVM_C = 1.0
CALIBRATION_FOLDS = 5


class _Pipeline(Protocol):
    """What is used of scikit-learn's pipeline; scikit-learn has no type annotations."""

    @property
    def classes_(self) -> npt.NDArray[Any]: ...

    def fit(self, texts: list[str], labels: npt.NDArray[Any]) -> Any: ...

    def predict(self, texts: list[str]) -> npt.NDArray[Any]: ...

    def predict_proba(self, texts: list[str]) -> npt.NDArray[np.float64]: ...


def read_labelled_tsv(path: Path) -> tuple[list[str], list[str]]:
    """Texts and labels of a ``text<TAB>label`` file, one example a line.

    Raises:
        ValueError: a line has no tab.
    """
    texts, labels = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        text, tab, label = line.rpartition("\t")
        if not tab:
            raise ValueError(f"{path}:{number}: expected text<TAB>label")
        texts.append(text)
        labels.append(label.strip())
    return texts, labels


@lru_cache(maxsize=4)
def load_top_level_map(path: Path = TOP_LEVEL_PATH) -> dict[str, str]:
    """Work-order category code → top-level category name.

    Raises:
        ValueError: a code maps to a name outside the file's ``top_level_categories``.
    """
    import yaml

    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    names = set(document["top_level_categories"])
    mapping = {code: entry["top_level"] for code, entry in document["mapping"].items()}
    unknown = {code: name for code, name in mapping.items() if name not in names}
    if unknown:
        raise ValueError(f"{path}: unknown top-level categories {unknown}")
    return mapping


def top_level_of(classification_or_category_code: Classification | str) -> str:
    """The top-level category (e.g. "环境保护") of a classification or category code.

    Raises:
        KeyError: the category code is not in the mapping.
    """
    code = (
        classification_or_category_code.category
        if isinstance(classification_or_category_code, Classification)
        else classification_or_category_code
    )
    return load_top_level_map()[code]


class LearnedClassifier:
    """Character n-gram TF-IDF and a calibrated linear SVM, trained on labelled texts.

    Labels may be any hashable values (category codes, names or ids); ``predict`` returns
    them and ``predict_proba`` orders its columns as ``classes_``.

    Args:
        ngram_range: lengths of the character n-grams used as features.
        c: inverse regularisation strength of the SVM.
        class_weight: ``"balanced"`` weights rare categories up so they are not drowned
            by common ones (it helped macro-F1 in cross-validation); ``None`` does not.
    """

    def __init__(
        self,
        *,
        ngram_range: tuple[int, int] = NGRAM_RANGE,
        c: float = SVM_C,
        class_weight: str | None = "balanced",
    ) -> None:
        self.ngram_range = ngram_range
        self.c = c
        self.class_weight = class_weight
        self._pipeline: _Pipeline | None = None

    def _make_pipeline(self, calibration_folds: int) -> _Pipeline:
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import make_pipeline
        from sklearn.svm import LinearSVC

        pipeline: _Pipeline = make_pipeline(
            TfidfVectorizer(
                analyzer="char",
                ngram_range=self.ngram_range,
                # Same folding as search: full-width, case, traditional characters.
                preprocessor=normalise,
                sublinear_tf=True,
            ),
            # One SVM fitted on all the data; the folds only fit the sigmoid calibration.
            CalibratedClassifierCV(
                LinearSVC(
                    C=self.c, class_weight=self.class_weight, dual=True, random_state=0
                ),
                cv=calibration_folds,
                ensemble=False,
            ),
        )
        return pipeline

    def fit(
        self, texts: Sequence[str], labels: Sequence[Hashable]
    ) -> LearnedClassifier:
        """Train on ``texts`` and their ``labels``; returns ``self``.

        Raises:
            ValueError: lengths differ, fewer than two labels, or a label has too few
                examples for the calibration folds.
        """
        texts, labels = list(texts), list(labels)
        if len(texts) != len(labels):
            raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
        counts: dict[Hashable, int] = {}
        for label in labels:
            counts[label] = counts.get(label, 0) + 1
        if len(counts) < 2:
            raise ValueError("at least two different labels are needed")
        # Stratified calibration folds need every label in every fold.
        folds = min(CALIBRATION_FOLDS, min(counts.values()))
        if folds < 2:
            rare = sorted(str(label) for label, n in counts.items() if n < 2)
            raise ValueError(f"labels with fewer than 2 examples: {rare}")
        pipeline = self._make_pipeline(folds)
        pipeline.fit(texts, np.asarray(labels))
        self._pipeline = pipeline
        return self

    @property
    def classes_(self) -> list[Hashable]:
        classes: list[Hashable] = self._fitted().classes_.tolist()
        return classes

    def predict(self, texts: Iterable[str]) -> list[Hashable]:
        """The most probable label of each text."""
        labels: list[Hashable] = self._fitted().predict(list(texts)).tolist()
        return labels

    def predict_proba(self, texts: Iterable[str]) -> npt.NDArray[np.float64]:
        """Probability of every label (columns as ``classes_``) for each text."""
        return self._fitted().predict_proba(list(texts))

    def save(self, path: Path | str) -> None:
        """Pickle the trained classifier to ``path``."""
        self._fitted()
        Path(path).write_bytes(pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL))

    @classmethod
    def load(cls, path: Path | str) -> LearnedClassifier:
        """A classifier saved by ``save``.

        Unpickling runs code from the file, so load only files this project wrote; the
        scikit-learn version should match the one that saved it.

        Raises:
            TypeError: the file holds something else.
        """
        model = pickle.loads(Path(path).read_bytes())
        if not isinstance(model, cls):
            raise TypeError(
                f"{path} holds a {type(model).__name__}, not a {cls.__name__}"
            )
        return model

    def _fitted(self) -> _Pipeline:
        if self._pipeline is None:
            raise RuntimeError("the classifier is not trained: call fit() first")
        return self._pipeline
