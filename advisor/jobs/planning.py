"""The computation of a batch rebalancing run, apart from where its accounts come from.

`screen` is the vectorised drift check over a whole chunk of accounts: it picks the accounts the
rebalancer has anything to do for (cash to invest, drift beyond the policy's trigger or bands,
the calendar period passed, an unsuitable product). Only those go to `Rebalancer.plan`, whose
cost-aware re-optimization is the expensive part and is what the backends spread over workers.
`Rebalancer.plan` treats each account on its own, so planning a subset gives each account exactly
the trades planning the whole chunk would.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from advisor.engine.account_rebalance import RISK_LEVELS, AccountBook, Rebalancer
from advisor.engine.rebalancing import band_breaches, total_drift
from advisor.engine.types import BoolArray, FloatArray

# A margin on the drift trigger: the screen must never miss an account the rebalancer would
# trade, so it errs on the side of planning one too many (which then simply gets no trades).
SCREEN_MARGIN = 1e-9


@dataclass(frozen=True)
class Screen:
    """The drift check of a chunk: per account, its total drift and whether to plan it."""

    drift: FloatArray
    to_plan: BoolArray


def screen(rebalancer: Rebalancer, book: AccountBook) -> Screen:
    """Which accounts `rebalancer.plan` may trade, vectorised: accounts with cash (a cash flow),
    with drift at or beyond the trigger or a band breached, due by the calendar, or holding a
    product their risk level does not allow. Accounts worth nothing are never traded."""
    count = len(book.account_ids)
    if count == 0:
        return Screen(np.zeros(0), np.zeros(0, dtype=bool))
    rules = rebalancer.policy.rebalancing
    totals = book.totals
    safe_totals = np.where(totals > 0, totals, 1.0)
    levels = np.asarray(book.risk_levels)
    models = np.stack([rebalancer.model_weights(level) for level in RISK_LEVELS])
    allowed_by_level = np.stack(
        [rebalancer.requests[level].upper_bounds > 0 for level in RISK_LEVELS]
    )
    targets = models[levels - 1]
    weights = np.column_stack([book.values / safe_totals[:, None], book.cash / safe_totals])
    targets_with_cash = np.column_stack([targets, np.zeros(count)])
    drift = total_drift(weights, targets_with_cash)
    breached = band_breaches(weights, targets_with_cash, rules.absolute_band, rules.relative_band)
    months = (
        np.asarray(book.months_since_rebalance)
        if book.months_since_rebalance is not None
        else np.zeros(count, dtype=np.int64)
    )
    due = (drift >= rules.drift_trigger - SCREEN_MARGIN) | breached
    due |= months >= rules.calendar_months
    unsuitable = ((book.values > 0) & ~allowed_by_level[levels - 1]).any(axis=1)
    has_cash = book.cash != 0
    return Screen(drift=drift, to_plan=(due | unsuitable | has_cash) & (totals > 0))


def subset(book: AccountBook, rows: np.ndarray) -> AccountBook:
    """The accounts of `book` at `rows`, in that order."""
    return AccountBook(
        account_ids=tuple(book.account_ids[int(row)] for row in rows),
        risk_levels=np.asarray(book.risk_levels)[rows],
        values=book.values[rows],
        cash=book.cash[rows],
        months_since_rebalance=None
        if book.months_since_rebalance is None
        else np.asarray(book.months_since_rebalance)[rows],
    )


# What builds a worker's rebalancer: a picklable callable (e.g. `RuntimeRebalancer(settings)`),
# called once per worker process, so that each worker compiles the optimizer once.
RebalancerSource = Callable[[], Rebalancer]
