"""Building the vector index from the knowledge documents, incrementally.

A document is re-embedded only when something that its vectors depend on changed: its text (the
`content_hash` of the whole file), the model or the way chunk text is composed (`embedded_with`),
or the set of its chunks in the store (a write that stopped half-way). Unchanged documents cost
nothing; removed documents lose their chunks.

Documents are loaded and validated by the caller (`load_knowledge`) and every vector is computed
before the first write, so a malformed document or a failing model leaves the previous index
untouched and usable.
"""

import time
from collections import defaultdict
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from advisor.knowledge.documents import KnowledgeDocument
from advisor.knowledge.embeddings import Embedder
from advisor.knowledge.store import Chunk, KnowledgeStore

# Bump when `searchable_text` changes: every stored vector then becomes stale.
CHUNK_RECIPE = "title+heading+text/1"


class IndexReport(BaseModel):
    """What one indexing run did, by document id, and how long it took."""

    model_config = ConfigDict(frozen=True)

    added: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]
    chunks_embedded: int
    chunks_total: int
    seconds: float

    @property
    def documents_total(self) -> int:
        """Documents in the index after the run."""
        return len(self.added) + len(self.updated) + len(self.unchanged)

    def as_text(self) -> str:
        """One summary line, then the ids of what changed."""
        lines = [
            f"{self.documents_total} documents indexed: {len(self.added)} added, "
            f"{len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.removed)} removed; {self.chunks_embedded} of {self.chunks_total} chunks "
            f"embedded in {self.seconds:.2f} s"
        ]
        for label, ids in (("added", self.added), ("updated", self.updated)):
            if ids:
                lines.append(f"{label}: {', '.join(ids)}")
        if self.removed:
            lines.append(f"removed: {', '.join(self.removed)}")
        return "\n".join(lines)


def searchable_text(title: str, heading: str, text: str) -> str:
    """What is embedded and indexed for a chunk: the section alone often never names its
    subject ("## Risks"), so the document title and the heading go in front of it."""
    return f"{title}. {heading}.\n{text}"


def chunks_of(document: KnowledgeDocument, embedded_with: str) -> tuple[Chunk, ...]:
    """The chunks of a document, one per section; a heading repeated within the document gets
    a numbered id (`#risks-2`) so that no section overwrites another."""
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    for section in document.sections:
        base_id = section.chunk_id
        seen[base_id] = seen.get(base_id, 0) + 1
        chunk_id = base_id if seen[base_id] == 1 else f"{base_id}-{seen[base_id]}"
        chunks.append(
            Chunk(
                chunk_id=chunk_id,
                document_id=document.meta.id,
                title=document.meta.title,
                heading=section.heading,
                jurisdiction=document.meta.jurisdiction,
                kind=document.meta.kind,
                content_hash=document.content_hash,
                embedded_with=embedded_with,
                text=section.text,
            )
        )
    return tuple(chunks)


def build_index(
    documents: Sequence[KnowledgeDocument],
    store: KnowledgeStore,
    embedder: Embedder,
    *,
    rebuild: bool = False,
) -> IndexReport:
    """Bring the store in line with `documents`; with `rebuild`, re-embed everything."""
    started = time.perf_counter()
    embedded_with = f"{embedder.name}|{CHUNK_RECIPE}"
    wanted = {document.meta.id: chunks_of(document, embedded_with) for document in documents}
    stored = _stored_by_document(store) if not rebuild else {}
    added = [doc_id for doc_id in wanted if doc_id not in stored]
    updated = [
        doc_id
        for doc_id in wanted
        if doc_id in stored and _signature(stored[doc_id]) != _signature(wanted[doc_id])
    ]
    unchanged = [doc_id for doc_id in wanted if doc_id not in added and doc_id not in updated]
    removed = sorted(doc_id for doc_id in stored if doc_id not in wanted)

    to_embed = [chunk for doc_id in (*added, *updated) for chunk in wanted[doc_id]]
    vectors = embedder.embed_documents(
        [searchable_text(chunk.title, chunk.heading, chunk.text) for chunk in to_embed]
    )
    # Every vector exists before the first write.
    if rebuild:
        store.clear()
    store.put(to_embed, vectors)
    store.delete(_stale_chunk_ids(stored, wanted, updated, removed))
    return IndexReport(
        added=tuple(added),
        updated=tuple(updated),
        unchanged=tuple(unchanged),
        removed=tuple(removed),
        chunks_embedded=len(to_embed),
        chunks_total=sum(len(chunks) for chunks in wanted.values()),
        seconds=round(time.perf_counter() - started, 3),
    )


def _stored_by_document(store: KnowledgeStore) -> dict[str, tuple[Chunk, ...]]:
    grouped: dict[str, list[Chunk]] = defaultdict(list)
    for chunk in store.chunks():
        grouped[chunk.document_id].append(chunk)
    return {doc_id: tuple(chunks) for doc_id, chunks in grouped.items()}


def _signature(chunks: Sequence[Chunk]) -> frozenset[tuple[str, str, str]]:
    """What must match for stored chunks to stand for a document without re-embedding."""
    return frozenset((chunk.chunk_id, chunk.content_hash, chunk.embedded_with) for chunk in chunks)


def _stale_chunk_ids(
    stored: dict[str, tuple[Chunk, ...]],
    wanted: dict[str, tuple[Chunk, ...]],
    updated: Sequence[str],
    removed: Sequence[str],
) -> list[str]:
    """Chunks of removed documents, and chunks an updated document no longer has."""
    stale = [chunk.chunk_id for doc_id in removed for chunk in stored[doc_id]]
    for doc_id in updated:
        keep = {chunk.chunk_id for chunk in wanted[doc_id]}
        stale += [chunk.chunk_id for chunk in stored[doc_id] if chunk.chunk_id not in keep]
    return stale
