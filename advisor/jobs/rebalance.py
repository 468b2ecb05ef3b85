"""The nightly batch rebalancing job: every account in the database, in chunks.

One run, identified by its run id, goes through the accounts in id order, a chunk at a time:

1. read: the chunk's accounts and holdings (one short transaction), leaving out the accounts this
   run has already done, so memory holds a few chunks whatever the number of accounts;
2. screen: the vectorised drift check (`advisor.jobs.planning.screen`) picks the accounts with
   anything to do; only those go to the backend (this process, a process pool or Ray) for the
   cost-aware re-optimization;
3. write (one transaction per chunk): for every account, its trades, its proposal, its audit
   event carrying the run id, and its row in `rebalance_run_accounts` stand or fall together.

Rerunning a run id resumes it: done accounts are skipped, and the primary key of
`rebalance_run_accounts` makes a second completion of an account, hence a second trade,
impossible. An account whose holdings or risk level changed between the read and the write is
left alone (its trades were planned on old holdings) and the run stays open for a rerun.

In advice mode the trades are executed: the holdings change and an executed proposal records the
target, without review, because automatic rebalancing keeps the account at its own risk level.
In education mode, and for an investor under a trading hold, the run only drafts the proposal.
Uninvested cash is the holding with product id `CASH`, as in the holdings CSV.
"""

import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import partial
from typing import Any, Final, Literal
from typing import cast as typed

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine, Float, Table, and_, bindparam, cast, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from advisor.engine.account_rebalance import AccountBook, Rebalancer, TradePlan
from advisor.engine.types import BoolArray, FloatArray, IntArray
from advisor.errors import AdvisorError
from advisor.jobs.backends import Backend, BackendName, PlanWaiter, open_backend
from advisor.jobs.planning import RebalancerSource, Screen, screen, subset
from advisor.knowledge.rules import GoalGlidePath
from advisor.planning.goals import GoalKind, glide_ceiling
from advisor.storage.audit_chain import CHAIN_LOCK_KEY, GENESIS, event_hash
from advisor.storage.models import (
    Account,
    AuditEvent,
    Holding,
    InvestorGoal,
    Proposal,
    ProposalKind,
    ProposalStatus,
    RebalanceOutcome,
    RebalanceRun,
    RebalanceRunAccount,
    RebalanceRunStatus,
    TradingHold,
)
from advisor.storage.retry import RetryPolicy, shown_url, with_retries
from advisor.storage.store import Store

CASH: Final = "CASH"
ACTOR: Final = "rebalance-job"
DEFAULT_BATCH_SIZE: Final = 1000
Mode = Literal["education", "advice"]


class RunSummary(BaseModel):
    """What one invocation of a run did (a resumed run counts only what it did itself)."""

    model_config = ConfigDict(frozen=True)

    run_id: str
    status: RebalanceRunStatus
    as_of: date
    mode: str
    backend: str
    workers: int
    accounts: int  # accounts completed by this invocation
    executed: int
    proposed: int
    in_band: int
    skipped: int
    reoptimized: int  # accounts the optimizer re-solved (some end with no trade worth making)
    holdings_changed: int
    left_for_rerun: int  # changed while being planned, or completed concurrently by another run
    seconds: float


@dataclass(frozen=True)
class JobOptions:
    """How to run: the run id, where to plan, how many accounts per chunk and transaction."""

    run_id: str
    backend: BackendName | Literal["inline"] = "local"
    workers: int = 1
    batch_size: int = DEFAULT_BATCH_SIZE
    as_of: date | None = None  # a new run's date for the calendar check; default today (UTC)
    retry: RetryPolicy = RetryPolicy()  # noqa: RUF009 - frozen, safe to share
    ray_address: str | None = None
    # The goals' glide path: an account that funds a goal is rebalanced to the level the goal's
    # date allows, which falls as the date nears. None: every account keeps its own level.
    glide: GoalGlidePath | None = None


@dataclass(frozen=True)
class Chunk:
    """Accounts as read: database ids, the book the engine plans, and the exact holdings in cents
    (one column per product, then cash) to write trades against and to detect changes."""

    ids: IntArray
    investor_ids: IntArray
    book: AccountBook  # its risk levels are the levels planned for, after any glide path
    stored_levels: IntArray  # the accounts' own levels, to detect a change before writing
    held_cents: IntArray
    present: BoolArray
    problems: dict[int, str]  # row -> why the account cannot be planned


