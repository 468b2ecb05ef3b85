"""`LocalChatModel`: a LangChain chat model over a model running in this process.

The `embedded` and `transformers` backends are this one class with different weights. It streams
text only: no native tool calling (`bind_tools` raises `NotImplementedError`), because the
orchestrator, not the model, decides which tools run.
"""

from collections.abc import Iterator, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel, generate_from_stream
from langchain_core.messages import AIMessageChunk, BaseMessage, ChatMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, Field

from advisor.llm.local import ChatTurn, GenerationRequest, GenerationSummary, SharedModel

# LangChain message types and the roles chat templates know them by.
_ROLES = {"system": "system", "human": "user", "ai": "assistant", "tool": "tool"}
# Per-call options `invoke(..., max_new_tokens=64)` may override; anything else is a mistake.
_CALL_OPTIONS = frozenset({"max_new_tokens", "temperature"})


class LocalChatModel(BaseChatModel):
    """A chat model backed by a `SharedModel`: greedy by default, streaming, serialized.

    Create as many as there are sessions; they share the one `SharedModel` the registry loaded.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    shared: SharedModel = Field(exclude=True)
    max_new_tokens: int = Field(default=256, ge=1)
    temperature: float = Field(default=0.0, ge=0)
    wait_seconds: float = Field(
        default=60.0, gt=0, description="How long a call waits while another session generates."
    )

    @property
    def _llm_type(self) -> str:
        return "advisor-local-transformers"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {
            "model_name": self.shared.name,
            "max_new_tokens": self.max_new_tokens,
            "temperature": self.temperature,
        }

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        """The whole reply at once: the streamed pieces joined."""
        return generate_from_stream(self._stream(messages, stop, run_manager, **kwargs))

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        """The reply as it is decoded, a word or a character at a time, then a last, empty chunk
        with the finish reason and token counts.

        `run_manager` goes unused: LangChain's `stream` and `invoke` report each chunk to the
        callbacks themselves, and doing it here too would report every token twice.
        """
        request = self._request(stop, kwargs)
        for item in self.shared.stream(chat_turns(messages), request):
            if isinstance(item, GenerationSummary):
                yield self._last_chunk(item)
            else:
                yield ChatGenerationChunk(message=AIMessageChunk(content=item))

    def _request(self, stop: Sequence[str] | None, options: dict[str, Any]) -> GenerationRequest:
        unknown = set(options) - _CALL_OPTIONS - {"stream"}
        if unknown:
            raise TypeError(f"{type(self).__name__} does not accept {sorted(unknown)}")
        return GenerationRequest(
            max_new_tokens=int(options.get("max_new_tokens", self.max_new_tokens)),
            temperature=float(options.get("temperature", self.temperature)),
            stop=tuple(stop or ()),
            wait_seconds=self.wait_seconds,
        )

    def _last_chunk(self, summary: GenerationSummary) -> ChatGenerationChunk:
        usage = {
            "input_tokens": summary.input_tokens,
            "output_tokens": summary.output_tokens,
            "total_tokens": summary.input_tokens + summary.output_tokens,
        }
        return ChatGenerationChunk(
            message=AIMessageChunk(content="", usage_metadata=usage, chunk_position="last"),
            generation_info={
                "finish_reason": summary.finish_reason,
                "model_name": self.shared.name,
            },
        )


def chat_turns(messages: Sequence[BaseMessage]) -> list[ChatTurn]:
    """LangChain messages as the role/content pairs a chat template reads. Only text is kept:
    these models read nothing else."""
    turns: list[ChatTurn] = []
    for message in messages:
        role = message.role if isinstance(message, ChatMessage) else _ROLES.get(message.type)
        if role is None:
            raise TypeError(f"a local chat model cannot read a {message.type!r} message")
        turns.append({"role": role, "content": str(message.text)})
    return turns
