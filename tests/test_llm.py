"""The language-model backends: the real embedded model end to end, the HTTP backends against a
real local server (or a dead port), and the templates-only `none` backend.

The embedded model is converted once per test session into a temporary data dir (about 20 s);
every other test with it reuses that copy, and generations are kept to a few tokens.
"""

import asyncio
import itertools
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from langchain_core.messages import AIMessageChunk, HumanMessage, SystemMessage
from pydantic import BaseModel, SecretStr

from advisor.errors import AdvisorError
from advisor.llm import (
    LanguageModelConfig,
    LanguageModelUnavailable,
    LocalChatModel,
    ModelRegistry,
    chat_model,
)
from advisor.llm.conversion import CACHE_NAME, MARKER, Provenance, converted_copy
from advisor.llm.local import StopFilter

QUESTION = [
    SystemMessage("You are a concise assistant. Answer in one sentence."),
    HumanMessage("What is a bond?"),
]
SHORT = 12  # new tokens per generation in the embedded-model tests: under a second each


# --- the embedded model ------------------------------------------------------------------------


@dataclass(frozen=True)
class Embedded:
    data_dir: Path
    registry: ModelRegistry
    model: LocalChatModel
    conversion_seconds: float

    @property
    def copy_dir(self) -> Path:
        return self.data_dir / "models" / CACHE_NAME

    def config(self, **changes: Any) -> LanguageModelConfig:
        return LanguageModelConfig(
            backend="embedded", data_dir=self.data_dir, max_new_tokens=SHORT, **changes
        )


@pytest.fixture(scope="session")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Embedded:
    """The embedded model converted on first use, into a data dir where an earlier conversion
    crashed: a half-written copy in the final place (no completion marker, truncated weights) and
    an orphaned staging directory. The conversion must ignore both and build a complete copy."""
    data_dir = tmp_path_factory.mktemp("llm-data")
    half_written = data_dir / "models" / CACHE_NAME
    half_written.mkdir(parents=True)
    (half_written / "config.json").write_text("{}")
    (half_written / "model.safetensors").write_bytes(b"\0" * 1000)
    orphan = data_dir / "models" / f".{CACHE_NAME}.partial-crashed"
    orphan.mkdir()
    (orphan / "model.safetensors").write_bytes(b"\0" * 1000)

    registry = ModelRegistry()
    config = LanguageModelConfig(backend="embedded", data_dir=data_dir, max_new_tokens=SHORT)
    started = time.perf_counter()
    model = chat_model(config, registry)
    conversion_seconds = time.perf_counter() - started
    print(f"\nfirst use of the embedded model (conversion and load): {conversion_seconds:.1f} s")
    assert isinstance(model, LocalChatModel)
    return Embedded(data_dir, registry, model, conversion_seconds)


def reply(model: Any, messages: Any = QUESTION, **options: Any) -> str:
    return str(model.invoke(messages, **options).content)


def test_first_use_replaces_a_half_written_copy(embedded: Embedded):
    copy = embedded.copy_dir
    assert Provenance.read(copy) is not None
    assert json.loads((copy / "config.json").read_text())["model_type"] == "llama"
    assert (copy / "model.safetensors").stat().st_size > 100_000_000
    assert {path.name for path in copy.parent.iterdir()} == {CACHE_NAME, f".{CACHE_NAME}.lock"}
    assert embedded.registry.loaded == (str(copy.resolve()),)
    assert reply(embedded.model)


