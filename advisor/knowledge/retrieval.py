"""Hybrid retrieval over the knowledge base: dense vectors and BM25, fused by reciprocal rank.

Two rankings of the chunks are made for every question:

* **dense**: cosine similarity between the question's vector and each chunk's, by chromadb;
* **lexical**: BM25 over English words and jieba-segmented Chinese words (`lexical.py`).

They are fused with reciprocal rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009): an item's
score is the sum over rankings of `weight / (RRF_K + rank)`, rank counted from 1. RRF uses ranks
only, so BM25 scores and cosine similarities, which live on unrelated scales, need no
calibration. `RRF_K = 60` is the paper's constant. It flattens the reward for rank (first place
earns 1/61, fifth 1/65), so a document that both methods rank well beats one that a single
method ranks first and the other misses.

The lexical ranking always has weight 1. The dense ranking's weight is `coverage ** 4`, where
`coverage` is the share of the question's tokens the embedding model can read
(`Embedder.coverage`). all-MiniLM-L6-v2 reads English whole (coverage 1, weight 1) but sees most
Chinese characters as `[UNK]`: a Chinese question keeps a few isolated characters and digits
(coverage 0.1-0.6), and the ranking made from that vector is mostly noise. The fourth power keeps
a mostly English question with a Chinese name in play (coverage 0.9: weight 0.66) and silences a
mostly Chinese one (coverage 0.5: weight 0.06). On the 73 labelled questions (37 in Chinese,
tests/fixtures/retrieval_questions.yaml), equal weights gave the Chinese questions a recall@3 of
0.78 and a weight of `coverage` an MRR of 0.87, against 1.00 and 0.97 for BM25 alone;
`coverage ** 2` still cost 0.03 of MRR. A multilingual embedding model would report a coverage
near 1 for Chinese too, and get its full weight.

Results are distinct documents by default: documents are ranked by fusing each method's ranking
of documents (a document placed by its best chunk), and each is shown with its best chunk.
"""

from collections.abc import Iterable, Sequence
from itertools import islice
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from advisor.knowledge.documents import Jurisdiction, Kind
from advisor.knowledge.embeddings import Embedder
from advisor.knowledge.index import searchable_text
from advisor.knowledge.lexical import LexicalIndex, Tokenizer
from advisor.knowledge.store import Chunk, KnowledgeStore

RRF_K = 60
DENSE_COVERAGE_EXPONENT = 4
# How many chunks each method contributes to the fusion. The knowledge base holds a few hundred
# chunks; below rank 50 an item adds at most 1/110 to a score, too little to matter.
CANDIDATES = 50

RetrievalMethod = Literal["fused", "dense", "lexical"]


class Passage(BaseModel):
    """A retrieved section, with what is needed to cite it. `score` orders results within one
    search: the fused RRF score, the cosine similarity (dense) or the BM25 score (lexical)."""

    model_config = ConfigDict(frozen=True)

    document_id: str
    chunk_id: str
    title: str
    heading: str
    text: str
    jurisdiction: str
    kind: str
    score: float


class Retriever:
    """Searches the knowledge store. The lexical index is built from the store's chunks when the
    retriever is created: make a new retriever after re-indexing."""

    def __init__(
        self, store: KnowledgeStore, embedder: Embedder, tokenizer: Tokenizer | None = None
    ) -> None:
        self._store = store
        self._embedder = embedder
        self._chunks = {chunk.chunk_id: chunk for chunk in store.chunks()}
        self._lexical = LexicalIndex(
            list(self._chunks),
            [searchable_text(c.title, c.heading, c.text) for c in self._chunks.values()],
            tokenizer or Tokenizer(),
        )

    @property
    def chunk_count(self) -> int:
        """How many chunks the retriever searches."""
        return len(self._chunks)

    def search(
        self,
        question: str,
        k: int = 3,
        jurisdiction: Jurisdiction | None = None,
        kinds: Sequence[Kind] | None = None,
        *,
        distinct_documents: bool = True,
        method: RetrievalMethod = "fused",
    ) -> list[Passage]:
        """The `k` best passages for `question`, best first.

        `jurisdiction` keeps that jurisdiction's documents and those for `ALL`; `kinds` keeps
        only those kinds (None or empty: every kind). With `distinct_documents` (the default)
        each document appears at most once, with its best chunk.
        """
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        if not question.strip() or not self._chunks:
            return []
        allowed = _Filter(jurisdiction, kinds)
        rankings: list[tuple[float, list[tuple[Chunk, float]]]] = []
        if method in ("fused", "dense"):
            rankings.append((self._dense_weight(question, method), self._dense(question, allowed)))
        if method in ("fused", "lexical"):
            rankings.append((1.0, self._lexical_ranking(question, allowed)))
        if method != "fused":
            return _by_own_score(rankings[0][1], k, distinct_documents)
        return _fuse(rankings, k, distinct_documents)

    def _dense_weight(self, question: str, method: RetrievalMethod) -> float:
        if method == "dense":
            return 1.0
        return float(self._embedder.coverage(question) ** DENSE_COVERAGE_EXPONENT)

    def _dense(self, question: str, allowed: "_Filter") -> list[tuple[Chunk, float]]:
        vector = self._embedder.embed_query(question)
        matches = self._store.search(vector, CANDIDATES, allowed.where())
        return [(match.chunk, match.similarity) for match in matches]

    def _lexical_ranking(self, question: str, allowed: "_Filter") -> list[tuple[Chunk, float]]:
        ranked = (
            (self._chunks[hit.key], hit.score)
            for hit in self._lexical.search(question)
            if allowed.admits(self._chunks[hit.key])
        )
        return list(islice(ranked, CANDIDATES))


