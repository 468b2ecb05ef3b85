"""Scale of nightly batch rebalancing (`advisor rebalance --all`) on a real SQLite database.

Synthetic books of 10k, 100k and 1M accounts (`--quick`: 10k and 100k), each account one of the
five model portfolios of the shipped 16-product catalogue moved by a night of market noise: most
accounts stay within their bands, some drift out, a few have new cash to invest. Measured side by
side on the same machine and data:

1. the whole job, database to database, per backend: single process (`inline`), the local process
   pool and Ray, each with `--workers` workers (started before timing: start-up is shown apart);
   and, as the floor to compare against, the engine alone planning the same accounts in memory;
2. the database read alone (streaming, in the job's chunks), and the vectorised drift check of
   every account on holdings already in memory (target: 1M accounts in under 10 s);
3. re-optimization throughput, every account out of band, per backend (target: at least 5,000
   accounts/s on 2 cores for the 16-product catalogue), for the 16-product catalogue and for a
   synthetic 50-product universe (each product cloned into close variants: a larger fund shelf);
4. the 1M-account job run as the `advisor` command, for its wall time and peak memory (skipped by
   `--quick`).

Usage: python benchmarks/rebalance_scale.py [--quick] [--workers 2]
Results: benchmarks/results/rebalance_scale.json.
"""

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Literal

import numpy as np
from _common import (
    ensure_single_threaded_blas,
    format_machine,
    load_average,
    machine_description,
    write_json,
)

from advisor.engine.account_rebalance import AccountBook, Rebalancer
from advisor.engine.optimizer import MeanVarianceOptimizer, Universe
from advisor.jobs.backends import (
    Backend,
    BackendName,
    RuntimeRebalancer,
    open_backend,
)
from advisor.jobs.planning import screen, subset
from advisor.jobs.rebalance import JobOptions, read_chunks, run_rebalance
from advisor.runtime import Runtime
from advisor.settings import Settings
from advisor.storage import create_database_engine, upgrade_database

SEED = 20261130
AS_OF = date(2026, 11, 30)
SIZES = (10_000, 100_000, 1_000_000)
QUICK_SIZES = (10_000, 100_000)
BATCH = 1000  # the job's default chunk
DRIFTED_SHARE = 0.15  # accounts that had a rough night
CASH_SHARE = 0.05  # accounts with a deposit to invest
REOPT_ACCOUNTS = {16: 20_000, 50: 5_000}  # per re-optimization measurement, by universe size
LARGE_UNIVERSE = 50
DRIFT_BOOK = 100_000
LARGEST_IN_PROCESS_JOB = 100_000  # larger books run as the `advisor` command only
TARGET_DRIFT_SECONDS = 10.0
TARGET_REOPT_PER_SECOND = 5_000.0
SETTINGS = Settings(mode="advice")
TIMESTAMP = "2026-11-30 00:00:00.000000"  # SQLAlchemy's SQLite DateTime text format
BACKENDS: tuple[tuple[str, BackendName | Literal["inline"]], ...] = (
    ("single process", "inline"),
    ("local pool", "local"),
    ("ray", "ray"),
)


# Synthetic data -------------------------------------------------------------------------------


def synthetic_book(
    rebalancer: Rebalancer, accounts: int, rng: np.random.Generator, drifted_share: float
) -> AccountBook:
    """Accounts on their model portfolios moved by noise: 5 % a day's worth for most, 50 % for
    `drifted_share` of them; `CASH_SHARE` of them with a deposit."""
    levels = rng.integers(1, 6, size=accounts)
    models = np.stack([rebalancer.model_weights(level) for level in range(1, 6)])[levels - 1]
    totals = np.exp(rng.normal(np.log(50_000), 1.0, size=accounts))
    noise = np.where(rng.random(accounts) < drifted_share, 0.5, 0.05)[:, None]
    weights = models * np.exp(noise * rng.standard_normal(models.shape))
    weights /= weights.sum(axis=1, keepdims=True)
    values = np.round(weights * totals[:, None], 2)
    deposits = np.round(rng.uniform(100, 5000, size=accounts), 2)
    cash = np.where(rng.random(accounts) < CASH_SHARE, deposits, 0.0)
    months = np.zeros(accounts, dtype=np.int64)
    return AccountBook(tuple(map(str, range(accounts))), levels, values, cash, months)


