"""The batch rebalancing job against a real database, real worker processes and a real local Ray:
its results, its idempotence by run id, a kill in the middle of a run, and a locked database.

The database is a SQLite file, or a fresh database on the PostgreSQL server named by
ADVISOR_TEST_DATABASE_URL (see tests/conftest.py); the lock tests hold SQLite's own write lock, so
they always run on SQLite.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError

from advisor.engine.account_rebalance import AccountBook, Rebalancer
from advisor.errors import AdvisorError
from advisor.jobs.backends import RuntimeRebalancer
from advisor.jobs.planning import screen, subset
from advisor.jobs.rebalance import CASH, JobOptions, run_rebalance
from advisor.runtime import Runtime
from advisor.settings import Settings
from advisor.storage import Store, create_database_engine, upgrade_database
from advisor.storage.models import (
    Account,
    AuditEvent,
    Holding,
    Investor,
    Proposal,
    RebalanceOutcome,
    RebalanceRun,
    RebalanceRunAccount,
    TradingHold,
)
from advisor.storage.retry import (
    DatabaseUnavailable,
    RetryPolicy,
    set_sqlite_busy_timeout,
    with_retries,
)
from tests.conftest import drop_database, new_database_url

AS_OF = date(2026, 11, 30)
ADVICE = Settings(mode="advice")


@pytest.fixture(scope="module")
def rebalancer(runtime: Runtime) -> Rebalancer:
    return runtime.rebalancer


@pytest.fixture
def databases(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Makes migrated, empty databases by name; returns their URLs, drops them at the end."""
    made: list[str] = []

    def new(name: str) -> str:
        directory = tmp_path / name
        directory.mkdir()
        url = new_database_url(directory)
        upgrade_database(url)
        made.append(url)
        return url

    yield new
    for url in made:
        drop_database(url)


def new_database(url_or_path: str | Path) -> Engine:
    """An engine on a migrated database: a URL from `databases`, or a SQLite file path."""
    url = url_or_path if isinstance(url_or_path, str) else f"sqlite:///{url_or_path}"
    upgrade_database(url)
    return create_database_engine(url)


def seed(engine: Engine, rebalancer: Rebalancer, accounts: int, seed: int = 7) -> None:
    """`accounts` accounts, one investor each: a third exactly on their model portfolio, the rest
    drifted at random; some with cash, some once rebalanced long ago, one holding a product that
    is not in the catalogue, one empty."""
    rng = np.random.default_rng(seed)
    products = rebalancer.optimizer.universe.product_ids
    now = datetime.now(UTC)
    investors = [
        {"id": i, "name": f"Investor {i}", "jurisdiction": "US", "created_at": now}
        for i in range(1, accounts + 1)
    ]
    levels = rng.integers(1, 6, size=accounts)
    rows = []
    holdings: list[dict[str, Any]] = []
    for i in range(1, accounts + 1):
        level = int(levels[i - 1])
        long_ago = now - timedelta(days=500) if i % 11 == 0 else None
        rows.append(
            {
                "id": i,
                "investor_id": i,
                "name": f"Account {i}",
                "risk_level": level,
                "currency": "USD",
                "last_rebalanced_at": long_ago,
                "created_at": now,
            }
        )
        total = float(np.exp(rng.normal(np.log(50_000), 1.0)))
        if i % 3 == 0:
            weights = rebalancer.model_weights(level)
        else:
            weights = rng.dirichlet(np.ones(len(products))) * (rng.random(len(products)) < 0.5)
            weights = weights / weights.sum() if weights.sum() > 0 else weights
        values = {
            p: round(total * w, 2)
            for p, w in zip(products, weights, strict=True)
            if round(total * w, 2) > 0
        }
        if i % 5 == 0:
            values[CASH] = round(float(rng.uniform(100, 5000)), 2)
        if i == 4:
            values["not_a_product"] = 1000.0
        if i == 8:
            values = {}
        holdings += [
            {"account_id": i, "product_id": p, "value": v, "updated_at": now, "created_at": now}
            for p, v in values.items()
        ]
    with engine.begin() as connection:
        connection.execute(Investor.__table__.insert(), investors)
        connection.execute(Account.__table__.insert(), rows)
        connection.execute(Holding.__table__.insert(), holdings)


