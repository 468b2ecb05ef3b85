"""Monte Carlo goal projection."""

import numpy as np
import pytest

from advisor.engine.projection import project_goal


def test_without_volatility_the_projection_is_compound_growth_with_contributions():
    projection = project_goal(10_000, 5, 0.06, 0.0, monthly_contribution=100, paths=10)
    monthly = np.exp(0.06 / 12)
    value = 10_000.0
    for _ in range(60):
        value = value * monthly + 100
    assert projection.median_final_value == pytest.approx(value)
    assert projection.bands[5].iloc[-1] == pytest.approx(projection.bands[95].iloc[-1])


def test_the_median_grows_at_the_compound_rate_and_bands_widen():
    projection = project_goal(1.0, 20, 0.07, 0.15, paths=20_000)
    compound = 0.07 - 0.15**2 / 2
    assert projection.median_final_value == pytest.approx(np.exp(compound * 20), rel=0.03)
    widths = projection.bands[95] - projection.bands[5]
    assert widths.is_monotonic_increasing
    assert list(projection.bands.columns) == [5, 25, 50, 75, 95]


def test_probability_of_the_target_and_determinism():
    easy = project_goal(10_000, 10, 0.05, 0.10, target_value=5_000)
    hard = project_goal(10_000, 10, 0.05, 0.10, target_value=50_000)
    assert easy.probability_of_target > 0.95 > 0.05 > hard.probability_of_target
    again = project_goal(10_000, 10, 0.05, 0.10, target_value=5_000)
    assert again.bands.equals(easy.bands)
    other_seed = project_goal(10_000, 10, 0.05, 0.10, seed=1)
    assert not other_seed.bands.equals(easy.bands)


def test_a_horizon_under_a_year_is_refused():
    with pytest.raises(ValueError, match="at least one year"):
        project_goal(1.0, 0, 0.05, 0.1)
