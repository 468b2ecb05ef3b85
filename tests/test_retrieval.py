"""The knowledge retriever on the real documents and the labelled question set, offline.

Every test here runs with the network refused (only loopback is allowed): the embedding model
comes from its pip package and chromadb never embeds anything itself. The real knowledge base is
indexed once per session into a temporary data dir; the index-behaviour tests work on copies of
the knowledge folder with their own stores, sharing one loaded model.
"""

import ipaddress
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from advisor.cli import app
from advisor.errors import AdvisorError, DataFileError
from advisor.knowledge.documents import load_knowledge
from advisor.knowledge.embeddings import SentenceTransformerEmbedder, Vector
from advisor.knowledge.evaluation import (
    Evaluation,
    LabelledQuestion,
    evaluate,
    load_labelled_questions,
    scores_table,
)
from advisor.knowledge.index import IndexReport, build_index
from advisor.knowledge.lexical import Tokenizer
from advisor.knowledge.retrieval import Retriever
from advisor.knowledge.service import index_knowledge, open_retriever
from advisor.knowledge.store import KnowledgeStore
from advisor.settings import PROJECT_ROOT
from tests.conftest import FIXTURES

KNOWLEDGE = PROJECT_ROOT / "knowledge"
QUESTIONS = FIXTURES / "retrieval_questions.yaml"
MINI_KNOWLEDGE = FIXTURES / "knowledge_mini"
REQUIRED_RECALL_AT_3 = 0.9


# --- no network --------------------------------------------------------------------------------


class NetworkRefused(OSError):
    """Raised by the guard for any connection or lookup beyond this machine."""


def _is_local(address: Any) -> bool:
    if not isinstance(address, tuple):  # AF_UNIX paths
        return True
    host = str(address[0])
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


