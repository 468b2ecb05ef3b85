"""Optimizer benchmark: the project's engine against PyPortfolioOpt, a plain cvxpy rebuild and the
raw QP solvers, on the same problems in one run.

Problem (docs: /work/shared/research/optimizers.md §5.1), per account:

    maximise    mu'w - gamma w'Sigma w - kappa'|w - w0|
    subject to  sum(w) = 1,  0 <= w <= cap,  G w <= 35% (five asset classes),
                cash_like'w >= 0,  risk_levels'w <= 5     (the engine's extra rows, non-binding)

Part 1 times each method at 12, 50 and 200 assets on a synthetic factor-model universe; part 2
solves a batch of accounts on the real 16-product catalogue from `Runtime.load`. Accuracy is
measured against a tight reference: Clarabel through cvxpy with tolerances of 1e-10.

Run: `OMP_NUM_THREADS=1 .venv/bin/python benchmarks/optimizer.py [--quick]` (re-executes itself
with OMP_NUM_THREADS=1 if needed). Results: benchmarks/results/optimizer.json.
"""

import argparse
import gc
import resource
import time
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Protocol

import clarabel
import cvxpy as cp
import numpy as np
import numpy.typing as npt
import osqp
import pandas as pd
import scipy.sparse as sparse
from _common import (
    TimingStats,
    ensure_single_threaded_blas,
    format_machine,
    format_ms,
    format_small,
    load_average,
    machine_description,
    timed,
    write_json,
)
from pypfopt import EfficientFrontier, objective_functions
from pypfopt.exceptions import OptimizationError

from advisor.engine.optimizer import AllocationRequest, MeanVarianceOptimizer, Universe
from advisor.errors import InfeasibleRequest
from advisor.runtime import Runtime
from advisor.settings import Settings

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

SEED = 20261130
SIZES = (12, 50, 200)
OBSERVATIONS = 1000  # rows of the synthetic return panel, so that Sigma is positive definite
FACTOR_VOLATILITIES = np.array([0.15, 0.07, 0.05])  # annual-scale: asset vol about 20%
GROUP_COUNT = 5
GROUP_CAP = 0.35
TRADING_COST = 0.0020  # kappa: 20 bp per unit of weight traded
RISK_AVERSION_RANGE = (1.0, 10.0)  # gamma ~ log-uniform on this range
DIRICHLET_CONCENTRATION = 0.5
REFERENCE_TOLERANCE = 1e-10
OSQP_SETTINGS: dict[str, Any] = {
    "eps_abs": 1e-5,
    "eps_rel": 1e-5,
    "max_iter": 10_000,
    "polishing": True,
    "warm_starting": True,
    "verbose": False,
}
PYPFOPT_NO_SOLVER = "cvxpy default"
ROUNDS = 5  # timed solves are interleaved between methods in this many rounds
PASSED_STATUSES = {"optimal", "Solved", "solved"}  # anything else counts as "not ok"


@dataclass(frozen=True)
class RunPlan:
    """How many accounts each part of the benchmark solves."""

    built_once_accounts: dict[int, int]  # per size: engine, raw solvers
    rebuilt_accounts: dict[int, int]  # per size: PyPortfolioOpt, cvxpy rebuild (slow)
    batch_accounts: int
    batch_sample: int  # accounts solved by the slow methods in the batch, then extrapolated

    @classmethod
    def full(cls) -> "RunPlan":
        """The full run reported in the README."""
        return cls({12: 200, 50: 200, 200: 100}, {12: 50, 50: 50, 200: 30}, 10_000, 300)

    @classmethod
    def quick(cls) -> "RunPlan":
        """A smoke run of a few seconds per size."""
        return cls({12: 30, 50: 30, 200: 15}, {12: 10, 50: 10, 200: 5}, 1_000, 30)


# --------------------------------------------------------------------------------------------
# Problems


@dataclass(frozen=True)
class Market:
    """What every account shares: assets, risk model, costs and constraint structure."""

    description: str
    asset_ids: tuple[str, ...]
    expected_returns: FloatArray
    covariance: FloatArray
    trading_costs: FloatArray
    group_exposures: FloatArray  # groups x assets (asset classes, or the engine's sleeves)
    risk_levels: FloatArray
    cash_like: BoolArray

    @property
    def size(self) -> int:
        """Number of assets."""
        return len(self.asset_ids)


@dataclass(frozen=True)
class Account:
    """What differs between accounts."""

    risk_aversion: float
    current_weights: FloatArray
    upper_bounds: FloatArray
    group_caps: FloatArray
    liquid_floor: float = 0.0
    max_average_risk_level: float = 5.0