def build_database(path: Path, rebalancer: Rebalancer, accounts: int) -> float:
    """A migrated SQLite database holding `accounts` synthetic accounts; returns seconds taken."""
    started = time.perf_counter()
    url = f"sqlite:///{path}"
    upgrade_database(url)
    products = np.array(rebalancer.optimizer.universe.product_ids)
    rng = np.random.default_rng(SEED)
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA synchronous=OFF")  # building the fixture only, not the job
    for start in range(0, accounts, 100_000):
        count = min(100_000, accounts - start)
        book = synthetic_book(rebalancer, count, rng, DRIFTED_SHARE)
        ids = np.arange(start + 1, start + count + 1)
        rows, columns = np.nonzero(book.values > 0)
        connection.execute("BEGIN")
        connection.executemany(
            "INSERT INTO investors (id, name, jurisdiction, created_at) VALUES (?, ?, 'US', ?)",
            ((int(i), f"Investor {i}", TIMESTAMP) for i in ids),
        )
        connection.executemany(
            "INSERT INTO accounts (id, investor_id, name, risk_level, currency, created_at) "
            "VALUES (?, ?, ?, ?, 'USD', ?)",
            (
                (int(i), int(i), f"Account {i}", int(level), TIMESTAMP)
                for i, level in zip(ids, book.risk_levels, strict=True)
            ),
        )
        holdings = zip(
            ids[rows].tolist(),
            products[columns].tolist(),
            book.values[rows, columns].tolist(),
            strict=True,
        )
        cash_rows = np.flatnonzero(book.cash > 0)
        cash = zip(ids[cash_rows].tolist(), book.cash[cash_rows].tolist(), strict=True)
        connection.executemany(
            "INSERT INTO holdings (account_id, product_id, value, updated_at, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [(a, p, v, TIMESTAMP, TIMESTAMP) for a, p, v in holdings]
            + [(a, "CASH", v, TIMESTAMP, TIMESTAMP) for a, v in cash],
        )
        connection.execute("COMMIT")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return time.perf_counter() - started


@dataclass(frozen=True)
class LargerShelf:
    """A `RebalancerSource` for a synthetic universe of `size` products: each product of the
    shipped catalogue cloned into close variants (own expected return, 2 % idiosyncratic
    volatility, same constraints), like a shelf with several funds per asset class."""

    settings: Settings
    size: int

    def __call__(self) -> Rebalancer:
        base = Runtime.load(self.settings).rebalancer
        universe = base.optimizer.universe
        origin = np.arange(self.size) % universe.size
        rng = np.random.default_rng(SEED)
        clone = np.eye(universe.size)[origin]  # size x base products
        covariance = clone @ universe.covariance @ clone.T + np.eye(self.size) * 0.02**2
        larger = Universe(
            product_ids=tuple(
                f"{universe.product_ids[k]}~{i}" for i, k in enumerate(origin.tolist())
            ),
            expected_returns=universe.expected_returns[origin] + rng.normal(0, 0.002, self.size),
            covariance=covariance,
            risk_levels=universe.risk_levels[origin],
            cash_like=universe.cash_like[origin],
            sleeve_exposures=universe.sleeve_exposures[:, origin],
            trading_costs=universe.trading_costs[origin],
        )
        requests = {
            level: replace(
                request,
                upper_bounds=request.upper_bounds[origin],
                current_weights=None,
            )
            for level, request in base.requests.items()
        }
        return Rebalancer(MeanVarianceOptimizer(larger), base.policy, requests)


# Measurements ---------------------------------------------------------------------------------


