"""A Hugging Face causal language model in this process: loading it, and streaming replies from it
one generation at a time.

`SharedModel` holds the weights, the tokenizer and a lock. One exists per model directory per
process (the `ModelRegistry` sees to that), shared by every chat session. Generation is serialized
by the lock, for two reasons:

* transformers does not promise that concurrent `generate` calls on one model are safe (generation
  can keep state on the model: a static cache, a compiled forward, the tokenizer's settings);
* on a two-core machine it would only be slower. Measured here with SmolLM2-135M and one torch
  thread: two 128-token replies take 10.3 s whether they run together or in turn, but in turn the
  first user has a reply after 5 s instead of 10.

A caller that would wait longer than its timeout gets `LanguageModelUnavailable` instead, and can
fall back to a templated reply.
"""

import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from advisor.llm.errors import LanguageModelUnavailable, one_line

if TYPE_CHECKING:
    import torch
    from transformers import GenerationConfig, PreTrainedModel
    from transformers.tokenization_utils_base import PreTrainedTokenizerBase

ChatTurn = Mapping[str, str]  # {"role": ..., "content": ...}, as chat templates expect
FinishReason = Literal["stop", "length"]


@dataclass(frozen=True)
class GenerationRequest:
    """How to generate one reply."""

    max_new_tokens: int
    temperature: float = 0.0  # 0: greedy decoding
    stop: tuple[str, ...] = ()
    wait_seconds: float = 60.0  # how long to wait while another session is generating


@dataclass(frozen=True)
class GenerationSummary:
    """What is known once a reply is complete: the last item a generation stream yields."""

    finish_reason: FinishReason
    input_tokens: int
    output_tokens: int


@dataclass
class _Outcome:
    """Filled in by the generation thread, read after it has been joined."""

    sequences: "torch.Tensor | None" = None
    error: BaseException | None = None