@dataclass
class _Counts:
    accounts: int = 0
    executed: int = 0
    proposed: int = 0
    in_band: int = 0
    skipped: int = 0
    reoptimized: int = 0
    holdings_changed: int = 0
    left_for_rerun: int = 0


def default_run_id(today: date | None = None) -> str:
    """The nightly run's id: one run per day, so rerunning the nightly job the same day resumes
    it rather than trading again."""
    return f"nightly-{(today or datetime.now(UTC).date()).isoformat()}"


def run_rebalance(
    engine: Engine,
    mode: Mode,
    options: JobOptions,
    source: RebalancerSource,
    rebalancer: Rebalancer | None = None,
    progress: Callable[[int], None] | None = None,
    backend: Backend | None = None,
) -> RunSummary:
    """Run (or resume) the batch rebalancing run `options.run_id` over every account.

    `source` builds the rebalancer in each worker; `rebalancer` is this process's (screening),
    built from `source` if not given. `progress` is called with the number of accounts completed
    so far after each chunk is committed. `backend`, if given, is an open backend to plan on
    (e.g. one kept warm across runs); else one is opened as `options` say. Transient database
    errors are retried per transaction; `DatabaseUnavailable` after the last attempt leaves every
    committed chunk in place and nothing of the failed one, and rerunning the run id finishes the
    job.
    """
    if options.batch_size < 1:
        raise AdvisorError(f"--batch-size must be at least 1, got {options.batch_size}")
    started = time.perf_counter()
    store = Store(engine)
    database = shown_url(engine)

    def retried(what: str, operation: Callable[[], Any]) -> Any:
        return with_retries(operation, database=database, what=what, policy=options.retry)

    run: RebalanceRun = retried(
        f"starting run {options.run_id}", lambda: _start_run(store, options, mode)
    )
    counts = _Counts()

    def summary(status: RebalanceRunStatus) -> RunSummary:
        return RunSummary(
            run_id=run.run_id,
            status=status,
            as_of=run.as_of,
            mode=run.mode,
            backend=options.backend,
            workers=options.workers,
            seconds=round(time.perf_counter() - started, 3),
            **vars(counts),
        )

    if run.status == RebalanceRunStatus.FINISHED:
        return summary(RebalanceRunStatus.FINISHED)
    planner = rebalancer or source()
    products = planner.optimizer.universe.product_ids
    try:
        with ExitStack() as stack:
            if backend is None:
                backend = stack.enter_context(
                    open_backend(
                        options.backend, source, options.workers, options.ray_address, planner
                    )
                )
            in_flight: deque[tuple[Chunk, Screen, IntArray, PlanWaiter]] = deque()
            # Two batches per worker in flight: each worker has the next one queued while the
            # driver reads and writes, and memory holds only these chunks.
            window = 2 * backend.workers
            chunks = _read_chunks(
                store, run.run_id, run.as_of, products, options.batch_size, retried, options.glide
            )
            for chunk in chunks:
                checked = screen(planner, chunk.book)
                rows = np.flatnonzero(checked.to_plan & ~_problem_mask(chunk))
                in_flight.append((chunk, checked, rows, backend.submit(subset(chunk.book, rows))))
                while len(in_flight) >= window:
                    _finish(store, run, products, in_flight.popleft(), counts, retried, progress)
            while in_flight:
                _finish(store, run, products, in_flight.popleft(), counts, retried, progress)
    except BaseException as error:
        _record_failure(store, run.run_id, error)
        raise
    status = (
        RebalanceRunStatus.FINISHED if counts.left_for_rerun == 0 else RebalanceRunStatus.RUNNING
    )
    retried(f"finishing run {run.run_id}", lambda: _end_run(store, run.run_id, status, counts))
    return summary(status)


# Runs ---------------------------------------------------------------------------------------------


