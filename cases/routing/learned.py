"""A small text classifier learned from labelled messages, and the top-level categories.

``ComplaintClassifier`` needs no training data: it matches each work-order category's own
vocabulary. Where labelled messages exist (a hotline's past work orders, a message
board's archive), ``LearnedClassifier`` learns from them instead.

It averages the calibrated probabilities of three linear SVMs that read a message
differently: TF-IDF character 1-2-grams (a Chinese bigram carries most of a word whatever
jieba makes of colloquial text), TF-IDF jieba words, and binary character 1-2-grams
weighted by their log-count ratio for each category (NB-SVM), which favours the n-grams
that tell one category from the rest. Their errors differ enough that the vote beats
each of them: on the TipDM training titles, 5-fold cross-validation gives 0.881, 0.848
and 0.877 macro-F1 alone and 0.885 together, while voting with logistic regression,
complement naive Bayes or SGD, fastText, and weak labels from a service catalogue added
nothing (docs/classification.md, benchmarks/routing_variants.py).

Unlabelled messages, each ``subject<TAB>body`` or a single text, may be given to ``fit``:
a first model labels each by its subject, the kind of text it was trained on, and the
confident ones' subjects and bodies join the training data (co-training), meant to
teach a model trained on subjects how long bodies read. On TipDM it did not pay: titles'
cross-validation stayed at 0.885 and dev fell (titles 0.900 to 0.894, bodies 0.896 to
0.883), most likely because two thirds of the board's confident messages are 城乡建设
against a fifth of the archive. Pass unlabelled messages only where they are drawn
like the archive, and compare the cross-validated figures with and without them.

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
from knowledge_base.search.text import Segmenter, latin_words, normalise

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
# The NB-SVM's features are scaled by log-count ratios (up to about ±5), so it wants a
# stronger regularisation than the TF-IDF SVMs.
NB_SVM_C = 0.1
CALIBRATION_FOLDS = 5
# Unlabelled messages whose subject the model is at least this sure of become examples.
# 0.9 kept titles' cross-validation where it was; 0.8 and 0.7 lowered it a little.
PSEUDO_LABEL_CONFIDENCE = 0.9


class _Pipeline(Protocol):
    """What is used of scikit-learn's pipeline; scikit-learn has no type annotations."""

    @property
    def classes_(self) -> npt.NDArray[Any]: ...

    def fit(self, texts: list[str], labels: npt.NDArray[Any]) -> Any: ...

    def predict_proba(self, texts: list[str]) -> npt.NDArray[np.float64]: ...


@lru_cache(maxsize=1)
def _segmenter() -> Segmenter:
    return Segmenter()


def jieba_words(text: str) -> list[str]:
    """Whole jieba words of the normalised text, then its Latin words.

    Module-level so that a pickled model refers to it by name.
    """
    text = normalise(text)
    return _segmenter().whole_words(text) + latin_words(text)


