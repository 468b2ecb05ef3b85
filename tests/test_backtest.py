"""Backtests: known answers on made-up paths, then the real history."""

import numpy as np
import pandas as pd
import pytest

from advisor.data.policy import RebalancingPolicy
from advisor.engine.backtest import backtest, max_drawdown
from advisor.engine.rebalancing import CalendarRebalance, NeverRebalance, ThresholdRebalance
from advisor.reports import run_backtests

POLICY = RebalancingPolicy(
    drift_trigger=0.03,
    absolute_band=0.05,
    relative_band=0.25,
    calendar_months=12,
    min_trade_value=50,
)
MONTHS = pd.period_range("2000-01", periods=24, freq="M")


def test_buy_and_hold_compounds_the_returns():
    returns = pd.DataFrame({"a": [0.01] * 24, "b": [0.0] * 24}, index=MONTHS)
    result = backtest(returns, np.array([0.5, 0.5]), NeverRebalance(), np.zeros(2), POLICY)
    assert result.values.iloc[-1] == pytest.approx(0.5 * 1.01**24 + 0.5)
    assert result.rebalances == 0 and result.annual_turnover == 0 and result.total_costs == 0
    assert result.annual_return == pytest.approx(result.values.iloc[-1] ** 0.5 - 1)


def test_calendar_rebalancing_trades_back_to_target_and_pays_costs():
    returns = pd.DataFrame({"a": [0.10, -0.05] * 12, "b": [0.0] * 24}, index=MONTHS)
    cost = np.array([0.001, 0.001])
    result = backtest(returns, np.array([0.5, 0.5]), CalendarRebalance(1), cost, POLICY)
    assert result.rebalances == 24
    # Month 1: a grows to 0.55, b 0.5; trade 0.025 each way at 10 bp.
    assert result.total_costs > 0.05 * 0.001
    no_cost = backtest(returns, np.array([0.5, 0.5]), CalendarRebalance(1), np.zeros(2), POLICY)
    assert no_cost.values.iloc[-1] > result.values.iloc[-1]


def test_threshold_rebalancing_waits_for_the_band():
    returns = pd.DataFrame({"a": [0.02] * 24, "b": [0.0] * 24}, index=MONTHS)
    result = backtest(returns, np.array([0.5, 0.5]), ThresholdRebalance(0.03), np.zeros(2), POLICY)
    # Drift reaches 3% after about three months of a 2% edge; never every month.
    assert 0 < result.rebalances < 12


def test_max_drawdown_of_a_known_path():
    assert max_drawdown(pd.Series([1.0, 1.2, 0.9, 1.1, 0.6, 1.5])) == pytest.approx(0.5)
    assert max_drawdown(pd.Series([1.0, 1.1, 1.2])) == 0


def test_real_history_shows_rebalancing_limits_drawdown(runtime):
    weights = runtime.allocate(4).weights
    results = run_backtests(runtime, weights, ["none", "calendar", "threshold"])
    assert results["none"].rebalances == 0
    assert results["calendar"].rebalances == 19
    assert results["threshold"].total_costs > 0
    # Letting equities drift up before 2008 made buy-and-hold riskier than its target mix.
    assert results["none"].max_drawdown > results["calendar"].max_drawdown
    assert len(results["none"].values) == len(runtime.product_history.returns) + 1
