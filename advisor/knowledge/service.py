"""The one way in for the CLI and the app: index the knowledge folder, get a ready retriever.

`advisor index`, `advisor ask` and the app all come through here, so they read the same folder,
write the same store and search it the same way.
"""

from collections.abc import Callable
from pathlib import Path

from advisor.errors import DataFileError
from advisor.knowledge.documents import KnowledgeDocument, load_knowledge
from advisor.knowledge.embeddings import Embedder, SentenceTransformerEmbedder
from advisor.knowledge.index import IndexReport, build_index
from advisor.knowledge.retrieval import Retriever
from advisor.knowledge.store import KnowledgeStore


def load_knowledge_folder(knowledge_dir: Path) -> tuple[KnowledgeDocument, ...]:
    """Every document of the folder, validated. A missing or empty folder is an error rather
    than an empty knowledge base: indexing it would delete every chunk of the existing index."""
    if not knowledge_dir.is_dir():
        raise DataFileError(f"{knowledge_dir}: knowledge folder not found")
    documents = load_knowledge(knowledge_dir)
    if not documents:
        raise DataFileError(f"{knowledge_dir}: no knowledge documents (*.md) in the folder")
    return documents


def index_knowledge(
    knowledge_dir: Path,
    data_dir: Path,
    chroma_url: str | None = None,
    *,
    embedder: Embedder | None = None,
    rebuild: bool = False,
) -> IndexReport:
    """Load the knowledge folder, then bring the store in line with it (`advisor index`).

    The documents are all loaded and validated before the store is opened for writing, so a
    malformed document raises `DataFileError` (naming the file, line and field) and the previous
    index stays as it was.
    """
    documents = load_knowledge_folder(knowledge_dir)
    store = KnowledgeStore.open(data_dir, chroma_url)
    return build_index(documents, store, embedder or SentenceTransformerEmbedder(), rebuild=rebuild)


def open_retriever(
    knowledge_dir: Path,
    data_dir: Path,
    chroma_url: str | None = None,
    *,
    embedder: Embedder | None = None,
    sync: bool = True,
    warn: Callable[[str], None] | None = None,
) -> Retriever:
    """A retriever over an up-to-date index (`advisor ask`, the app).

    With `sync` (the default) the index is first brought in line with the folder: only new or
    changed documents are embedded, so this costs milliseconds when nothing changed. Without
    `sync`, the folder is read only when the store is empty, to build the index the first time.

    A folder that fails to load (a malformed document: `DataFileError` naming the file, line and
    field) leaves the index untouched. The error is raised, unless `warn` is given and an index
    exists: then `warn` gets the message and the retriever searches the index as it was.
    """
    embedder = embedder or SentenceTransformerEmbedder()
    store = KnowledgeStore.open(data_dir, chroma_url)
    if sync or store.count() == 0:
        try:
            documents = load_knowledge_folder(knowledge_dir)
        except DataFileError as error:
            if warn is None or store.count() == 0:
                raise
            warn(f"{error} (searching the index as it was before)")
        else:
            build_index(documents, store, embedder)
    return Retriever(store, embedder)
