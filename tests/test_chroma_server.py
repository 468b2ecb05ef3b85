"""chromadb in client/server mode, chosen by the `chroma_url` setting (`ADVISOR_CHROMA_URL`): a real
`chroma run` server on a free loopback port holds the whole knowledge base, indexed with the real
embedding model, and answers the labelled questions exactly as the embedded store does, with the
same citations. The server is started once for the module and always stopped.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from advisor.knowledge.embeddings import SentenceTransformerEmbedder
from advisor.knowledge.retrieval import Retriever
from advisor.knowledge.service import index_knowledge, open_retriever
from advisor.knowledge.store import KnowledgeStore
from advisor.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"
STARTUP_SECONDS = 60
# A few labelled questions: English and Chinese, with and without a jurisdiction filter.
QUESTIONS = [
    item
    for index, item in enumerate(
        yaml.safe_load((FIXTURES / "retrieval_questions.yaml").read_text(encoding="utf-8"))
    )
    if index % 6 == 0
][:10]


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`chroma run` (the CLI the chromadb package ships), telemetry off; yields its URL."""
    root = tmp_path_factory.mktemp("chroma-server")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    log = root / "server.log"
    command = [
        str(Path(sys.executable).with_name("chroma")),
        *("run", "--path", str(root / "data"), "--host", "127.0.0.1", "--port", str(port)),
    ]
    environment = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    with log.open("wb") as output:
        server = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=environment)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_for(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"`chroma run` exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"chroma did not answer at {url} within {STARTUP_SECONDS}s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def embedder() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder()


@pytest.fixture(scope="module")
def indexed(
    chroma_server: str,
    embedder: SentenceTransformerEmbedder,
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Settings, Retriever, Retriever]:
    """The knowledge base indexed on the server (by setting) and in an embedded store."""
    server_settings = Settings(
        data_dir=tmp_path_factory.mktemp("server-mode"), chroma_url=chroma_server
    )
    local_settings = Settings(data_dir=tmp_path_factory.mktemp("embedded-mode"))
    reports = [
        index_knowledge(s.knowledge_dir, s.data_dir, s.chroma_url, embedder=embedder)
        for s in (server_settings, local_settings)
    ]
    assert reports[0].added == reports[1].added and reports[0].added
    on_server, embedded = (
        open_retriever(s.knowledge_dir, s.data_dir, s.chroma_url, embedder=embedder)
        for s in (server_settings, local_settings)
    )
    return server_settings, on_server, embedded


def test_the_server_holds_the_same_chunks_and_nothing_is_written_locally(
    indexed: tuple[Settings, Retriever, Retriever],
) -> None:
    settings, on_server, embedded = indexed
    assert on_server.chunk_count == embedded.chunk_count > 0
    assert KnowledgeStore.open(settings.data_dir, settings.chroma_url).chunks() == (
        KnowledgeStore.open(Path("/nonexistent"), settings.chroma_url).chunks()
    )
    assert not (settings.data_dir / "chroma").exists()


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda item: item["question"][:30])
def test_the_server_answers_as_the_embedded_store_with_citations(
    question: dict[str, Any], indexed: tuple[Settings, Retriever, Retriever]
) -> None:
    _, on_server, embedded = indexed
    asked = {"k": 3, "jurisdiction": question["jurisdiction"]}
    served = on_server.search(question["question"], **asked)
    local = embedded.search(question["question"], **asked)

    assert [(p.document_id, p.chunk_id) for p in served] == [
        (p.document_id, p.chunk_id) for p in local
    ]
    for server_passage, local_passage in zip(served, local, strict=True):
        assert server_passage.model_dump(exclude={"score"}) == local_passage.model_dump(
            exclude={"score"}
        )
        assert server_passage.score == pytest.approx(local_passage.score, abs=1e-6)
        # A citation: which document, which section, and the text it stands on.
        assert server_passage.title and server_passage.heading and server_passage.text
    assert set(question["relevant"]) & {p.document_id for p in served}


def test_advisor_ask_uses_the_server_named_by_the_setting(
    indexed: tuple[Settings, Retriever, Retriever], tmp_path: Path
) -> None:
    settings, on_server, _ = indexed
    question = QUESTIONS[0]
    environment = {
        **os.environ,
        "ADVISOR_DATA_DIR": str(tmp_path / "data"),
        "ADVISOR_CHROMA_URL": str(settings.chroma_url),
        "HF_HUB_OFFLINE": "1",
    }
    command = [str(Path(sys.executable).with_name("advisor")), "ask", question["question"]]
    answered = subprocess.run(
        [*command, "-k", "3", "--json", "--jurisdiction", question["jurisdiction"]],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
        check=False,
    )
    assert answered.returncode == 0, answered.stderr
    rows = json.loads(answered.stdout)
    expected = on_server.search(question["question"], k=3, jurisdiction=question["jurisdiction"])
    assert [row["chunk_id"] for row in rows] == [p.chunk_id for p in expected]
    assert not (tmp_path / "data" / "chroma").exists()
