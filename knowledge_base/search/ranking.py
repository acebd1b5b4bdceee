"""How search ranks services: the one place to read.

1. The question is normalised (traditional → simplified, full-width → half-width) and cut
   into tokens: jieba words (with the catalogue's terms in its dictionary), Chinese
   character bigrams and English stems.
2. It is expanded with the catalogue terms it *sounds* like (ASR homophones) and, for BM25
   only, with the official terms for colloquial words (lexicon synonyms). A word that
   is the vocabulary of a service the question names is not expanded: in 养犬登记证要
   年检吗, 年检 is the dog licence's renewal, not 机动车检验.
3. BM25 (``bm25s``) scores every service and bundle on its weighted fields: names and
   aliases count three times, keywords twice, summaries and FAQ questions once.
4. Naming a service outright is strong evidence: a document whose name or alias appears
   whole in the question gets a bonus growing with the length of that name.
5. Bundles (一件事) step back unless the question asks about a whole life event, and
   step forward when it does.
6. Services of the home region (curated for this city) come before imported catalogues'
   records of other regions when the evidence is otherwise close.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from foundation.without_jax import leave_out_jax
from knowledge_base.search.phonetic import HomophoneRepairer
from knowledge_base.search.text import (
    ASKING_WORDS,
    FILLERS_ZH,
    STOPWORDS_EN,
    Segmenter,
    latin_words,
    normalise,
)

if TYPE_CHECKING:
    import numpy.typing as npt  # for annotations only: importing it takes ~80 ms

NAME_WEIGHT = 3
KEYWORD_WEIGHT = 2
NAME_BONUS_PER_CHAR = 1.5
NAME_BONUS_PER_ENGLISH_WORD = 3.0
OTHER_REGION_FACTOR = 0.8
BUNDLE_FACTOR = 0.6
JOURNEY_BUNDLE_FACTOR = 1.5
# Words that ask about a whole life event rather than one service: only then does a
# bundle (一件事) compete with its member services on equal terms.
JOURNEY_CUES = (
    "一件事",
    "一起办",
    "一起",
    "一次办",
    "一次性",
    "一站式",
    "一并",
    "一趟",
    "都要办",
    "要办哪些",
    "哪些手续",
    "要办什么",
    "办什么手续",
    "同时办",
    "合并办",
    "打包",
    "one-stop",
    "one stop",
    "one go",
    "together",
    "at once",
    "everything",
    "all the",
    "in one",
)


@dataclass(frozen=True)
class SearchDocument:
    """What search knows of one service or bundle."""

    code: str
    kind: str
    name: str
    name_en: str = ""
    region: str = "上海市"
    names: tuple[str, ...] = ()
    names_en: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    texts: tuple[str, ...] = ()
    # Carried for knowledge_base.examples, never indexed: a check that searched its own
    # questions would always pass.
    examples: tuple[str, ...] = ()
    # What the guide asks the citizen to bring, never indexed (a question naming 身份证
    # is not about every guide that asks for one): knowledge_base.coverage reads it to
    # tell the document a procedure is done to (行驶证年检).
    materials: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchHit:
    code: str
    kind: str
    name: str
    name_en: str
    score: float


@dataclass
class Lexicon:
    """Colloquial words mapped to the official terms the catalogue uses."""

    synonyms: dict[str, list[str]] = field(default_factory=dict)

    def expansions(self, text: str, kept: frozenset[str] = frozenset()) -> list[str]:
        """Official terms for the colloquial words in ``text``, except those in
        ``kept``."""
        return [
            term
            for word, terms in self.synonyms.items()
            if word in text and word not in kept
            for term in terms
        ]


class ServiceIndex:
    """An in-memory index over the catalogue, built once and queried many times."""

    def __init__(
        self,
        documents: Sequence[SearchDocument],
        lexicon: Lexicon | None = None,
        home_region: str = "上海市",
    ) -> None:
        leave_out_jax()
        import bm25s

        self.documents = list(documents)
        # Each document's kind by its code: the subject of every message is looked up.
        self.kinds = {doc.code: doc.kind for doc in self.documents}
        self.lexicon = lexicon or Lexicon()
        vocabulary = {
            term
            for doc in self.documents
            for term in (*_short_names(doc), *doc.keywords)
        }
        vocabulary.update(
            term for terms in self.lexicon.synonyms.values() for term in terms
        )
        self.segmenter = Segmenter(vocabulary)
        self.repairer = HomophoneRepairer(vocabulary, is_word=self.segmenter.knows)
        corpus = [self._document_tokens(doc) for doc in self.documents]
        self._vocabulary = {token for tokens in corpus for token in tokens}
        self._bm25 = bm25s.BM25()
        self._bm25.index(corpus, show_progress=False)
        self._names = self._name_table()
        # A service's keywords that name no service themselves: a name (拍牌) means its
        # own service whatever else the question names.
        self._own_words = [
            frozenset(normalise(word) for word in doc.keywords) - self._names.keys()
            for doc in self.documents
        ]
        self._english_names = self._english_name_table()
        self._prior = np.array(
            [
                1.0 if doc.region == home_region else OTHER_REGION_FACTOR
                for doc in self.documents
            ]
        )
        is_bundle = np.array([doc.kind == "bundle" for doc in self.documents])
        self._service_preference = np.where(is_bundle, BUNDLE_FACTOR, 1.0)
        self._journey_preference = np.where(is_bundle, JOURNEY_BUNDLE_FACTOR, 1.0)

    def __len__(self) -> int:
        return len(self.documents)

    def search(self, question: str, limit: int = 5) -> list[SearchHit]:
        """Best documents for a question, best first; empty when nothing matches at all."""
        text = normalise(question)
        heard = " ".join([text, *self.repairer.repairs(text)])
        heard_tokens = self._known(heard)
        names = {token for token in heard_tokens if token in self._names}
        # Not read as everyday words for another service: the vocabulary of a service
        # the question names, and a name inside a longer one (狗证年审's 年审).
        kept = frozenset(
            word
            for name in names
            for index in self._names[name]
            for word in self._own_words[index]
        ) | {
            part
            for part in names
            if any(part != name and part in name for name in names)
        }
        tokens = heard_tokens + self._known(
            " ".join(self.lexicon.expansions(text, kept=kept))
        )
        if not tokens or not self.documents:
            return []
        scores = self._bm25.get_scores(tokens) + self._name_bonus(heard, heard_tokens)
        scores = scores * self._prior
        journey = any(cue in text for cue in JOURNEY_CUES)
        scores = scores * (
            self._journey_preference if journey else self._service_preference
        )
        best = np.argsort(-scores, kind="stable")[:limit]
        return [
            self._hit(index, float(scores[index]))
            for index in best
            if scores[index] > 0
        ]

    def unheard_words(self, question: str) -> list[str]:
        """The words of a question that no guide contains (无人机, 飞行): a subject the
        catalogue has never heard of, rather than a question that names none."""
        text = normalise(question)
        chinese = [
            word
            for word in self.segmenter.whole_words(text)
            if len(word) > 1 and word not in FILLERS_ZH
        ]
        english = [
            word
            for word in latin_words(text)
            if len(word) > 2 and word not in STOPWORDS_EN and not word.isdigit()
        ]
        return [
            word
            for word in chinese + english
            if word not in self._vocabulary and word not in ASKING_WORDS
        ]

    def _known(self, text: str) -> list[str]:
        return [
            token for token in self.segmenter.tokens(text) if token in self._vocabulary
        ]

    def _hit(self, index: int, score: float) -> SearchHit:
        doc = self.documents[index]
        return SearchHit(doc.code, doc.kind, doc.name, doc.name_en, round(score, 4))

    def _document_tokens(self, doc: SearchDocument) -> list[str]:
        name = normalise(doc.name)

        def tokens_of(texts: Iterable[str]) -> list[str]:
            # FAQ questions quote the service name; setting it apart lets the segmenter's
            # cache serve the rest of the sentence, which thousands of FAQs share.
            return [
                token
                for text in texts
                for token in self.segmenter.tokens(
                    normalise(text).replace(name, f" {name} ")
                )
            ]

        names = tokens_of((doc.name, *doc.names, doc.name_en, *doc.names_en))
        return (
            names * NAME_WEIGHT
            + tokens_of(doc.keywords) * KEYWORD_WEIGHT
            + tokens_of(doc.texts)
        )

    def _name_table(self) -> dict[str, list[int]]:
        table: dict[str, list[int]] = defaultdict(list)
        for index, doc in enumerate(self.documents):
            for name in set(_short_names(doc)):
                table[normalise(name)].append(index)
        return table

    def _english_name_table(self) -> dict[str, list[tuple[int, frozenset[str]]]]:
        """English names keyed by their first stem, for whole-name matching."""
        table: dict[str, list[tuple[int, frozenset[str]]]] = defaultdict(list)
        for index, doc in enumerate(self.documents):
            for name in {doc.name_en, *doc.names_en}:
                stems = latin_words(normalise(name))
                if stems:
                    table[stems[0]].append((index, frozenset(stems)))
        return table

    def _name_bonus(self, text: str, tokens: list[str]) -> npt.NDArray[np.float64]:
        bonus = np.zeros(len(self.documents))
        for token in set(tokens):
            for index in self._names.get(token, ()):
                bonus[index] = max(bonus[index], NAME_BONUS_PER_CHAR * len(token))
        stems = set(latin_words(text))
        for stem in stems:
            for index, name_stems in self._english_names.get(stem, ()):
                if name_stems <= stems:
                    bonus[index] = max(
                        bonus[index], NAME_BONUS_PER_ENGLISH_WORD * len(name_stems)
                    )
        return bonus


def _short_names(doc: SearchDocument) -> list[str]:
    """The name without its parenthetical qualifier, plus the aliases."""
    base = doc.name.split("（")[0].split("(")[0]
    return [name for name in (doc.name, base, *doc.names) if name]


def confidence(hits: Sequence[SearchHit]) -> float:
    """How clearly the first hit beats the second, in [0, 1): 0 means a tie."""
    if not hits:
        return 0.0
    if len(hits) == 1:
        return 1 - math.exp(-hits[0].score / 10)
    return 1 - hits[1].score / hits[0].score
