"""Rebalancing many accounts at once: cash flows first, then cost-aware re-optimization of the
accounts that drifted out of band or hold something unsuitable."""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from advisor.data.policy import EnginePolicy
from advisor.engine.optimizer import AllocationRequest, MeanVarianceOptimizer
from advisor.engine.rebalancing import (
    Drift,
    automatic_trigger,
    band_breaches,
    cash_flow_trades,
    drop_small_trades,
    fund_buys,
    total_drift,
)
from advisor.engine.types import BoolArray, FloatArray, IntArray

RISK_LEVELS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class AccountBook:
    """Accounts in catalogue order: one row per account, one column per product."""

    account_ids: tuple[str, ...]
    risk_levels: IntArray
    values: FloatArray
    cash: FloatArray
    months_since_rebalance: IntArray | None = None  # None: unknown, no calendar check

    @property
    def totals(self) -> FloatArray:
        """Account values including cash."""
        return np.asarray(self.values.sum(axis=1) + self.cash)


@dataclass(frozen=True)
class TradePlan:
    """What to trade in each account (positive buys), and the weights the account aims at."""

    trades: FloatArray
    target_weights: FloatArray
    reoptimized: BoolArray

    @property
    def rebalanced(self) -> BoolArray:
        """Accounts with at least one trade."""
        return np.asarray((self.trades != 0).any(axis=1))


@dataclass
class Rebalancer:
    """Plans trades for a book of accounts: `requests` holds, per investor class, the optimizer
    request its suitability decision gives (no current holdings)."""

    optimizer: MeanVarianceOptimizer
    policy: EnginePolicy
    requests: Mapping[int, AllocationRequest]
    _model_weights: dict[int, FloatArray] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._model_weights = {
            level: self.optimizer.solve(self.requests[level]).weights for level in RISK_LEVELS
        }

    def model_weights(self, risk_level: int) -> FloatArray:
        """The model portfolio of an investor class (no current holdings, no costs)."""
        return self._model_weights[risk_level]

    def plan(self, book: AccountBook) -> TradePlan:
        """Cash-flow rebalancing for every account with cash; a full, cost-aware re-optimization
        for accounts that the policy's trigger says are due (drift after the cash flow beyond the
        bands, or the calendar period passed), or that hold a product their risk level does not
        allow. Small trades are dropped and buys are funded."""
        rules = self.policy.rebalancing
        if not book.account_ids:
            nothing = np.zeros((0, self.optimizer.universe.size))
            return TradePlan(nothing, nothing, np.zeros(0, dtype=bool))
        totals = book.totals
        safe_totals = np.where(totals > 0, totals, 1.0)[:, None]
        targets = np.stack([self._model_weights[level] for level in book.risk_levels])

        flows = cash_flow_trades(book.values, targets, book.cash)
        after_flows = (book.values + flows) / safe_totals
        cash_weight = (book.cash - flows.sum(axis=1)) / safe_totals[:, 0]
        with_cash = np.column_stack([after_flows, cash_weight])
        targets_with_cash = np.column_stack([targets, np.zeros(len(targets))])
        drift = total_drift(with_cash, targets_with_cash)
        breached = band_breaches(
            with_cash, targets_with_cash, rules.absolute_band, rules.relative_band
        )
        months = (
            book.months_since_rebalance
            if book.months_since_rebalance is not None
            else np.zeros(len(totals), dtype=np.int64)
        )
        trigger = automatic_trigger(rules)
        due = np.array(
            [
                trigger.is_due(Drift(float(total), bool(band)), int(since))
                for total, band, since in zip(drift, breached, months, strict=True)
            ],
            dtype=bool,
        )
        allowed = np.stack([self.requests[level].upper_bounds > 0 for level in book.risk_levels])
        unsuitable = ((book.values > 0) & ~allowed).any(axis=1)
        reoptimize = (due | unsuitable) & (totals > 0)

        trades = np.where(totals[:, None] > 0, flows, 0.0)
        aims = targets.copy()
        for row in np.flatnonzero(reoptimize):
            current = book.values[row] / totals[row]
            request = self.requests[int(book.risk_levels[row])]
            weights = self.optimizer.solve(replace(request, current_weights=current)).weights
            trades[row] = weights * totals[row] - book.values[row]
            aims[row] = weights
        trades = fund_buys(drop_small_trades(trades, rules.min_trade_value), book.cash)
        return TradePlan(trades=trades, target_weights=aims, reoptimized=reoptimize)
