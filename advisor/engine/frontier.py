"""The efficient frontier under an investor's constraints."""

from dataclasses import dataclass, replace

import numpy as np

from advisor.engine.optimizer import AllocationRequest, MeanVarianceOptimizer
from advisor.engine.types import FloatArray


@dataclass(frozen=True)
class FrontierPoint:
    """One optimal portfolio on the frontier."""

    risk_aversion: float
    expected_return: float
    volatility: float
    weights: FloatArray


def efficient_frontier(
    optimizer: MeanVarianceOptimizer, request: AllocationRequest, points: int = 30
) -> list[FrontierPoint]:
    """Optimal portfolios from very risk-averse to nearly risk-neutral, under the request's
    constraints and without turnover costs, sorted by volatility; near-duplicates removed."""
    frontier: list[FrontierPoint] = []
    for risk_aversion in np.geomspace(100.0, 0.02, points):
        fresh = replace(request, risk_aversion=float(risk_aversion), current_weights=None)
        allocation = optimizer.solve(fresh)
        point = FrontierPoint(
            float(risk_aversion),
            allocation.expected_return,
            allocation.volatility,
            allocation.weights,
        )
        if not frontier or point.volatility - frontier[-1].volatility > 1e-5:
            frontier.append(point)
    return frontier
