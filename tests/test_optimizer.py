"""The optimizer: known answers, properties that must hold for any input, and failure handling."""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.engine.estimators import CovarianceRepaired
from advisor.engine.optimizer import (
    NO_CAP,
    AllocationRequest,
    MeanVarianceOptimizer,
    Universe,
)
from advisor.errors import InfeasibleRequest

TOLERANCE = 1e-7


def universe_of(mu, cov, risk_levels=None, cash_like=None, sleeves=None, costs=None) -> Universe:
    n = len(mu)
    return Universe(
        product_ids=tuple(f"p{i}" for i in range(n)),
        expected_returns=np.asarray(mu, dtype=float),
        covariance=np.asarray(cov, dtype=float),
        risk_levels=np.asarray(risk_levels if risk_levels is not None else [1] * n, dtype=float),
        cash_like=np.asarray(cash_like if cash_like is not None else [False] * n),
        sleeve_exposures=np.asarray(sleeves if sleeves is not None else np.ones((1, n))),
        trading_costs=np.asarray(costs if costs is not None else [0.0] * n, dtype=float),
    )


def open_request(universe: Universe, risk_aversion: float, **changes) -> AllocationRequest:
    request = AllocationRequest(
        risk_aversion=risk_aversion,
        upper_bounds=np.ones(universe.size),
        sleeve_caps=np.full(universe.sleeve_exposures.shape[0], NO_CAP),
    )
    return replace(request, **changes)


def utility(universe, request, weights):
    mu, cov = universe.expected_returns, universe.covariance
    value = mu @ weights - request.risk_aversion * weights @ cov @ weights
    if request.current_weights is not None and request.turnover_penalty:
        value -= universe.trading_costs @ np.abs(weights - request.current_weights)
    return value


# Known answers ---------------------------------------------------------------------------------


def test_two_assets_match_the_closed_form():
    s1, s2, rho, gamma = 0.18, 0.06, 0.2, 2.0
    mu = np.array([0.08, 0.04])
    cov = np.array([[s1**2, rho * s1 * s2], [rho * s1 * s2, s2**2]])
    # d/dw1 of mu'w - gamma w'Sigma w with w2 = 1 - w1, set to zero:
    w1 = ((mu[0] - mu[1]) / (2 * gamma) + s2**2 - rho * s1 * s2) / (
        s1**2 - 2 * rho * s1 * s2 + s2**2
    )
    universe = universe_of(mu, cov)
    weights = MeanVarianceOptimizer(universe).solve(open_request(universe, gamma)).weights
    assert 0 < w1 < 1
    np.testing.assert_allclose(weights, [w1, 1 - w1], atol=1e-7)


def test_unconstrained_mean_variance_matches_the_analytic_formula():
    rng = np.random.default_rng(7)
    factors = rng.normal(size=(5, 2)) * 0.1
    cov = factors @ factors.T + np.diag([0.02, 0.03, 0.025, 0.04, 0.035])
    mu = np.array([0.05, 0.06, 0.055, 0.07, 0.065])
    gamma = 3.0
    # Budget only: w = Sigma^-1 (mu - nu 1) / (2 gamma), nu chosen so the weights sum to one.
    inverse = np.linalg.inv(cov)
    ones = np.ones(5)
    nu = (ones @ inverse @ mu - 2 * gamma) / (ones @ inverse @ ones)
    analytic = inverse @ (mu - nu * ones) / (2 * gamma)
    assert np.all(analytic > 0.01) and np.all(analytic < 0.99)  # the long-only bound is slack
    universe = universe_of(mu, cov)
    weights = MeanVarianceOptimizer(universe).solve(open_request(universe, gamma)).weights
    np.testing.assert_allclose(weights, analytic, atol=1e-7)


def test_the_fast_path_agrees_with_cvxpy_on_the_shipped_catalogue(runtime):
    optimizer = runtime.optimizer
    rng = np.random.default_rng(3)
    for level in range(1, 6):
        current = rng.dirichlet(np.ones(optimizer.universe.size))
        request = replace(runtime.request(level), current_weights=current)
        fast = optimizer.solve(request).weights
        reference = optimizer.solve_with_cvxpy(request)
        assert reference is not None
        universe = optimizer.universe
        assert utility(universe, request, fast) == pytest.approx(
            utility(universe, request, reference), abs=1e-8
        )


# Properties --------------------------------------------------------------------------------------


