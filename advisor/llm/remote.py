"""Language models behind an HTTP API: any OpenAI-compatible endpoint, and Ollama.

Each is the LangChain integration itself (so native tool calling, structured output and streaming
work as documented there), subclassed only to turn the client libraries' connection, timeout and
HTTP errors into `LanguageModelUnavailable`, which callers catch to fall back to templates.
"""

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import ollama
import openai
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_ollama import ChatOllama
from langchain_openai import ChatOpenAI

from advisor.llm.errors import LanguageModelUnavailable, one_line

# Failures worth another attempt: the server is restarting, overloaded or briefly unreachable.
_RETRYABLE = (openai.APIConnectionError, openai.RateLimitError, openai.InternalServerError)
_FIRST_BACKOFF_SECONDS = 0.25
_DEFAULT_TOTAL_SECONDS = 60.0  # when no timeout is given, as the settings' default


class OpenAICompatibleChat(ChatOpenAI):
    """`ChatOpenAI` whose failures are `LanguageModelUnavailable`, and whose `request_timeout`
    bounds a whole call, retries included.

    The client's own retries (`max_retries`, which the factory sets to 0) would each get the full
    timeout, so a hung server would keep a user waiting several timeouts plus back-off. Here
    `retries` further attempts are made only while time is left, each with the time that is left.
    """

    retries: int = 2

    def _generate(self, *args: Any, **kwargs: Any) -> ChatResult:
        deadline = time.monotonic() + self._total_seconds()
        backoff = _FIRST_BACKOFF_SECONDS
        with self._unavailable_on_error():
            for attempt in range(self.retries + 1):
                remaining = deadline - time.monotonic()
                try:
                    return super()._generate(*args, **{**kwargs, "timeout": remaining})
                except _RETRYABLE as error:
                    if _is_timeout(error) or attempt == self.retries:
                        raise
                    if deadline - time.monotonic() <= backoff:
                        raise
                time.sleep(backoff)
                backoff *= 2
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _agenerate(self, *args: Any, **kwargs: Any) -> ChatResult:
        deadline = time.monotonic() + self._total_seconds()
        backoff = _FIRST_BACKOFF_SECONDS
        with self._unavailable_on_error():
            for attempt in range(self.retries + 1):
                remaining = deadline - time.monotonic()
                try:
                    return await super()._agenerate(*args, **{**kwargs, "timeout": remaining})
                except _RETRYABLE as error:
                    if _is_timeout(error) or attempt == self.retries:
                        raise
                    if deadline - time.monotonic() <= backoff:
                        raise
                await asyncio.sleep(backoff)
                backoff *= 2
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _stream(self, *args: Any, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        with self._unavailable_on_error():
            yield from super()._stream(*args, **kwargs)

    async def _astream(self, *args: Any, **kwargs: Any) -> AsyncIterator[ChatGenerationChunk]:
        with self._unavailable_on_error():
            async for chunk in super()._astream(*args, **kwargs):
                yield chunk

    def _total_seconds(self) -> float:
        timeout = self.request_timeout
        if isinstance(timeout, int | float):
            return float(timeout)
        if isinstance(timeout, httpx.Timeout) and timeout.read is not None:
            return timeout.read
        return _DEFAULT_TOTAL_SECONDS

    @contextmanager
    def _unavailable_on_error(self) -> Iterator[None]:
        try:
            yield
        except openai.OpenAIError as error:  # connection, timeout, HTTP status, missing key
            raise LanguageModelUnavailable(
                failure("openai", self.model_name, self.openai_api_base, error)
            ) from error


class OllamaChat(ChatOllama):
    """`ChatOllama` whose failures are `LanguageModelUnavailable`."""

    def _generate(self, *args: Any, **kwargs: Any) -> ChatResult:
        with self._unavailable_on_error():
            return super()._generate(*args, **kwargs)

    def _stream(self, *args: Any, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        with self._unavailable_on_error():
            yield from super()._stream(*args, **kwargs)

    async def _agenerate(self, *args: Any, **kwargs: Any) -> ChatResult:
        with self._unavailable_on_error():
            return await super()._agenerate(*args, **kwargs)

    async def _astream(self, *args: Any, **kwargs: Any) -> AsyncIterator[ChatGenerationChunk]:
        with self._unavailable_on_error():
            async for chunk in super()._astream(*args, **kwargs):
                yield chunk

    @contextmanager
    def _unavailable_on_error(self) -> Iterator[None]:
        # The ollama client turns a refused connection into the built-in ConnectionError and an
        # HTTP error status into ResponseError; timeouts arrive as httpx's own errors.
        try:
            yield
        except (
            ConnectionError,
            httpx.HTTPError,
            ollama.ResponseError,
            ollama.RequestError,
        ) as error:
            raise LanguageModelUnavailable(
                failure("ollama", self.model, self.base_url, error)
            ) from error


def failure(backend: str, model: str, url: str | None, error: BaseException) -> str:
    """One line naming the backend, model, endpoint and cause."""
    cause = "timed out" if _is_timeout(error) else one_line(str(error)) or type(error).__name__
    return f"{backend} model {model!r} at {url or 'its default URL'}: {cause}"


def _is_timeout(error: BaseException) -> bool:
    return isinstance(error, openai.APITimeoutError | httpx.TimeoutException | TimeoutError)