def snapshot(engine: Engine) -> dict[str, Any]:
    """What a run leaves behind, without ids and timestamps: holdings, outcomes, proposals and
    the per-account audit events."""
    with engine.connect() as connection:
        holdings = {
            (a, p): float(v)
            for a, p, v in connection.execute(
                select(Holding.account_id, Holding.product_id, Holding.value)
            )
        }
        outcomes = {
            a: (o, t)
            for a, o, t in connection.execute(
                select(
                    RebalanceRunAccount.account_id,
                    RebalanceRunAccount.outcome,
                    RebalanceRunAccount.trades,
                )
            )
        }
        proposals = sorted(
            (a, s, sorted(w.items()))
            for a, s, w in connection.execute(
                select(Proposal.account_id, Proposal.status, Proposal.weights)
            )
        )
        events = sorted(
            (int(s or 0), a, sorted((k, str(v)) for k, v in p.items() if k != "proposal_id"))
            for a, s, p in connection.execute(
                select(AuditEvent.action, AuditEvent.subject_id, AuditEvent.payload).where(
                    AuditEvent.subject_type == "account"
                )
            )
        )
    return {"holdings": holdings, "outcomes": outcomes, "proposals": proposals, "events": events}


def account_totals(engine: Engine) -> dict[int, int]:
    """Each account's value in cents, cash included."""
    with engine.connect() as connection:
        rows = connection.execute(select(Holding.account_id, Holding.value))
        totals: dict[int, int] = {}
        for account_id, value in rows:
            totals[account_id] = totals.get(account_id, 0) + round(float(value) * 100)
    return totals


def run(
    engine: Engine,
    rebalancer: Rebalancer,
    run_id: str = "r1",
    settings: Settings = ADVICE,
    progress: Callable[[int], None] | None = None,
    **options: Any,
) -> Any:
    return run_rebalance(
        engine,
        settings.mode,
        JobOptions(run_id=run_id, as_of=AS_OF, **{"backend": "inline", **options}),
        RuntimeRebalancer(settings),
        rebalancer,
        progress,
    )


# The drift screen


def test_the_screen_passes_every_account_the_rebalancer_would_trade(rebalancer: Rebalancer):
    rng = np.random.default_rng(3)
    size, count = rebalancer.optimizer.universe.size, 3000
    levels = rng.integers(1, 6, size=count)
    values = np.stack([rebalancer.model_weights(int(level)) for level in levels]) * 10_000
    drifted = rng.random(count) < 0.5
    values[drifted] = rng.dirichlet(np.ones(size), size=int(drifted.sum())) * 10_000
    values[rng.random(count) < 0.2] *= rng.uniform(0.9, 1.1, size=size)  # small drift
    cash = np.where(rng.random(count) < 0.1, 500.0, 0.0)
    months = rng.integers(0, 24, size=count)
    book = AccountBook(tuple(map(str, range(count))), levels, values, cash, months)

    checked = screen(rebalancer, book)
    whole = rebalancer.plan(book)
    rows = np.flatnonzero(checked.to_plan)
    part = rebalancer.plan(subset(book, rows))

    assert 0 < len(rows) < count  # the screen does leave accounts out
    assert not whole.trades[~checked.to_plan].any()
    np.testing.assert_array_equal(part.trades, whole.trades[rows])
    np.testing.assert_array_equal(part.target_weights, whole.target_weights[rows])


# One run


def test_a_run_trades_each_account_once_and_audits_it(
    databases: Callable[[str], str], rebalancer: Rebalancer
):
    engine = new_database(databases("a"))
    seed(engine, rebalancer, 300)
    store = Store(engine)
    store_hold = TradingHold(
        investor_id=10,
        reason="checking a call",
        placed_by="advisor",
        until=datetime.now(UTC) + timedelta(days=1),
    )
    with store.transaction() as session:
        session.add(store_hold)
    before = account_totals(engine)

    summary = run(engine, rebalancer, batch_size=64)

    assert summary.status == "finished" and summary.accounts == 300
    assert summary.executed > 50 and summary.in_band > 50 and summary.reoptimized > 0
    assert summary.skipped == 1 and summary.proposed == 1  # account 4; account 10 is on hold
    after = account_totals(engine)
    assert after == before  # trades move money between products, never in or out
    state = snapshot(engine)
    assert set(state["outcomes"]) == set(range(1, 301))
    assert state["outcomes"][4][0] == RebalanceOutcome.SKIPPED
    assert state["outcomes"][8][0] == RebalanceOutcome.IN_BAND  # nothing to trade
    assert state["outcomes"][10][0] == RebalanceOutcome.PROPOSED
    with store.transaction() as session:
        per_account = session.execute(
            select(AuditEvent.subject_id, func.count())
            .where(AuditEvent.run_id == "r1", AuditEvent.subject_type == "account")
            .group_by(AuditEvent.subject_id)
        ).all()
        executed = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "rebalance.executed")
        ).all()
    assert len(per_account) == 300 and {count for _, count in per_account} == {1}
    assert len(executed) == summary.executed
    for event in executed:  # the event holds exactly the holdings now in the database
        held = store.holdings(int(event.subject_id or 0))
        assert held == pytest.approx(event.payload["holdings_after"], abs=0.001)
        assert all(value >= 0 for value in held.values())
    assert store.verify_audit_chain() is None

    rerun = run(engine, rebalancer, batch_size=64)
    assert rerun.status == "finished" and rerun.accounts == 0
    assert snapshot(engine) == state