def _start_run(store: Store, options: JobOptions, mode: Mode) -> RebalanceRun:
    with store.transaction() as session:
        run = session.get(RebalanceRun, options.run_id, with_for_update=True)
        if run is None:
            run = RebalanceRun(
                run_id=options.run_id,
                status=RebalanceRunStatus.RUNNING,
                as_of=options.as_of or datetime.now(UTC).date(),
                mode=mode,
            )
            session.add(run)
            action = "rebalance.run_started"
        elif run.mode != mode:
            raise AdvisorError(
                f"Run {options.run_id} was started in {run.mode} mode, and the settings now say "
                f"{mode}: rerun it in {run.mode} mode, or start a new run id"
            )
        elif run.status == RebalanceRunStatus.FINISHED:
            return run
        else:
            run.status = RebalanceRunStatus.RUNNING
            run.error = None
            action = "rebalance.run_resumed"
        payload = {"as_of": run.as_of.isoformat(), "mode": mode, "backend": options.backend}
        session.add(_event(action, "rebalance_run", options.run_id, payload, options.run_id))
        session.flush()
        return run


def _end_run(store: Store, run_id: str, status: RebalanceRunStatus, counts: _Counts) -> None:
    with store.transaction() as session:
        run = session.get(RebalanceRun, run_id, with_for_update=True)
        assert run is not None
        run.status = status
        if status == RebalanceRunStatus.FINISHED:
            run.finished_at = datetime.now(UTC)
        action = "rebalance.run_finished" if status == "finished" else "rebalance.run_incomplete"
        session.add(_event(action, "rebalance_run", run_id, dict(vars(counts)), run_id))


def _record_failure(store: Store, run_id: str, error: BaseException) -> None:
    """Mark the run failed, if the database lets us; the run is resumable either way."""
    try:
        with store.transaction() as session:
            run = session.get(RebalanceRun, run_id)
            if run is not None and run.status == RebalanceRunStatus.RUNNING:
                run.status = RebalanceRunStatus.FAILED
                run.error = f"{type(error).__name__}: {error}"[:2000]
    except Exception:  # the database may be the very thing that failed
        pass


# Reading ------------------------------------------------------------------------------------------


def read_chunks(
    engine: Engine,
    run_id: str,
    as_of: date,
    products: Sequence[str],
    batch_size: int = DEFAULT_BATCH_SIZE,
    retry: RetryPolicy = RetryPolicy(),  # noqa: B008 - frozen, safe to share
) -> Iterator[Chunk]:
    """Every account the run `run_id` has not done, in id order, `batch_size` at a time, each
    chunk read in one short transaction (retried when transient errors allow)."""
    store, database = Store(engine), shown_url(engine)

    def retried(what: str, operation: Callable[[], Any]) -> Any:
        return with_retries(operation, database=database, what=what, policy=retry)

    return _read_chunks(store, run_id, as_of, products, batch_size, retried)


def _read_chunks(
    store: Store,
    run_id: str,
    as_of: date,
    products: Sequence[str],
    batch_size: int,
    retried: Callable[[str, Callable[[], Any]], Any],
    glide: GoalGlidePath | None = None,
) -> Iterator[Chunk]:
    after = 0
    while True:
        chunk: Chunk | None = retried(
            f"reading accounts after id {after}",
            partial(_read_chunk, store, run_id, as_of, products, after, batch_size, glide),
        )
        if chunk is None:
            return
        after = int(chunk.ids[-1])
        yield chunk


def _read_chunk(
    store: Store,
    run_id: str,
    as_of: date,
    products: Sequence[str],
    after: int,
    limit: int,
    glide: GoalGlidePath | None = None,
) -> Chunk | None:
    done = RebalanceRunAccount
    query = (
        select(Account.id, Account.investor_id, Account.risk_level, Account.last_rebalanced_at)
        .outerjoin(done, and_(done.run_id == run_id, done.account_id == Account.id))
        .where(Account.id > after, done.account_id.is_(None))
        .order_by(Account.id)
        .limit(limit)
    )
    with store.transaction() as session:
        accounts = _fetch_plain(session, query)
        if not accounts:
            return None
        ids = np.array([row[0] for row in accounts], dtype=np.int64)
        held_cents, present, problems = _holdings(session, ids, products)
        stored_levels = np.array([row[2] for row in accounts], dtype=np.int64)
        levels = (
            _glide_levels(session, ids, stored_levels, as_of, glide)
            if glide is not None
            else stored_levels
        )
    book = AccountBook(
        account_ids=tuple(str(account_id) for account_id in ids),
        risk_levels=levels,
        values=held_cents[:, :-1] / 100.0,
        cash=held_cents[:, -1] / 100.0,
        months_since_rebalance=np.array(
            [_whole_months(row[3], as_of) for row in accounts], dtype=np.int64
        ),
    )
    for row in problems:  # an account with an unusable holding is never planned
        book.values[row] = 0.0
        book.cash[row] = 0.0
    return Chunk(
        ids=ids,
        investor_ids=np.array([row[1] for row in accounts], dtype=np.int64),
        book=book,
        stored_levels=stored_levels,
        held_cents=held_cents,
        present=present,
        problems=problems,
    )


