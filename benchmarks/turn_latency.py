"""Advisor turn latency: the engine's share of a turn, the embedded model's speed, the app's start.

Three measurements, all on this machine and all offline:

1. **The engine's share of a turn.** Every user message of the labelled conversations in
   `tests/fixtures/profiles/dev.yaml` (117 conversations, English and Chinese) is one turn. The
   conversation is replayed with the advisor's own (templated) replies between the user's
   messages, and for each turn four phases are timed on the conversation so far: the profile
   update, a knowledge retrieval for the latest message, the suitability decision and the
   optimization (the proposal, with its citations). A phase that cannot run (no decision while the
   profile is incomplete) counts as zero. Target: the four together under 300 ms at p95. The
   whole templated turn (`Advisor.respond` with no model: the phases the orchestrator chooses, the
   Monte Carlo projection, templates and the guard) is reported beside it.
2. **The embedded model (SmolLM2-135M).** On the real prompts the advisor sends for its opening
   (captured from a sample of the turns above): time to first token (target under 1.5 s) and
   tokens per second over whole replies (`llm_max_new_tokens`, 64 by default: the model writes
   only the opening), plus a few whole turns with the model, which is what a user waits for: the
   chat shows a reply only once the guard has passed it.
3. **Cold start of the app.** `advisor serve` as a new process, until its page answers HTTP 200.
   The first run in a fresh data dir indexes the knowledge base (and converts the model once the
   app loads it); target for later runs: under 10 s.

Run: `.venv/bin/python benchmarks/turn_latency.py [--quick] [--data-dir DIR] [--skip-model]
[--skip-serve]`. Results: benchmarks/results/turn_latency.json. Like the other benchmarks it
runs with OMP_NUM_THREADS=1, re-executing itself if needed.
"""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Any, TypeVar

import numpy as np
import yaml
from _common import (
    ensure_single_threaded_blas,
    format_machine,
    format_ms,
    load_average,
    machine_description,
    write_json,
)

T = TypeVar("T")
ROOT = Path(__file__).resolve().parent.parent
CONVERSATIONS = ROOT / "tests" / "fixtures" / "profiles" / "dev.yaml"
PACKAGES = ("numpy", "cvxpy", "clarabel", "torch", "transformers", "chromadb", "gradio")
PHASES = ("profile", "retrieval", "suitability", "optimization")
ENGINE_TARGET_P95_MS = 300.0
FIRST_TOKEN_TARGET_S = 1.5
COLD_START_TARGET_S = 10.0
SERVE_TIMEOUT_S = 300.0


@dataclass(frozen=True)
class Conversation:
    """The user messages of one labelled conversation."""

    id: str
    language: str
    user_texts: tuple[str, ...]


@dataclass
class TurnTiming:
    """Seconds per phase for one turn, and the whole templated turn."""

    conversation: str
    language: str
    action: str
    phases: dict[str, float] = field(default_factory=dict)
    whole_turn: float = 0.0

    @property
    def engine(self) -> float:
        """The four phases together."""
        return sum(self.phases.values())


@dataclass(frozen=True)
class Generation:
    """One streamed reply of the embedded model to an opening prompt."""

    language: str
    prompt_tokens: int
    first_token_s: float
    total_s: float
    output_tokens: int

    @property
    def tokens_per_second(self) -> float:
        return self.output_tokens / self.total_s if self.total_s > 0 else 0.0


def main() -> None:
    arguments = parse_arguments()
    ensure_single_threaded_blas()
    with tempfile.TemporaryDirectory(prefix="advisor-turn-bench-") as scratch:
        run(arguments, Path(arguments.data_dir or scratch))


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a quarter of the conversations")
    parser.add_argument("--data-dir", help="index and model copy here (default: a temp dir)")
    parser.add_argument("--skip-model", action="store_true", help="no embedded-model figures")
    parser.add_argument("--skip-serve", action="store_true", help="no app cold start")
    parser.add_argument("--serve-runs", type=int, default=3, help="timed starts of the app")
    return parser.parse_args()


