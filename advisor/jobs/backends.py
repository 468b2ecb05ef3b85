"""Where the re-optimization of a run's account batches happens: in this process, in a local
process pool, or on a Ray cluster. Every backend runs the same `Rebalancer.plan` on the same
batches, built once per worker from the same `RebalancerSource`, so they give identical trades.

A backend is used as `with open_backend(...) as backend: wait = backend.submit(book)`; `wait()`
blocks until that batch's plan is back. The caller bounds how many batches are in flight, so a
run of any size holds only a few batches in memory.
"""

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import numpy as np

from advisor.engine.account_rebalance import AccountBook, Rebalancer, TradePlan
from advisor.errors import AdvisorError
from advisor.jobs.planning import RebalancerSource
from advisor.settings import Settings

BackendName = Literal["local", "ray"]
PlanWaiter = Callable[[], TradePlan]


class Backend(Protocol):
    """Plans batches of accounts, possibly elsewhere."""

    workers: int

    def submit(self, book: AccountBook) -> PlanWaiter:
        """Start planning `book`; the returned callable waits for and returns its plan."""
        ...


@dataclass(frozen=True)
class RuntimeRebalancer:
    """The production `RebalancerSource`: the rebalancer of the runtime the settings load."""

    settings: Settings

    def __call__(self) -> Rebalancer:
        from advisor.runtime import Runtime  # the worker's only heavy import

        return Runtime.load(self.settings).rebalancer


@dataclass
class InProcess:
    """Plans each batch when it is submitted, in this process: the single-process baseline."""

    rebalancer: Rebalancer
    workers: int = 1

    def submit(self, book: AccountBook) -> PlanWaiter:
        plan = self.rebalancer.plan(book)
        return lambda: plan


# The rebalancer of a pool worker process, built by `_start_worker` when the process starts: a
# process-wide cache is the only way a `concurrent.futures` worker can keep state between tasks.
_worker_rebalancer: Rebalancer | None = None


def _start_worker(source: RebalancerSource) -> None:
    global _worker_rebalancer
    _worker_rebalancer = source()


def _plan_in_worker(book: AccountBook) -> TradePlan:
    if _worker_rebalancer is None:
        raise RuntimeError("the pool worker was started without its rebalancer")
    return _worker_rebalancer.plan(book)


@dataclass
class LocalPool:
    """A pool of `workers` local processes, each with its own rebalancer."""

    pool: ProcessPoolExecutor
    workers: int

    def submit(self, book: AccountBook) -> PlanWaiter:
        future = self.pool.submit(_plan_in_worker, book)
        return future.result


@dataclass
class RayActors:
    """One Ray actor per worker, each holding a rebalancer; batches go round-robin."""

    actors: list[Any]
    workers: int
    _next: int = 0

    def submit(self, book: AccountBook) -> PlanWaiter:
        import ray

        actor = self.actors[self._next % len(self.actors)]
        self._next += 1
        reference = actor.plan.remote(book)
        return lambda: ray.get(reference)


@contextmanager
def open_backend(
    name: BackendName | Literal["inline"],
    source: RebalancerSource,
    workers: int,
    ray_address: str | None = None,
    driver_rebalancer: Rebalancer | None = None,
) -> Iterator[Backend]:
    """A ready backend: `inline` (this process), `local` (a process pool; one worker plans in
    this process) or `ray` (`ray.init(address=ray_address)`, a local Ray with `workers` CPUs when
    no address is given). Workers have built their rebalancers when this returns, so start-up is
    not counted as planning time. `driver_rebalancer` saves building one more in this process."""
    if workers < 1:
        raise AdvisorError(f"--workers must be at least 1, got {workers}")
    if name == "inline" or (name == "local" and workers == 1):
        yield InProcess(driver_rebalancer or source(), workers=1)
    elif name == "local":
        with _local_pool(source, workers) as pool:
            yield pool
    elif name == "ray":
        with _ray_actors(source, workers, ray_address) as actors:
            yield actors
    else:
        raise AdvisorError(f"Unknown backend {name!r}; expected local or ray")


@contextmanager
def _local_pool(source: RebalancerSource, workers: int) -> Iterator[LocalPool]:
    # fork: a worker starts with this process's imports already loaded, and builds only its own
    # rebalancer; this process holds no lock or connection in use while the pool forks.
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_start_worker, initargs=(source,)
    )
    try:
        # Start every worker now (an empty batch each), so a worker that cannot build its
        # rebalancer fails the run before any account is read.
        empty = AccountBook((), np.zeros(0, dtype=np.int64), np.zeros((0, 0)), np.zeros(0))
        for future in [pool.submit(_plan_in_worker, empty) for _ in range(workers)]:
            future.result()
        yield LocalPool(pool, workers)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def _ray_actors(source: RebalancerSource, workers: int, address: str | None) -> Iterator[RayActors]:
    try:
        import ray
    except ImportError as error:
        raise AdvisorError(
            "The ray backend needs the Python package 'ray', which is not installed"
        ) from error

    started_here = not ray.is_initialized()
    if started_here:
        if address:
            ray.init(address=address, log_to_driver=False)
        else:
            # A private local Ray bounded to `workers` CPUs; no dashboard, no usage reporting.
            os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
            ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
    try:
        actor_class = ray.remote(num_cpus=1)(_PlanActor)
        actors = [actor_class.remote(source) for _ in range(workers)]
        ray.get([actor.ready.remote() for actor in actors])  # type: ignore[attr-defined]
        yield RayActors(actors, workers)
    finally:
        if started_here:
            ray.shutdown()


class _PlanActor:
    """A Ray actor that builds its rebalancer once and plans the batches sent to it."""

    def __init__(self, source: RebalancerSource) -> None:
        self._rebalancer = source()

    def ready(self) -> bool:
        return True

    def plan(self, book: AccountBook) -> TradePlan:
        return self._rebalancer.plan(book)