def test_education_mode_only_drafts_proposals(
    databases: Callable[[str], str], rebalancer: Rebalancer
):
    engine = new_database(databases("e"))
    seed(engine, rebalancer, 60)
    before = snapshot(engine)["holdings"]

    summary = run(engine, rebalancer, settings=Settings(mode="education"))

    assert summary.executed == 0 and summary.proposed > 10
    state = snapshot(engine)
    assert state["holdings"] == before
    assert {status for _, status, _ in state["proposals"]} == {"draft"}
    with pytest.raises(AdvisorError, match="started in education mode"):
        run(engine, rebalancer, settings=ADVICE)


# Backends


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    ray = pytest.importorskip("ray")
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def test_local_pool_and_ray_give_identical_results(
    databases: Callable[[str], str], rebalancer: Rebalancer, local_ray: None
):
    results = {}
    for backend, workers in (("inline", 1), ("local", 2), ("ray", 2)):
        engine = new_database(databases(backend))
        seed(engine, rebalancer, 400)
        summary = run(engine, rebalancer, backend=backend, workers=workers, batch_size=40)
        assert summary.status == "finished" and summary.accounts == 400
        results[backend] = snapshot(engine)
        engine.dispose()
    assert results["local"] == results["inline"]
    assert results["ray"] == results["inline"]


# A process killed in the middle of a run


def test_a_killed_run_resumes_without_trading_any_account_twice(
    tmp_path: Path, databases: Callable[[str], str], rebalancer: Rebalancer
):
    accounts, run_id = 3000, "nightly-killed"
    killed_url, reference_url = databases("killed"), databases("reference")
    killed, reference = new_database(killed_url), new_database(reference_url)
    seed(killed, rebalancer, accounts)
    seed(reference, rebalancer, accounts)
    environment = {
        **os.environ,
        "ADVISOR_DATABASE_URL": killed_url,
        "ADVISOR_DATA_DIR": str(tmp_path),
        "ADVISOR_MODE": "advice",
    }
    command = [
        str(Path(sys.executable).parent / "advisor"),
        "rebalance",
        "--all",
        "--run-id",
        run_id,
        "--as-of",
        AS_OF.isoformat(),
        "--workers",
        "1",
        "--batch-size",
        "25",
    ]
    process = subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, text=True)
    completed = select(func.count()).select_from(RebalanceRunAccount)
    done_at_kill = 0
    deadline = time.monotonic() + 120
    with killed.connect() as monitor:
        while time.monotonic() < deadline and process.poll() is None:
            done_at_kill = monitor.execute(completed).scalar_one()
            monitor.rollback()  # the next poll sees newly committed rows
            if done_at_kill >= 200:
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.01)
    process.wait()
    with killed.connect() as monitor:
        done_after_kill = monitor.execute(completed).scalar_one()
    assert process.returncode == -signal.SIGKILL, "the run ended before it could be killed"
    assert 200 <= done_at_kill <= done_after_kill < accounts

    resumed = subprocess.run(command, env=environment, capture_output=True, text=True, check=True)
    summary = resumed.stdout.strip().splitlines()[-1]
    assert '"status":"finished"' in summary
    assert f'"accounts":{accounts - done_after_kill}' in summary

    run(reference, rebalancer, run_id=run_id, batch_size=25)
    assert snapshot(killed) == snapshot(reference)  # same holdings, outcomes, proposals, events
    with killed.connect() as connection:
        per_account = connection.execute(
            select(func.count(), func.count(func.distinct(AuditEvent.subject_id))).where(
                AuditEvent.run_id == run_id, AuditEvent.subject_type == "account"
            )
        ).one()
        proposals = connection.execute(
            select(func.count(), func.count(func.distinct(Proposal.account_id)))
        ).one()
        actions = connection.scalars(
            select(AuditEvent.action).where(AuditEvent.subject_type == "rebalance_run")
        ).all()
    assert tuple(per_account) == (accounts, accounts)  # one event per account, none twice
    assert proposals[0] == proposals[1]  # at most one proposal per account
    assert actions == ["rebalance.run_started", "rebalance.run_resumed", "rebalance.run_finished"]
    assert Store(killed).verify_audit_chain() is None


def test_a_second_completion_of_an_account_is_refused_by_the_database(
    databases: Callable[[str], str], rebalancer: Rebalancer
):
    engine = new_database(databases("pk"))
    seed(engine, rebalancer, 5)
    run(engine, rebalancer)
    with pytest.raises(IntegrityError), Store(engine).transaction() as session:
        session.add(RebalanceRunAccount(run_id="r1", account_id=1, outcome="executed", trades=1))


