"""Monte Carlo projection of a goal: where the money may be by a date, and the odds of a target."""

from dataclasses import dataclass

import numpy as np
import pandas as pd

PERCENTILES = (5, 25, 50, 75, 95)


@dataclass(frozen=True)
class GoalProjection:
    """Percentile bands of the account value at each year end, and the chance of the target."""

    bands: pd.DataFrame  # index: year 0..horizon; columns: percentiles
    probability_of_target: float | None
    paths: int

    @property
    def median_final_value(self) -> float:
        """The middle outcome at the horizon."""
        return float(self.bands[50].iloc[-1])


def project_goal(
    initial_value: float,
    years: int,
    expected_return: float,
    volatility: float,
    monthly_contribution: float = 0.0,
    target_value: float | None = None,
    paths: int = 5000,
    seed: int = 0,
) -> GoalProjection:
    """Simulate monthly lognormal returns with the portfolio's annual arithmetic mean and
    volatility, adding the contribution at each month end. Deterministic for a given seed.

    The log-return drift is (mu - sigma^2/2)/12 per month, so the arithmetic mean of one year's
    growth equals exp(mu) and the median path grows at the compound rate.
    """
    if years < 1:
        raise ValueError("the horizon must be at least one year")
    months = years * 12
    generator = np.random.default_rng(seed)
    drift = (expected_return - volatility**2 / 2) / 12
    shocks = generator.standard_normal((paths, months)) * volatility / np.sqrt(12)
    growth = np.exp(drift + shocks)
    values = np.empty((paths, months + 1))
    values[:, 0] = initial_value
    for month in range(months):
        values[:, month + 1] = values[:, month] * growth[:, month] + monthly_contribution
    year_ends = values[:, ::12]
    bands = pd.DataFrame(
        np.percentile(year_ends, PERCENTILES, axis=0).T,
        index=pd.RangeIndex(years + 1, name="year"),
        columns=list(PERCENTILES),
    )
    probability = None if target_value is None else float((values[:, -1] >= target_value).mean())
    return GoalProjection(bands=bands, probability_of_target=probability, paths=paths)