def run(arguments: argparse.Namespace, data_dir: Path) -> None:
    machine = machine_description(PACKAGES)
    print(format_machine(machine))
    print(f"data dir: {data_dir}")
    results: dict[str, Any] = {"machine": machine, "data_dir": str(data_dir)}
    advisor, setup = build(data_dir)
    results["setup_s"] = setup
    print("\nSet-up (in this process):")
    for name, seconds in setup.items():
        print(f"  {name:<44}{seconds:>8.2f} s")

    conversations = load_conversations(quick=arguments.quick)
    timings = measure_turns(advisor, conversations)
    results["turns"] = [asdict(timing) | {"engine": timing.engine} for timing in timings]
    results["engine_met"] = print_turns(timings)

    if not arguments.skip_model:
        results["model"] = measure_model(advisor, conversations, data_dir, arguments.quick)
    if not arguments.skip_serve:
        runs = 1 if arguments.quick else arguments.serve_runs
        results["serve"] = measure_serve(data_dir, runs)
    results["load_average_end"] = load_average()
    path = write_json("turn_latency.json", results)
    print(f"\nload average at end: {load_average()}; results: {path}")


# --- set-up --------------------------------------------------------------------------------------


def build(data_dir: Path) -> tuple[Any, dict[str, float]]:
    """The advisor with no model, as the factory builds it, timing each piece's first load."""
    from advisor.agent.factory import Components, build_advisor
    from advisor.knowledge.embeddings import SentenceTransformerEmbedder
    from advisor.knowledge.service import open_retriever
    from advisor.llm import ModelRegistry
    from advisor.profile.extractor import ProfileExtractor
    from advisor.runtime import Runtime
    from advisor.settings import Settings

    settings = Settings(data_dir=data_dir, llm_backend="none")
    setup: dict[str, float] = {}
    runtime, setup["engine (Runtime.load)"] = timed(lambda: Runtime.load(settings))
    embedder = SentenceTransformerEmbedder()
    had_index = (data_dir / "chroma").exists()
    retriever, seconds = timed(
        lambda: open_retriever(
            settings.knowledge_dir, settings.data_dir, settings.chroma_url, embedder=embedder
        )
    )
    setup["knowledge index " + ("(up to date)" if had_index else "(built)")] = seconds
    extractor, setup["profile extractor (MiniLM prototypes)"] = timed(
        lambda: ProfileExtractor(embedder)
    )
    components = Components(runtime, retriever, extractor, embedder)
    advisor, setup["advisor (templates)"] = timed(
        lambda: build_advisor(settings, ModelRegistry(), warn=print, components=components)
    )
    return advisor, setup


def load_conversations(quick: bool) -> list[Conversation]:
    """The user messages of every labelled conversation (every fourth with `quick`)."""
    items = yaml.safe_load(CONVERSATIONS.read_text(encoding="utf-8"))
    conversations = [
        Conversation(
            id=item["id"],
            language=item["language"],
            user_texts=tuple(m["content"] for m in item["messages"] if m["role"] == "user"),
        )
        for item in items
    ]
    return conversations[::4] if quick else conversations


# --- 1. the engine's share of a turn -------------------------------------------------------------


def replay(advisor: Any, conversation: Conversation) -> Iterator[tuple[list[Any], Any]]:
    """Each turn's messages so far and the advisor's templated turn on them; the reply joins
    the conversation before the next user message, as in a real chat."""
    from advisor.profile.text import Message

    messages: list[Message] = []
    for text in conversation.user_texts:
        messages.append(Message("user", text))
        turn, seconds = timed(lambda: advisor.respond(messages))
        yield list(messages), (turn, seconds)
        messages.append(Message("assistant", turn.reply))


def measure_turns(advisor: Any, conversations: Sequence[Conversation]) -> list[TurnTiming]:
    """The four phases and the whole templated turn, for every user message."""
    warm_up(advisor, conversations[0])
    timings = []
    for conversation in conversations:
        for messages, (turn, whole) in replay(advisor, conversation):
            timing = TurnTiming(conversation.id, conversation.language, turn.action)
            timing.phases = time_phases(advisor.tools, messages)
            timing.whole_turn = whole
            timings.append(timing)
    return timings