def _glide_levels(
    session: Session, ids: IntArray, levels: IntArray, as_of: date, glide: GoalGlidePath
) -> IntArray:
    """Each account's level lowered to the glide-path ceiling of every goal it funds (and to the
    goal's own chosen level) on `as_of`."""
    goal = InvestorGoal
    query = select(goal.account_id, goal.kind, goal.target_date, goal.risk_level).where(
        goal.account_id.in_(ids.tolist())
    )
    position = {int(account_id): row for row, account_id in enumerate(ids)}
    lowered = levels.copy()
    for account_id, kind, target_date, goal_level in session.execute(query):
        row = position[typed(int, account_id)]  # not null: the query selects funded goals
        years = max((target_date - as_of).days / 365.25, 0.0)
        ceiling = glide_ceiling(typed(GoalKind, kind), years, glide)
        lowered[row] = min(int(lowered[row]), ceiling, int(goal_level))
    return lowered


def _holdings(
    session: Session, ids: IntArray, products: Sequence[str], only: bool = False
) -> tuple[IntArray, BoolArray, dict[int, str]]:
    """The holdings of the accounts `ids` (sorted) in cents, products in `products` order then
    cash; which holdings rows exist; and the accounts holding a product outside `products`.
    Reads the id range from the first to the last (cheapest for a chunk), or `only` those ids."""
    matches = (
        Holding.account_id.in_(ids.tolist())
        if only
        else Holding.account_id.between(int(ids[0]), int(ids[-1]))
    )
    query = select(Holding.account_id, Holding.product_id, cast(Holding.value, Float)).where(
        matches
    )
    rows = _fetch_plain(session, query)
    held = np.zeros((len(ids), len(products) + 1), dtype=np.int64)
    present = np.zeros(held.shape, dtype=bool)
    problems: dict[int, str] = {}
    if not rows:
        return held, present, problems
    account_column, product_column, value_column = zip(*rows, strict=True)
    account_ids = np.array(account_column, dtype=np.int64)
    product_ids = np.array(product_column, dtype=object)
    values = np.array(value_column, dtype=float)
    positions = np.searchsorted(ids, account_ids.astype(np.int64))
    positions = np.minimum(positions, len(ids) - 1)
    ours = ids[positions] == account_ids  # the range also holds accounts done or not in the chunk
    columns = pd.Index([*products, CASH]).get_indexer(pd.Index(product_ids))
    unknown = ours & (columns < 0)
    for row, product in zip(positions[unknown], product_ids[unknown], strict=True):
        problems.setdefault(int(row), f"holds product {product!r}, which is not in the catalogue")
    usable = ours & (columns >= 0)
    held[positions[usable], columns[usable]] = np.rint(values[usable] * 100)
    present[positions[usable], columns[usable]] = True
    return held, present, problems


def _fetch_plain(session: Session, query: ClauseElement) -> list[Any]:
    """The rows of `query` as the database driver gives them, in the session's transaction.

    For the millions of holdings rows of a run: SQLAlchemy's per-row result processing costs
    about four times what the driver does (measured on SQLite), and these columns (integers,
    strings, floats) need none. Driver errors are wrapped as SQLAlchemy's, so that
    `with_retries` recognises a locked or lost database as it does everywhere else.
    """
    connection = session.connection()
    dialect = connection.dialect
    compiled = typed(
        SQLCompiler,
        query.compile(dialect=dialect, compile_kwargs={"render_postcompile": True}),
    )
    parameters: Any = (
        tuple(compiled.params[name] for name in compiled.positiontup or ())
        if compiled.positional
        else compiled.params
    )
    driver_error = dialect.loaded_dbapi.Error
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(compiled.string, parameters)
        return list(cursor.fetchall())
    except driver_error as error:
        raise DBAPIError.instance(
            compiled.string, parameters, error, driver_error, dialect=dialect
        ) from error
    finally:
        cursor.close()