@st.composite
def problems(draw):
    n = draw(st.integers(min_value=2, max_value=9))
    seed = draw(st.integers(min_value=0, max_value=2**32 - 1))
    rng = np.random.default_rng(seed)
    factors = rng.normal(size=(n, 2)) * rng.uniform(0.02, 0.2)
    cov = factors @ factors.T + np.diag(rng.uniform(0.0001, 0.05, n))
    mu = rng.uniform(-0.02, 0.12, n)
    risk_levels = rng.integers(1, 6, n)
    risk_levels[0] = 1  # a cash-like R1 product is always there, as in any real catalogue
    cash_like = np.zeros(n, dtype=bool)
    cash_like[0] = True
    sleeves = rng.uniform(0, 1.5, (2, n))
    universe = universe_of(mu, cov, risk_levels, cash_like, sleeves, rng.uniform(0, 0.003, n))
    investor_level = draw(st.integers(min_value=1, max_value=5))
    upper = np.where(risk_levels <= investor_level, rng.uniform(0.05, 1.0, n), 0.0)
    current = rng.dirichlet(np.ones(n)) * draw(st.floats(min_value=0.5, max_value=1.0))
    request = AllocationRequest(
        risk_aversion=draw(st.floats(min_value=0.05, max_value=50.0)),
        upper_bounds=upper,
        sleeve_caps=rng.uniform(0.2, 2.0, 2),
        liquid_floor=draw(st.floats(min_value=0.0, max_value=0.6)),
        max_average_risk_level=draw(st.floats(min_value=1.0, max_value=5.0)),
        current_weights=current if draw(st.booleans()) else None,
    )
    return universe, request, investor_level


def satisfied(universe, request, weights, relaxations):
    checks = {
        "budget": abs(weights.sum() - 1) < TOLERANCE,
        "long only": weights.min() >= 0,
        "suitability": np.all(weights[request.upper_bounds == 0] == 0),
    }
    if "product caps widened to 100%" not in relaxations:
        checks["product caps"] = np.all(weights <= request.upper_bounds + TOLERANCE)
    if "sleeve caps removed" not in relaxations:
        checks["sleeve caps"] = np.all(
            universe.sleeve_exposures @ weights <= request.sleeve_caps + 1e-6
        )
    if "liquid floor dropped" not in relaxations:
        checks["liquid floor"] = universe.cash_like @ weights >= request.liquid_floor - 1e-6
    if "average risk-level cap dropped" not in relaxations:
        checks["risk level"] = (
            universe.risk_levels @ weights <= request.max_average_risk_level + 1e-6
        )
    return checks


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_any_solution_respects_every_constraint_it_did_not_relax(problem):
    universe, request, _ = problem
    allocation = MeanVarianceOptimizer(universe).solve(request)
    failed = [
        name
        for name, ok in satisfied(
            universe, request, allocation.weights, allocation.relaxations
        ).items()
        if not ok
    ]
    assert not failed, (failed, allocation.relaxations)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_products_above_the_investors_risk_level_are_never_held(problem):
    universe, request, investor_level = problem
    weights = MeanVarianceOptimizer(universe).solve(request).weights
    assert np.all(weights[universe.risk_levels > investor_level] == 0)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_results_are_deterministic(problem):
    universe, request, _ = problem
    first = MeanVarianceOptimizer(universe).solve(request)
    again = MeanVarianceOptimizer(universe).solve(request)
    reused = MeanVarianceOptimizer(universe)
    reused.solve(replace(request, risk_aversion=request.risk_aversion * 3))
    np.testing.assert_array_equal(first.weights, again.weights)
    np.testing.assert_allclose(reused.solve(request).weights, first.weights, atol=1e-7)
    assert first.relaxations == again.relaxations


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.floats(min_value=0.1, max_value=20.0))
def test_no_trade_costs_more_than_it_gains(problem, other_risk_aversion):
    universe, request, _ = problem
    optimizer = MeanVarianceOptimizer(universe)
    fresh = replace(request, current_weights=None)
    # Start from a portfolio that satisfies every constraint: the optimum for another investor.
    start = optimizer.solve(replace(fresh, risk_aversion=other_risk_aversion))
    if start.relaxations:
        return  # nothing feasible to start from
    rebalance = replace(request, current_weights=start.weights)
    result = optimizer.solve(rebalance)
    assert not result.relaxations
    gain = utility(universe, replace(rebalance, turnover_penalty=False), result.weights) - utility(
        universe, replace(rebalance, turnover_penalty=False), start.weights
    )
    cost = universe.trading_costs @ np.abs(result.weights - start.weights)
    assert gain >= cost - 1e-7  # Clarabel's default accuracy is about 1e-8 per term


