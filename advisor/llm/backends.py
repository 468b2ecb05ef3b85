"""The factory: a LangChain chat model for the configured backend, or None for templates only.

Every backend is a `BaseChatModel`, so the agent code is the same whatever runs underneath.
Local models (`embedded`, `transformers`) are loaded once per process and shared by every session
through a `ModelRegistry`, which the app creates at start-up and passes to whoever needs a model:
there is no module-level cache.
"""

import threading
from pathlib import Path

from langchain_core.language_models.chat_models import BaseChatModel

from advisor.llm.chat import LocalChatModel
from advisor.llm.config import LanguageModelConfig, checked_url
from advisor.llm.conversion import converted_copy
from advisor.llm.errors import LanguageModelUnavailable
from advisor.llm.local import SharedModel, load_model


class ModelRegistry:
    """The local models loaded in this process, one per model directory (or cache id), each
    loaded on first request and then shared. Thread-safe: sessions starting together load a
    model once, the others waiting for it."""

    def __init__(self) -> None:
        self._models: dict[str, SharedModel] = {}
        self._lock = threading.Lock()

    def local(self, name_or_path: str) -> SharedModel:
        """The model in a local directory or the local Hugging Face cache, loaded once."""
        key = _key(name_or_path)
        with self._lock:
            if key not in self._models:
                self._models[key] = load_model(key)
            return self._models[key]

    def embedded(self, models_dir: Path) -> SharedModel:
        """SmolLM2-135M-Instruct, converted into `models_dir` on first use, loaded once."""
        with self._lock:
            # Under the lock too: two sessions must not both start a 15-second conversion.
            copy = converted_copy(models_dir)
        try:
            return self.local(str(copy))
        except LanguageModelUnavailable as error:
            raise LanguageModelUnavailable(f"{error}; delete {copy} to convert it again") from error

    @property
    def loaded(self) -> tuple[str, ...]:
        """The names of the models in memory."""
        with self._lock:
            return tuple(self._models)


def chat_model(config: LanguageModelConfig, registry: ModelRegistry) -> BaseChatModel | None:
    """A chat model for `config`, or None when the backend is `none`.

    None is the same answer the caller acts on when a model fails: reply from templates. The
    local backends load (and, the first time, convert) their model now, so that a missing model
    fails at start-up; the HTTP backends connect on first use, and fail then.

    Raises `LanguageModelUnavailable` (one line) for a missing model, directory or URL.
    """
    if config.backend == "none":
        return None
    if config.backend == "embedded":
        return _local_chat(config, registry.embedded(config.models_dir))
    if config.backend == "transformers":
        return _local_chat(config, registry.local(config.required_model()))
    if config.backend == "openai":
        return _openai_chat(config)
    return _ollama_chat(config)


def _local_chat(config: LanguageModelConfig, shared: SharedModel) -> LocalChatModel:
    return LocalChatModel(
        shared=shared,
        max_new_tokens=config.max_new_tokens,
        temperature=config.temperature,
        wait_seconds=config.timeout_seconds,
    )


def _openai_chat(config: LanguageModelConfig) -> BaseChatModel:
    from pydantic import SecretStr

    from advisor.llm.remote import OpenAICompatibleChat

    # Local servers (vLLM, Ollama, LM Studio) ignore the key, but the client insists on one.
    api_key = config.api_key or SecretStr("unused")
    return OpenAICompatibleChat(
        base_url=config.required_url(),
        model=config.required_model(),
        api_key=api_key,
        timeout=config.timeout_seconds,
        # Retried by OpenAICompatibleChat itself, within the timeout, not by the client.
        max_retries=0,
        retries=config.max_retries,
        max_tokens=config.max_new_tokens,
        temperature=config.temperature,
    )


def _ollama_chat(config: LanguageModelConfig) -> BaseChatModel:
    from advisor.llm.remote import OllamaChat

    client: dict[str, object] = {"timeout": config.timeout_seconds}
    if config.api_key:  # a hosted Ollama, or one behind an authenticating proxy
        client["headers"] = {"Authorization": f"Bearer {config.api_key.get_secret_value()}"}
    return OllamaChat(
        # None: the ollama client's default, OLLAMA_HOST or http://127.0.0.1:11434.
        base_url=checked_url(config.url) if config.url else None,
        model=config.required_model(),
        num_predict=config.max_new_tokens,
        temperature=config.temperature,
        client_kwargs=client,
    )


def _key(name_or_path: str) -> str:
    """A directory by its resolved path (two spellings, one model); a cache id as given."""
    path = Path(name_or_path).expanduser()
    return str(path.resolve()) if path.exists() else name_or_path


__all__ = ["LanguageModelUnavailable", "ModelRegistry", "chat_model"]