def _whole_months(since: datetime | str | None, as_of: date) -> int:
    """Completed months from the last rebalance (a timestamp as the driver gives it: text on
    SQLite, stored in UTC as `UtcDateTime` does) to `as_of`; 0 when unknown (no calendar check)."""
    if since is None:
        return 0
    moment = datetime.fromisoformat(since) if isinstance(since, str) else since
    start = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).date()
    months = (as_of.year - start.year) * 12 + as_of.month - start.month
    return max(0, months - (1 if as_of.day < start.day else 0))


def _problem_mask(chunk: Chunk) -> BoolArray:
    mask = np.zeros(len(chunk.ids), dtype=bool)
    mask[list(chunk.problems)] = True
    return mask


# Writing ------------------------------------------------------------------------------------------


def _finish(
    store: Store,
    run: RebalanceRun,
    products: Sequence[str],
    item: tuple[Chunk, Screen, IntArray, PlanWaiter],
    counts: _Counts,
    retried: Callable[[str, Callable[[], Any]], Any],
    progress: Callable[[int], None] | None,
) -> None:
    chunk, checked, rows, wait = item
    plan = wait()
    first, last = int(chunk.ids[0]), int(chunk.ids[-1])
    written: _Counts = retried(
        f"writing accounts {first} to {last}",
        lambda: _write_chunk(store, run, products, chunk, checked, rows, plan),
    )
    for name, value in vars(written).items():
        setattr(counts, name, getattr(counts, name) + value)
    if progress is not None:
        progress(counts.accounts)