# A locked database


FAST_RETRIES = RetryPolicy(attempts=4, first_delay=0.05, max_delay=0.2)


def lock(path: Path) -> sqlite3.Connection:
    """A second connection holding SQLite's write lock until it rolls back."""
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    return holder


def test_a_lock_released_within_the_retries_is_waited_out(tmp_path: Path, rebalancer: Rebalancer):
    path = tmp_path / "locked.db"
    engine = new_database(path)
    seed(engine, rebalancer, 100)
    set_sqlite_busy_timeout(engine, 50)
    engine.dispose()  # new connections get the short timeout
    holder = lock(path)
    threading.Timer(0.3, holder.rollback).start()

    patient = RetryPolicy(attempts=8, first_delay=0.1, max_delay=0.4)
    summary = run(engine, rebalancer, retry=patient, batch_size=30)

    assert summary.status == "finished" and summary.accounts == 100
    holder.close()


def test_a_lock_held_past_the_retries_fails_clearly_and_leaves_no_partial_batch(
    tmp_path: Path, rebalancer: Rebalancer
):
    path = tmp_path / "locked.db"
    engine = new_database(path)
    seed(engine, rebalancer, 100)
    set_sqlite_busy_timeout(engine, 50)
    engine.dispose()
    before = snapshot(engine)["holdings"]
    holders: list[sqlite3.Connection] = []

    def lock_after_first_batch(done: int) -> None:
        if not holders:
            holders.append(lock(path))

    with pytest.raises(DatabaseUnavailable) as failure:
        run(engine, rebalancer, retry=FAST_RETRIES, batch_size=30, progress=lock_after_first_batch)
    message = str(failure.value)
    assert str(path) in message and "locked" in message and "4 times" in message
    holders[0].rollback()

    state = snapshot(engine)
    assert set(state["outcomes"]) == set(range(1, 31))  # the first batch, committed whole
    untouched = {key: value for key, value in before.items() if key[0] > 30}
    assert {key: value for key, value in state["holdings"].items() if key[0] > 30} == untouched
    assert {subject for subject, _, _ in state["events"]} == set(range(1, 31))

    resumed = run(engine, rebalancer, retry=FAST_RETRIES, batch_size=30)
    assert resumed.status == "finished" and resumed.accounts == 70
    assert set(snapshot(engine)["outcomes"]) == set(range(1, 101))
    with Store(engine).transaction() as session:
        status = session.get(RebalanceRun, "r1")
    assert status is not None and status.status == "finished"
    holders[0].close()


def test_retries_give_up_at_once_on_an_error_that_is_not_transient(
    databases: Callable[[str], str],
):
    engine = new_database(databases("x"))
    calls = []

    def duplicate() -> None:
        calls.append(1)
        with Store(engine).transaction() as session:
            session.add(Investor(id=1, name="A", jurisdiction="US"))
            session.add(Investor(id=1, name="B", jurisdiction="US"))

    with pytest.raises(IntegrityError):
        with_retries(duplicate, database="x", what="adding", policy=FAST_RETRIES)
    assert calls == [1]


# Goals: automatic rebalancing follows the glide path


def test_an_account_funding_a_near_goal_is_rebalanced_down_its_glide_path(
    databases: Callable[[str], str], rebalancer: Rebalancer, runtime: Runtime
):
    from advisor.planning.service import Planning

    engine = new_database(databases("g"))
    seed(engine, rebalancer, 12)
    near = 1  # investor 1's account, made a C5 holding its drifted mix
    with engine.begin() as connection:
        connection.execute(
            Account.__table__.update().where(Account.id == near).values(risk_level=5)
        )
    store = Store(engine)
    store.add_goal(
        1,
        name="Flat deposit",
        kind="home",
        target_amount=60_000,
        target_date=AS_OF + timedelta(days=365),  # a year away: the home path allows only R1
        risk_level=5,
        actor="test",
        account_id=near,
    )

    summary = run(engine, rebalancer, glide=Planning.load(runtime).glide)

    assert summary.status == "finished"
    held = {p: v for p, v in store.holdings(near).items() if v > 0.005 and p != CASH}
    assert held and all(runtime.catalogue.product(p).risk_level <= 1 for p in held), held
    with engine.connect() as connection:
        level = connection.execute(select(Account.risk_level).where(Account.id == near)).scalar()
    assert level == 5  # the account's own class is unchanged; its goal's date lowers the target
    untouched = run(engine, rebalancer, run_id="no-glide")  # without the glide path ...
    assert untouched.status == "finished"
    assert any(  # ... the same C5 account would be moved back up to its own level
        runtime.catalogue.product(p).risk_level > 1
        for p, v in store.holdings(near).items()
        if v > 0.005 and p != CASH
    )