def synthetic_market(size: int, rng: np.random.Generator) -> Market:
    """A universe from a 3-factor return panel with annual-scale numbers (mu about 6-8%, vol about
    20%); mu and Sigma are the sample mean and covariance (ddof=1). Assets rotate through five
    asset classes; every fifth asset, starting with the first, is cash-like (for the floor row)."""
    loadings = np.column_stack(
        [rng.normal(1.0, 0.3, size), rng.normal(0.0, 1.0, size), rng.normal(0.0, 1.0, size)]
    )
    factors = rng.normal(size=(OBSERVATIONS, len(FACTOR_VOLATILITIES))) * FACTOR_VOLATILITIES
    residual_volatility = rng.uniform(0.08, 0.15, size)
    alpha = rng.uniform(0.06, 0.08, size)
    returns = (
        alpha + factors @ loadings.T + rng.normal(size=(OBSERVATIONS, size)) * residual_volatility
    )
    classes = np.arange(size) % GROUP_COUNT
    groups = np.zeros((GROUP_COUNT, size))
    groups[classes, np.arange(size)] = 1.0
    return Market(
        description=f"synthetic {size}-asset factor model",
        asset_ids=tuple(f"asset_{i:03d}" for i in range(size)),
        expected_returns=returns.mean(axis=0),
        covariance=np.cov(returns, rowvar=False, ddof=1),
        trading_costs=np.full(size, TRADING_COST),
        group_exposures=groups,
        risk_levels=(classes + 1).astype(float),
        cash_like=classes == 0,
    )


def asset_cap(size: int) -> float:
    """Per-asset cap of the problem family: max(3/n, 2%)."""
    return max(3.0 / size, 0.02)


def synthetic_accounts(market: Market, count: int, rng: np.random.Generator) -> list[Account]:
    """Accounts with w0 ~ Dirichlet(0.5) and gamma ~ logU[1, 10]; the same caps for everyone."""
    size = market.size
    upper = np.full(size, asset_cap(size))
    caps = np.full(GROUP_COUNT, GROUP_CAP)
    low, high = np.log(RISK_AVERSION_RANGE)
    return [
        Account(
            risk_aversion=float(np.exp(rng.uniform(low, high))),
            current_weights=rng.dirichlet(np.full(size, DIRICHLET_CONCENTRATION)),
            upper_bounds=upper,
            group_caps=caps,
        )
        for _ in range(count)
    ]


def objective_value(market: Market, account: Account, weights: FloatArray) -> float:
    """mu'w - gamma w'Sigma w - kappa'|w - w0|, in units of return."""
    trades = np.abs(weights - account.current_weights)
    return float(
        market.expected_returns @ weights
        - account.risk_aversion * weights @ market.covariance @ weights
        - market.trading_costs @ trades
    )


def constraint_violation(market: Market, account: Account, weights: FloatArray) -> float:
    """The largest violation of any constraint (budget, bounds, group caps, floor, risk level)."""
    return float(
        max(
            abs(weights.sum() - 1.0),
            -weights.min(),
            (weights - account.upper_bounds).max(),
            (market.group_exposures @ weights - account.group_caps).max(),
            account.liquid_floor - market.cash_like.astype(float) @ weights,
            market.risk_levels @ weights - account.max_average_risk_level,
            0.0,
        )
    )


# --------------------------------------------------------------------------------------------
# Methods


@dataclass(frozen=True)
class Solution:
    """One method's answer for one account."""

    weights: FloatArray | None
    status: str


class Method(Protocol):
    """A way to solve the problem for many accounts: `build` once per market, `solve` each."""

    key: str
    label: str
    built_once: bool

    def build(self, market: Market, first_account: Account) -> None:
        """One-off work shared by all accounts (nothing for methods that rebuild per solve)."""

    def solve(self, account: Account) -> Solution:
        """The optimal weights for one account."""
        ...


def _weighted_transaction_cost(w: cp.Variable, w_prev: FloatArray, k: FloatArray) -> cp.Expression:
    """kappa'|w - w_prev| for per-asset costs (PyPortfolioOpt's `transaction_cost` has one k)."""
    return k @ cp.abs(w - w_prev)


def _partition_of(groups: FloatArray) -> FloatArray | None:
    """The group of each asset, if every asset belongs to exactly one group (a 0/1 matrix)."""
    is_binary = np.isin(groups, (0.0, 1.0)).all()
    if not is_binary or not (groups.sum(axis=0) == 1).all():
        return None
    return np.asarray(groups.argmax(axis=0), dtype=float)