def plan_all(backend: Backend, book: AccountBook) -> tuple[float, int]:
    """Plan `book` in job-sized batches on `backend`, two batches per worker in flight; returns
    seconds and the number of accounts re-optimized."""
    started = time.perf_counter()
    waiting: deque[Callable[[], Any]] = deque()
    reoptimized = 0
    for start in range(0, len(book.account_ids), BATCH):
        rows = np.arange(start, min(start + BATCH, len(book.account_ids)))
        waiting.append(backend.submit(subset(book, rows)))
        while len(waiting) >= 2 * backend.workers:
            reoptimized += int(waiting.popleft()().reoptimized.sum())
    while waiting:
        reoptimized += int(waiting.popleft()().reoptimized.sum())
    return time.perf_counter() - started, reoptimized


def reoptimization(
    name: str, source: Callable[[], Rebalancer], workers: int
) -> list[dict[str, Any]]:
    """Accounts re-optimized per second, every account out of band, per backend."""
    rebalancer = source()
    accounts = REOPT_ACCOUNTS[rebalancer.optimizer.universe.size]
    book = synthetic_book(rebalancer, accounts, np.random.default_rng(SEED), 1.0)
    results = []
    for label, backend_name in BACKENDS:
        count = 1 if backend_name == "inline" else workers
        opening = time.perf_counter()
        with open_backend(backend_name, source, count, None, rebalancer) as backend:
            startup = time.perf_counter() - opening
            cpu_started = time.process_time()
            seconds, reoptimized = plan_all(backend, book)
            cpu = time.process_time() - cpu_started  # this process only: meaningful inline
        result = {
            "universe": name,
            "products": rebalancer.optimizer.universe.size,
            "backend": label,
            "workers": count,
            "accounts": accounts,
            "reoptimized": reoptimized,
            "seconds": seconds,
            "startup_seconds": startup,
            "per_second": reoptimized / seconds,
        }
        note = ""
        if backend_name == "inline":
            result["per_cpu_second"] = reoptimized / cpu
            note = f"; {reoptimized / cpu:,.0f} per CPU-second of this process"
        results.append(result)
        print(
            f"   {name:<22} {label:<15} {count} worker(s): {reoptimized / seconds:>8,.0f} "
            f"accounts/s re-optimized ({reoptimized:,} in {seconds:.2f} s; start-up "
            f"{startup:.1f} s{note})",
            flush=True,
        )
    return results


def drift_check(rebalancer: Rebalancer, book: AccountBook, repeats: int = 3) -> float:
    """Median seconds of the vectorised drift check over the whole book."""
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        screen(rebalancer, book)
        timings.append(time.perf_counter() - started)
    return float(np.median(timings))


def read_all(path: Path, products: Sequence[str]) -> tuple[AccountBook, float]:
    """Every account of the database through the job's chunked reader, and the seconds taken."""
    engine = create_database_engine(f"sqlite:///{path}")
    started = time.perf_counter()
    parts = [chunk.book for chunk in read_chunks(engine, "benchmark-read", AS_OF, products)]
    seconds = time.perf_counter() - started
    engine.dispose()
    book = AccountBook(
        account_ids=tuple(a for part in parts for a in part.account_ids),
        risk_levels=np.concatenate([part.risk_levels for part in parts]),
        values=np.concatenate([part.values for part in parts]),
        cash=np.concatenate([part.cash for part in parts]),
        months_since_rebalance=np.concatenate(
            [np.asarray(part.months_since_rebalance) for part in parts]
        ),
    )
    return book, seconds


