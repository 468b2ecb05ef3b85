"""Lexical retrieval: BM25 over words, for English and Chinese alike.

English is lowercased, split into words, stripped of common stop words and lightly stemmed (plural
and verb endings), so "fees" finds "fee" and "investing" finds "invest". Chinese has no spaces:
jieba segments it, in its search mode, which also emits the shorter words inside long ones
(养老金 gives 养老 and 养老金), so a question's wording need not match the document's segmentation
exactly. Digits and Latin words inside Chinese text (C3, R4, ETF) are kept as words.
"""

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rank_bm25 import BM25Okapi

# Runs of CJK ideographs, and runs of Latin letters and digits; anything else separates tokens.
TOKEN_RUNS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

ENGLISH_STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "may",
        "me",
        "might",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "should",
        "so",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "too",
        "us",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
    ]
)
# Function words and particles that carry no topic; jieba emits them as words of their own.
CHINESE_STOP_WORDS = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "或",
        "是",
        "在",
        "对",
        "把",
        "被",
        "为",
        "以",
        "于",
        "从",
        "而",
        "也",
        "都",
        "就",
        "还",
        "要",
        "会",
        "能",
        "可",
        "可以",
        "吗",
        "呢",
        "吧",
        "啊",
        "我",
        "我们",
        "你",
        "你们",
        "他",
        "她",
        "它",
        "他们",
        "这",
        "那",
        "这个",
        "那个",
        "什么",
        "怎么",
        "怎样",
        "如何",
        "哪些",
        "哪个",
        "多少",
        "一个",
        "有",
        "没有",
        "应该",
        "需要",
        "是否",
        "请问",
    ]
)


class Tokenizer:
    """Splits English and Chinese text into index terms. Holds its own jieba segmenter, whose
    dictionary is loaded once, when the tokenizer is created (about 0.5 s)."""

    def __init__(self) -> None:
        import jieba

        # jieba logs "Building prefix dict..." at DEBUG on every start; the CLI stays quiet.
        jieba.setLogLevel(logging.WARNING)
        self._segmenter = jieba.Tokenizer()
        self._segmenter.initialize()

    def tokens(self, text: str) -> list[str]:
        """The index terms of `text`, in order, repeats kept (BM25 counts them)."""
        terms: list[str] = []
        for run in TOKEN_RUNS.findall(text.lower()):
            if CJK.match(run):
                terms.extend(self._chinese_terms(run))
            elif run not in ENGLISH_STOP_WORDS:
                terms.append(stem(run))
        return terms

    def _chinese_terms(self, run: str) -> list[str]:
        words = self._segmenter.cut_for_search(run, HMM=True)
        return [word for word in words if word.strip() and word not in CHINESE_STOP_WORDS]


def stem(word: str) -> str:
    """A light English stemmer: plural and common verb endings, then a final silent e, so that
    rate, rates, rated and rating all become "rat". Conservative on purpose: the same word
    always gets the same stem, and a wrong merge hurts more than a missed one."""
    if len(word) <= 3 or not word.isalpha():
        return word
    return _strip_final_e(_strip_suffix(word))


def _strip_suffix(word: str) -> str:
    for suffix, replacement, min_stem in (
        ("eed", "ee", 3),  # guaranteed -> guarantee, but need stays need
        ("sses", "ss", 2),
        ("ies", "y", 2),
        ("ing", "", 3),
        ("ed", "", 3),
        ("es", "", 3),
        ("s", "", 3),
    ):
        if not word.endswith(suffix) or len(word) - len(suffix) < min_stem:
            continue
        if suffix == "s" and word.endswith(("ss", "us", "is")):
            return word
        if suffix == "es" and not word.endswith(("ches", "shes", "sses", "xes", "zes")):
            continue  # "fees", "rates": only the s is a suffix
        return word[: len(word) - len(suffix)] + replacement
    return word


def _strip_final_e(word: str) -> str:
    return word[:-1] if len(word) >= 4 and word.endswith("e") else word


@dataclass(frozen=True)
class LexicalHit:
    """One indexed text that shares terms with the query, with its BM25 score (> 0)."""

    key: str
    score: float


class LexicalIndex:
    """BM25 (Okapi) over a fixed set of texts, each named by a key."""

    def __init__(self, keys: Sequence[str], texts: Sequence[str], tokenizer: Tokenizer) -> None:
        if len(keys) != len(texts):
            raise ValueError(f"{len(keys)} keys for {len(texts)} texts")
        self._keys = tuple(keys)
        self._tokenizer = tokenizer
        corpus = [tokenizer.tokens(text) for text in texts]
        # BM25Okapi divides by the average length: an empty corpus has none.
        self._bm25 = BM25Okapi(corpus) if any(corpus) else None

    def __len__(self) -> int:
        return len(self._keys)

    def search(self, query: str) -> list[LexicalHit]:
        """Every text that scores above zero for `query`, best first (ties by key)."""
        terms = self._tokenizer.tokens(query)
        if self._bm25 is None or not terms:
            return []
        scores = self._bm25.get_scores(terms)
        hits = [
            LexicalHit(key, float(score))
            for key, score in zip(self._keys, scores, strict=True)
            if score > 0
        ]
        return sorted(hits, key=lambda hit: (-hit.score, hit.key))