def test_a_later_start_loads_the_cached_copy_without_converting(embedded: Embedded):
    marker_before = (embedded.copy_dir / MARKER).stat()
    fresh_registry = ModelRegistry()  # as in a new process: nothing in memory
    started = time.perf_counter()
    model = chat_model(embedded.config(), fresh_registry)
    load_seconds = time.perf_counter() - started
    print(f"\ncached load: {load_seconds:.2f} s (conversion: {embedded.conversion_seconds:.1f} s)")

    assert isinstance(model, LocalChatModel)
    assert model.shared is not embedded.model.shared
    marker_after = (embedded.copy_dir / MARKER).stat()
    assert (marker_after.st_ino, marker_after.st_mtime_ns) == (
        marker_before.st_ino,
        marker_before.st_mtime_ns,
    )
    assert load_seconds < embedded.conversion_seconds / 3
    assert reply(model) == reply(embedded.model)  # the same weights, greedy decoding


def test_the_registry_shares_one_model_between_sessions(embedded: Embedded):
    sessions = [chat_model(embedded.config(), embedded.registry) for _ in range(3)]
    assert all(isinstance(model, LocalChatModel) for model in sessions)
    assert {id(model.shared) for model in sessions if isinstance(model, LocalChatModel)} == {
        id(embedded.model.shared)
    }


def test_replies_stream_as_they_are_decoded(embedded: Embedded):
    started = time.perf_counter()
    arrivals: list[float] = []
    chunks: list[AIMessageChunk] = []
    for chunk in embedded.model.stream(QUESTION, max_new_tokens=24):
        arrivals.append(time.perf_counter() - started)
        chunks.append(chunk)
    texts = [str(chunk.content) for chunk in chunks if chunk.content]

    assert len(texts) >= 5
    assert arrivals[0] < 0.5 * arrivals[-1], "the first words came only with the last"
    assert "".join(texts) == reply(embedded.model, max_new_tokens=24)
    last = chunks[-1]
    assert last.chunk_position == "last"
    assert last.response_metadata["finish_reason"] == "length"
    assert last.usage_metadata is not None and last.usage_metadata["output_tokens"] == 24


def test_chinese_replies_stream_whole_characters(embedded: Embedded):
    question = [HumanMessage("什么是债券？请用中文回答。")]
    cut_mid_character = 10  # tokens: here the reply ends inside a character's UTF-8 bytes
    shared = embedded.model.shared
    prompt = shared.tokenizer.apply_chat_template(
        [{"role": "user", "content": str(question[0].content)}],
        add_generation_prompt=True,
        return_tensors="pt",
        return_dict=True,
    )
    raw = shared.model.generate(**prompt, max_new_tokens=cut_mid_character, do_sample=False)
    new_tokens = raw[0, prompt["input_ids"].shape[1] :]
    assert shared.tokenizer.decode(new_tokens, skip_special_tokens=True).endswith("\ufffd")

    chunks = [
        str(chunk.content)
        for chunk in embedded.model.stream(question, max_new_tokens=cut_mid_character)
    ]
    text = "".join(chunks)
    assert any("\u4e00" <= character <= "\u9fff" for character in text)
    assert "\ufffd" not in text


def test_max_new_tokens_and_stop_sequences(embedded: Embedded):
    message = embedded.model.invoke(QUESTION, max_new_tokens=5)
    assert message.usage_metadata is not None and message.usage_metadata["output_tokens"] == 5
    assert message.response_metadata["finish_reason"] == "length"

    full = reply(embedded.model)
    words = full.split()
    assert len(words) >= 4, full
    stop = f" {words[3]}"
    cut = embedded.model.invoke(QUESTION, stop=[stop, "never appears"])
    assert cut.content == full[: full.index(stop)]
    assert cut.response_metadata["finish_reason"] == "stop"


def test_sampling_async_streaming_and_unknown_options(embedded: Embedded):
    sampled = embedded.model.invoke(QUESTION, temperature=0.9, max_new_tokens=5)
    assert sampled.usage_metadata is not None and sampled.usage_metadata["output_tokens"] == 5

    async def collect() -> list[str]:
        return [str(chunk.content) async for chunk in embedded.model.astream(QUESTION)]

    assert "".join(asyncio.run(collect())) == reply(embedded.model)
    with pytest.raises(TypeError, match="top_k"):
        embedded.model.invoke(QUESTION, top_k=3)