@dataclass
class PyPortfolioOptMethod:
    """PyPortfolioOpt as documented: a new `EfficientFrontier` per solve (previous weights are a
    constant of the instance), `add_sector_constraints`, `transaction_cost` and
    `max_quadratic_utility(risk_aversion=2*gamma)` (its utility is mu'w - delta/2 w'Sigma w)."""

    solver: str | None = None
    key: str = "pyportfolioopt"
    label: str = "(a) PyPortfolioOpt, new instance"
    built_once: bool = False
    solver_names: Counter[str] = field(default_factory=Counter)
    _market: Market | None = None
    _returns: pd.Series | None = None
    _covariance: pd.DataFrame | None = None
    _sector_of: dict[str, int] | None = None

    def __post_init__(self) -> None:
        self.label += f" [{self.solver or PYPFOPT_NO_SOLVER}]"
        if self.solver:
            self.key += "_" + self.solver.lower()

    def build(self, market: Market, first_account: Account) -> None:
        """Only labels the inputs: PyPortfolioOpt keeps nothing between accounts."""
        self._market = market
        self._returns = pd.Series(market.expected_returns, index=market.asset_ids)
        self._covariance = pd.DataFrame(
            market.covariance, index=market.asset_ids, columns=market.asset_ids
        )
        partition = _partition_of(market.group_exposures)
        self._sector_of = (
            None
            if partition is None
            else {
                asset: int(group) for asset, group in zip(market.asset_ids, partition, strict=True)
            }
        )

    def solve(self, account: Account) -> Solution:
        """Build an `EfficientFrontier` for this account and maximise utility."""
        market = self._market
        assert market is not None, "build first"
        upper = account.upper_bounds
        bounds: tuple[float, float] | list[tuple[float, float]] = (
            (0.0, float(upper[0]))
            if np.all(upper == upper[0])
            else [(0.0, float(cap)) for cap in upper]
        )
        frontier = EfficientFrontier(
            self._returns, self._covariance, weight_bounds=bounds, solver=self.solver
        )
        if self._sector_of is not None:
            caps = {group: float(cap) for group, cap in enumerate(account.group_caps)}
            frontier.add_sector_constraints(self._sector_of, {}, caps)
        else:
            exposures, caps_vector = market.group_exposures, account.group_caps
            frontier.add_constraint(lambda w: exposures @ w <= caps_vector)
        # The engine's extra rows only when they can bind (never in the synthetic family).
        if account.liquid_floor > 0:
            cash, floor = market.cash_like.astype(float), account.liquid_floor
            frontier.add_constraint(lambda w: cash @ w >= floor)
        if account.max_average_risk_level < market.risk_levels.max():
            levels, level_cap = market.risk_levels, account.max_average_risk_level
            frontier.add_constraint(lambda w: levels @ w <= level_cap)
        costs = market.trading_costs
        if np.all(costs == costs[0]):
            frontier.add_objective(
                objective_functions.transaction_cost,
                w_prev=account.current_weights,
                k=float(costs[0]),
            )
        else:
            frontier.add_objective(
                _weighted_transaction_cost, w_prev=account.current_weights, k=costs
            )
        try:
            frontier.max_quadratic_utility(risk_aversion=2.0 * account.risk_aversion)
        except OptimizationError as error:
            return Solution(None, f"error: {error}")
        problem = frontier._opt  # the cvxpy problem, to record which solver cvxpy chose
        self.solver_names[problem.solver_stats.solver_name] += 1
        return Solution(np.asarray(frontier.weights, dtype=float), str(problem.status))


def cvxpy_model(market: Market, account: Account) -> tuple[cp.Problem, cp.Variable]:
    """The engine's model written as plain cvxpy with every input a constant."""
    weights = cp.Variable(market.size)
    objective = cp.Maximize(
        market.expected_returns @ weights
        - account.risk_aversion * cp.quad_form(weights, cp.psd_wrap(market.covariance))
        - market.trading_costs @ cp.abs(weights - account.current_weights)
    )
    constraints = [
        cp.sum(weights) == 1,
        weights >= 0,
        weights <= account.upper_bounds,
        market.group_exposures @ weights <= account.group_caps,
        market.cash_like.astype(float) @ weights >= account.liquid_floor,
        market.risk_levels @ weights <= account.max_average_risk_level,
    ]
    return cp.Problem(objective, constraints), weights


@dataclass
class CvxpyRebuildMethod:
    """A plain cvxpy problem built and compiled for every account (no DPP, no re-use)."""

    solver: str = cp.CLARABEL
    solver_options: dict[str, Any] = field(default_factory=dict)
    key: str = "cvxpy_rebuild"
    label: str = "(b) plain cvxpy, rebuilt per solve [CLARABEL]"
    built_once: bool = False
    _market: Market | None = None

    def build(self, market: Market, first_account: Account) -> None:
        """Nothing to share between accounts."""
        self._market = market

    def solve(self, account: Account) -> Solution:
        """Build, compile and solve the model for this account."""
        assert self._market is not None, "build first"
        problem, weights = cvxpy_model(self._market, account)
        try:
            problem.solve(solver=self.solver, **self.solver_options)
        except cp.SolverError as error:
            return Solution(None, f"error: {error}")
        if weights.value is None:
            return Solution(None, str(problem.status))
        return Solution(np.asarray(weights.value, dtype=float), str(problem.status))


def reference_method() -> CvxpyRebuildMethod:
    """The accuracy reference: Clarabel through cvxpy with gap and feasibility tolerances 1e-10."""
    tight = {
        "tol_gap_abs": REFERENCE_TOLERANCE,
        "tol_gap_rel": REFERENCE_TOLERANCE,
        "tol_feas": REFERENCE_TOLERANCE,
    }
    return CvxpyRebuildMethod(solver_options=tight, key="reference", label="reference")