@contextmanager
def network_refused() -> Iterator[list[str]]:
    """Refuse (and record) every socket connection and name lookup that is not loopback."""
    attempts: list[str] = []
    connect, connect_ex, getaddrinfo = (
        socket.socket.connect,
        socket.socket.connect_ex,
        socket.getaddrinfo,
    )

    def guard(original: Callable[..., Any]) -> Callable[..., Any]:
        def guarded(self: socket.socket, address: Any) -> Any:
            if not _is_local(address):
                attempts.append(repr(address))
                raise NetworkRefused(f"network refused in tests: {address!r}")
            return original(self, address)

        return guarded

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not _is_local(
            (host.decode() if isinstance(host, bytes) else host,)
        ):
            attempts.append(repr(host))
            raise NetworkRefused(f"name lookup refused in tests: {host!r}")
        return getaddrinfo(host, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", guard(connect))
        patch.setattr(socket.socket, "connect_ex", guard(connect_ex))
        patch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
        yield attempts


@pytest.fixture(autouse=True)
def offline() -> Iterator[list[str]]:
    """Every test in this module runs with the network refused."""
    with network_refused() as attempts:
        yield attempts


# --- shared, loaded once -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def embedder() -> SentenceTransformerEmbedder:
    """The real model, loaded from its package with the network refused."""
    model = SentenceTransformerEmbedder()
    with network_refused():
        model.load()
    return model


@pytest.fixture(scope="session")
def tokenizer() -> Tokenizer:
    return Tokenizer()


@pytest.fixture(scope="session")
def retriever(
    real_index: tuple[KnowledgeStore, IndexReport],
    embedder: SentenceTransformerEmbedder,
    tokenizer: Tokenizer,
) -> Retriever:
    return Retriever(real_index[0], embedder, tokenizer)


@pytest.fixture(scope="session")
def questions() -> tuple[LabelledQuestion, ...]:
    return load_labelled_questions(QUESTIONS)


@pytest.fixture(scope="session")
def evaluations(
    retriever: Retriever, questions: tuple[LabelledQuestion, ...]
) -> dict[str, Evaluation]:
    with network_refused():
        return {
            method: evaluate(retriever, questions, method)
            for method in ("fused", "dense", "lexical")
        }


class RecordingEmbedder:
    """The real model's vectors, remembered across tests so that each text is embedded once per
    session; records which texts the index asked for, which is what these tests check."""

    def __init__(self, model: SentenceTransformerEmbedder, memory: dict[str, Vector]) -> None:
        self._model = model
        self._memory = memory
        self.requested: list[str] = []

    @property
    def name(self) -> str:
        return self._model.name

    def embed_documents(self, texts: Sequence[str]) -> list[Vector]:
        self.requested.extend(texts)
        new = [text for text in dict.fromkeys(texts) if text not in self._memory]
        self._memory.update(zip(new, self._model.embed_documents(new), strict=True))
        return [self._memory[text] for text in texts]

    def embed_query(self, text: str) -> Vector:
        return self._model.embed_query(text)

    def coverage(self, text: str) -> float:
        return self._model.coverage(text)


@pytest.fixture(scope="session")
def vector_memory() -> dict[str, Vector]:
    return {}


@pytest.fixture(scope="session")
def real_index(
    tmp_path_factory: pytest.TempPathFactory,
    embedder: SentenceTransformerEmbedder,
    vector_memory: dict[str, Vector],
) -> tuple[KnowledgeStore, IndexReport]:
    """The real knowledge folder, indexed once into a temporary data dir. Its vectors are
    remembered, so the index-behaviour tests below need not compute them again."""
    data_dir = tmp_path_factory.mktemp("knowledge-data")
    with network_refused():
        report = index_knowledge(
            KNOWLEDGE, data_dir, embedder=RecordingEmbedder(embedder, vector_memory)
        )
        return KnowledgeStore.open(data_dir), report


@pytest.fixture
def recording(
    embedder: SentenceTransformerEmbedder, vector_memory: dict[str, Vector]
) -> RecordingEmbedder:
    return RecordingEmbedder(embedder, vector_memory)


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A copy of the real knowledge folder that a test may change."""
    return Path(shutil.copytree(KNOWLEDGE, tmp_path / "knowledge"))


def snapshot(store: KnowledgeStore) -> tuple[Any, dict[str, Vector]]:
    return store.chunks(), store.vectors()


def document_path(folder: Path, document_id: str) -> Path:
    (path,) = [d.path for d in load_knowledge(folder) if d.meta.id == document_id]
    return path


# --- quality on the labelled set ---------------------------------------------------------------


def test_the_labelled_questions_name_documents_that_exist(
    questions: tuple[LabelledQuestion, ...],
):
    ids = {document.meta.id for document in load_knowledge(KNOWLEDGE)}
    unknown = {
        q.question: sorted(set(q.relevant) - ids) for q in questions if set(q.relevant) - ids
    }
    assert not unknown
    assert {q.language for q in questions} == {"en", "zh"}


def test_recall_at_3_on_the_labelled_questions(
    evaluations: dict[str, Evaluation], capsys: pytest.CaptureFixture[str]
):
    fused = evaluations["fused"]
    with capsys.disabled():
        print("\n\nRetrieval on the labelled questions (recall@3, MRR@10):")
        print(scores_table(list(evaluations.values())))
        for miss in fused.misses:
            print(
                f"  fused miss [{miss.question.language}] {miss.question.question!r}: "
                f"wanted {list(miss.question.relevant)}, got {list(miss.retrieved[:3])}"
            )
    assert fused.overall.recall_at_3 >= REQUIRED_RECALL_AT_3
    assert fused.by_language("en").questions > 0
    assert fused.by_language("zh").questions > 0


def test_fusion_beats_or_matches_each_method_alone(evaluations: dict[str, Evaluation]):
    fused = evaluations["fused"].overall
    for method in ("dense", "lexical"):
        assert fused.mrr >= evaluations[method].overall.mrr - 0.02, method


def test_english_and_chinese_questions_are_both_answered(evaluations: dict[str, Evaluation]):
    for language in ("en", "zh"):
        scores = evaluations["fused"].by_language(language)
        assert scores.recall_at_3 >= 0.8, (language, scores)


# --- what a search returns ---------------------------------------------------------------------


def test_results_are_distinct_documents_with_their_citation(retriever: Retriever):
    passages = retriever.search("Can a C3 investor buy an R4 product?", k=8)
    assert len(passages) == 8
    assert len({p.document_id for p in passages}) == 8
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)
    for passage in passages:
        assert passage.title and passage.heading and passage.text
        assert passage.chunk_id.startswith(passage.document_id + "#")


def test_chunks_of_one_document_can_be_asked_for(retriever: Retriever):
    passages = retriever.search(
        "trusted contact person for older investors", k=15, distinct_documents=False
    )
    chunk_ids = [p.chunk_id for p in passages]
    assert len(set(chunk_ids)) == len(chunk_ids) == 15
    assert len({p.document_id for p in passages}) < 15


@pytest.mark.parametrize("jurisdiction", ["CN", "US", "EU"])
@pytest.mark.parametrize("method", ["fused", "dense", "lexical"])
def test_a_jurisdiction_keeps_its_own_documents_and_those_for_all(
    retriever: Retriever, jurisdiction: str, method: str
):
    question = "suitability rules for recommending products to investors 适当性"
    unfiltered = retriever.search(question, k=30, method=method)
    assert {p.jurisdiction for p in unfiltered} - {jurisdiction, "ALL"}, "the filter must matter"
    passages = retriever.search(question, k=30, jurisdiction=jurisdiction, method=method)
    assert passages
    assert {p.jurisdiction for p in passages} <= {jurisdiction, "ALL"}
    assert jurisdiction in {p.jurisdiction for p in passages}


def test_kinds_keep_only_those_kinds(retriever: Retriever):
    kinds = {document.meta.kind for document in load_knowledge(KNOWLEDGE)}
    question = "what are the risks and costs of this fund"
    for kind in sorted(kinds):
        passages = retriever.search(question, k=30, kinds=[kind])
        assert passages, kind
        assert {p.kind for p in passages} == {kind}
    both = retriever.search(question, k=30, jurisdiction="CN", kinds=["rule", "product"])
    assert {p.kind for p in both} <= {"rule", "product"}
    assert {p.jurisdiction for p in both} <= {"CN", "ALL"}


def test_a_blank_question_finds_nothing_and_k_must_be_positive(retriever: Retriever):
    assert retriever.search("   ") == []
    with pytest.raises(ValueError, match="k must be"):
        retriever.search("fees", k=0)


# --- the index ---------------------------------------------------------------------------------


def test_the_session_index_holds_every_section(real_index: tuple[KnowledgeStore, IndexReport]):
    store, report = real_index
    documents = load_knowledge(KNOWLEDGE)
    assert sorted(report.added) == sorted(d.meta.id for d in documents)
    assert report.chunks_embedded == report.chunks_total == store.count()
    assert store.count() == sum(len(d.sections) for d in documents)


def test_indexing_again_embeds_nothing_and_changes_nothing(
    knowledge_copy: Path, tmp_path: Path, recording: RecordingEmbedder
):
    store = KnowledgeStore.open(tmp_path / "data")
    documents = load_knowledge(knowledge_copy)
    first = build_index(documents, store, recording)
    before = snapshot(store)
    recording.requested.clear()
    second = build_index(documents, store, recording)
    assert recording.requested == []
    assert second.chunks_embedded == 0
    assert (second.added, second.updated, second.removed) == ((), (), ())
    assert sorted(second.unchanged) == sorted(first.added)
    assert snapshot(store) == before


def test_a_changed_document_alone_is_re_embedded(
    knowledge_copy: Path, tmp_path: Path, recording: RecordingEmbedder
):
    store = KnowledgeStore.open(tmp_path / "data")
    build_index(load_knowledge(knowledge_copy), store, recording)
    chunks_before, vectors_before = snapshot(store)
    path = document_path(knowledge_copy, "cn-suitability-matching")
    path.write_text(
        path.read_text(encoding="utf-8")
        + "\n## Quokka clause\nA quokka may never hold an R5 product.\n",
        encoding="utf-8",
    )
    recording.requested.clear()
    report = build_index(load_knowledge(knowledge_copy), store, recording)

    changed = [d for d in load_knowledge(knowledge_copy) if d.meta.id == "cn-suitability-matching"]
    assert report.updated == ("cn-suitability-matching",)
    assert report.added == report.removed == ()
    assert report.chunks_embedded == len(changed[0].sections) == len(recording.requested)
    chunks_after, vectors_after = snapshot(store)
    for chunk_id, vector in vectors_before.items():
        if not chunk_id.startswith("cn-suitability-matching#"):
            assert vectors_after[chunk_id] == vector
    new = Retriever(store, recording).search("Can a quokka hold an R5 product?", k=1)
    assert new[0].chunk_id == "cn-suitability-matching#quokka-clause"
    assert len(chunks_after) == len(chunks_before) + 1


def test_a_removed_section_and_a_removed_document_disappear(
    knowledge_copy: Path, tmp_path: Path, recording: RecordingEmbedder
):
    store = KnowledgeStore.open(tmp_path / "data")
    build_index(load_knowledge(knowledge_copy), store, recording)
    gone = document_path(knowledge_copy, "us-senior-investors")
    gone.unlink()
    edited = document_path(knowledge_copy, "cn-suitability-matching")
    text = edited.read_text(encoding="utf-8")
    cut = text.index("\n## ", text.index("\n## ") + 1)  # drop the first section
    start = text.index("\n## ")
    edited.write_text(text[:start] + text[cut:], encoding="utf-8")

    report = build_index(load_knowledge(knowledge_copy), store, recording)
    assert report.removed == ("us-senior-investors",)
    assert report.updated == ("cn-suitability-matching",)
    remaining = store.chunks()
    assert not [c for c in remaining if c.document_id == "us-senior-investors"]
    expected = {
        chunk_id
        for d in load_knowledge(knowledge_copy)
        for chunk_id in (s.chunk_id for s in d.sections)
    }
    assert {c.chunk_id for c in remaining} == expected
    found = Retriever(store, recording).search("trusted contact exploitation hold", k=10)
    assert "us-senior-investors" not in {p.document_id for p in found}


def test_a_malformed_document_fails_and_leaves_the_index_usable(
    knowledge_copy: Path, tmp_path: Path, recording: RecordingEmbedder
):
    data_dir = tmp_path / "data"
    index_knowledge(knowledge_copy, data_dir, embedder=recording)
    store = KnowledgeStore.open(data_dir)
    before = snapshot(store)
    bad = document_path(knowledge_copy, "cn-suitability-matching")
    other = document_path(knowledge_copy, "us-senior-investors")
    good = bad.read_text(encoding="utf-8")
    assert "jurisdiction: CN" in good
    bad.write_text(good.replace("jurisdiction: CN", "jurisdiction: Mars", 1), encoding="utf-8")
    other.write_text(other.read_text(encoding="utf-8") + "\n## New\nChanged.\n", encoding="utf-8")

    recording.requested.clear()
    with pytest.raises(DataFileError) as failure:
        index_knowledge(knowledge_copy, data_dir, embedder=recording)
    assert bad.name in str(failure.value)
    assert "jurisdiction" in str(failure.value)
    assert recording.requested == []
    assert snapshot(store) == before
    with pytest.raises(DataFileError, match="jurisdiction"):
        open_retriever(knowledge_copy, data_dir, embedder=recording)
    warnings_given: list[str] = []
    retriever = open_retriever(
        knowledge_copy, data_dir, embedder=recording, warn=warnings_given.append
    )
    assert len(warnings_given) == 1 and bad.name in warnings_given[0]
    answers = retriever.search("Can a C3 investor buy an R4 product?", k=3)
    assert "cn-suitability-matching" in {p.document_id for p in answers}
    assert snapshot(store) == before
    assert recording.requested == []


def test_rebuild_re_embeds_everything_to_the_same_index(
    knowledge_copy: Path, tmp_path: Path, recording: RecordingEmbedder
):
    store = KnowledgeStore.open(tmp_path / "data")
    first = build_index(load_knowledge(knowledge_copy), store, recording)
    before = snapshot(store)
    recording.requested.clear()
    again = build_index(load_knowledge(knowledge_copy), store, recording, rebuild=True)
    assert again.chunks_embedded == first.chunks_total == len(recording.requested)
    assert sorted(again.added) == sorted(first.added)
    chunks, vectors = snapshot(store)
    assert chunks == before[0]
    assert vectors.keys() == before[1].keys()
    for chunk_id, vector in vectors.items():
        assert vector == pytest.approx(before[1][chunk_id], abs=1e-6)


def test_another_embedding_model_re_embeds_everything(
    tmp_path: Path, recording: RecordingEmbedder, monkeypatch: pytest.MonkeyPatch
):
    store = KnowledgeStore.open(tmp_path / "data")
    documents = load_knowledge(MINI_KNOWLEDGE)
    build_index(documents, store, recording)
    monkeypatch.setattr(RecordingEmbedder, "name", property(lambda self: "another model"))
    report = build_index(documents, store, recording)
    assert sorted(report.updated) == sorted(d.meta.id for d in documents)
    assert report.chunks_embedded == report.chunks_total == store.count()
    assert {chunk.embedded_with.split("|")[0] for chunk in store.chunks()} == {"another model"}


def test_a_missing_or_empty_knowledge_folder_is_an_error_not_an_empty_index(
    tmp_path: Path, recording: RecordingEmbedder
):
    data_dir = tmp_path / "data"
    index_knowledge(MINI_KNOWLEDGE, data_dir, embedder=recording)
    (tmp_path / "empty").mkdir()
    for folder in (tmp_path / "nowhere", tmp_path / "empty"):
        with pytest.raises(DataFileError, match=folder.name):
            index_knowledge(folder, data_dir, embedder=recording)
    assert KnowledgeStore.open(data_dir).count() == sum(
        len(d.sections) for d in load_knowledge(MINI_KNOWLEDGE)
    )


def test_open_retriever_builds_a_missing_index_then_keeps_it_in_sync(
    tmp_path: Path, recording: RecordingEmbedder
):
    folder = Path(shutil.copytree(MINI_KNOWLEDGE, tmp_path / "knowledge"))
    data_dir = tmp_path / "data"
    first = open_retriever(folder, data_dir, embedder=recording, sync=False)
    assert first.chunk_count == sum(len(d.sections) for d in load_knowledge(folder))
    (folder / "education" / "diversification.md").unlink()
    stale = open_retriever(folder, data_dir, embedder=recording, sync=False)
    assert stale.chunk_count == first.chunk_count
    synced = open_retriever(folder, data_dir, embedder=recording)
    assert synced.chunk_count == first.chunk_count - 3
    assert synced.search("diversification rebalancing", k=1)[0].document_id != "diversification"


# --- offline, and chromadb never embeds --------------------------------------------------------


def test_the_network_guard_refuses_outside_connections(offline: list[str]):
    with pytest.raises(NetworkRefused):
        socket.create_connection(("example.com", 443), timeout=1)
    with pytest.raises(NetworkRefused):
        socket.socket().connect(("198.51.100.7", 443))
    assert len(offline) == 2


def test_from_cold_start_nothing_is_downloaded_and_chromadb_never_embeds(
    tmp_path: Path, offline: list[str], monkeypatch: pytest.MonkeyPatch
):
    import chromadb
    from chromadb.api.types import DefaultEmbeddingFunction
    from chromadb.config import Settings
    from chromadb.utils.embedding_functions.onnx_mini_lm_l6_v2 import ONNXMiniLM_L6_V2

    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("chromadb's default embedding function was used")

    monkeypatch.setattr(DefaultEmbeddingFunction, "__call__", forbidden)
    monkeypatch.setattr(ONNXMiniLM_L6_V2, "__init__", forbidden)
    monkeypatch.setattr(ONNXMiniLM_L6_V2, "__call__", forbidden)

    fresh = SentenceTransformerEmbedder()  # a new model object, loaded from disk here
    report = index_knowledge(MINI_KNOWLEDGE, tmp_path, embedder=fresh)
    assert report.chunks_embedded > 0
    passages = open_retriever(MINI_KNOWLEDGE, tmp_path, embedder=fresh).search(
        "Can a C3 investor buy an R4 fund?", k=1
    )
    assert passages[0].document_id == "cn-suitability-matching"
    assert offline == []

    # The stored collection has no embedding function of its own: asking it to embed fails.
    client = chromadb.PersistentClient(
        path=str(tmp_path / "chroma"), settings=Settings(anonymized_telemetry=False)
    )
    collection = client.get_collection("knowledge", embedding_function=None)
    assert collection.configuration_json["embedding_function"] == {"type": "legacy"}
    assert collection.configuration_json["hnsw"]["space"] == "cosine"
    with warnings.catch_warnings():
        # chromadb warns that a "legacy" (external) embedding function is configured: that is
        # the point.
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(ValueError, match="embedding function"):
            collection.query(query_texts=["fees"], n_results=1)


# --- a chromadb server ------------------------------------------------------------------------


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    """`chroma run` on a free loopback port, with its data in tmp_path; yields its URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    executable = Path(sys.executable).with_name("chroma")
    environment = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    command = [str(executable), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1"]
    server = subprocess.Popen(
        [*command, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=environment,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_chromadb_server_serves_the_same_index(
    chroma_server: str, tmp_path: Path, recording: RecordingEmbedder
):
    local_data = tmp_path / "unused"
    report = index_knowledge(MINI_KNOWLEDGE, local_data, chroma_server, embedder=recording)
    assert len(report.added) == 6
    again = index_knowledge(MINI_KNOWLEDGE, local_data, chroma_server, embedder=recording)
    assert again.chunks_embedded == 0
    retriever = open_retriever(MINI_KNOWLEDGE, local_data, chroma_server, embedder=recording)
    assert retriever.search("insurance for cancer", k=1)[0].document_id == (
        "critical-illness-insurance"
    )
    assert not local_data.exists()  # nothing was written locally


def test_an_unreachable_server_or_a_bad_url_is_one_clear_error(tmp_path: Path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    with pytest.raises(AdvisorError, match=f"127.0.0.1:{closed_port}"):
        KnowledgeStore.open(tmp_path, f"http://127.0.0.1:{closed_port}")
    for url in ("localhost:8000", "ftp://host", "http://host:port"):
        with pytest.raises(AdvisorError, match="chromadb server URL"):
            KnowledgeStore.open(tmp_path, url)


# --- the command line --------------------------------------------------------------------------


def test_advisor_ask_warns_and_answers_from_the_last_index_when_a_document_breaks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    folder = Path(shutil.copytree(MINI_KNOWLEDGE, tmp_path / "knowledge"))
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ADVISOR_KNOWLEDGE_DIR", str(folder))
    runner = CliRunner()
    assert runner.invoke(app, ["index"]).exit_code == 0
    broken = folder / "protection" / "critical-illness-insurance.md"
    broken.write_text(broken.read_text(encoding="utf-8").replace("title: ", "titel: "))

    failed = runner.invoke(app, ["index"])
    assert isinstance(failed.exception, DataFileError)
    assert "critical-illness-insurance.md" in str(failed.exception)
    answered = runner.invoke(app, ["ask", "insurance for cancer", "-k", "1"])
    assert answered.exit_code == 0
    assert answered.stdout.startswith("1. critical-illness-insurance ")
    assert "advisor: warning: " in answered.stderr
    assert "critical-illness-insurance.md" in answered.stderr


def test_advisor_index_and_ask(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ADVISOR_KNOWLEDGE_DIR", str(MINI_KNOWLEDGE))
    runner = CliRunner()

    first = runner.invoke(app, ["index"])
    assert first.exit_code == 0, first.output
    assert "6 documents indexed: 6 added, 0 updated, 0 unchanged, 0 removed" in first.output
    again = runner.invoke(app, ["index"])
    assert "0 added, 0 updated, 6 unchanged, 0 removed; 0 of 16 chunks" in again.output
    rebuilt = runner.invoke(app, ["index", "--rebuild"])
    assert "16 of 16 chunks embedded" in rebuilt.output

    plain = runner.invoke(app, ["ask", "Can a C3 investor buy an R4 fund?", "-k", "2"])
    assert plain.exit_code == 0, plain.output
    assert plain.output.startswith("1. cn-suitability-matching [CN, rule] score ")
    assert "Matching investors to products (China) › Who may buy what" in plain.output
    assert "2. " in plain.output and "3. " not in plain.output

    as_json = runner.invoke(
        app, ["ask", "货币基金赎回多久到账", "--json", "--jurisdiction", "CN", "--kind", "product"]
    )
    assert as_json.exit_code == 0, as_json.output
    rows = json.loads(as_json.output)
    assert [row["document_id"] for row in rows] == ["cn-money-market-fund"]
    assert rows[0]["heading"] == "中文摘要"
    assert set(rows[0]) >= {"document_id", "title", "heading", "text", "score", "jurisdiction"}


def test_the_app_knowledge_page_answers_with_sources(retriever: Retriever) -> None:
    from advisor.app.knowledge_page import answer

    shown = answer(retriever, "Can a C2 investor buy an R4 fund?", "CN")
    assert "`cn-suitability-matching`" in shown
    assert " · US · " not in shown  # the CN filter keeps CN and ALL documents only
    assert answer(retriever, "  ", "Any").startswith("Type a question")