class NBSVM:
    """One-vs-rest linear SVMs over binary features scaled by log-count ratios.

    Wang and Manning's NB-SVM (2012): each category's SVM sees every n-gram weighted by
    how much likelier it is in that category than outside it, a naive-Bayes prior that
    linear SVMs on short texts lack. It follows scikit-learn's estimator protocol so
    that ``CalibratedClassifierCV`` can clone and calibrate it.
    """

    _estimator_type = "classifier"

    def __init__(self, c: float = NB_SVM_C, alpha: float = 1.0) -> None:
        self.c = c
        self.alpha = alpha

    def get_params(self, deep: bool = True) -> dict[str, float]:
        return {"c": self.c, "alpha": self.alpha}

    def set_params(self, **params: float) -> NBSVM:
        for name, value in params.items():
            setattr(self, name, value)
        return self

    def fit(self, features: Any, labels: npt.NDArray[Any]) -> NBSVM:
        """``features`` is a sparse document-term matrix."""
        from sklearn.svm import LinearSVC

        present = (features > 0).astype(np.float64).tocsr()
        labels = np.asarray(labels)
        self.classes_ = np.unique(labels)
        ratios, models = [], []
        for label in self.classes_:
            inside = labels == label
            p = self.alpha + np.asarray(present[inside].sum(axis=0)).ravel()
            q = self.alpha + np.asarray(present[~inside].sum(axis=0)).ravel()
            ratio = np.log((p / p.sum()) / (q / q.sum()))
            model = LinearSVC(C=self.c, class_weight="balanced", random_state=0)
            model.fit(present.multiply(ratio).tocsr(), inside)
            ratios.append(ratio)
            models.append(model)
        self.ratios_ = ratios
        self.models_ = models
        return self

    def decision_function(self, X: Any) -> npt.NDArray[np.float64]:
        """One score a category, or for two categories one score for the second, as
        scikit-learn's calibration expects; it passes the features as ``X=``."""
        present = (X > 0).astype(np.float64).tocsr()
        scores = np.column_stack(
            [
                model.decision_function(present.multiply(ratio).tocsr())
                for model, ratio in zip(self.models_, self.ratios_, strict=True)
            ]
        )
        if len(self.classes_) == 2:
            binary: npt.NDArray[np.float64] = scores[:, 1] - scores[:, 0]
            return binary
        return scores

    def predict(self, X: Any) -> npt.NDArray[Any]:
        scores = self.decision_function(X)
        best = (scores > 0).astype(int) if scores.ndim == 1 else scores.argmax(axis=1)
        labels: npt.NDArray[Any] = self.classes_[best]
        return labels


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
    """Three calibrated linear SVMs over characters, words and NB-weighted characters.

    Labels may be any hashable values (category codes, names or ids); ``predict`` returns
    them and ``predict_proba`` orders its columns as ``classes_``.

    Args:
        ngram_range: lengths of the character n-grams used as features.
        c: inverse regularisation strength of the two TF-IDF SVMs.
        class_weight: ``"balanced"`` weights rare categories up so they are not drowned
            by common ones (it helped macro-F1 in cross-validation); ``None`` does not.
        nb_c: inverse regularisation strength of the NB-SVM.
        pseudo_label_confidence: how sure the model must be of an unlabelled message's
            subject to learn from the message.
    """

    def __init__(
        self,
        *,
        ngram_range: tuple[int, int] = NGRAM_RANGE,
        c: float = SVM_C,
        class_weight: str | None = "balanced",
        nb_c: float = NB_SVM_C,
        pseudo_label_confidence: float = PSEUDO_LABEL_CONFIDENCE,
    ) -> None:
        self.ngram_range = ngram_range
        self.c = c
        self.class_weight = class_weight
        self.nb_c = nb_c
        self.pseudo_label_confidence = pseudo_label_confidence
        self.pseudo_labelled = 0
        self._members: list[_Pipeline] | None = None
        self._classes: npt.NDArray[Any] | None = None

    def _make_members(self, calibration_folds: int) -> list[_Pipeline]:
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
        from sklearn.pipeline import make_pipeline
        from sklearn.svm import LinearSVC

        def calibrated(estimator: Any) -> Any:
            # One model fitted on all the data; the folds only fit the sigmoid calibration.
            return CalibratedClassifierCV(
                estimator, cv=calibration_folds, ensemble=False
            )

        def svm() -> Any:
            return LinearSVC(
                C=self.c, class_weight=self.class_weight, dual=True, random_state=0
            )

        # Same folding as search: full-width, case, traditional characters.
        characters = make_pipeline(
            TfidfVectorizer(
                analyzer="char",
                ngram_range=self.ngram_range,
                preprocessor=normalise,
                sublinear_tf=True,
            ),
            calibrated(svm()),
        )
        words = make_pipeline(
            TfidfVectorizer(analyzer=jieba_words, sublinear_tf=True),
            calibrated(svm()),
        )
        nb_weighted = make_pipeline(
            CountVectorizer(
                analyzer="char",
                ngram_range=self.ngram_range,
                preprocessor=normalise,
                binary=True,
            ),
            calibrated(NBSVM(c=self.nb_c)),
        )
        return [characters, words, nb_weighted]

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[Hashable],
        unlabelled: Sequence[str] | None = None,
    ) -> LearnedClassifier:
        """Train on ``texts`` and their ``labels``; returns ``self``.

        ``unlabelled`` messages, each ``subject<TAB>body`` or a single text, are
        labelled by a first model trained on ``texts``; those whose subject (or text) it
        is at least ``pseudo_label_confidence`` sure of join the training data, subject
        and body as two examples, for the final model.

        Raises:
            ValueError: lengths differ, fewer than two labels, or a label has too few
                examples for the calibration folds.
        """
        texts, labels = list(texts), list(labels)
        if len(texts) != len(labels):
            raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
        self._fit_members(texts, labels)
        self.pseudo_labelled = 0
        if unlabelled:
            extra_texts, extra_labels = self._pseudo_labelled(unlabelled)
            if extra_texts:
                self._fit_members(texts + extra_texts, labels + extra_labels)
                self.pseudo_labelled = len(extra_texts)
        return self

    def _fit_members(self, texts: list[str], labels: list[Hashable]) -> None:
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
        members = self._make_members(folds)
        targets = np.asarray(labels)
        for member in members:
            member.fit(texts, targets)
        self._members = members
        self._classes = members[0].classes_

    def _pseudo_labelled(
        self, unlabelled: Sequence[str]
    ) -> tuple[list[str], list[Hashable]]:
        """The confidently labelled unlabelled messages, subject and body apart."""
        parts = [
            [part for part in message.split("\t", 1) if part.strip()]
            for message in unlabelled
        ]
        parts = [message for message in parts if message]
        if not parts:
            return [], []
        probabilities = self.predict_proba([message[0] for message in parts])
        best = probabilities.argmax(axis=1)
        classes = self.classes_
        texts: list[str] = []
        labels: list[Hashable] = []
        for message, column, confidence in zip(
            parts, best, probabilities.max(axis=1), strict=True
        ):
            if confidence >= self.pseudo_label_confidence:
                texts.extend(message)
                labels.extend([classes[column]] * len(message))
        return texts, labels

    @property
    def classes_(self) -> list[Hashable]:
        self._fitted()
        assert self._classes is not None
        classes: list[Hashable] = self._classes.tolist()
        return classes

    def predict(self, texts: Iterable[str]) -> list[Hashable]:
        """The most probable label of each text."""
        best = self.predict_proba(texts).argmax(axis=1)
        classes = self.classes_
        return [classes[i] for i in best]

    def predict_proba(self, texts: Iterable[str]) -> npt.NDArray[np.float64]:
        """Probability of every label (columns as ``classes_``) for each text: the mean
        of the three members' calibrated probabilities."""
        texts = list(texts)
        members = self._fitted()
        probabilities: npt.NDArray[np.float64] = np.mean(
            [member.predict_proba(texts) for member in members], axis=0
        )
        return probabilities

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

    def _fitted(self) -> list[_Pipeline]:
        if self._members is None:
            raise RuntimeError("the classifier is not trained: call fit() first")
        return self._members