def test_concurrent_sessions_take_turns_without_deadlock(embedded: Embedded):
    expected = reply(embedded.model)
    sessions = [chat_model(embedded.config(), embedded.registry) for _ in range(3)]
    arrivals: dict[int, list[float]] = {index: [] for index in range(len(sessions))}
    texts: dict[int, str] = {}
    errors: list[BaseException] = []

    def converse(index: int, model: Any) -> None:
        try:
            pieces = []
            for chunk in model.stream(QUESTION):
                arrivals[index].append(time.perf_counter())
                pieces.append(str(chunk.content))
            texts[index] = "".join(pieces)
        except BaseException as error:
            errors.append(error)

    threads = [
        threading.Thread(target=converse, args=(index, model))
        for index, model in enumerate(sessions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "deadlock: a session never finished"
    assert not errors
    assert texts == {index: expected for index in range(len(sessions))}
    # Taking turns: one session's reply streams entirely before or after another's.
    spans = sorted((times[0], times[-1]) for times in arrivals.values())
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert end <= start, f"two generations overlapped: {spans}"


def test_a_session_waiting_too_long_gets_an_error_and_a_closed_stream_frees_the_model(
    embedded: Embedded,
):
    impatient = chat_model(embedded.config(timeout_seconds=0.3), embedded.registry)
    # A reply that runs to the token limit: 300 tokens, over 10 s if left to finish.
    essay = [HumanMessage("Write a long, detailed essay about the history of bonds.")]
    stream = embedded.model.stream(essay, max_new_tokens=300)
    try:
        assert next(stream).content  # generating now, and holding the model
        with pytest.raises(LanguageModelUnavailable, match="busy"):
            reply(impatient)
        started = time.perf_counter()
    finally:
        stream.close()  # the reader went away mid-reply: generation stops, the model is free
    assert reply(impatient)
    assert time.perf_counter() - started < 3, "the abandoned reply ran on to its end"


def test_the_transformers_backend_loads_any_local_model_directory(embedded: Embedded):
    config = LanguageModelConfig(
        backend="transformers", data_dir=embedded.data_dir, model=str(embedded.copy_dir)
    )
    model = chat_model(config, embedded.registry)
    assert isinstance(model, LocalChatModel)
    assert model.shared is embedded.model.shared  # the same directory: the same model in memory
    assert reply(model, max_new_tokens=SHORT) == reply(embedded.model)


def test_the_transformers_backend_reports_a_missing_model(tmp_path: Path):
    missing = tmp_path / "no-such-model"
    config = LanguageModelConfig(backend="transformers", data_dir=tmp_path, model=str(missing))
    with pytest.raises(LanguageModelUnavailable, match="no such model directory") as caught:
        chat_model(config, ModelRegistry())
    assert str(missing) in str(caught.value) and "\n" not in str(caught.value)
    (tmp_path / "empty").mkdir()
    empty = LanguageModelConfig(
        backend="transformers", data_dir=tmp_path, model=str(tmp_path / "empty")
    )
    with pytest.raises(LanguageModelUnavailable, match="cannot load the model"):
        chat_model(empty, ModelRegistry())


# --- publishing the converted copy, with stand-in conversions (no model involved) ---------------


def write_weights(source: Path, staging: Path) -> None:
    (staging / "model.safetensors").write_bytes(source.read_bytes())


def test_a_failed_conversion_leaves_nothing_behind(tmp_path: Path):
    source = tmp_path / "model.gguf"
    source.write_bytes(b"weights")
    models = tmp_path / "models"

    def fail_midway(source: Path, staging: Path) -> None:
        (staging / "model.safetensors").write_bytes(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(LanguageModelUnavailable, match="No space left"):
        converted_copy(models, source, fail_midway)
    assert [path.name for path in models.iterdir()] == [f".{CACHE_NAME}.lock"]
    copy = converted_copy(models, source, write_weights)
    assert (copy / "model.safetensors").read_bytes() == b"weights"


CRASHING_CONVERSION = """
import sys, time
from pathlib import Path
from advisor.llm.conversion import converted_copy

def build(source, staging):
    (staging / "model.safetensors").write_bytes(b"half")
    print("half written", flush=True)
    time.sleep(60)

converted_copy(Path(sys.argv[1]), Path(sys.argv[2]), build)
"""


def test_a_conversion_killed_midway_is_never_loaded_and_is_cleaned_up(tmp_path: Path):
    source = tmp_path / "model.gguf"
    source.write_bytes(b"weights")
    models = tmp_path / "models"
    process = subprocess.Popen(
        [sys.executable, "-c", CRASHING_CONVERSION, str(models), str(source)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None and process.stdout.readline() == "half written\n"
    finally:
        process.kill()  # SIGKILL: no cleanup handler runs
        process.wait()
    assert not (models / CACHE_NAME).exists()
    assert list(models.glob(f".{CACHE_NAME}.partial-*"))  # what the crash left

    copy = converted_copy(models, source, write_weights)  # the dead process's lock is gone
    assert (copy / "model.safetensors").read_bytes() == b"weights"
    assert not list(models.glob(f".{CACHE_NAME}.partial-*"))


def test_a_copy_from_another_source_or_format_is_rebuilt(tmp_path: Path):
    source = tmp_path / "model.gguf"
    source.write_bytes(b"old")
    models = tmp_path / "models"
    converted_copy(models, source, write_weights)
    source.write_bytes(b"newer")  # the package was upgraded: a different file
    copy = converted_copy(models, source, write_weights)
    assert (copy / "model.safetensors").read_bytes() == b"newer"
    assert converted_copy(models, source, lambda *_: pytest.fail("converted twice")) == copy


# --- stop sequences in streamed text ---------------------------------------------------------


def feed_all(stops: list[str], pieces: list[str]) -> tuple[list[str], bool]:
    stop_filter = StopFilter(stops)
    emitted = [stop_filter.feed(piece) for piece in pieces] + [stop_filter.flush()]
    return emitted, stop_filter.stopped


def test_a_stop_sequence_split_across_pieces_is_never_emitted():
    emitted, stopped = feed_all(["</answer>"], ["The answer", " is 4.</ans", "wer> and more"])
    assert "".join(emitted) == "The answer is 4."
    assert emitted[1] == " is 4."  # "</ans" was held back until it was known to be a stop
    assert stopped


def test_the_earliest_stop_sequence_wins_and_held_text_is_released():
    assert "".join(feed_all(["B", "A"], ["xxAyyB"])[0]) == "xx"
    emitted, stopped = feed_all(["STOP"], ["almost ST", "ILL going"])
    assert emitted == ["almost ", "STILL going", ""] and not stopped
    assert feed_all([], ["a", "b"]) == (["a", "b", ""], False)


# --- an OpenAI-compatible endpoint: a real HTTP server on 127.0.0.1 ---------------------------

CANNED = "A bond is a loan you make to a borrower, who pays interest."


class FakeOpenAI(BaseHTTPRequestHandler):
    """Answers /v1/chat/completions like an OpenAI-compatible server, from canned text. The model
    name steers it: `slow` answers after 2 s, `missing` is a 404, tools get a tool call."""

    requests: list[dict[str, Any]]  # set per server, shared by its handler instances

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.requests.append(
            {
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body,
            }
        )
        if self.path != "/v1/chat/completions" or body["model"] == "missing":
            return self._json(404, {"error": {"message": "model not found", "type": "invalid"}})
        if body["model"] == "slow":
            time.sleep(2)  # longer than the client's timeout: it hangs up first
        if body.get("tools"):
            tool = body["tools"][0]["function"]["name"]
            return self._json(200, completion(tool_call_message(tool)))
        if body.get("stream"):
            return self._stream_words(CANNED)
        return self._json(200, completion({"role": "assistant", "content": CANNED}))

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client timed out and hung up, as the timeout test intends

    def _stream_words(self, text: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        words = text.split(" ")
        pieces = [words[0], *(f" {word}" for word in words[1:])]
        for piece in pieces:
            self._event(chunk({"content": piece}, None))
        self._event(chunk({}, "stop"))
        self.wfile.write(b"data: [DONE]\n\n")

    def _event(self, payload: dict[str, Any]) -> None:
        self.wfile.write(f"data: {json.dumps(payload)}\n\n".encode())
        self.wfile.flush()

    def log_message(self, *args: Any) -> None:  # keep pytest output clean
        pass


def completion(message: dict[str, Any]) -> dict[str, Any]:
    finish = "tool_calls" if message.get("tool_calls") else "stop"
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 0,
        "model": "fake-model",
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {"prompt_tokens": 9, "completion_tokens": 12, "total_tokens": 21},
    }


def chunk(delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "fake-model",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def tool_call_message(tool: str) -> dict[str, Any]:
    call = {"name": tool, "arguments": json.dumps({"level": "C3"})}
    return {
        "role": "assistant",
        "content": None,
        "tool_calls": [{"id": "call_1", "type": "function", "function": call}],
    }


@pytest.fixture(scope="module")
def fake_openai() -> Iterator[SimpleNamespace]:
    requests: list[dict[str, Any]] = []
    handler = type("Handler", (FakeOpenAI,), {"requests": requests})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_port}/v1", requests=requests)
    server.shutdown()
    server.server_close()


def openai_config(url: str, model: str = "fake-model", **changes: Any) -> LanguageModelConfig:
    return LanguageModelConfig(
        backend="openai",
        data_dir=Path("unused"),
        url=url,
        model=model,
        api_key=SecretStr("secret-key"),
        max_new_tokens=77,
        max_retries=0,
        **changes,
    )


def test_the_openai_backend_talks_to_a_real_endpoint(fake_openai: SimpleNamespace):
    model = chat_model(openai_config(fake_openai.url), ModelRegistry())
    assert model is not None
    message = model.invoke(QUESTION)
    assert message.content == CANNED
    request = fake_openai.requests[-1]
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["authorization"] == "Bearer secret-key"
    body = request["body"]
    assert body["model"] == "fake-model"
    assert [turn["role"] for turn in body["messages"]] == ["system", "user"]
    assert body["max_completion_tokens"] == 77 and body["temperature"] == 0


def test_the_openai_backend_streams(fake_openai: SimpleNamespace):
    model = chat_model(openai_config(fake_openai.url), ModelRegistry())
    assert model is not None
    texts = [str(chunk.content) for chunk in model.stream(QUESTION) if chunk.content]
    assert len(texts) == len(CANNED.split(" "))
    assert "".join(texts) == CANNED
    assert fake_openai.requests[-1]["body"]["stream"] is True


def test_the_openai_backend_calls_tools_natively(fake_openai: SimpleNamespace):
    class RiskLevel(BaseModel):
        """Record the investor's risk level, C1 to C5."""

        level: str

    model = chat_model(openai_config(fake_openai.url), ModelRegistry())
    assert model is not None
    message = model.bind_tools([RiskLevel]).invoke(QUESTION)
    calls = [(call["name"], call["args"], call["id"]) for call in message.tool_calls]
    assert calls == [("RiskLevel", {"level": "C3"}, "call_1")]
    assert fake_openai.requests[-1]["body"]["tools"][0]["function"]["name"] == "RiskLevel"


def test_openai_endpoint_errors_are_language_model_unavailable(fake_openai: SimpleNamespace):
    missing = chat_model(openai_config(fake_openai.url, model="missing"), ModelRegistry())
    assert missing is not None
    with pytest.raises(LanguageModelUnavailable, match=r"'missing'.*404"):
        missing.invoke(QUESTION)
    slow = chat_model(
        openai_config(fake_openai.url, model="slow", timeout_seconds=0.3), ModelRegistry()
    )
    assert slow is not None
    started = time.perf_counter()
    with pytest.raises(LanguageModelUnavailable, match="timed out"):
        slow.invoke(QUESTION)
    assert time.perf_counter() - started < 1.5  # the server answers only after 2 s


def dead_port() -> int:
    """A port on 127.0.0.1 with nothing listening: bound, then released."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_dead_openai_endpoint_is_language_model_unavailable():
    url = f"http://127.0.0.1:{dead_port()}/v1"
    model = chat_model(openai_config(url), ModelRegistry())
    assert model is not None
    with pytest.raises(LanguageModelUnavailable) as caught:
        model.invoke(QUESTION)
    assert url in str(caught.value) and "\n" not in str(caught.value)
    assert isinstance(caught.value, AdvisorError)
    with pytest.raises(LanguageModelUnavailable):
        list(model.stream(QUESTION))
    with pytest.raises(LanguageModelUnavailable):
        asyncio.run(model.ainvoke(QUESTION))


def test_a_dead_ollama_server_is_language_model_unavailable():
    url = f"http://127.0.0.1:{dead_port()}"
    config = LanguageModelConfig(backend="ollama", data_dir=Path("unused"), url=url, model="qwen")
    model = chat_model(config, ModelRegistry())  # constructing it does not connect
    assert model is not None
    with pytest.raises(LanguageModelUnavailable, match=f"ollama model 'qwen' at {url}"):
        model.invoke(QUESTION)
    with pytest.raises(LanguageModelUnavailable):
        list(model.stream(QUESTION))


# --- configuration --------------------------------------------------------------------------


def test_none_means_templated_replies():
    config = LanguageModelConfig(backend="none", data_dir=Path("unused"))
    assert chat_model(config, ModelRegistry()) is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"backend": "openai", "model": "m"}, "ADVISOR_LLM_URL is required"),
        ({"backend": "openai", "model": "m", "url": "localhost:8000/v1"}, "not an http"),
        ({"backend": "openai", "model": "m", "url": "http://:8000/v1"}, "not an http"),
        ({"backend": "ollama", "model": "m", "url": "ftp://host"}, "not an http"),
        ({"backend": "openai", "url": "http://127.0.0.1:8000/v1"}, "ADVISOR_LLM_MODEL"),
        ({"backend": "transformers"}, "ADVISOR_LLM_MODEL is required"),
    ],
)
def test_misconfiguration_fails_at_start_up_in_one_line(changes: dict[str, Any], message: str):
    config = LanguageModelConfig(data_dir=Path("unused"), **changes)
    with pytest.raises(LanguageModelUnavailable, match=message):
        chat_model(config, ModelRegistry())


def test_the_config_comes_from_the_settings_fields():
    settings = SimpleNamespace(
        data_dir=Path("/data"),
        llm_backend="ollama",
        llm_model="qwen2.5:3b",
        llm_url="http://127.0.0.1:11434",
        llm_api_key=None,
        llm_timeout_seconds=12.5,
        llm_max_new_tokens=99,
    )
    config = LanguageModelConfig.from_settings(settings)
    assert (config.backend, config.model, config.url) == (
        "ollama",
        "qwen2.5:3b",
        "http://127.0.0.1:11434",
    )
    assert (config.timeout_seconds, config.max_new_tokens) == (12.5, 99)
    assert config.models_dir == Path("/data/models")


def test_the_package_imports_no_model_library():
    """Importing the backends must not cost a torch import when the backend is remote or none."""
    heavy = ("torch", "transformers", "openai", "ollama")
    code = f"import sys, advisor.llm; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ
    )
    assert result.stdout.strip() == "[]"