def _write_chunk(
    store: Store,
    run: RebalanceRun,
    products: Sequence[str],
    chunk: Chunk,
    checked: Screen,
    rows: IntArray,
    plan: TradePlan,
) -> _Counts:
    """Everything the chunk's accounts get, in one transaction; see the module docstring."""
    counts = _Counts()
    columns = [*products, CASH]
    planned = {int(row): index for index, row in enumerate(rows)}
    traded = [row for row, index in planned.items() if plan.trades[index].any()]
    with store.transaction() as session:
        now = datetime.now(UTC)
        done = _completed(session, run.run_id, chunk)
        changed = _changed(session, chunk, [row for row in traded if row not in done], products)
        held_investors = _investors_on_hold(session, chunk.investor_ids, now)
        proposals: dict[int, Proposal] = {}
        new_holdings: dict[int, IntArray] = {}
        for row in traded:
            if row in done or row in changed:
                continue
            index = planned[row]
            weights = {
                product: round(float(weight), 6)
                for product, weight in zip(products, plan.target_weights[index], strict=True)
                if weight > 0
            }
            executes = run.mode == "advice" and int(chunk.investor_ids[row]) not in held_investors
            drift = float(checked.drift[row])
            why = "re-optimized" if plan.reoptimized[index] else "cash invested"
            proposals[row] = Proposal(
                account_id=int(chunk.ids[row]),
                kind=ProposalKind.ALLOCATION,
                status=ProposalStatus.EXECUTED if executes else ProposalStatus.DRAFT,
                weights=weights,
                rationale=f"Automatic rebalancing, run {run.run_id}: drift {drift:.2%}, {why}",
                requires_review=False,
                created_by=ACTOR,
            )
            if executes:
                new_holdings[row] = _apply_trades(chunk.held_cents[row], plan.trades[index])
        session.add_all(proposals.values())
        session.flush()  # assigns the proposals' ids, which the events and completions name

        events: list[dict[str, Any]] = []
        completions: list[dict[str, Any]] = []
        for row, account_id in enumerate(chunk.ids.tolist()):
            if row in done or row in changed:
                counts.left_for_rerun += 1
                continue
            payload: dict[str, Any] = {"drift": round(float(checked.drift[row]), 6)}
            if row in planned:  # re-optimized, whether or not any trade was worth making
                counts.reoptimized += int(plan.reoptimized[planned[row]])
            proposal = proposals.get(row)
            changed_cells = 0
            if row in chunk.problems:
                outcome = RebalanceOutcome.SKIPPED
                payload["problem"] = chunk.problems[row]
                counts.skipped += 1
            elif proposal is None:
                outcome = RebalanceOutcome.IN_BAND
                counts.in_band += 1
            else:
                before = chunk.held_cents[row]
                after = new_holdings.get(row, _apply_trades(before, plan.trades[planned[row]]))
                moved = np.flatnonzero(after != before)
                changed_cells = len(moved) if row in new_holdings else 0
                payload["proposal_id"] = proposal.id
                payload["reoptimized"] = bool(plan.reoptimized[planned[row]])
                payload["trades"] = {columns[c]: _amount(after[c] - before[c]) for c in moved}
                if row in new_holdings:
                    outcome = RebalanceOutcome.EXECUTED
                    payload["holdings_after"] = {
                        columns[c]: _amount(after[c]) for c in np.flatnonzero(after)
                    }
                    counts.executed += 1
                else:
                    outcome = RebalanceOutcome.PROPOSED
                    if run.mode == "advice":
                        payload["held"] = "a trading hold is in force on the investor"
                    counts.proposed += 1
            payload["outcome"] = outcome.value
            events.append(
                {
                    "at": now,
                    "actor": ACTOR,
                    "action": f"rebalance.{outcome.value}",
                    "subject_type": "account",
                    "subject_id": str(account_id),
                    "payload": payload,
                    "run_id": run.run_id,
                    "created_at": now,
                }
            )
            completions.append(
                {
                    "run_id": run.run_id,
                    "account_id": account_id,
                    "outcome": outcome.value,
                    "trades": changed_cells,
                    "proposal_id": None if proposal is None else proposal.id,
                    "completed_at": now,
                }
            )
            counts.accounts += 1
            counts.holdings_changed += changed_cells
        _write_holdings(session, chunk, columns, new_holdings, now)
        _append_audit_events(session, events)
        if completions:
            session.execute(typed(Table, RebalanceRunAccount.__table__).insert(), completions)
    return counts


def _completed(session: Session, run_id: str, chunk: Chunk) -> set[int]:
    """Rows of the chunk completed meanwhile, by another process working on the same run id."""
    first, last = int(chunk.ids[0]), int(chunk.ids[-1])
    completed = set(
        session.scalars(
            select(RebalanceRunAccount.account_id).where(
                RebalanceRunAccount.run_id == run_id,
                RebalanceRunAccount.account_id.between(first, last),
            )
        )
    )
    return {row for row, account_id in enumerate(chunk.ids.tolist()) if account_id in completed}


def _changed(
    session: Session, chunk: Chunk, rows: Sequence[int], products: Sequence[str]
) -> set[int]:
    """Of the accounts about to trade (`rows`), those whose holdings or risk level are no longer
    what their trades were planned on, read inside the writing transaction. (An account found in
    band on a snapshot that has since changed is checked again by the next run.)"""
    if not rows:
        return set()
    ids = chunk.ids[np.asarray(rows)]
    level_rows = session.execute(
        select(Account.id, Account.risk_level).where(Account.id.in_(ids.tolist()))
    )
    levels = {account_id: level for account_id, level in level_rows}
    held, present, problems = _holdings(session, ids, products, only=True)
    changed: set[int] = set()
    for position, row in enumerate(rows):
        if (
            levels.get(int(chunk.ids[row])) != int(chunk.stored_levels[row])
            or not np.array_equal(held[position], chunk.held_cents[row])
            or not np.array_equal(present[position], chunk.present[row])
            or position in problems
        ):
            changed.add(row)
    return changed