def whole_job(
    database: Path, scratch: Path, rebalancer: Rebalancer, workers: int
) -> list[dict[str, Any]]:
    """The job on a fresh copy of `database` per backend; the backend is started first."""
    source = RuntimeRebalancer(SETTINGS)
    results = []
    for label, backend_name in BACKENDS:
        count = 1 if backend_name == "inline" else workers
        copy = scratch / f"job-{backend_name}.db"
        shutil.copyfile(database, copy)
        engine = create_database_engine(f"sqlite:///{copy}")
        opening = time.perf_counter()
        with open_backend(backend_name, source, count, None, rebalancer) as backend:
            startup = time.perf_counter() - opening
            options = JobOptions(run_id="benchmark", backend="inline", workers=count, as_of=AS_OF)
            started = time.perf_counter()
            summary = run_rebalance(engine, "advice", options, source, rebalancer, backend=backend)
            seconds = time.perf_counter() - started
        engine.dispose()
        copy.unlink()
        result = {
            "backend": label,
            "workers": count,
            "accounts": summary.accounts,
            "executed": summary.executed,
            "in_band": summary.in_band,
            "reoptimized": summary.reoptimized,
            "seconds": seconds,
            "startup_seconds": startup,
            "accounts_per_second": summary.accounts / seconds,
        }
        results.append(result)
        print(
            f"   job, {label:<15} {count} worker(s): {summary.accounts:>9,} accounts in "
            f"{seconds:7.1f} s = {summary.accounts / seconds:>7,.0f}/s; {summary.executed:,} "
            f"traded ({summary.reoptimized:,} re-optimized); start-up {startup:.1f} s",
            flush=True,
        )
    return results


def engine_alone(rebalancer: Rebalancer, book: AccountBook) -> dict[str, float]:
    """The peer floor: planning the same accounts in memory, one process, no database."""
    started = time.perf_counter()
    plan = rebalancer.plan(book)
    seconds = time.perf_counter() - started
    accounts = len(book.account_ids)
    print(
        f"   engine alone in memory, 1 process: {accounts:>9,} accounts in {seconds:7.1f} s = "
        f"{accounts / seconds:>7,.0f}/s ({int(plan.reoptimized.sum()):,} re-optimized)",
        flush=True,
    )
    return {"seconds": seconds, "accounts_per_second": accounts / seconds}


def rss_mb(pid: int) -> float:
    """A process's resident memory in MB, from /proc (0 once it has gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children_of(pid: int) -> list[int]:
    """The direct children of a process, from /proc."""
    try:
        return [
            int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        ]
    except OSError:
        return []


def cli_job(database: Path, scratch: Path, workers: int) -> dict[str, Any]:
    """`advisor rebalance --all` as a command on a copy of `database`: wall time, and memory
    sampled from /proc every half second: the driver's peak, and the peak of the driver plus its
    workers. (`wait4`'s ru_maxrss cannot be used: a child spawned from this large process starts
    with this process's high-water mark.)"""
    copy = scratch / "cli.db"
    shutil.copyfile(database, copy)
    environment = {
        **os.environ,
        "ADVISOR_DATABASE_URL": f"sqlite:///{copy}",
        "ADVISOR_DATA_DIR": str(scratch),
        "ADVISOR_MODE": "advice",
    }
    command = [
        str(Path(sys.executable).parent / "advisor"),
        "rebalance",
        "--all",
        "--run-id",
        "benchmark-cli",
        "--as-of",
        AS_OF.isoformat(),
        "--workers",
        str(workers),
    ]
    started = time.perf_counter()
    process = subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, text=True)
    driver_peak = tree_peak = 0.0
    while process.poll() is None:
        driver = rss_mb(process.pid)
        tree = driver + sum(rss_mb(child) for child in children_of(process.pid))
        driver_peak, tree_peak = max(driver_peak, driver), max(tree_peak, tree)
        time.sleep(0.5)
    seconds = time.perf_counter() - started
    output = process.stdout.read() if process.stdout else ""
    copy.unlink()
    if process.returncode != 0:
        raise SystemExit(f"advisor rebalance --all failed with status {process.returncode}")
    result = {
        "seconds": seconds,
        "driver_peak_rss_mb": driver_peak,
        "driver_and_workers_peak_rss_mb": tree_peak,
        "summary": output.strip().splitlines()[-1],
    }
    print(
        f"   advisor rebalance --all (local pool, {workers} workers): {seconds:.1f} s wall; "
        f"peak memory: driver {driver_peak:,.0f} MB, driver and workers {tree_peak:,.0f} MB\n"
        f"   summary: {result['summary']}",
        flush=True,
    )
    return result