def warm_up(advisor: Any, conversation: Conversation) -> None:
    """One untimed conversation: the optimizer compiles and the caches fill on first use."""
    for _ in replay(advisor, conversation):
        pass


def time_phases(tools: Any, messages: Sequence[Any]) -> dict[str, float]:
    """Each phase once on the conversation so far, as the orchestrator calls the tools."""
    from advisor.profile.handoff import ProfileIncomplete

    phases = dict.fromkeys(PHASES, 0.0)
    profile, phases["profile"] = timed(lambda: tools.update_profile(messages))
    last = next(m.content for m in reversed(messages) if m.role == "user")
    _, phases["retrieval"] = timed(lambda: tools.retrieve(last, k=3))
    try:
        decision, phases["suitability"] = timed(lambda: tools.check_suitability(profile))
    except ProfileIncomplete:
        return phases
    horizon = profile.horizon_years.value
    _, phases["optimization"] = timed(lambda: tools.build_proposal(decision, horizon))
    return phases


def print_turns(timings: Sequence[TurnTiming]) -> bool:
    """Per-phase statistics, the target verdict, and the split by language and action."""
    print(f"\nEngine per turn: {len(timings)} turns from {CONVERSATIONS.name}, no language model")
    print(f"  {'phase':<34}{'median ms':>11}{'p95 ms':>10}{'max ms':>10}")
    rows = {phase: [t.phases[phase] for t in timings] for phase in PHASES}
    rows["four phases together"] = [t.engine for t in timings]
    rows["whole templated turn (respond)"] = [t.whole_turn for t in timings]
    for name, samples in rows.items():
        print(f"  {name:<34}{_ms(samples, 50):>11}{_ms(samples, 95):>10}{_ms(samples, 100):>10}")
    print("  by language (four phases / whole turn, p95 ms):")
    for language in sorted({t.language for t in timings}):
        chosen = [t for t in timings if t.language == language]
        print(
            f"    {language}: {len(chosen)} turns, "
            f"{_ms([t.engine for t in chosen], 95)} / {_ms([t.whole_turn for t in chosen], 95)}"
        )
    print("  by action (turns; whole turn p95 ms):")
    for action in sorted({t.action for t in timings}):
        seconds = [t.whole_turn for t in timings if t.action == action]
        print(f"    {action:<10}{len(seconds):>5}{_ms(seconds, 95):>10}")
    p95 = float(np.percentile([t.engine for t in timings], 95)) * 1e3
    met = p95 < ENGINE_TARGET_P95_MS
    print(verdict("four phases p95", f"{p95:.0f} ms", f"< {ENGINE_TARGET_P95_MS:.0f} ms", met))
    return met


# --- 2. the embedded model -----------------------------------------------------------------------


def measure_model(
    advisor: Any, conversations: Sequence[Conversation], data_dir: Path, quick: bool
) -> dict[str, Any]:
    """Load (and the first time convert) the model; first token and speed on opening prompts;
    then a few whole turns with it."""
    from advisor.agent.orchestrator import Advisor
    from advisor.llm import LanguageModelConfig, ModelRegistry, chat_model
    from advisor.settings import Settings

    settings = Settings(data_dir=data_dir, llm_backend="embedded")
    config = LanguageModelConfig.from_settings(settings)
    converted = (data_dir / "models").exists()
    model, load_s = timed(lambda: chat_model(config, ModelRegistry()))
    label = "cached load" if converted else "first load (conversion + load)"
    print(f"\nEmbedded model: {label} {load_s:.1f} s; up to {config.max_new_tokens} new tokens")
    prompts = opening_prompts(advisor, conversations, per_language=3 if quick else 8)
    firsts = [first_token(model, prompt, language) for language, prompt in prompts]
    full_runs = 1 if quick else 2
    wholes = [generate(model, prompt, language) for language, prompt in pick(prompts, full_runs)]
    with_model = Advisor(
        advisor.tools, advisor.templates, model, advisor.cooling_off_hours, advisor.max_equity_cut
    )
    turns = whole_turns(with_model, conversations, per_language=1 if quick else 2)
    met = print_model(firsts, wholes, turns)
    return {
        "load_s": load_s,
        "converted_before": converted,
        "max_new_tokens": config.max_new_tokens,
        "first_token": [asdict(g) for g in firsts],
        "whole_replies": [asdict(g) | {"tokens_per_second": g.tokens_per_second} for g in wholes],
        "whole_turns": turns,
        "first_token_met": met,
    }


