"""Text normalisation and tokenisation shared by search and classification.

Citizens write in simplified or traditional characters, full-width or half-width, with
fillers ("请问一下", "那个") and in English; all of it must land on the same tokens as the
catalogue. jieba is given the catalogue's own vocabulary so service names stay whole.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Protocol

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_LATIN_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
CACHE_RUNS = 200_000
_PUNCTUATION_OR_SPACE = re.compile(r"[\s\W_]+", re.UNICODE)

# Words that carry no meaning about which service is meant; questions are full of them.
FILLERS_ZH = frozenset(
    [
        "请问",
        "问",
        "问下",
        "问一下",
        "一下",
        "我想",
        "想",
        "我要",
        "要",
        "我",
        "你",
        "你们",
        "您",
        "他",
        "她",
        "那个",
        "这个",
        "那",
        "这",
        "就是",
        "就",
        "的",
        "了",
        "吗",
        "呢",
        "啊",
        "呀",
        "吧",
        "嘛",
        "哦",
        "噢",
        "嗯",
        "哈",
        "么",
        "么样",
        "怎么",
        "怎么办",
        "怎样",
        "如何",
        "怎么样",
        "咋",
        "咋办",
        "咋弄",
        "啥",
        "什么",
        "哪些",
        "哪个",
        "一个",
        "有",
        "有没有",
        "是",
        "是不是",
        "能",
        "能不能",
        "可以",
        "可不可以",
        "需要",
        "麻烦",
        "帮",
        "帮我",
        "给",
        "和",
        "跟",
        "与",
        "及",
        "或",
        "还",
        "也",
        "都",
        "在",
        "去",
        "到",
        "办",
        "办理",
        "弄",
        "搞",
        "下",
        "个",
        "些",
        "里",
        "上",
        "请",
        "您好",
        "你好",
        "谢谢",
        "现在",
        "刚",
        "刚刚",
        "已经",
        "应该",
        "一般",
        "大概",
        "多少",
        "多久",
        "哪里",
        "哪儿",
        "在哪",
        "在哪儿",
        "为什么",
        "怎么弄",
        "如何办理",
        "需不需要",
        "是否",
        "所以",
        "然后",
        "因为",
        "如果",
        "的话",
        "关于",
        "自己",
        "本人",
        "情况",
        "问题",
        "事情",
        "东西",
        "手续",
        "流程",
    ]
)
# Words of asking that name no subject, though no guide holds them: "我想咨询一下",
# "周末几点上班" ask about some service without saying which.
ASKING_WORDS = frozenset(
    [
        "咨询",
        "了解",
        "知道",
        "请教",
        "打听",
        "想问",
        "问问",
        "几点",
        "几号",
        "不能",
        "能否",
        "不会",
        "周末",
        "时候",
        "政策",
        "规定",
        "具体",
        "详细",
        "告诉",
        "可能",
        "还是",
        "今天",
        "明天",
        "目前",
        "业务",
        "事项",
        "相关",
        "有关",
        "方面",
        "一些",
        "所有",
        "全部",
        "这里",
        "那里",
        "这边",
        "那边",
        "大厅",
        "窗口",
        "开门",
        "关门",
        "上班",
        "下班",
        "办证",
        "anything",
        "something",
        "question",
        "questions",
        "help",
        "info",
        "information",
        "know",
        "want",
        "need",
        "tell",
        "please",
        "thanks",
        "hello",
        "there",
        "about",
        "apply",
        "get",
        "service",
        "services",
    ]
)
STOPWORDS_EN = frozenset(
    [
        "a",
        "an",
        "the",
        "i",
        "me",
        "my",
        "we",
        "our",
        "you",
        "your",
        "he",
        "she",
        "it",
        "its",
        "they",
        "them",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "from",
        "by",
        "with",
        "and",
        "or",
        "but",
        "if",
        "so",
        "is",
        "am",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "do",
        "does",
        "did",
        "doing",
        "have",
        "has",
        "had",
        "can",
        "could",
        "should",
        "would",
        "will",
        "shall",
        "may",
        "might",
        "must",
        "how",
        "what",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "why",
        "please",
        "hi",
        "hello",
        "thanks",
        "thank",
        "need",
        "want",
        "get",
        "got",
        "go",
        "going",
        "there",
        "here",
        "this",
        "that",
        "these",
        "those",
        "about",
        "as",
        "into",
        "any",
        "some",
        "much",
        "many",
        "more",
        "most",
        "also",
        "just",
        "than",
        "then",
        "now",
        "yet",
        "not",
        "no",
        "yes",
        "it's",
        "i'm",
        "i'd",
        "i'll",
    ]
)


class _Converter(Protocol):
    # opencc leaves the return type of its convert() unannotated.
    def convert(self, text: str) -> str: ...


class _Stemmer(Protocol):
    def stemWord(self, word: str) -> str: ...


class _JiebaTokenizer(Protocol):
    """What is used of ``jieba.Tokenizer``; jieba has no type annotations."""

    FREQ: dict[str, int]
    total: int
    initialized: bool

    def initialize(self) -> None: ...

    def add_word(self, word: str, freq: int | None = None) -> None: ...

    def cut_for_search(self, sentence: str, HMM: bool = True) -> Iterator[str]: ...

    def cut(self, sentence: str, HMM: bool = True) -> Iterator[str]: ...


@lru_cache(maxsize=1)
def traditional_to_simplified() -> _Converter:
    """OpenCC's t2s, loaded once for search and the NLU's reading of traditional input."""
    import opencc

    return opencc.OpenCC("t2s")


def normalise(text: str) -> str:
    """NFKC (full-width to half-width), lower case, traditional to simplified."""
    text = unicodedata.normalize("NFKC", text).lower()
    return traditional_to_simplified().convert(text) if _CJK_RUN.search(text) else text


def cjk_runs(text: str) -> list[str]:
    return _CJK_RUN.findall(text)


def char_bigrams(text: str) -> list[str]:
    """Overlapping character pairs of each Chinese run: recall when jieba splits oddly."""
    return [run[i : i + 2] for run in cjk_runs(text) for i in range(len(run) - 1)]


def latin_words(text: str) -> list[str]:
    return [
        stem(word) for word in _LATIN_WORD.findall(text) if word not in STOPWORDS_EN
    ]


def latin_stems(text: str) -> list[str]:
    """Every Latin word's stem in order, stopwords kept, so that an English phrase is
    found word for word whatever its inflection ("dogs barking" for "dog barks")."""
    return [stem(word.replace("’", "'")) for word in _LATIN_WORD.findall(text)]


def stem(word: str) -> str:
    """English plural/verb endings folded by the Snowball stemmer (PyStemmer)."""
    return _english_stemmer().stemWord(word)


@lru_cache(maxsize=1)
def _english_stemmer() -> _Stemmer:
    import Stemmer

    stemmer: _Stemmer = Stemmer.Stemmer("english")
    return stemmer


_base_lock = threading.Lock()


@lru_cache(maxsize=1)
def _base_dictionary() -> _JiebaTokenizer:
    import jieba

    with _base_lock:
        tokenizer: _JiebaTokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        return tokenizer


class Segmenter:
    """A private jieba tokenizer that knows the catalogue's terms.

    A private instance keeps our user words out of jieba's global dictionary, which Rasa's
    JiebaTokenizer shares in the same process.
    """

    def __init__(self, vocabulary: Iterable[str] = ()) -> None:
        import jieba

        self._cache: dict[str, tuple[str, ...]] = {}
        self._tokenizer: _JiebaTokenizer = jieba.Tokenizer()
        # Loading jieba's dictionary takes a second: start from a copy of the loaded one.
        base = _base_dictionary()
        self._tokenizer.FREQ = dict(base.FREQ)
        self._tokenizer.total = base.total
        self._tokenizer.initialized = True
        for term in vocabulary:
            term = normalise(term)
            if len(term) >= 2 and _CJK_RUN.fullmatch(term):
                # A high frequency makes jieba keep the whole term as one word.
                self._tokenizer.add_word(term, freq=max(20000, 5000 * len(term)))

    def knows(self, word: str) -> bool:
        return bool(self._tokenizer.FREQ.get(word))

    def words(self, text: str) -> list[str]:
        """Words of the Chinese runs, with the sub-words jieba's search mode adds."""
        return [word for run in cjk_runs(text) for word in self._run_words(run)]

    def _run_words(self, run: str) -> tuple[str, ...]:
        # Catalogue texts repeat the same phrases thousands of times; jieba is slow Python.
        words = self._cache.get(run)
        if words is None:
            words = tuple(
                w
                for w in self._tokenizer.cut_for_search(run, HMM=False)
                if w not in FILLERS_ZH
            )
            if len(self._cache) < CACHE_RUNS:
                self._cache[run] = words
        return words

    def whole_words(self, text: str) -> list[str]:
        """Each Chinese run cut once (jieba's precise mode): no overlapping sub-words."""
        return [
            word
            for run in cjk_runs(text)
            for word in self._tokenizer.cut(run, HMM=False)
        ]

    def tokens(self, text: str) -> list[str]:
        """All index tokens of already-normalised text: words, bigrams, English stems."""
        return self.words(text) + char_bigrams(text) + latin_words(text)


def strip_punctuation(text: str) -> str:
    return _PUNCTUATION_OR_SPACE.sub("", text)