@dataclass
class EngineMethod:
    """The project's `MeanVarianceOptimizer`: built once per universe, `solve` per account."""

    key: str = "engine"
    label: str = "(c) project engine, MeanVarianceOptimizer.solve"
    built_once: bool = True
    relaxed_solves: int = 0
    _optimizer: MeanVarianceOptimizer | None = None

    def build(self, market: Market, first_account: Account) -> None:
        """Compile the DPP problem and read off the canonical QP (the engine's constructor)."""
        universe = Universe(
            product_ids=market.asset_ids,
            expected_returns=market.expected_returns,
            covariance=market.covariance,
            risk_levels=market.risk_levels,
            cash_like=market.cash_like,
            sleeve_exposures=market.group_exposures,
            trading_costs=market.trading_costs,
        )
        self._optimizer = MeanVarianceOptimizer(universe)

    def solve(self, account: Account) -> Solution:
        """`MeanVarianceOptimizer.solve`, as the rebalancer calls it."""
        assert self._optimizer is not None, "build first"
        request = AllocationRequest(
            risk_aversion=account.risk_aversion,
            upper_bounds=account.upper_bounds,
            sleeve_caps=account.group_caps,
            liquid_floor=account.liquid_floor,
            max_average_risk_level=account.max_average_risk_level,
            current_weights=account.current_weights,
        )
        try:
            allocation = self._optimizer.solve(request)
        except InfeasibleRequest as error:
            return Solution(None, f"error: {error}")
        if allocation.relaxations:
            self.relaxed_solves += 1
            return Solution(allocation.weights, "relaxed: " + "; ".join(allocation.relaxations))
        return Solution(allocation.weights, allocation.solver_status)


@dataclass(frozen=True)
class RawQP:
    """The problem as a QP over x = [w, t], divided by gamma so that only vectors change:

        minimise  w'Sigma w - (mu/gamma)'w + (kappa/gamma)'t,   t >= |w - w0|

    P = blockdiag(2 Sigma, 0) and the constraint matrices are fixed; an account changes q and the
    bounds (OSQP l, u) or the right-hand side (Clarabel b)."""

    size: int
    groups: int
    P_upper: sparse.csc_matrix
    A_osqp: sparse.csc_matrix
    A_clarabel: sparse.csc_matrix
    market: Market

    @classmethod
    def of(cls, market: Market) -> "RawQP":
        """Assemble the fixed matrices for a market."""
        n, k = market.size, market.group_exposures.shape[0]
        identity = sparse.identity(n, format="csc")
        zeros = sparse.csc_matrix((n, n))
        ones = sparse.csc_matrix(np.ones((1, n)))
        groups = sparse.csc_matrix(market.group_exposures)
        cash = sparse.csc_matrix(market.cash_like.astype(float)[None, :])
        levels = sparse.csc_matrix(market.risk_levels[None, :])
        P = sparse.block_diag([2.0 * sparse.csc_matrix(market.covariance), zeros], format="csc")
        no_t = sparse.csc_matrix((1, n))
        no_t_groups = sparse.csc_matrix((k, n))
        # OSQP: l <= A x <= u
        A_osqp = sparse.bmat(
            [
                [ones, no_t],  # budget
                [identity, None],  # 0 <= w <= upper
                [groups, no_t_groups],  # group caps
                [cash, no_t],  # liquid floor
                [levels, no_t],  # average risk level
                [-identity, identity],  # t - w >= -w0
                [identity, identity],  # t + w >= w0
            ],
            format="csc",
        )
        # Clarabel: A x + s = b, s in {0} x nonneg
        A_clarabel = sparse.bmat(
            [
                [ones, no_t],  # budget (zero cone)
                [identity, None],  # w <= upper
                [-identity, None],  # -w <= 0
                [groups, no_t_groups],  # group caps
                [-cash, no_t],  # -cash'w <= -floor
                [levels, no_t],  # average risk level
                [identity, -identity],  # w - t <= w0
                [-identity, -identity],  # -w - t <= -w0
            ],
            format="csc",
        )
        return cls(n, k, sparse.triu(P, format="csc"), A_osqp, A_clarabel, market)

    def linear_term(self, account: Account) -> FloatArray:
        """q = [-mu/gamma, kappa/gamma]."""
        gamma = account.risk_aversion
        return np.concatenate(
            [-self.market.expected_returns / gamma, self.market.trading_costs / gamma]
        )

    def osqp_bounds(self, account: Account) -> tuple[FloatArray, FloatArray]:
        """OSQP's l and u for an account."""
        n, w0 = self.size, account.current_weights
        infinity = np.full(self.groups, np.inf)
        lower = np.concatenate(
            [[1.0], np.zeros(n), -infinity, [account.liquid_floor], [-np.inf], -w0, w0]
        )
        upper = np.concatenate(
            [
                [1.0],
                account.upper_bounds,
                account.group_caps,
                [np.inf],
                [account.max_average_risk_level],
                np.full(2 * n, np.inf),
            ]
        )
        return lower, upper

    def clarabel_rhs(self, account: Account) -> FloatArray:
        """Clarabel's b for an account."""
        w0 = account.current_weights
        return np.concatenate(
            [
                [1.0],
                account.upper_bounds,
                np.zeros(self.size),
                account.group_caps,
                [-account.liquid_floor],
                [account.max_average_risk_level],
                w0,
                -w0,
            ]
        )

    def cones(self) -> list[object]:
        """Clarabel cones: one equality row, the rest non-negative."""
        return [
            clarabel.ZeroConeT(1),
            clarabel.NonnegativeConeT(self.A_clarabel.shape[0] - 1),
        ]