class _Filter:
    """The jurisdiction and kind restriction, for chromadb and for the lexical results."""

    def __init__(self, jurisdiction: Jurisdiction | None, kinds: Sequence[Kind] | None) -> None:
        self.jurisdictions = None if jurisdiction is None else sorted({jurisdiction, "ALL"})
        self.kinds = sorted(set(kinds)) if kinds else None

    def admits(self, chunk: Chunk) -> bool:
        return (self.jurisdictions is None or chunk.jurisdiction in self.jurisdictions) and (
            self.kinds is None or chunk.kind in self.kinds
        )

    def where(self) -> dict[str, Any] | None:
        conditions: list[dict[str, Any]] = []
        if self.jurisdictions is not None:
            conditions.append({"jurisdiction": {"$in": self.jurisdictions}})
        if self.kinds is not None:
            conditions.append({"kind": {"$in": self.kinds}})
        if not conditions:
            return None
        return conditions[0] if len(conditions) == 1 else {"$and": conditions}


def _by_own_score(
    ranking: list[tuple[Chunk, float]], k: int, distinct_documents: bool
) -> list[Passage]:
    """One method's results as they are: its ranking is already best first."""
    passages: list[Passage] = []
    seen: set[str] = set()
    for chunk, score in ranking:
        unit = chunk.document_id if distinct_documents else chunk.chunk_id
        if unit not in seen:
            seen.add(unit)
            passages.append(_passage(chunk, score))
    return passages[:k]


def _fuse(
    rankings: Sequence[tuple[float, list[tuple[Chunk, float]]]], k: int, distinct_documents: bool
) -> list[Passage]:
    """Reciprocal rank fusion of weighted rankings, over documents or over chunks."""
    chunk_scores = _rrf(
        (weight, [chunk.chunk_id for chunk, _ in ranking]) for weight, ranking in rankings
    )
    chunks = {chunk.chunk_id: chunk for _, ranking in rankings for chunk, _ in ranking}
    if not distinct_documents:
        best = sorted(chunk_scores, key=lambda chunk_id: (-chunk_scores[chunk_id], chunk_id))
        return [_passage(chunks[chunk_id], chunk_scores[chunk_id]) for chunk_id in best[:k]]
    document_scores = _rrf(
        (weight, _first_seen(chunk.document_id for chunk, _ in ranking))
        for weight, ranking in rankings
    )
    ranked = sorted(document_scores, key=lambda doc_id: (-document_scores[doc_id], doc_id))
    passages = []
    for document_id in ranked[:k]:
        # The document's passage is its best chunk by the same fusion, over chunks.
        best_chunk = max(
            (chunk_id for chunk_id, chunk in chunks.items() if chunk.document_id == document_id),
            key=lambda chunk_id: (chunk_scores[chunk_id], chunk_id),
        )
        passages.append(_passage(chunks[best_chunk], document_scores[document_id]))
    return passages


def _rrf(rankings: Iterable[tuple[float, Sequence[str]]]) -> dict[str, float]:
    scores: dict[str, float] = {}
    for weight, ranking in rankings:
        for rank, key in enumerate(ranking, start=1):
            scores[key] = scores.get(key, 0.0) + weight / (RRF_K + rank)
    return scores


def _first_seen(keys: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(keys))


def _passage(chunk: Chunk, score: float) -> Passage:
    return Passage(
        document_id=chunk.document_id,
        chunk_id=chunk.chunk_id,
        title=chunk.title,
        heading=chunk.heading,
        text=chunk.text,
        jurisdiction=chunk.jurisdiction,
        kind=chunk.kind,
        score=score,
    )
