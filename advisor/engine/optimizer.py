"""Mean-variance optimizer: modelled in cvxpy, solved as a prebuilt QP for speed.

The problem, per account (all weights are fractions of the account's value):

    maximise    mu'w - gamma * w'Sigma w - kappa' |w - w0|
    subject to  sum(w) = 1,  0 <= w <= upper,  E w <= sleeve_caps,
                cash_like'w >= liquid_floor,  risk_levels'w <= max_average_risk_level

Dividing by gamma leaves the quadratic term fixed (parameters mu/gamma and kappa/gamma), so the
problem is compiled once per universe as a DPP-parametrised cvxpy problem. cvxpy stays the
source of truth for the model; for speed the canonical QP it produces is solved directly with
Clarabel: parameters enter the canonical data only through the linear term q and the
right-hand side b, as affine maps that are read off cvxpy once (`_AffineData`). A re-solve is then
two matrix-vector products and one Clarabel solve, with no recompilation.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import clarabel
import cvxpy as cp
import numpy as np
import scipy.sparse as sparse

from advisor.engine.estimators import nearest_psd
from advisor.engine.types import BoolArray, FloatArray
from advisor.errors import InfeasibleRequest

NO_CAP = 1e3  # stands in for "uncapped" in a sleeve cap; exposures never approach it
ACCEPTED_STATUSES = ("Solved", "AlmostSolved")


@dataclass(frozen=True)
class Universe:
    """What every account shares: the products, their risk model and constraint structure."""

    product_ids: tuple[str, ...]
    expected_returns: FloatArray
    covariance: FloatArray
    risk_levels: FloatArray
    cash_like: BoolArray
    sleeve_exposures: FloatArray  # sleeves x products, look-through
    trading_costs: FloatArray  # cost per unit of weight traded, e.g. 0.0002 for 2 bp

    @property
    def size(self) -> int:
        """Number of products."""
        return len(self.product_ids)


@dataclass(frozen=True)
class AllocationRequest:
    """What differs between accounts and requests."""

    risk_aversion: float
    upper_bounds: FloatArray
    sleeve_caps: FloatArray
    liquid_floor: float = 0.0
    max_average_risk_level: float = 5.0
    current_weights: FloatArray | None = None  # None: a fresh portfolio, no turnover cost
    turnover_penalty: bool = True


@dataclass(frozen=True)
class Allocation:
    """An optimal portfolio and how it was reached."""

    weights: FloatArray
    expected_return: float
    volatility: float
    relaxations: tuple[str, ...] = ()
    solver_status: str = "Solved"


@dataclass(frozen=True)
class Relaxation:
    """One step of the documented relaxation order, applied when a request is infeasible."""

    description: str
    apply: Callable[[AllocationRequest], AllocationRequest]


def _widen_product_caps(request: AllocationRequest) -> AllocationRequest:
    # Suitability is never relaxed: a product capped at zero stays at zero.
    return replace(request, upper_bounds=np.where(request.upper_bounds > 0, 1.0, 0.0))


RELAXATION_ORDER: tuple[Relaxation, ...] = (
    Relaxation("turnover penalty dropped", lambda r: replace(r, turnover_penalty=False)),
    Relaxation(
        "sleeve caps removed", lambda r: replace(r, sleeve_caps=np.full_like(r.sleeve_caps, NO_CAP))
    ),
    Relaxation("product caps widened to 100%", _widen_product_caps),
    Relaxation("liquid floor dropped", lambda r: replace(r, liquid_floor=0.0)),
    Relaxation("average risk-level cap dropped", lambda r: replace(r, max_average_risk_level=5.0)),
)


@dataclass
class _Parameters:
    """The cvxpy parameters, in the order of the flat parameter vector."""

    scaled_returns: cp.Parameter
    scaled_costs: cp.Parameter
    current_weights: cp.Parameter
    upper_bounds: cp.Parameter
    sleeve_caps: cp.Parameter
    liquid_floor: cp.Parameter
    max_average_risk_level: cp.Parameter

    def all(self) -> list[cp.Parameter]:
        return list(vars(self).values())

    def assign(self, vector: FloatArray) -> None:
        offset = 0
        for parameter in self.all():
            size = parameter.size
            chunk = vector[offset : offset + size]
            parameter.value = chunk.reshape(parameter.shape) if parameter.shape else chunk[0]
            offset += size


@dataclass(frozen=True)
class _AffineData:
    """Clarabel data of the canonical QP: q = q0 + Q theta, b = b0 + B theta; P, A fixed."""

    P: sparse.csc_matrix
    A: sparse.csc_matrix
    q0: FloatArray
    Q: FloatArray
    b0: FloatArray
    B: FloatArray
    cones: list[object]
    weight_columns: slice


@dataclass
class MeanVarianceOptimizer:
    """Built once per universe; `solve` is called once per account or request."""

    universe: Universe
    _problem: cp.Problem = field(init=False, repr=False)
    _weights: cp.Variable = field(init=False, repr=False)
    _parameters: _Parameters = field(init=False, repr=False)
    _data: _AffineData = field(init=False, repr=False)
    _solver: clarabel.DefaultSolver = field(init=False, repr=False)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        # A convex objective needs a PSD covariance; an estimate that is not gets the nearest one
        # (with a CovarianceRepaired warning) rather than a solver failure.
        covariance, repaired = nearest_psd(self.universe.covariance)
        if repaired:
            self.universe = replace(self.universe, covariance=covariance)
        self._problem, self._weights, self._parameters = _model(self.universe)
        self._data = _affine_data(self._problem, self._weights, self._parameters)
        settings = clarabel.DefaultSettings()
        settings.verbose = False
        settings.presolve_enable = False  # keeps the data layout fixed so `update` is allowed
        theta = np.zeros(self._data.Q.shape[1])
        self._solver = clarabel.DefaultSolver(
            self._data.P,
            self._data.q0 + self._data.Q @ theta,
            self._data.A,
            self._data.b0 + self._data.B @ theta,
            self._data.cones,
            settings,
        )

    def solve(self, request: AllocationRequest) -> Allocation:
        """The optimal allocation; if infeasible, relaxes in `RELAXATION_ORDER` and says so.

        Raises `InfeasibleRequest` only when no product is allowed at all. Thread-safe: solves
        share one solver, so concurrent calls take turns.
        """
        if not np.any(request.upper_bounds > 0):
            raise InfeasibleRequest("no product is suitable for this investor")
        relaxed: list[str] = []
        for step in (None, *RELAXATION_ORDER):
            if step is not None:
                request = step.apply(request)
                relaxed.append(step.description)
            with self._lock:
                weights, status = self._solve_once(request)
            if weights is not None:
                return self._allocation(weights, tuple(relaxed), status)
        raise InfeasibleRequest(
            "no allocation satisfies the constraints even after every permitted relaxation"
        )

    def solve_with_cvxpy(self, request: AllocationRequest) -> FloatArray | None:
        """Solve the same request through cvxpy itself (the reference the fast path must match)."""
        with self._lock:
            self._parameters.assign(self._theta(request))
            self._problem.solve(solver=cp.CLARABEL)
            if self._problem.status not in (cp.OPTIMAL, cp.OPTIMAL_INACCURATE):
                return None
            return np.asarray(self._weights.value, dtype=float)

    def portfolio_statistics(self, weights: FloatArray) -> tuple[float, float]:
        """Expected return and volatility of a weight vector."""
        expected = float(self.universe.expected_returns @ weights)
        variance = float(weights @ self.universe.covariance @ weights)
        return expected, float(np.sqrt(max(variance, 0.0)))

    def _solve_once(self, request: AllocationRequest) -> tuple[FloatArray | None, str]:
        theta = self._theta(request)
        self._solver.update(
            q=self._data.q0 + self._data.Q @ theta, b=self._data.b0 + self._data.B @ theta
        )
        solution = self._solver.solve()
        status = str(solution.status)
        if status not in ACCEPTED_STATUSES:
            return None, status
        weights = np.asarray(solution.x)[self._data.weight_columns]
        return _clean(weights, request.upper_bounds), status

    def _theta(self, request: AllocationRequest) -> FloatArray:
        universe = self.universe
        current = (
            request.current_weights
            if request.current_weights is not None
            else np.zeros(universe.size)
        )
        charges_turnover = request.turnover_penalty and request.current_weights is not None
        costs = universe.trading_costs if charges_turnover else np.zeros(universe.size)
        return np.concatenate(
            [
                universe.expected_returns / request.risk_aversion,
                costs / request.risk_aversion,
                current,
                request.upper_bounds,
                request.sleeve_caps,
                [request.liquid_floor],
                [request.max_average_risk_level],
            ]
        )

    def _allocation(self, weights: FloatArray, relaxed: tuple[str, ...], status: str) -> Allocation:
        expected, volatility = self.portfolio_statistics(weights)
        return Allocation(weights, expected, volatility, relaxed, status)


def _model(universe: Universe) -> tuple[cp.Problem, cp.Variable, _Parameters]:
    n = universe.size
    sleeves = universe.sleeve_exposures.shape[0]
    parameters = _Parameters(
        scaled_returns=cp.Parameter(n, name="mu_over_gamma"),
        scaled_costs=cp.Parameter(n, nonneg=True, name="kappa_over_gamma"),
        current_weights=cp.Parameter(n, name="w0"),
        upper_bounds=cp.Parameter(n, nonneg=True, name="upper"),
        sleeve_caps=cp.Parameter(sleeves, name="sleeve_caps"),
        liquid_floor=cp.Parameter(name="liquid_floor"),
        max_average_risk_level=cp.Parameter(name="max_average_risk_level"),
    )
    weights = cp.Variable(n, name="w")
    trades = cp.Variable(n, name="abs_trade")  # epigraph of |w - w0|
    objective = cp.Maximize(
        parameters.scaled_returns @ weights
        - cp.quad_form(weights, cp.psd_wrap(universe.covariance))
        - parameters.scaled_costs @ trades
    )
    constraints = [
        cp.sum(weights) == 1,
        weights >= 0,
        weights <= parameters.upper_bounds,
        universe.sleeve_exposures @ weights <= parameters.sleeve_caps,
        universe.cash_like.astype(float) @ weights >= parameters.liquid_floor,
        universe.risk_levels @ weights <= parameters.max_average_risk_level,
        trades >= weights - parameters.current_weights,
        trades >= parameters.current_weights - weights,
    ]
    problem = cp.Problem(objective, constraints)
    assert problem.is_dpp(), "the model must stay DPP to be compiled once"
    return problem, weights, parameters


def _affine_data(problem: cp.Problem, weights: cp.Variable, parameters: _Parameters) -> _AffineData:
    """Read the affine parameter-to-data maps off cvxpy by evaluating its canonical data at the
    origin and at each unit parameter vector (public `get_problem_data`; cheap after the first
    call because DPP caches the compiled program)."""
    size = sum(parameter.size for parameter in parameters.all())

    def canonical(theta: FloatArray) -> dict[str, Any]:
        parameters.assign(theta)
        data: dict[str, Any] = problem.get_problem_data(cp.CLARABEL)[0]
        return data

    origin = canonical(np.zeros(size))
    q0 = np.asarray(origin["c"], dtype=float)
    b0 = np.asarray(origin["b"], dtype=float)
    P = sparse.csc_matrix(origin["P"])
    A = sparse.csc_matrix(origin["A"])
    Q = np.zeros((q0.size, size))
    B = np.zeros((b0.size, size))
    for index in range(size):
        unit = np.zeros(size)
        unit[index] = 1.0
        data = canonical(unit)
        if (sparse.csc_matrix(data["A"]) != A).nnz or (sparse.csc_matrix(data["P"]) != P).nnz:
            raise AssertionError("a parameter entered P or A; the fast path needs them fixed")
        Q[:, index] = np.asarray(data["c"]) - q0
        B[:, index] = np.asarray(data["b"]) - b0
    dims = origin["dims"]
    # A QP: equalities and inequalities only, so two cones describe every row of A.
    assert dims.zero + dims.nonneg == A.shape[0], "the model must stay a QP"
    cones: list[object] = [clarabel.ZeroConeT(dims.zero), clarabel.NonnegativeConeT(dims.nonneg)]
    start = origin["param_prob"].var_id_to_col[weights.id]
    return _AffineData(
        P=sparse.triu(P, format="csc"),
        A=A,
        q0=q0,
        Q=Q,
        b0=b0,
        B=B,
        cones=cones,
        weight_columns=slice(start, start + weights.size),
    )


def _clean(weights: FloatArray, upper_bounds: FloatArray) -> FloatArray:
    """Remove solver noise (|w| < 1e-9 below zero, above a cap) and renormalise the budget."""
    cleaned = np.clip(weights, 0.0, upper_bounds)
    cleaned[cleaned < 1e-9] = 0.0
    return np.asarray(cleaned / cleaned.sum())