# Report ---------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k and 100k accounts only")
    parser.add_argument("--workers", type=int, default=2, help="workers per parallel backend")
    parser.add_argument("--keep", type=Path, help="keep the databases in this directory")
    args = parser.parse_args(argv)
    ensure_single_threaded_blas()
    sizes = QUICK_SIZES if args.quick else SIZES
    machine = machine_description(("numpy", "scipy", "cvxpy", "clarabel", "sqlalchemy", "ray"))
    print("Batch rebalancing at scale (advisor rebalance --all), SQLite")
    print(format_machine(machine), flush=True)

    import ray

    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray.init(num_cpus=args.workers, include_dashboard=False, log_to_driver=False)
    rebalancer = Runtime.load(SETTINGS).rebalancer
    products = rebalancer.optimizer.universe.product_ids
    scratch = Path(tempfile.mkdtemp(prefix="rebalance-scale-", dir=args.keep))
    payload: dict[str, Any] = {
        "benchmark": "rebalance_scale",
        "mode": "quick" if args.quick else "full",
        "seed": SEED,
        "machine": machine,
        "drifted_share": DRIFTED_SHARE,
        "cash_share": CASH_SHARE,
        "batch_size": BATCH,
        "targets": {
            "drift_check_1m_seconds": TARGET_DRIFT_SECONDS,
            "reoptimized_per_second_2_cores": TARGET_REOPT_PER_SECOND,
        },
    }
    try:
        print("\n1. Re-optimization throughput, every account out of band", flush=True)
        small = RuntimeRebalancer(SETTINGS)
        large = LargerShelf(SETTINGS, LARGE_UNIVERSE)
        reopt = reoptimization("16-product catalogue", small, args.workers)
        reopt += reoptimization(f"{LARGE_UNIVERSE}-product universe", large, args.workers)
        payload["reoptimization"] = reopt

        sizes_out = []
        for accounts in sizes:
            print(f"\n2. {accounts:,} accounts", flush=True)
            database = scratch / f"accounts-{accounts}.db"
            built = build_database(database, rebalancer, accounts)
            size_mb = database.stat().st_size / 1e6
            print(f"   database built in {built:.1f} s ({size_mb:,.0f} MB)", flush=True)
            book, read_seconds = read_all(database, products)
            print(
                f"   database read, streaming in chunks of {BATCH}: {read_seconds:.1f} s = "
                f"{accounts / read_seconds:,.0f} accounts/s",
                flush=True,
            )
            drift_seconds = drift_check(rebalancer, book)
            to_plan = int(screen(rebalancer, book).to_plan.sum())
            print(
                f"   drift check on loaded holdings: {drift_seconds:.2f} s = "
                f"{accounts / drift_seconds:,.0f} accounts/s ({to_plan:,} to plan)",
                flush=True,
            )
            entry: dict[str, Any] = {
                "accounts": accounts,
                "database_mb": size_mb,
                "build_seconds": built,
                "read_seconds": read_seconds,
                "drift_check_seconds": drift_seconds,
                "accounts_to_plan": to_plan,
            }
            if accounts <= LARGEST_IN_PROCESS_JOB:
                entry["engine_alone"] = engine_alone(rebalancer, book)
                entry["job"] = whole_job(database, scratch, rebalancer, args.workers)
            else:
                entry["cli_job"] = cli_job(database, scratch, args.workers)
            del book
            database.unlink()
            sizes_out.append(entry)
        payload["sizes"] = sizes_out
        print(f"\n3. Larger catalogue: drift check of {DRIFT_BOOK:,} accounts", flush=True)
        larger = large()
        payload["drift_by_catalogue"] = []
        for name, planner in (("16-product catalogue", rebalancer), ("50-product", larger)):
            book = synthetic_book(planner, DRIFT_BOOK, np.random.default_rng(SEED), DRIFTED_SHARE)
            seconds = drift_check(planner, book)
            payload["drift_by_catalogue"].append({"universe": name, "seconds": seconds})
            print(f"   {name:<22} {seconds:.3f} s", flush=True)
    finally:
        ray.shutdown()
        if args.keep is None:
            shutil.rmtree(scratch, ignore_errors=True)
    payload["load_average_at_end"] = load_average()
    print_summary(payload, args.workers)
    path = write_json("rebalance_scale.json", payload)
    print(f"\nresults: {path}")


