"""The one way to build a conversational advisor from the settings: the CLI, the app, the tests
and the benchmarks all come through `build_advisor`, so they run the same agent.

    registry = ModelRegistry()  # once per process: a local model loads once, shared by sessions
    advisor = build_advisor(load_settings(), registry, warn=print_warning)

Building loads the engine (`Runtime`), brings the knowledge index up to date, loads MiniLM once
for both the retriever and the profile extractor, and loads (or, the first time, converts) the
language model. A language model that cannot be had is not an error: the advisor replies from its
templates, and `warn` is told why.
"""

import sys
from collections.abc import Callable
from dataclasses import dataclass

from langchain_core.language_models import BaseChatModel

from advisor.agent.orchestrator import Advisor
from advisor.agent.prompts import load_templates
from advisor.agent.tools import AdvisorTools
from advisor.knowledge.embeddings import Embedder, SentenceTransformerEmbedder
from advisor.knowledge.retrieval import Retriever
from advisor.knowledge.service import open_retriever
from advisor.llm import LanguageModelConfig, LanguageModelUnavailable, ModelRegistry, chat_model
from advisor.profile.extractor import ProfileExtractor
from advisor.runtime import Runtime
from advisor.settings import PROJECT_ROOT, Settings

Warn = Callable[[str], None]
TEMPLATES_DIR = PROJECT_ROOT / "prompts"


def warn_on_stderr(message: str) -> None:
    """The default warning channel: one line on stderr, as the CLI prints its errors."""
    print(f"advisor: warning: {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Components:
    """Already-loaded pieces to reuse instead of loading them again (tests, benchmarks, an app
    that has them); anything left None is built from the settings."""

    runtime: Runtime | None = None
    retriever: Retriever | None = None
    extractor: ProfileExtractor | None = None
    embedder: Embedder | None = None


def build_advisor(
    settings: Settings,
    registry: ModelRegistry,
    *,
    warn: Warn = warn_on_stderr,
    components: Components | None = None,
) -> Advisor:
    """An advisor over the engine, the knowledge base and the configured language model.

    Raises what loading the engine or the knowledge base raises (`AdvisorError` subclasses with
    one-line messages); never `LanguageModelUnavailable`, which degrades to templated replies.
    """
    components = components or Components()
    embedder = components.embedder or SentenceTransformerEmbedder()
    runtime = components.runtime or Runtime.load(settings)
    retriever = components.retriever or open_retriever(
        settings.knowledge_dir, settings.data_dir, settings.chroma_url, embedder=embedder, warn=warn
    )
    extractor = components.extractor or ProfileExtractor(embedder)
    return Advisor(
        AdvisorTools(runtime, retriever, extractor),
        load_templates(TEMPLATES_DIR),
        language_model(settings, registry, warn),
        settings.cooling_off_hours,
        settings.max_equity_cut,
        settings.mode,
    )


def language_model(settings: Settings, registry: ModelRegistry, warn: Warn) -> BaseChatModel | None:
    """The configured chat model; None (templates only) for `none`, or when it cannot be loaded,
    in which case `warn` says why: a missing model must not stop the advisor from advising."""
    try:
        return chat_model(LanguageModelConfig.from_settings(settings), registry)
    except LanguageModelUnavailable as error:
        warn(f"language model unavailable, replying from templates only: {error}")
        return None