@dataclass
class RawOsqpMethod:
    """OSQP on the prebuilt QP: `setup` once, then `update(q, l, u)` and a warm-started solve."""

    key: str = "raw_osqp"
    label: str = "(d) raw OSQP, setup once + update + warm start"
    built_once: bool = True
    polish_failures: int = 0
    _qp: RawQP | None = None
    _solver: osqp.OSQP | None = None

    def build(self, market: Market, first_account: Account) -> None:
        """Assemble the matrices and factorise the KKT system once."""
        self._qp = RawQP.of(market)
        lower, upper = self._qp.osqp_bounds(first_account)
        self._solver = osqp.OSQP()
        self._solver.setup(
            self._qp.P_upper,
            self._qp.linear_term(first_account),
            self._qp.A_osqp,
            lower,
            upper,
            **OSQP_SETTINGS,
        )

    def solve(self, account: Account) -> Solution:
        """Update the vectors and re-solve from the previous account's solution."""
        assert self._qp is not None and self._solver is not None, "build first"
        lower, upper = self._qp.osqp_bounds(account)
        self._solver.update(q=self._qp.linear_term(account), l=lower, u=upper)
        result = self._solver.solve(raise_error=False)
        if result.info.status_polish == -1:
            self.polish_failures += 1
        if result.x is None or not np.all(np.isfinite(result.x)):
            return Solution(None, str(result.info.status))
        return Solution(np.array(result.x[: self._qp.size]), str(result.info.status))


@dataclass
class RawClarabelMethod:
    """Clarabel on the prebuilt QP: built once (presolve off), then `update(q, b)` and solve."""

    key: str = "raw_clarabel"
    label: str = "(d) raw Clarabel, built once + update"
    built_once: bool = True
    _qp: RawQP | None = None
    _solver: clarabel.DefaultSolver | None = None

    def build(self, market: Market, first_account: Account) -> None:
        """Assemble the matrices and the solver (symbolic factorisation) once."""
        self._qp = RawQP.of(market)
        settings = clarabel.DefaultSettings()
        settings.verbose = False
        settings.presolve_enable = False  # a fixed data layout is what makes `update` allowed
        self._solver = clarabel.DefaultSolver(
            self._qp.P_upper,
            self._qp.linear_term(first_account),
            self._qp.A_clarabel,
            self._qp.clarabel_rhs(first_account),
            self._qp.cones(),
            settings,
        )

    def solve(self, account: Account) -> Solution:
        """Update q and b and solve."""
        assert self._qp is not None and self._solver is not None, "build first"
        self._solver.update(q=self._qp.linear_term(account), b=self._qp.clarabel_rhs(account))
        solution = self._solver.solve()
        status = str(solution.status)
        if status not in ("Solved", "AlmostSolved"):
            return Solution(None, status)
        return Solution(np.array(solution.x[: self._qp.size]), status)


def all_methods() -> list[Method]:
    """The methods in the order they are printed."""
    return [
        PyPortfolioOptMethod(),
        PyPortfolioOptMethod(solver="CLARABEL"),
        CvxpyRebuildMethod(),
        EngineMethod(),
        RawOsqpMethod(),
        RawClarabelMethod(),
    ]


# --------------------------------------------------------------------------------------------
# Measuring