def test_turnover_penalty_creates_a_no_trade_zone():
    mu = np.array([0.05, 0.0501])
    cov = np.diag([0.01, 0.01])
    universe = universe_of(mu, cov, costs=[0.01, 0.01])
    current = np.array([0.5, 0.5])
    request = open_request(universe, 1.0, current_weights=current)
    optimizer = MeanVarianceOptimizer(universe)
    np.testing.assert_allclose(optimizer.solve(request).weights, current, atol=1e-7)
    free = optimizer.solve(replace(request, turnover_penalty=False)).weights
    assert free[1] > 0.5  # without costs the tiny edge is worth chasing


def test_concurrent_solves_give_the_sequential_answers(runtime):
    optimizer = runtime.optimizer
    rng = np.random.default_rng(5)
    requests = [
        replace(
            runtime.request(int(rng.integers(1, 6))),
            current_weights=rng.dirichlet(np.ones(optimizer.universe.size)),
        )
        for _ in range(200)
    ]
    sequential = [optimizer.solve(request).weights for request in requests]
    with ThreadPoolExecutor(max_workers=8) as pool:
        concurrent = list(pool.map(lambda request: optimizer.solve(request).weights, requests))
    for one, other in zip(sequential, concurrent, strict=True):
        np.testing.assert_array_equal(one, other)


# Failure handling ---------------------------------------------------------------------------------


def test_infeasible_caps_are_relaxed_in_order_but_suitability_never():
    universe = universe_of([0.03, 0.05, 0.07], np.diag([0.0001, 0.01, 0.04]), [1, 2, 5])
    request = open_request(universe, 2.0, upper_bounds=np.array([0.2, 0.3, 0.0]))
    allocation = MeanVarianceOptimizer(universe).solve(request)
    assert allocation.relaxations == (
        "turnover penalty dropped",
        "sleeve caps removed",
        "product caps widened to 100%",
    )
    assert allocation.weights[2] == 0
    assert allocation.weights.sum() == pytest.approx(1)


def test_conflicting_floor_and_sleeve_cap_relax_the_sleeve_cap_first():
    universe = universe_of(
        [0.03, 0.07], np.diag([0.0001, 0.04]), cash_like=[True, False], sleeves=[[1.0, 0.0]]
    )
    request = open_request(universe, 1.0, sleeve_caps=np.array([0.1]), liquid_floor=0.5)
    allocation = MeanVarianceOptimizer(universe).solve(request)
    assert allocation.relaxations[-1] == "sleeve caps removed"
    assert allocation.weights[0] >= 0.5 - TOLERANCE


def test_no_suitable_product_is_a_clear_error():
    universe = universe_of([0.03, 0.05], np.diag([0.01, 0.02]))
    request = open_request(universe, 1.0, upper_bounds=np.zeros(2))
    with pytest.raises(InfeasibleRequest, match="no product is suitable"):
        MeanVarianceOptimizer(universe).solve(request)


def test_a_non_psd_covariance_is_repaired_with_a_warning():
    indefinite = np.array([[0.04, 0.05, 0.0], [0.05, 0.04, 0.0], [0.0, 0.0, 0.01]])
    universe = universe_of([0.05, 0.06, 0.04], indefinite)
    with pytest.warns(CovarianceRepaired):
        optimizer = MeanVarianceOptimizer(universe)
    allocation = optimizer.solve(open_request(universe, 2.0))
    assert allocation.weights.sum() == pytest.approx(1)
    assert np.linalg.eigvalsh(optimizer.universe.covariance).min() >= 0


def test_an_ill_conditioned_problem_still_solves():
    nearly_singular = np.full((4, 4), 0.04) + np.eye(4) * 1e-12
    universe = universe_of([0.05, 0.05, 0.05, 0.0500001], nearly_singular)
    allocation = MeanVarianceOptimizer(universe).solve(open_request(universe, 5.0))
    assert allocation.weights.sum() == pytest.approx(1)
    assert allocation.volatility == pytest.approx(0.2, rel=1e-4)
