"""Automatic rebalancing: drift measures, triggers, cash-flow rebalancing and trade lists.

Weights here include uninvested cash as the last position when callers pass it; every function
works on plain arrays (one account) or on matrices (one account per row) where noted.
"""

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from advisor.data.policy import RebalancingPolicy
from advisor.engine.types import BoolArray, FloatArray


@dataclass(frozen=True)
class Drift:
    """How far an account is from its target.

    `total` is Betterment's measure: half the sum of absolute weight deviations, i.e. the share of
    the account that would have to move to be back on target. `band_breached` is the 5/25 rule:
    some position is off by more than the absolute band *and* by more than the relative band of
    its target weight.
    """

    total: float
    band_breached: bool


def total_drift(weights: FloatArray, targets: FloatArray) -> FloatArray:
    """Half the sum of absolute deviations, per row (or a scalar for one account)."""
    return np.asarray(np.abs(weights - targets).sum(axis=-1) / 2)


def band_breaches(
    weights: FloatArray, targets: FloatArray, absolute_band: float, relative_band: float
) -> BoolArray:
    """Whether any position breaches both the absolute and the relative band, per row."""
    deviation = np.abs(weights - targets)
    relative = deviation / np.maximum(targets, 1e-12)
    return np.asarray(((deviation > absolute_band) & (relative > relative_band)).any(axis=-1))


def measure_drift(weights: FloatArray, targets: FloatArray, policy: RebalancingPolicy) -> Drift:
    """Drift of one account."""
    return Drift(
        total=float(total_drift(weights, targets)),
        band_breached=bool(
            band_breaches(weights, targets, policy.absolute_band, policy.relative_band)
        ),
    )


class RebalanceTrigger(Protocol):
    """Decides whether an account is traded back to target now."""

    def is_due(self, drift: Drift, months_since_rebalance: int) -> bool: ...


@dataclass(frozen=True)
class NeverRebalance:
    """Buy and hold."""

    def is_due(self, drift: Drift, months_since_rebalance: int) -> bool:
        """Never."""
        return False


@dataclass(frozen=True)
class CalendarRebalance:
    """Every `months` months, whatever the drift."""

    months: int

    def is_due(self, drift: Drift, months_since_rebalance: int) -> bool:
        """When the period has passed."""
        return months_since_rebalance >= self.months


@dataclass(frozen=True)
class ThresholdRebalance:
    """When total drift reaches the trigger or a position breaches its bands."""

    drift_trigger: float

    def is_due(self, drift: Drift, months_since_rebalance: int) -> bool:
        """When the account has drifted far enough."""
        return drift.total >= self.drift_trigger or drift.band_breached


@dataclass(frozen=True)
class AnyOf:
    """Due when any of the triggers is (e.g. threshold bands plus a yearly calendar check)."""

    triggers: tuple[RebalanceTrigger, ...]

    def is_due(self, drift: Drift, months_since_rebalance: int) -> bool:
        """When one of the triggers is due."""
        return any(trigger.is_due(drift, months_since_rebalance) for trigger in self.triggers)


def automatic_trigger(policy: RebalancingPolicy) -> RebalanceTrigger:
    """The production trigger: drift bands, plus the calendar check."""
    return AnyOf(
        (ThresholdRebalance(policy.drift_trigger), CalendarRebalance(policy.calendar_months))
    )


def cash_flow_trades(values: FloatArray, targets: FloatArray, amounts: FloatArray) -> FloatArray:
    """Trades that put a deposit (amount > 0) into underweight positions first, or take a
    withdrawal (amount < 0) from overweight positions first. One account per row.

    Every unit spent inside the gaps moves drift down by the same amount, so the gaps are filled
    in proportion to their size; whatever the gaps cannot absorb follows the target weights.
    """
    amounts = amounts[:, None]
    desired = targets * (values.sum(axis=1, keepdims=True) + amounts)
    gaps = np.where(amounts >= 0, np.maximum(desired - values, 0), np.minimum(desired - values, 0))
    gap_total = gaps.sum(axis=1, keepdims=True)
    share_of_gaps = np.divide(amounts, gap_total, out=np.zeros_like(amounts), where=gap_total != 0)
    within_gaps = gaps * np.minimum(share_of_gaps, 1.0)
    remainder = amounts - within_gaps.sum(axis=1, keepdims=True)
    # A withdrawal never sells more of a position than the account holds.
    return np.asarray(np.maximum(within_gaps + remainder * targets, -values))


def drop_small_trades(trades: FloatArray, min_trade_value: float) -> FloatArray:
    """Zero every trade smaller than `min_trade_value`: it is not worth its fixed costs."""
    return np.where(np.abs(trades) >= min_trade_value, trades, 0.0)


def fund_buys(trades: FloatArray, cash: FloatArray) -> FloatArray:
    """Scale buys down where sales plus available cash cannot pay for them. One account per row."""
    buys = np.maximum(trades, 0).sum(axis=1)
    available = cash + np.maximum(-trades, 0).sum(axis=1)
    scale = np.divide(available, buys, out=np.ones_like(buys), where=buys > available)
    return np.where(trades > 0, trades * scale[:, None], trades)