@dataclass
class MethodResult:
    """Timings and accuracy of one method on one set of accounts."""

    key: str
    label: str
    built_once: bool
    build_ms: float | None
    first_solve_ms: float
    timing: TimingStats
    max_gap_bp: float
    max_violation: float
    max_weight_difference: float
    not_ok: int
    statuses: dict[str, int]
    notes: list[str] = field(default_factory=list)
    extrapolated_total_s: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output."""
        result = dict(vars(self))
        result["timing"] = self.timing.as_dict()
        return result


@dataclass(frozen=True)
class Reference:
    """Tight solutions of a set of accounts, and their objective values."""

    weights: dict[int, FloatArray]
    objectives: dict[int, float]
    seconds: float


def solve_reference(
    market: Market, accounts: Sequence[Account], indices: Sequence[int]
) -> Reference:
    """Solve the given accounts with the tight reference."""
    method = reference_method()
    method.build(market, accounts[0])
    weights: dict[int, FloatArray] = {}
    started = time.perf_counter()
    for index in indices:
        solution = method.solve(accounts[index])
        if solution.weights is None:
            raise RuntimeError(f"reference failed on account {index}: {solution.status}")
        weights[index] = solution.weights
    objectives = {i: objective_value(market, accounts[i], w) for i, w in weights.items()}
    return Reference(weights, objectives, time.perf_counter() - started)


def measure_all(
    methods: Sequence[Method],
    market: Market,
    accounts: Sequence[Account],
    orders: dict[str, list[int]],
    reference: Reference,
    rng: np.random.Generator,
) -> list[MethodResult]:
    """Time every method on its accounts (`orders[method.key]`, already shuffled).

    Each method is built once and solves its first account untimed-for-the-median (that is the
    one-off "first solve"). The timed solves then run in `ROUNDS` rounds: in each round every
    method solves its next slice of accounts in a tight loop, the methods in a fresh random
    order, so that a burst of background load on a shared machine is spread over all methods
    instead of landing on one. Garbage is collected before each slice, so that no method pays
    for another's; a method's own garbage collections stay in its timings. Accuracy is checked
    afterwards, outside the timed calls, on the accounts that have a reference solution."""
    build_seconds: dict[str, float] = {}
    first_seconds: dict[str, float] = {}
    for method in methods:
        first = accounts[orders[method.key][0]]
        gc.collect()
        _, build_seconds[method.key] = timed(partial(method.build, market, first))
        _, first_seconds[method.key] = timed(partial(method.solve, first))

    durations: dict[str, list[float]] = {method.key: [] for method in methods}
    solutions: dict[str, dict[int, Solution]] = {method.key: {} for method in methods}
    slices = {
        method.key: np.array_split(np.asarray(orders[method.key]), ROUNDS) for method in methods
    }
    for round_index in range(ROUNDS):
        for position in rng.permutation(len(methods)):
            method = methods[int(position)]
            gc.collect()
            for index in slices[method.key][round_index]:
                account = accounts[int(index)]
                started = time.perf_counter()
                solution = method.solve(account)
                durations[method.key].append(time.perf_counter() - started)
                solutions[method.key][int(index)] = solution

    return [
        summarise(
            method,
            market,
            accounts,
            reference,
            solutions[method.key],
            durations[method.key],
            build_seconds[method.key],
            first_seconds[method.key],
        )
        for method in methods
    ]


def summarise(
    method: Method,
    market: Market,
    accounts: Sequence[Account],
    reference: Reference,
    solutions: dict[int, Solution],
    durations: Sequence[float],
    build_seconds: float,
    first_seconds: float,
) -> MethodResult:
    """Timing statistics, solver statuses and accuracy against the reference for one method."""
    gaps, violations, differences = [], [], []
    for index, solution in solutions.items():
        if solution.weights is None or index not in reference.weights:
            continue
        account = accounts[index]
        gap = reference.objectives[index] - objective_value(market, account, solution.weights)
        gaps.append(abs(gap) * 1e4)
        violations.append(constraint_violation(market, account, solution.weights))
        differences.append(np.abs(solution.weights - reference.weights[index]).max())
    statuses = Counter(solution.status for solution in solutions.values())
    not_ok = sum(count for status, count in statuses.items() if status not in PASSED_STATUSES)
    return MethodResult(
        key=method.key,
        label=method.label,
        built_once=method.built_once,
        build_ms=build_seconds * 1e3 if method.built_once else None,
        first_solve_ms=first_seconds * 1e3,
        timing=TimingStats.from_seconds(durations),
        max_gap_bp=max(gaps, default=float("nan")),
        max_violation=max(violations, default=float("nan")),
        max_weight_difference=max(differences, default=float("nan")),
        not_ok=not_ok,
        statuses=dict(statuses),
        notes=method_notes(method),
    )


def method_notes(method: Method) -> list[str]:
    """Method-specific facts worth printing (which solver cvxpy picked, polish failures, ...)."""
    if isinstance(method, PyPortfolioOptMethod) and method.solver_names:
        return ["cvxpy solver used: " + ", ".join(sorted(method.solver_names))]
    if isinstance(method, RawOsqpMethod) and method.polish_failures:
        return [f"polishing failed on {method.polish_failures} solves (unpolished result used)"]
    if isinstance(method, EngineMethod) and method.relaxed_solves:
        return [f"{method.relaxed_solves} solves needed a relaxation"]
    return []


def by_key(results: Sequence[MethodResult]) -> dict[str, MethodResult]:
    """Results indexed by method key."""
    return {result.key: result for result in results}


def speed_ratios(results: Sequence[MethodResult]) -> dict[str, float]:
    """Median-time ratios between the engine and the other methods (>1: the engine is faster
    for the `*_over_engine` ratios; the `engine_over_*` ratios say how far from the raw solver)."""
    medians = {key: result.timing.median_ms for key, result in by_key(results).items()}
    engine = medians["engine"]
    fastest_raw = min(medians["raw_osqp"], medians["raw_clarabel"])
    return {
        "pyportfolioopt_over_engine": medians["pyportfolioopt"] / engine,
        "pyportfolioopt_clarabel_over_engine": medians["pyportfolioopt_clarabel"] / engine,
        "cvxpy_rebuild_over_engine": medians["cvxpy_rebuild"] / engine,
        "engine_over_raw_clarabel": engine / medians["raw_clarabel"],
        "engine_over_raw_osqp": engine / medians["raw_osqp"],
        "engine_over_fastest_raw": engine / fastest_raw,
    }


# --------------------------------------------------------------------------------------------
# Part 1: sizes


def run_size(size: int, plan: RunPlan, rng: np.random.Generator) -> dict[str, Any]:
    """All methods on one synthetic universe of `size` assets."""
    market = synthetic_market(size, rng)
    accounts = synthetic_accounts(market, plan.built_once_accounts[size], rng)
    order = [int(i) for i in rng.permutation(len(accounts))]
    rebuilt_count = plan.rebuilt_accounts[size]
    rebuilt_order = [i for i in order if i < rebuilt_count]
    reference = solve_reference(market, accounts, range(len(accounts)))

    methods = all_methods()
    orders = {m.key: order if m.built_once else rebuilt_order for m in methods}
    results = measure_all(methods, market, accounts, orders, reference, rng)
    ratios = speed_ratios(results)
    print_size_table(size, len(accounts), rebuilt_count, results, ratios, reference)
    return {
        "assets": size,
        "market": market.description,
        "asset_cap": asset_cap(size),
        "group_cap": GROUP_CAP,
        "accounts_built_once": len(accounts),
        "accounts_rebuilt": rebuilt_count,
        "reference_seconds": reference.seconds,
        "methods": [result.as_dict() for result in results],
        "ratios": ratios,
    }


def print_method_table(results: Sequence[MethodResult]) -> None:
    """One row per method: build, first solve, median and p90 per solve, accuracy."""
    header = (
        f"{'method':<52}{'build ms':>9}{'1st ms':>8}{'median':>8}{'p90':>8}"
        f"{'gap bp':>9}{'viol':>9}{'max|dw|':>9}{'not ok':>7}"
    )
    print(header)
    print("-" * len(header))
    for result in results:
        print(
            f"{result.label:<52}{format_ms(result.build_ms):>9}"
            f"{format_ms(result.first_solve_ms):>8}{format_ms(result.timing.median_ms):>8}"
            f"{format_ms(result.timing.p90_ms):>8}{format_small(result.max_gap_bp):>9}"
            f"{format_small(result.max_violation):>9}"
            f"{format_small(result.max_weight_difference):>9}{result.not_ok:>7}"
        )
        for note in result.notes:
            print(f"    note: {note}")


def times_faster(ratio: float) -> str:
    """'12.3x faster' for a ratio above 1, else how much slower the engine is."""
    if ratio >= 1:
        return f"{ratio:.1f}x faster"
    return f"{1 / ratio:.1f}x SLOWER"


def verdict(met: bool) -> str:
    """'met' or 'NOT met'."""
    return "met" if met else "NOT met"


def print_size_table(
    size: int,
    built_once_count: int,
    rebuilt_count: int,
    results: Sequence[MethodResult],
    ratios: dict[str, float],
    reference: Reference,
) -> None:
    """The per-size table and the promised ratios."""
    print()
    print(
        f"== n = {size} assets: asset cap {asset_cap(size):.0%}, {GROUP_COUNT} class caps "
        f"{GROUP_CAP:.0%}, kappa {TRADING_COST * 1e4:.0f} bp, gamma ~ logU[1,10], "
        f"w0 ~ Dirichlet(0.5) =="
    )
    print(
        f"   timed accounts: {built_once_count} (built-once methods), {rebuilt_count} "
        f"(rebuilt per solve); reference solves took {reference.seconds:.1f} s"
    )
    print_method_table(results)
    target_pypfopt = ratios["pyportfolioopt_over_engine"]
    target_raw = ratios["engine_over_fastest_raw"]
    pypfopt_line = (
        f"   engine vs PyPortfolioOpt: {times_faster(target_pypfopt)} "
        f"({times_faster(ratios['pyportfolioopt_clarabel_over_engine'])} vs its CLARABEL run)"
    )
    if size == min(SIZES):
        pypfopt_line += f"  [target >= 10x at {size} assets: {verdict(target_pypfopt >= 10)}]"
    print(pypfopt_line)
    print(f"   engine vs plain cvxpy rebuild: {times_faster(ratios['cvxpy_rebuild_over_engine'])}")
    print(
        f"   engine vs raw solver: {ratios['engine_over_raw_clarabel']:.1f}x raw Clarabel, "
        f"{ratios['engine_over_raw_osqp']:.1f}x raw OSQP  "
        f"[target within 10x of the fastest: {verdict(target_raw <= 10)}]"
    )


# --------------------------------------------------------------------------------------------
# Part 2: batch on the real catalogue


def catalogue_market(runtime: Runtime) -> Market:
    """The engine's universe for the real catalogue, as a `Market`."""
    universe = runtime.optimizer.universe
    return Market(
        description=f"catalogue, {universe.size} products",
        asset_ids=universe.product_ids,
        expected_returns=universe.expected_returns,
        covariance=universe.covariance,
        trading_costs=universe.trading_costs,
        group_exposures=universe.sleeve_exposures,
        risk_levels=universe.risk_levels,
        cash_like=universe.cash_like,
    )


