"""Drift, triggers and trade lists: the pieces of automatic rebalancing."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.data.policy import RebalancingPolicy
from advisor.engine.account_rebalance import AccountBook
from advisor.engine.rebalancing import (
    AnyOf,
    CalendarRebalance,
    Drift,
    NeverRebalance,
    ThresholdRebalance,
    automatic_trigger,
    band_breaches,
    cash_flow_trades,
    drop_small_trades,
    fund_buys,
    measure_drift,
    total_drift,
)

POLICY = RebalancingPolicy(
    drift_trigger=0.03,
    absolute_band=0.05,
    relative_band=0.25,
    calendar_months=12,
    min_trade_value=50,
)


def test_total_drift_is_half_the_sum_of_absolute_deviations():
    assert total_drift(np.array([0.6, 0.4]), np.array([0.5, 0.5])) == pytest.approx(0.1)
    matrix = np.array([[0.6, 0.4], [0.5, 0.5]])
    np.testing.assert_allclose(total_drift(matrix, np.array([[0.5, 0.5]] * 2)), [0.1, 0.0])


def test_the_five_twenty_five_band_needs_both_deviations():
    targets = np.array([0.60, 0.10, 0.30])
    # 6 points off a 60% target is only 10% relative: no breach.
    assert not band_breaches(np.array([0.66, 0.10, 0.24]), targets, 0.05, 0.25)
    # 3 points off a 10% target is 30% relative, but under 5 points absolute: no breach.
    assert not band_breaches(np.array([0.60, 0.13, 0.27]), targets, 0.05, 0.25)
    # 6 points off a 10% target breaches both.
    assert band_breaches(np.array([0.57, 0.16, 0.27]), targets, 0.05, 0.25)


def test_triggers():
    calm, drifted = Drift(0.01, False), Drift(0.04, False)
    assert not NeverRebalance().is_due(drifted, 100)
    assert CalendarRebalance(12).is_due(calm, 12) and not CalendarRebalance(12).is_due(calm, 11)
    assert ThresholdRebalance(0.03).is_due(drifted, 0)
    assert ThresholdRebalance(0.03).is_due(Drift(0.0, True), 0)
    assert not ThresholdRebalance(0.03).is_due(calm, 0)
    production = automatic_trigger(POLICY)
    assert isinstance(production, AnyOf)
    assert production.is_due(calm, 12) and production.is_due(drifted, 1)
    assert not production.is_due(calm, 1)
    drift = measure_drift(np.array([0.7, 0.3]), np.array([0.5, 0.5]), POLICY)
    assert drift.total == pytest.approx(0.2) and drift.band_breached
    # 10 points off a 50% target is only 20% relative: inside the 25% band.
    assert not measure_drift(np.array([0.6, 0.4]), np.array([0.5, 0.5]), POLICY).band_breached


def test_a_deposit_fills_underweights_first():
    values = np.array([[6000.0, 4000.0, 0.0]])
    targets = np.array([[0.5, 0.3, 0.2]])
    np.testing.assert_allclose(
        cash_flow_trades(values, targets, np.array([1000.0])), [[0, 0, 1000]]
    )
    # More than the gaps: the rest follows the targets.
    np.testing.assert_allclose(
        cash_flow_trades(values, targets, np.array([10000.0])), [[4000, 2000, 4000]]
    )


def test_a_withdrawal_takes_from_overweights_first():
    values = np.array([[6000.0, 4000.0, 0.0]])
    targets = np.array([[0.5, 0.3, 0.2]])
    trades = cash_flow_trades(values, targets, np.array([-2000.0]))
    np.testing.assert_allclose(trades.sum(), -2000)
    assert trades[0, 2] == 0  # never sells the underweight position
    assert np.all(trades <= 0)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(min_value=0, max_value=1e6), min_size=3, max_size=3),
    st.floats(min_value=0, max_value=1e6),
)
def test_deposits_always_reduce_drift_and_spend_exactly_the_deposit(holding, deposit):
    values = np.array([holding])
    targets = np.array([[0.5, 0.3, 0.2]])
    trades = cash_flow_trades(values, targets, np.array([deposit]))
    assert trades.sum() == pytest.approx(deposit, rel=1e-9, abs=1e-6)
    assert np.all(trades >= -1e-9)
    after, before = values + trades, values
    total_after = after.sum()
    if total_after > 0 and before.sum() > 0:
        drift_after = total_drift(after / total_after, targets)[0]
        drift_before_with_cash = total_drift(
            np.append(before, deposit) / total_after, np.append(targets, 0.0)
        )
        assert drift_after <= drift_before_with_cash + 1e-9


def test_small_trades_are_dropped_and_buys_are_funded():
    trades = np.array([[30.0, -1000.0, 2500.0, -49.99]])
    kept = drop_small_trades(trades, 50)
    np.testing.assert_array_equal(kept, [[0.0, -1000.0, 2500.0, 0.0]])
    funded = fund_buys(kept, np.array([500.0]))
    np.testing.assert_allclose(funded, [[0.0, -1000.0, 1500.0, 0.0]])
    untouched = fund_buys(kept, np.array([5000.0]))
    np.testing.assert_array_equal(untouched, kept)


def test_the_batch_rebalancer_holds_calm_accounts_and_fixes_drifted_ones(runtime):
    rebalancer = runtime.rebalancer
    target = rebalancer.model_weights(3)
    calm = target * 100_000
    drifted = np.roll(target, 1) * 100_000
    book = AccountBook(
        account_ids=("calm", "drifted"),
        risk_levels=np.array([3, 3]),
        values=np.vstack([calm, drifted]),
        cash=np.zeros(2),
    )
    plan = rebalancer.plan(book)
    assert list(plan.rebalanced) == [False, True]
    assert list(plan.reoptimized) == [False, True]
    assert plan.trades[1].sum() == pytest.approx(0, abs=1)
    after = (book.values[1] + plan.trades[1]) / 100_000
    assert total_drift(after, target) < total_drift(drifted / 100_000, target)
