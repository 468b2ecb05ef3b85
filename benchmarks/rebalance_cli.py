"""End-to-end benchmark of `advisor rebalance HOLDINGS.csv --out TRADES.csv`.

Generates a holdings file (8 holdings per account: distinct random catalogue products or CASH,
a random risk level 1-5 per account, lognormal values; fixed seed) in a temporary directory and
times the console script as a subprocess: interpreter start, imports, `Runtime.load`, CSV reading,
planning (drift check and one optimizer solve per re-optimized account) and CSV writing are all
included. The target is 10,000 accounts in under 10 s; 1,000 and 100,000 accounts show how the
time grows.

Run: `OMP_NUM_THREADS=1 .venv/bin/python benchmarks/rebalance_cli.py [--quick] [--runs N]`
(re-executes itself with OMP_NUM_THREADS=1 if needed).
Results: benchmarks/results/rebalance_cli.json.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from _common import (
    TimingStats,
    ensure_single_threaded_blas,
    format_machine,
    load_average,
    machine_description,
    write_json,
)

from advisor.catalogue import load_catalogue
from advisor.holdings_csv import CASH
from advisor.settings import Settings

SEED = 20261130
HOLDINGS_PER_ACCOUNT = 8
TARGET_ACCOUNTS = 10_000
TARGET_SECONDS = 10.0
SCALING_ACCOUNTS = (1_000, TARGET_ACCOUNTS, 100_000)
MEDIAN_HOLDING_VALUE = 10_000.0  # lognormal holding values: median 10,000, log-sd 1
HOLDING_VALUE_LOG_SD = 1.0
PACKAGES = ("numpy", "pandas", "scipy", "cvxpy", "clarabel")


@dataclass(frozen=True)
class Run:
    """One timed invocation of the CLI."""

    wall_seconds: float
    peak_rss_mb: float
    summary: dict[str, Any]  # the JSON line the CLI prints


def advisor_executable() -> Path:
    """The `advisor` console script of the interpreter running this benchmark (the project venv)."""
    candidate = Path(sys.executable).parent / "advisor"
    if candidate.exists():
        return candidate
    found = shutil.which("advisor")
    if found is None:
        raise SystemExit("the `advisor` console script is not installed; run `make bench`")
    return Path(found)


def write_holdings(path: Path, accounts: int, rng: np.random.Generator) -> int:
    """Write a holdings CSV of `accounts` accounts with HOLDINGS_PER_ACCOUNT distinct holdings
    each; returns the number of rows."""
    catalogue = load_catalogue(Settings().portfolios_dir / "catalogue.toml")
    product_ids = np.array([*catalogue.ids, CASH])
    # A random permutation per account, cut to the first 8: distinct products in random order.
    picks = np.argsort(rng.random((accounts, product_ids.size)), axis=1)[:, :HOLDINGS_PER_ACCOUNT]
    account_ids = np.array([f"ACC{number:07d}" for number in range(accounts)])
    risk_levels = rng.integers(1, 6, size=accounts)
    values = np.exp(
        rng.normal(np.log(MEDIAN_HOLDING_VALUE), HOLDING_VALUE_LOG_SD, size=picks.size)
    ).round(2)
    frame = pd.DataFrame(
        {
            "account_id": np.repeat(account_ids, HOLDINGS_PER_ACCOUNT),
            "risk_level": np.repeat(risk_levels, HOLDINGS_PER_ACCOUNT),
            "product_id": product_ids[picks.ravel()],
            "value": values,
        }
    )
    frame.to_csv(path, index=False)
    return len(frame)


def run_cli(executable: Path, holdings: Path, trades: Path, logs: Path) -> Run:
    """Run `advisor rebalance` once; wall time from spawn to exit, peak RSS from `wait4`."""
    stdout_path, stderr_path = logs / "stdout.txt", logs / "stderr.txt"
    with stdout_path.open("wb") as stdout, stderr_path.open("wb") as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(
            [str(executable), "rebalance", str(holdings), "--out", str(trades)],
            stdout=stdout,
            stderr=stderr,
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    output = stdout_path.read_text().strip().splitlines()
    if process.returncode != 0 or not output:
        raise SystemExit(
            f"advisor rebalance failed with status {process.returncode}:\n"
            + stderr_path.read_text()[-2000:]
        )
    return Run(wall, usage.ru_maxrss / 1024, json.loads(output[-1]))


def benchmark_size(
    executable: Path, accounts: int, runs: int, folder: Path, rng: np.random.Generator
) -> dict[str, Any]:
    """Generate the holdings for `accounts` accounts and time `runs` invocations."""
    holdings = folder / f"holdings_{accounts}.csv"
    trades = folder / f"trades_{accounts}.csv"
    rows = write_holdings(holdings, accounts, rng)
    measured = [run_cli(executable, holdings, trades, folder) for _ in range(runs)]
    stats = TimingStats.from_seconds([run.wall_seconds for run in measured])
    in_process = [float(run.summary["seconds"]) for run in measured]
    result = {
        "accounts": accounts,
        "holdings_rows": rows,
        "holdings_mb": holdings.stat().st_size / 1e6,
        "trades_mb": trades.stat().st_size / 1e6,
        "runs": runs,
        "wall_seconds": [run.wall_seconds for run in measured],
        "median_s": stats.median_ms / 1e3,
        "min_s": stats.min_ms / 1e3,
        "max_s": stats.max_ms / 1e3,
        "cli_reported_seconds_median": float(np.median(in_process)),
        "peak_rss_mb_max": max(run.peak_rss_mb for run in measured),
        "summary": measured[-1].summary,
    }
    print_size(result)
    return result


def print_size(result: dict[str, Any]) -> None:
    """One block per size: timings, what the CLI reported, and the target when it applies."""
    accounts = result["accounts"]
    print()
    print(
        f"== {accounts:,} accounts ({result['holdings_rows']:,} holdings rows, "
        f"{result['holdings_mb']:.1f} MB in, {result['trades_mb']:.1f} MB out), "
        f"{result['runs']} runs =="
    )
    print(
        f"   wall seconds: median {result['median_s']:.2f}, min {result['min_s']:.2f}, "
        f"max {result['max_s']:.2f}  (runs: "
        + ", ".join(f"{seconds:.2f}" for seconds in result["wall_seconds"])
        + ")"
    )
    print(
        f"   seconds reported by the CLI (after start-up; median): "
        f"{result['cli_reported_seconds_median']:.2f};  peak RSS {result['peak_rss_mb_max']:.0f} MB"
    )
    if accounts == TARGET_ACCOUNTS:
        met = result["median_s"] < TARGET_SECONDS
        print(
            f"   target: {TARGET_ACCOUNTS:,} accounts in < {TARGET_SECONDS:.0f} s -> "
            f"{'met' if met else 'NOT met'} (median {result['median_s']:.2f} s)"
        )
    print(f"   summary line of the last run: {json.dumps(result['summary'])}")


def print_scaling(results: Sequence[dict[str, Any]]) -> None:
    """How the median wall time grows with the number of accounts."""
    print()
    print(f"{'accounts':>10}{'median s':>10}{'ms/account':>12}{'rebalanced':>12}{'trades':>10}")
    for result in results:
        per_account = result["median_s"] / result["accounts"] * 1e3
        print(
            f"{result['accounts']:>10,}{result['median_s']:>10.2f}{per_account:>12.3f}"
            f"{result['summary']['rebalanced']:>12,}{result['summary']['trades']:>10,}"
        )


def main(argv: Sequence[str] | None = None) -> None:
    """Time the CLI at each size, print the figures and write the JSON results."""
    ensure_single_threaded_blas()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per size (default 5)")
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: one run at 1,000 and 10,000 accounts"
    )
    arguments = parser.parse_args(argv)
    runs = 1 if arguments.quick else arguments.runs
    sizes = SCALING_ACCOUNTS[:2] if arguments.quick else SCALING_ACCOUNTS

    machine = machine_description(PACKAGES)
    executable = advisor_executable()
    print("advisor rebalance CLI benchmark" + (" (--quick)" if arguments.quick else ""))
    print(format_machine(machine))
    print(f"command: {executable} rebalance HOLDINGS.csv --out TRADES.csv")
    rng = np.random.default_rng(SEED)
    with tempfile.TemporaryDirectory(prefix="advisor-bench-") as temporary:
        folder = Path(temporary)
        # One untimed run first, so that the timed runs do not pay for a cold page cache or for
        # writing __pycache__ files.
        warm_up = folder / "warm_up.csv"
        write_holdings(warm_up, 100, np.random.default_rng(0))
        run_cli(executable, warm_up, folder / "warm_up_trades.csv", folder)
        results = [benchmark_size(executable, accounts, runs, folder, rng) for accounts in sizes]
    print_scaling(results)
    print(f"load average at the end {load_average()}")
    payload = {
        "benchmark": "rebalance_cli",
        "mode": "quick" if arguments.quick else "full",
        "seed": SEED,
        "machine": machine,
        "holdings_per_account": HOLDINGS_PER_ACCOUNT,
        "target": {"accounts": TARGET_ACCOUNTS, "seconds": TARGET_SECONDS},
        "sizes": results,
        "load_average_at_end": load_average(),
    }
    path = write_json("rebalance_cli.json", payload)
    print(f"results written to {path}")


if __name__ == "__main__":
    main()