def catalogue_accounts(runtime: Runtime, count: int, rng: np.random.Generator) -> list[Account]:
    """Accounts with a random investor class 1-5 (its policy caps, floor and risk-level cap), the
    class's risk aversion times a factor from logU[0.5, 2], and w0 ~ Dirichlet(0.5) over the
    products suitable for the class."""
    requests = {level: runtime.request(level) for level in range(1, 6)}
    spread = (-np.log(2.0), np.log(2.0))
    accounts = []
    for level in rng.integers(1, 6, size=count):
        request = requests[int(level)]
        suitable = request.upper_bounds > 0
        current = np.zeros(suitable.size)
        current[suitable] = rng.dirichlet(np.full(int(suitable.sum()), DIRICHLET_CONCENTRATION))
        accounts.append(
            Account(
                risk_aversion=request.risk_aversion * float(np.exp(rng.uniform(*spread))),
                current_weights=current,
                upper_bounds=request.upper_bounds,
                group_caps=request.sleeve_caps,
                liquid_floor=request.liquid_floor,
                max_average_risk_level=request.max_average_risk_level,
            )
        )
    return accounts


def run_batch(plan: RunPlan, rng: np.random.Generator) -> dict[str, Any]:
    """Many accounts on the real catalogue: total seconds for the built-once methods; the methods
    that rebuild per solve run on a sample and are extrapolated."""
    runtime, load_seconds = timed(lambda: Runtime.load(Settings()))
    market = catalogue_market(runtime)
    accounts = catalogue_accounts(runtime, plan.batch_accounts, rng)
    order = [int(i) for i in rng.permutation(len(accounts))]
    sample = [i for i in order if i < plan.batch_sample]
    reference = solve_reference(market, accounts, sample)

    methods = all_methods()
    orders = {m.key: order if m.built_once else sample for m in methods}
    results = measure_all(methods, market, accounts, orders, reference, rng)
    for result in results:
        if not result.built_once:
            result.extrapolated_total_s = result.timing.total_s / len(sample) * len(accounts)
    print_batch_table(plan, market, load_seconds, results, reference)
    return {
        "market": market.description,
        "accounts": len(accounts),
        "extrapolation_sample": len(sample),
        "runtime_load_seconds": load_seconds,
        "reference_seconds": reference.seconds,
        "methods": [result.as_dict() for result in results],
        "totals_seconds": {result.key: batch_total(result) for result in results},
    }


