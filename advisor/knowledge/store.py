"""The vector store: one chromadb collection of knowledge chunks, searched by cosine similarity.

By default chromadb runs in-process and keeps its files under `<data_dir>/chroma`; given a URL
(`http://host:8000`), the store talks to a chromadb server instead. Either way:

* Telemetry is off (`anonymized_telemetry=False`).
* The collection has no embedding function. chromadb's own default would download an ONNX model
  on first use; here every vector comes from our `Embedder` and is passed in explicitly, so
  chromadb never embeds anything. The collection is created and opened with
  `embedding_function=None`: chromadb records it as a "legacy" (external) embedding function, and
  a call that would need it (`query_texts`) raises instead of downloading.
* Each chunk is stored under its `chunk_id`, with the section text as the document and its
  document id, title, heading, jurisdiction, kind and content hash (plus which model embedded
  it) as metadata.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import numpy as np

from advisor.errors import AdvisorError

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

COLLECTION_NAME = "knowledge"
DEFAULT_SERVER_PORT = 8000  # what `chroma run` listens on
# chromadb caps how many records one call may write; the knowledge base is far below it, but a
# large one is written in batches.
WRITE_BATCH = 1000


@dataclass(frozen=True)
class Chunk:
    """One stored section: its text and the metadata the retriever filters and cites by."""

    chunk_id: str
    document_id: str
    title: str
    heading: str
    jurisdiction: str
    kind: str
    content_hash: str
    embedded_with: str
    text: str

    def metadata(self) -> dict[str, str]:
        """The chromadb metadata of the chunk."""
        return {
            "document_id": self.document_id,
            "title": self.title,
            "heading": self.heading,
            "jurisdiction": self.jurisdiction,
            "kind": self.kind,
            "content_hash": self.content_hash,
            "embedded_with": self.embedded_with,
        }

    @classmethod
    def from_record(cls, chunk_id: str, text: str | None, metadata: Mapping[str, Any]) -> "Chunk":
        """Rebuild a chunk from what chromadb returns."""
        fields = {name: str(metadata.get(name, "")) for name in _METADATA_FIELDS}
        return cls(chunk_id=chunk_id, text=text or "", **fields)


_METADATA_FIELDS = (
    "document_id",
    "title",
    "heading",
    "jurisdiction",
    "kind",
    "content_hash",
    "embedded_with",
)


@dataclass(frozen=True)
class ChunkMatch:
    """A chunk found by vector search, with its cosine similarity to the query (1 = same)."""

    chunk: Chunk
    similarity: float


class KnowledgeStore:
    """The knowledge chunks in chromadb: write, delete, list and search by vector."""

    def __init__(self, client: "ClientAPI", collection_name: str = COLLECTION_NAME) -> None:
        self._client = client
        self._collection_name = collection_name
        self._collection = _open_collection(client, collection_name)

    @classmethod
    def open(cls, data_dir: Path, server_url: str | None = None) -> "KnowledgeStore":
        """The store in `<data_dir>/chroma`, or on the chromadb server at `server_url`."""
        client = _server_client(server_url) if server_url else _local_client(data_dir / "chroma")
        return cls(client)

    def count(self) -> int:
        """How many chunks are stored."""
        return int(self._collection.count())

    def chunks(self) -> tuple[Chunk, ...]:
        """Every stored chunk, sorted by id."""
        result = self._collection.get(include=["documents", "metadatas"])
        missing: list[None] = [None] * len(result["ids"])
        documents: Sequence[str | None] = result["documents"] or missing
        metadatas: Sequence[Mapping[str, Any] | None] = result["metadatas"] or missing
        chunks = (
            Chunk.from_record(chunk_id, text, metadata or {})
            for chunk_id, text, metadata in zip(result["ids"], documents, metadatas, strict=True)
        )
        return tuple(sorted(chunks, key=lambda chunk: chunk.chunk_id))

    def vectors(self) -> dict[str, list[float]]:
        """Every stored vector by chunk id (for checks and diagnostics; the index is small)."""
        result = self._collection.get(include=["embeddings"])
        embeddings = result["embeddings"]
        if embeddings is None:
            return {}
        return {
            chunk_id: [float(value) for value in vector]
            for chunk_id, vector in zip(result["ids"], embeddings, strict=True)
        }

    def put(self, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]]) -> None:
        """Insert or replace chunks with their vectors."""
        if len(chunks) != len(vectors):
            raise ValueError(f"{len(chunks)} chunks but {len(vectors)} vectors")
        for start in range(0, len(chunks), WRITE_BATCH):
            batch = chunks[start : start + WRITE_BATCH]
            self._collection.upsert(
                ids=[chunk.chunk_id for chunk in batch],
                embeddings=np.asarray(vectors[start : start + WRITE_BATCH], dtype=np.float32),
                documents=[chunk.text for chunk in batch],
                metadatas=[chunk.metadata() for chunk in batch],
            )

    def delete(self, chunk_ids: Sequence[str]) -> None:
        """Remove chunks by id; unknown ids are ignored."""
        for start in range(0, len(chunk_ids), WRITE_BATCH):
            self._collection.delete(ids=list(chunk_ids[start : start + WRITE_BATCH]))

    def clear(self) -> None:
        """Drop every chunk: delete the collection and create it again, empty."""
        self._client.delete_collection(self._collection_name)
        self._collection = _open_collection(self._client, self._collection_name)

    def search(
        self, vector: Sequence[float], limit: int, where: dict[str, Any] | None = None
    ) -> list[ChunkMatch]:
        """The `limit` chunks nearest to `vector` among those matching the metadata filter
        `where` (chromadb's syntax), most similar first."""
        if limit <= 0 or self.count() == 0:
            return []
        result = self._collection.query(
            query_embeddings=np.asarray([vector], dtype=np.float32),
            n_results=limit,
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        ids = result["ids"][0]
        missing: list[None] = [None] * len(ids)
        documents: Sequence[str | None] = result["documents"][0] if result["documents"] else missing
        metadatas: Sequence[Mapping[str, Any] | None] = (
            result["metadatas"][0] if result["metadatas"] else missing
        )
        distances = result["distances"][0] if result["distances"] else [1.0] * len(ids)
        return [
            # chromadb's cosine space reports the distance 1 - cos.
            ChunkMatch(Chunk.from_record(chunk_id, text, metadata or {}), 1.0 - float(distance))
            for chunk_id, text, metadata, distance in zip(
                ids, documents, metadatas, distances, strict=True
            )
        ]


def _chroma_settings() -> Any:
    from chromadb.config import Settings

    return Settings(anonymized_telemetry=False)


def _local_client(path: Path) -> "ClientAPI":
    import chromadb

    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=_chroma_settings())


def _server_client(url: str) -> "ClientAPI":
    import chromadb

    host, port, ssl = parse_server_url(url)
    try:
        return chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=_chroma_settings())
    except ValueError as error:  # chromadb's "Could not connect to a Chroma server"
        raise AdvisorError(f"chromadb server at {url}: {error}") from None


def parse_server_url(url: str) -> tuple[str, int, bool]:
    """Host, port and whether to use TLS, from `http(s)://host[:port]`; the port defaults to
    chromadb's 8000 over http and 443 over https."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise AdvisorError(f"chromadb server URL {url!r}: expected http(s)://host[:port]")
    try:
        port = parts.port
    except ValueError:
        raise AdvisorError(f"chromadb server URL {url!r}: the port is not a number") from None
    ssl = parts.scheme == "https"
    return parts.hostname, port or (443 if ssl else DEFAULT_SERVER_PORT), ssl


def _open_collection(client: "ClientAPI", name: str) -> "Collection":
    # embedding_function=None, explicitly: chromadb's default argument is its ONNX embedder,
    # which downloads a model when called. The HNSW space is fixed when the collection is
    # created; cosine, because the vectors are normalised and scores read as similarities.
    return client.get_or_create_collection(
        name=name,
        embedding_function=None,
        configuration={"hnsw": {"space": "cosine"}},
    )