def _append_audit_events(session: Session, events: list[dict[str, Any]]) -> None:
    """Insert audit events in bulk, chained exactly as `audit_chain.chain_new_events` chains the
    events the ORM flushes (same lock, same predecessor, same hash): a chunk's thousand events
    cost one statement instead of a thousand ORM objects."""
    if not events:
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})
    session.flush()  # any ORM event of this transaction comes first in the chain
    previous = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    previous = previous or GENESIS
    for event in events:
        event["prev_hash"] = previous
        event["hash"] = previous = event_hash(
            prev_hash=previous,
            at=event["at"],
            actor=event["actor"],
            action=event["action"],
            subject_type=event["subject_type"],
            subject_id=event["subject_id"],
            payload=event["payload"],
            run_id=event["run_id"],
        )
    session.execute(typed(Table, AuditEvent.__table__).insert(), events)


def _investors_on_hold(session: Session, investor_ids: IntArray, now: datetime) -> set[int]:
    query = select(TradingHold.investor_id).where(
        TradingHold.investor_id.in_(sorted(set(investor_ids.tolist()))),
        TradingHold.released_at.is_(None),
        TradingHold.until > now,
    )
    return set(session.scalars(query))


def _apply_trades(before: IntArray, trades: FloatArray) -> IntArray:
    """Holdings in cents after the trades (rounded to cents), cash last taking the net flow.

    Rounding each trade to the cent can leave cash a few cents short of funding the buys; the
    largest buy then gives up those cents, so cash never goes negative.
    """
    moves = np.rint(trades * 100).astype(np.int64)
    after = before.copy()
    after[:-1] = np.maximum(before[:-1] + moves, 0)  # a sale never exceeds the holding
    after[-1] = before[-1] - (after[:-1] - before[:-1]).sum()
    if after[-1] < 0:
        shortfall = int(-after[-1])
        largest_buy = int(np.argmax(after[:-1] - before[:-1]))
        if shortfall > len(trades) or after[largest_buy] - before[largest_buy] < shortfall:
            raise AdvisorError(f"Trades overspend the account's cash by {shortfall} cents")
        after[largest_buy] -= shortfall
        after[-1] = 0
    return after


def _write_holdings(
    session: Session,
    chunk: Chunk,
    columns: Sequence[str],
    new_holdings: dict[int, IntArray],
    now: datetime,
) -> None:
    updates: list[dict[str, Any]] = []
    inserts: list[dict[str, Any]] = []
    deletes: list[dict[str, Any]] = []
    account_updates: list[dict[str, Any]] = []
    for row, after in new_holdings.items():
        account_id = int(chunk.ids[row])
        before, present = chunk.held_cents[row], chunk.present[row]
        for column in np.flatnonzero(after != before).tolist():
            key = {"b_account": account_id, "b_product": columns[column]}
            if not present[column]:
                inserts.append(
                    {
                        "account_id": account_id,
                        "product_id": columns[column],
                        "value": _money(after[column]),
                        "updated_at": now,
                        "created_at": now,
                    }
                )
            elif after[column] == 0:
                deletes.append(key)
            else:
                updates.append({**key, "b_value": _money(after[column]), "b_now": now})
        account_updates.append({"b_account": account_id, "b_now": now})
    holdings = typed(Table, Holding.__table__)
    same_holding = and_(
        holdings.c.account_id == bindparam("b_account"),
        holdings.c.product_id == bindparam("b_product"),
    )
    if updates:
        statement = holdings.update().where(same_holding)
        session.execute(
            statement.values(value=bindparam("b_value"), updated_at=bindparam("b_now")), updates
        )
    if deletes:
        session.execute(holdings.delete().where(same_holding), deletes)
    if inserts:
        session.execute(holdings.insert(), inserts)
    if account_updates:
        accounts = typed(Table, Account.__table__)
        statement = accounts.update().where(accounts.c.id == bindparam("b_account"))
        session.execute(statement.values(last_rebalanced_at=bindparam("b_now")), account_updates)


def _money(cents: Any) -> Decimal:
    return Decimal(int(cents)).scaleb(-2)


def _amount(cents: Any) -> float:
    """Cents as a JSON-ready amount."""
    return int(cents) / 100


def _event(
    action: str, subject_type: str, subject_id: str | int, payload: dict[str, Any], run_id: str
) -> AuditEvent:
    return AuditEvent(
        actor=ACTOR,
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        payload=payload,
        run_id=run_id,
    )