def batch_total(result: MethodResult) -> float:
    """Seconds for the whole batch: build + every solve, or the extrapolation."""
    if result.extrapolated_total_s is not None:
        return result.extrapolated_total_s
    return (result.build_ms or 0.0) / 1e3 + result.timing.total_s


def print_batch_table(
    plan: RunPlan,
    market: Market,
    load_seconds: float,
    results: Sequence[MethodResult],
    reference: Reference,
) -> None:
    """Totals for the batch, then the per-solve table (accuracy on the sample)."""
    count = plan.batch_accounts
    print()
    print(
        f"== batch: {count:,} accounts on the {market.description} (Runtime.load: "
        f"{load_seconds:.2f} s); investor class 1-5 with its policy constraints, gamma = class "
        f"gamma x logU[0.5,2], w0 ~ Dirichlet(0.5) over suitable products =="
    )
    for result in results:
        total = batch_total(result)
        if result.extrapolated_total_s is not None:
            how = f"EXTRAPOLATED from {result.timing.count} accounts"
        else:
            how = f"measured, {result.timing.count:,} solves + build"
        print(f"   {result.label:<52}{total:>9.2f} s   ({how})")
    print(
        f"   accuracy below: on the first {plan.batch_sample} accounts against the tight reference "
        f"({reference.seconds:.1f} s)"
    )
    print_method_table(results)
    engine = by_key(results)["engine"]
    relaxed = sum(c for s, c in engine.statuses.items() if s.startswith("relaxed"))
    print(f"   engine solves needing a relaxation: {relaxed} of {engine.timing.count:,}")


# --------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> None:
    """Run both parts, print the tables and write benchmarks/results/optimizer.json."""
    ensure_single_threaded_blas()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a fast smoke run: fewer accounts")
    arguments = parser.parse_args(argv)
    plan = RunPlan.quick() if arguments.quick else RunPlan.full()
    warnings.filterwarnings("ignore", category=PendingDeprecationWarning, module="osqp")

    machine = machine_description()
    print("optimizer benchmark" + (" (--quick)" if arguments.quick else ""))
    print(format_machine(machine))
    started = time.perf_counter()
    rng = np.random.default_rng(SEED)
    sizes = [run_size(size, plan, rng) for size in SIZES]
    batch = run_batch(plan, rng)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    elapsed = time.perf_counter() - started
    print()
    print(
        f"peak RSS {peak_rss_mb:.0f} MB; benchmark wall time {elapsed:.0f} s; "
        f"load average at the end {load_average()}"
    )
    payload = {
        "benchmark": "optimizer",
        "mode": "quick" if arguments.quick else "full",
        "seed": SEED,
        "machine": machine,
        "problem": {
            "objective": "max mu'w - gamma w'Sigma w - kappa'|w - w0|",
            "trading_cost": TRADING_COST,
            "group_count": GROUP_COUNT,
            "group_cap": GROUP_CAP,
            "risk_aversion_range": RISK_AVERSION_RANGE,
            "dirichlet_concentration": DIRICHLET_CONCENTRATION,
            "reference_tolerance": REFERENCE_TOLERANCE,
            "osqp_settings": OSQP_SETTINGS,
        },
        "sizes": sizes,
        "batch": batch,
        "peak_rss_mb": peak_rss_mb,
        "load_average_at_end": load_average(),
        "wall_seconds": elapsed,
    }
    path = write_json("optimizer.json", payload)
    print(f"results written to {path}")


if __name__ == "__main__":
    main()
