"""Replay a monthly return history with a rebalancing trigger and report what it cost and did."""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from advisor.data.policy import RebalancingPolicy
from advisor.engine.estimators import PERIODS_PER_YEAR
from advisor.engine.rebalancing import RebalanceTrigger, measure_drift
from advisor.engine.types import FloatArray


@dataclass(frozen=True)
class BacktestResult:
    """Outcome of one replay: the value path and its summary statistics (annualised)."""

    values: pd.Series  # account value at each month end, starting at 1
    annual_return: float  # compound annual growth rate, after costs
    annual_volatility: float
    max_drawdown: float  # worst peak-to-trough fall, as a positive fraction
    annual_turnover: float  # one-way traded value per year, as a fraction of account value
    total_costs: float  # trading costs paid, as a fraction of the initial value
    rebalances: int


def backtest(
    returns: pd.DataFrame,
    targets: FloatArray,
    trigger: RebalanceTrigger,
    trading_costs: FloatArray,
    policy: RebalancingPolicy,
) -> BacktestResult:
    """Hold `targets`, let them drift with `returns` (months x assets, simple returns), and trade
    back to target whenever `trigger` says so, paying `trading_costs` per unit traded."""
    holdings = targets.astype(float).copy()
    value_path = [1.0]
    traded = costs = 0.0
    rebalances = months_since = 0
    for monthly in returns.to_numpy():
        holdings = holdings * (1 + monthly)
        value = holdings.sum()
        months_since += 1
        drift = measure_drift(holdings / value, targets, policy)
        if trigger.is_due(drift, months_since):
            trades = targets * value - holdings
            cost = float(np.abs(trades) @ trading_costs)
            value -= cost
            holdings = targets * value
            traded += float(np.abs(trades).sum()) / 2 / value
            costs += cost
            rebalances += 1
            months_since = 0
        value_path.append(float(holdings.sum()))
    values = pd.Series(value_path, index=_with_start(returns.index), name="value")
    years = len(returns) / PERIODS_PER_YEAR
    monthly_returns = values.pct_change().dropna()
    return BacktestResult(
        values=values,
        annual_return=float(values.iloc[-1] ** (1 / years) - 1),
        annual_volatility=float(monthly_returns.std(ddof=1) * np.sqrt(PERIODS_PER_YEAR)),
        max_drawdown=max_drawdown(values),
        annual_turnover=traded / years,
        total_costs=costs,
        rebalances=rebalances,
    )


def max_drawdown(values: pd.Series) -> float:
    """The largest fall from a running peak, as a positive fraction of that peak."""
    peaks = values.cummax()
    return float(((peaks - values) / peaks).max())


def _with_start(index: pd.Index) -> pd.Index:
    """The month before the first return, so the value path starts at 1 before any return."""
    if isinstance(index, pd.PeriodIndex):
        return index.insert(0, index[0] - 1)
    return pd.RangeIndex(len(index) + 1)