def print_summary(payload: dict[str, Any], workers: int) -> None:
    """The figures the issue asks for, as ratios against the single-process baseline."""
    print(f"\nSummary (load average at end {payload['load_average_at_end']})")
    reopt = {(r["universe"][:2], r["backend"]): r["per_second"] for r in payload["reoptimization"]}
    for universe in ("16", "50"):
        single = reopt[(universe, "single process")]
        local, ray = reopt[(universe, "local pool")], reopt[(universe, "ray")]
        print(
            f"  re-optimization, {universe} products: single {single:,.0f}/s | local pool "
            f"{local:,.0f}/s ({local / single:.2f}x) | ray {ray:,.0f}/s ({ray / single:.2f}x)"
        )
    best = max(reopt[("16", "local pool")], reopt[("16", "ray")])
    verdict = "met" if best >= TARGET_REOPT_PER_SECOND else "NOT met"
    print(
        f"  target >= {TARGET_REOPT_PER_SECOND:,.0f}/s on {workers} cores, 16 products: {verdict} "
        f"(best {best:,.0f}/s)"
    )
    single = next(r for r in payload["reoptimization"] if r["products"] == 16 and r["workers"] == 1)
    print(
        f"  single process per CPU-second (what one core delivers with no one else on it): "
        f"{single['per_cpu_second']:,.0f}/s; on {workers} such cores at best "
        f"{workers * single['per_cpu_second']:,.0f}/s (an extrapolation, not a measurement)"
    )
    ratio = reopt[("50", "single process")] / reopt[("16", "single process")]
    print(f"  50 vs 16 products, single process: {ratio:.2f}x the throughput")
    for entry in payload["sizes"]:
        accounts = entry["accounts"]
        line = (
            f"  {accounts:>9,} accounts: read {entry['read_seconds']:.1f} s, drift check "
            f"{entry['drift_check_seconds']:.2f} s"
        )
        if "job" in entry:
            jobs = {job["backend"]: job["accounts_per_second"] for job in entry["job"]}
            single = jobs["single process"]
            line += (
                f"; job single {single:,.0f}/s | local pool {jobs['local pool']:,.0f}/s "
                f"({jobs['local pool'] / single:.2f}x) | ray {jobs['ray']:,.0f}/s "
                f"({jobs['ray'] / single:.2f}x) | engine alone in memory "
                f"{entry['engine_alone']['accounts_per_second']:,.0f}/s"
            )
        if "cli_job" in entry:
            cli = entry["cli_job"]
            line += (
                f"; whole command {cli['seconds']:.0f} s = {accounts / cli['seconds']:,.0f}/s, "
                f"peak memory {cli['driver_peak_rss_mb']:,.0f} MB driver, "
                f"{cli['driver_and_workers_peak_rss_mb']:,.0f} MB with workers"
            )
        print(line)
    by_size = {entry["accounts"]: entry for entry in payload["sizes"]}
    if 1_000_000 in by_size:
        drift = by_size[1_000_000]["drift_check_seconds"]
        verdict = "met" if drift < TARGET_DRIFT_SECONDS else "NOT met"
        print(
            f"  drift check of 1M accounts < {TARGET_DRIFT_SECONDS:.0f} s: {verdict} "
            f"({drift:.2f} s)"
        )
    if 10_000 in by_size and 100_000 in by_size:
        small, big = by_size[10_000], by_size[100_000]
        for label in ("single process", "local pool", "ray"):
            a = next(j for j in small["job"] if j["backend"] == label)["seconds"]
            b = next(j for j in big["job"] if j["backend"] == label)["seconds"]
            print(f"  job time 100k / 10k, {label}: {b / a:.1f}x (linear would be 10x)")


if __name__ == "__main__":
    main()