class SharedModel:
    """A loaded model and tokenizer, with the lock that lets one generation run at a time.

    A plain class, not a dataclass: pydantic (`LocalChatModel` holds one) would otherwise try to
    validate the torch model inside it.
    """

    def __init__(
        self, name: str, model: "PreTrainedModel", tokenizer: "PreTrainedTokenizerBase"
    ) -> None:
        self.name = name
        self.model = model
        self.tokenizer = tokenizer
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"SharedModel({self.name!r})"

    @property
    def context_tokens(self) -> int | None:
        """The longest prompt plus reply the model was trained for, when its config says."""
        value = getattr(self.model.config, "max_position_embeddings", None)
        return value if isinstance(value, int) else None

    def stream(
        self, chat: Sequence[ChatTurn], request: GenerationRequest
    ) -> Iterator[str | GenerationSummary]:
        """Pieces of the reply to `chat` as they are decoded, then one `GenerationSummary`.

        The text ends before the first stop sequence, which is never yielded. Closing the
        iterator early stops the generation at the next token and frees the model.
        """
        if not self._lock.acquire(timeout=request.wait_seconds):
            raise LanguageModelUnavailable(
                f"{self.name} is busy: another reply did not finish within "
                f"{request.wait_seconds:g} s"
            )
        try:
            inputs = self._encode(chat, request.max_new_tokens)
            yield from self._generate(inputs, request)
        finally:
            self._lock.release()

    def _encode(self, chat: Sequence[ChatTurn], max_new_tokens: int) -> dict[str, "torch.Tensor"]:
        """The chat as token ids, through the model's own chat template, on the model's device.
        Runs under the lock: a fast tokenizer is not safe to use from two threads at once."""
        from transformers import BatchEncoding

        encoded = self.tokenizer.apply_chat_template(
            [dict(turn) for turn in chat],
            add_generation_prompt=True,
            return_tensors="pt",
            return_dict=True,
        )
        if not isinstance(encoded, BatchEncoding):
            raise TypeError(f"{self.name}: the chat template did not return token ids")
        prompt_tokens = int(encoded["input_ids"].shape[1])
        if self.context_tokens and prompt_tokens + max_new_tokens > self.context_tokens:
            raise LanguageModelUnavailable(
                f"{self.name}: a prompt of {prompt_tokens} tokens plus {max_new_tokens} new ones "
                f"exceeds the model's context of {self.context_tokens} tokens"
            )
        return {key: value.to(self.model.device) for key, value in encoded.items()}

    def _generate(
        self, inputs: dict[str, "torch.Tensor"], request: GenerationRequest
    ) -> Iterator[str | GenerationSummary]:
        """Run `generate` in a thread that feeds a streamer, and yield the streamer's text."""
        from transformers import TextIteratorStreamer

        streamer = TextIteratorStreamer(
            self.tokenizer,
            skip_prompt=True,
            skip_special_tokens=True,
        )
        cancel = threading.Event()
        outcome = _Outcome()
        worker = threading.Thread(
            target=self._run_generate,
            args=(inputs, request, streamer, cancel, outcome),
            name=f"generate {self.name}",
            daemon=True,
        )
        stops = StopFilter(request.stop)
        worker.start()
        try:
            for piece in streamer:
                # The streamer flushes only after a space, a newline or a CJK character, so a
                # piece ends in U+FFFD only when the reply was cut inside a multi-byte character.
                text = stops.feed(piece.rstrip("\ufffd"))
                if text:
                    yield text
                if stops.stopped:
                    break
        finally:
            # Also reached when the consumer closes the stream early: stop generating now rather
            # than hold the model until max_new_tokens.
            cancel.set()
            worker.join()
        if outcome.error is not None or outcome.sequences is None:
            raise LanguageModelUnavailable(
                f"{self.name}: generation failed: {one_line(repr(outcome.error))}"
            )
        tail = stops.flush()
        if tail:
            yield tail
        yield self._summary(inputs, outcome.sequences, request, stops.stopped)

    def _run_generate(
        self,
        inputs: dict[str, "torch.Tensor"],
        request: GenerationRequest,
        streamer: Any,
        cancel: threading.Event,
        outcome: _Outcome,
    ) -> None:
        """The generation thread's body. It ends the streamer even when `generate` fails, so
        the consumer never waits for text that will not come."""
        from transformers import StoppingCriteriaList

        try:
            # transformers types `generate` through a decorator mypy reads as a Tensor.
            outcome.sequences = self.model.generate(  # type: ignore[operator]
                **inputs,
                generation_config=self._generation_config(request),
                streamer=streamer,
                stopping_criteria=StoppingCriteriaList([_Cancelled(cancel)]),
            )
        except Exception as error:  # handed to the consumer thread, which raises it
            outcome.error = error
        finally:
            streamer.end()

    def _generation_config(self, request: GenerationRequest) -> "GenerationConfig":
        """The model's own generation defaults (end-of-turn tokens and so on), with greedy
        decoding unless a temperature is asked for, and the sampling knobs cleared when greedy so
        that transformers does not warn about them on every call."""
        config = self.model.generation_config.__class__.from_dict(
            self.model.generation_config.to_dict()
        )
        config.max_new_tokens = request.max_new_tokens
        config.do_sample = request.temperature > 0
        if config.do_sample:
            config.temperature = request.temperature
        else:
            config.temperature = config.top_p = config.top_k = None
        if config.pad_token_id is None:
            config.pad_token_id = self.tokenizer.pad_token_id or config.eos_token_id
        return config

    @staticmethod
    def _summary(
        inputs: dict[str, "torch.Tensor"],
        sequences: "torch.Tensor",
        request: GenerationRequest,
        stopped: bool,
    ) -> GenerationSummary:
        input_tokens = int(inputs["input_ids"].shape[1])
        output_tokens = int(sequences.shape[1]) - input_tokens
        at_limit = output_tokens >= request.max_new_tokens and not stopped
        return GenerationSummary("length" if at_limit else "stop", input_tokens, output_tokens)


