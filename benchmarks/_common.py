"""Helpers shared by the benchmarks: single-threaded BLAS, machine description, timing statistics
and JSON output. Benchmarks print figures; they are not tests and assert nothing."""

import json
import os
import platform
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

RESULTS_DIR = Path(__file__).resolve().parent / "results"
SINGLE_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
DEFAULT_PACKAGES = ("numpy", "scipy", "cvxpy", "clarabel", "osqp", "pyportfolioopt")

T = TypeVar("T")


def ensure_single_threaded_blas() -> None:
    """Re-execute the current script with OMP_NUM_THREADS=1 unless it is already set to 1.

    BLAS reads its thread count once, when numpy is imported, so setting the variable from inside
    a running interpreter is too late; a fresh process is the only reliable way.
    """
    if os.environ.get("OMP_NUM_THREADS") == "1":
        return
    environment = dict(os.environ)
    for variable in SINGLE_THREAD_VARIABLES:
        environment[variable] = "1"
    sys.stdout.flush()
    os.execve(sys.executable, [sys.executable, *sys.argv], environment)


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo (or what `platform` knows elsewhere)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def package_version(name: str) -> str:
    """The installed version of a distribution, or 'not installed'."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine_description(packages: Iterable[str] = DEFAULT_PACKAGES) -> dict[str, str]:
    """What the figures were measured on: CPU, cores, OS, Python, BLAS threads, library versions."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    description = {
        "cpu": cpu_model(),
        "logical_cores": str(os.cpu_count()),
        "usable_cores": str(usable),
        "os": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "python": platform.python_version(),
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "unset"),
        "load_average": load_average(),
    }
    description.update({name: package_version(name) for name in packages})
    return description


def load_average() -> str:
    """The 1, 5 and 15-minute load averages: other work on the machine skews timings."""
    if not hasattr(os, "getloadavg"):
        return "unknown"
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def format_machine(description: dict[str, str]) -> str:
    """The machine description as two or three readable lines."""
    hardware = (
        f"machine: {description['cpu']}, {description['logical_cores']} logical cores "
        f"({description['usable_cores']} usable), {description['os']}"
    )
    runtime = (
        f"python {description['python']}, OMP_NUM_THREADS={description['OMP_NUM_THREADS']}, "
        f"load average at start {description['load_average']} (1/5/15 min)"
    )
    skip = {"cpu", "logical_cores", "usable_cores", "os", "python", "OMP_NUM_THREADS"}
    skip.add("load_average")
    versions = ", ".join(
        f"{name} {version}" for name, version in description.items() if name not in skip
    )
    return f"{hardware}\n{runtime}\n{versions}"


@dataclass(frozen=True)
class TimingStats:
    """Summary of repeated wall-clock measurements, in milliseconds."""

    count: int
    median_ms: float
    p90_ms: float
    min_ms: float
    max_ms: float
    total_s: float

    @classmethod
    def from_seconds(cls, samples: Sequence[float]) -> "TimingStats":
        """Statistics of per-call durations given in seconds."""
        values = np.asarray(samples, dtype=float)
        if values.size == 0:
            return cls(0, float("nan"), float("nan"), float("nan"), float("nan"), 0.0)
        milliseconds = values * 1e3
        return cls(
            count=int(values.size),
            median_ms=float(np.median(milliseconds)),
            p90_ms=float(np.percentile(milliseconds, 90)),
            min_ms=float(milliseconds.min()),
            max_ms=float(milliseconds.max()),
            total_s=float(values.sum()),
        )

    def as_dict(self) -> dict[str, float | int]:
        """Plain dict for JSON output."""
        return asdict(self)


def timed(function: Callable[[], T]) -> tuple[T, float]:
    """Call `function` once; return its result and the wall time in seconds."""
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def format_ms(value: float | None) -> str:
    """A duration in ms with about three significant figures; '—' when not applicable."""
    if value is None or not np.isfinite(value):
        return "—"
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    if value >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def format_small(value: float | None) -> str:
    """An accuracy figure (gap or violation) in scientific notation; '—' when not measured."""
    if value is None or not np.isfinite(value):
        return "—"
    return "0" if value == 0 else f"{value:.1e}"


def write_json(name: str, payload: dict[str, Any]) -> Path:
    """Write `payload` to benchmarks/results/<name> and return the path."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / name
    path.write_text(json.dumps(payload, indent=2, default=_json_default) + "\n")
    return path


def _json_default(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