def opening_prompts(
    advisor: Any, conversations: Sequence[Conversation], per_language: int
) -> list[tuple[str, list[Any]]]:
    """The prompts the advisor sends for its opening, captured with a stand-in model that
    records them and answers with a harmless sentence, on the last turn of a few conversations
    per language."""
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import BaseMessage
    from pydantic import Field

    from advisor.agent.orchestrator import Advisor
    from advisor.profile.text import Message

    class Recorder(GenericFakeChatModel):
        prompts: list[list[BaseMessage]] = Field(default_factory=list)

        def _generate(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> Any:
            self.prompts.append(list(messages))
            return super()._generate(messages, *args, **kwargs)

    captured: list[tuple[str, list[Any]]] = []
    for language in ("en", "zh"):
        chosen = [c for c in conversations if c.language == language][:per_language]
        for conversation in chosen:
            recorder = Recorder(messages=iter(["Thank you."] * 2))
            speaker = Advisor(advisor.tools, advisor.templates, recorder)
            speaker.respond([Message("user", text) for text in conversation.user_texts])
            captured += [(language, prompt) for prompt in recorder.prompts[:1]]
    return captured


def pick(items: Sequence[tuple[str, T]], per_language: int) -> list[tuple[str, T]]:
    """The first `per_language` items of each language."""
    return [
        item
        for language in ("en", "zh")
        for item in [i for i in items if i[0] == language][:per_language]
    ]


def first_token(model: Any, prompt: list[Any], language: str) -> Generation:
    """Time to the first non-empty chunk; the stream is then closed, which stops generating."""
    started = time.perf_counter()
    stream = model.stream(prompt)
    try:
        for chunk in stream:
            if chunk.content:
                break
    finally:
        stream.close()
    seconds = time.perf_counter() - started
    return Generation(language, prompt_tokens(model, prompt), seconds, seconds, 1)


def generate(model: Any, prompt: list[Any], language: str) -> Generation:
    """One whole streamed reply: first token, total time and tokens."""
    started = time.perf_counter()
    first: float | None = None
    output_tokens = 0
    for chunk in model.stream(prompt):
        if chunk.content and first is None:
            first = time.perf_counter() - started
        if chunk.usage_metadata:
            output_tokens = chunk.usage_metadata["output_tokens"]
    total = time.perf_counter() - started
    return Generation(language, prompt_tokens(model, prompt), first or total, total, output_tokens)


def prompt_tokens(model: Any, prompt: list[Any]) -> int:
    """The prompt's length in tokens, through the model's own chat template."""
    from advisor.llm.chat import chat_turns

    encoded = model.shared.tokenizer.apply_chat_template(
        [dict(turn) for turn in chat_turns(prompt)], add_generation_prompt=True, return_dict=True
    )
    return len(encoded["input_ids"])


def whole_turns(
    advisor: Any, conversations: Sequence[Conversation], per_language: int
) -> list[dict[str, Any]]:
    """Whole turns with the model: the wait before the chat shows anything, and how the guard
    judged the openings."""
    from advisor.profile.text import Message

    rows = []
    for language in ("en", "zh"):
        for conversation in [c for c in conversations if c.language == language][:per_language]:
            messages = [Message("user", text) for text in conversation.user_texts]
            turn, seconds = timed(partial(advisor.respond, messages))
            rows.append(
                {
                    "conversation": conversation.id,
                    "seconds": seconds,
                    "action": turn.action,
                    "rejections": list(turn.guard_rejections),
                    "model_opening_used": len(turn.guard_rejections) < 2 and not turn.degraded,
                }
            )
    return rows


def print_model(
    firsts: Sequence[Generation], wholes: Sequence[Generation], turns: Sequence[dict[str, Any]]
) -> bool:
    print(f"  opening prompts: {len(firsts)} (prompt tokens median {_median_tokens(firsts)})")
    print(f"  {'language':<10}{'first token median s':>22}{'max s':>8}")
    for language in ("en", "zh"):
        seconds = [g.first_token_s for g in firsts if g.language == language]
        if seconds:
            print(f"  {language:<10}{statistics.median(seconds):>22.2f}{max(seconds):>8.2f}")
    print(f"  whole replies: {'language':<10}{'tokens':>7}{'total s':>9}{'tokens/s':>10}")
    for g in wholes:
        rate = g.tokens_per_second
        print(f"  {'':<15}{g.language:<10}{g.output_tokens:>7}{g.total_s:>9.2f}{rate:>10.1f}")
    print("  whole turns with the model (what the chat waits for before showing the reply):")
    for row in turns:
        used = "model's opening" if row["model_opening_used"] else "templated opening"
        print(
            f"    {row['conversation']:<8}{row['seconds']:>7.1f} s  {row['action']:<9} {used}; "
            f"rejections: {'; '.join(row['rejections']) or 'none'}"
        )
    worst = max((g.first_token_s for g in firsts), default=float("nan"))
    met = worst < FIRST_TOKEN_TARGET_S
    print(verdict("first token, worst", f"{worst:.2f} s", f"< {FIRST_TOKEN_TARGET_S} s", met))
    return met


def _median_tokens(generations: Sequence[Generation]) -> int:
    return int(statistics.median(g.prompt_tokens for g in generations)) if generations else 0


# --- 3. cold start of the app --------------------------------------------------------------------


def measure_serve(data_dir: Path, runs: int) -> dict[str, Any]:
    """`advisor serve` until it answers HTTP: one first run (indexing, conversion if the app
    does it), then `runs` timed starts."""
    print("\nApp cold start (`advisor serve` until HTTP 200):")
    first = serve_once(data_dir)
    print(f"  first run in this data dir: {first:.1f} s")
    later = [serve_once(data_dir) for _ in range(runs)]
    median = statistics.median(later)
    print(f"  later runs: {', '.join(f'{s:.1f}' for s in later)} s (median {median:.1f} s)")
    met = max(later) < COLD_START_TARGET_S
    print(verdict("cold start, worst later run", f"{max(later):.1f} s", "< 10 s", met))
    return {"first_s": first, "later_s": later, "met": met}


def serve_once(data_dir: Path) -> float:
    """Seconds from spawning `advisor serve` to its first HTTP 200; the process is then ended."""
    port = free_port()
    environment = {**os.environ, "ADVISOR_DATA_DIR": str(data_dir), "ADVISOR_PORT": str(port)}
    # stderr to a file, not a pipe: an unread pipe that fills up would stall the server.
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "advisor", "serve"],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
        try:
            wait_for_http(f"http://127.0.0.1:{port}/", process, errors)
            return time.perf_counter() - started
        finally:
            stop(process)


def wait_for_http(url: str, process: "subprocess.Popen[bytes]", errors: IO[bytes]) -> None:
    deadline = time.perf_counter() + SERVE_TIMEOUT_S
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            errors.seek(0)
            tail = errors.read().decode(errors="replace")[-500:]
            raise RuntimeError(f"advisor serve exited with {process.returncode}: {tail}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.05)
    raise TimeoutError(f"{url} did not answer within {SERVE_TIMEOUT_S:.0f} s")


def stop(process: "subprocess.Popen[bytes]") -> None:
    """End the server this benchmark started (by its own handle, nothing else)."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- helpers -------------------------------------------------------------------------------------


def timed(function: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def _ms(samples: Sequence[float], percentile: float) -> str:
    return format_ms(float(np.percentile(np.asarray(samples) * 1e3, percentile)))


def verdict(name: str, value: str, target: str, met: bool) -> str:
    return f"  target {name}: {value} ({target}): {'met' if met else 'NOT met'}"


if __name__ == "__main__":
    main()