class StopFilter:
    """Cuts streamed text before the first stop sequence.

    Text that could be the beginning of a stop sequence is held back until the next piece shows
    whether it is one, so a stop sequence split across pieces is never partly emitted.
    """

    def __init__(self, stops: Sequence[str]) -> None:
        self._stops = tuple(stop for stop in stops if stop)
        self._pending = ""
        self.stopped = False

    def feed(self, piece: str) -> str:
        """The text that can be emitted now that `piece` has arrived."""
        if self.stopped:
            return ""
        self._pending += piece
        found = [index for stop in self._stops if (index := self._pending.find(stop)) >= 0]
        if found:
            self.stopped = True
            text, self._pending = self._pending[: min(found)], ""
            return text
        keep = self._undecided_suffix()
        text = self._pending[: len(self._pending) - keep]
        self._pending = self._pending[len(self._pending) - keep :]
        return text

    def flush(self) -> str:
        """The text held back, once no more pieces will come."""
        text, self._pending = ("" if self.stopped else self._pending), ""
        return text

    def _undecided_suffix(self) -> int:
        """The length of the longest end of the pending text that begins some stop sequence."""
        longest = max((len(stop) for stop in self._stops), default=1) - 1
        for length in range(min(longest, len(self._pending)), 0, -1):
            tail = self._pending[-length:]
            if any(stop.startswith(tail) for stop in self._stops):
                return length
        return 0


class _Cancelled:
    """A stopping criterion that ends generation once `event` is set."""

    def __init__(self, event: threading.Event) -> None:
        self._event = event

    def __call__(self, input_ids: "torch.Tensor", scores: Any, **kwargs: Any) -> "torch.Tensor":
        import torch

        return torch.full(
            (input_ids.shape[0],), self._event.is_set(), dtype=torch.bool, device=input_ids.device
        )


def load_model(name_or_path: str) -> SharedModel:
    """Load a model and tokenizer from a local directory or the local Hugging Face cache.

    Never downloads (`local_files_only`), never runs code shipped with the model
    (`trust_remote_code` stays off). On a machine with CUDA, accelerate places the model
    (`device_map="auto"`); otherwise it runs on the CPU in the dtype it was saved in.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    options: dict[str, Any] = {"local_files_only": True, "dtype": "auto"}
    if torch.cuda.is_available():
        options["device_map"] = "auto"
    try:
        with quiet_progress_bars():
            tokenizer = AutoTokenizer.from_pretrained(name_or_path, local_files_only=True)
            model = AutoModelForCausalLM.from_pretrained(name_or_path, **options)
    except Exception as error:  # whatever the cause (files, format, architecture): unavailable
        raise LanguageModelUnavailable(_load_failure(name_or_path, error)) from error
    if not getattr(tokenizer, "chat_template", None):
        raise LanguageModelUnavailable(
            f"{name_or_path}: the tokenizer has no chat template; use an instruction-tuned model"
        )
    # from_pretrained leaves the model in eval mode (no dropout): generation is deterministic.
    return SharedModel(name=name_or_path, model=model, tokenizer=tokenizer)


def _load_failure(name_or_path: str, error: Exception) -> str:
    if not Path(name_or_path).expanduser().exists():
        return (
            f"{name_or_path}: no such model directory, and no such model in the local Hugging "
            "Face cache (nothing is downloaded)"
        )
    return f"{name_or_path}: cannot load the model: {one_line(str(error))}"


@contextmanager
def quiet_progress_bars() -> Iterator[None]:
    """Hide transformers' progress bars (loading weights, writing shards) so that CLI output
    stays clean, then restore the previous setting."""
    from transformers.utils import logging as transformers_logging

    # transformers' logging helpers are untyped.
    were_on = transformers_logging.is_progress_bar_enabled()
    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    try:
        yield
    finally:
        if were_on:
            transformers_logging.enable_progress_bar()  # type: ignore[no-untyped-call]
