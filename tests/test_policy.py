"""The engine policy and the house rules turn investor classes into sensibly ordered portfolios."""

import numpy as np
import pytest

from advisor.data.policy import load_policy
from advisor.errors import DataFileError
from tests.conftest import PORTFOLIOS


def test_model_portfolios_step_up_in_risk_with_the_class(runtime):
    allocations = [runtime.allocate(level) for level in range(1, 6)]
    volatilities = [a.volatility for a in allocations]
    returns = [a.expected_return for a in allocations]
    assert volatilities == sorted(volatilities)
    assert returns == sorted(returns)
    equity = runtime.market.sleeve_index("equity")
    shares = [runtime.market.sleeve_exposures[equity] @ a.weights for a in allocations]
    assert shares[0] == shares[1] == 0
    assert shares == sorted(shares)
    assert all(not a.relaxations for a in allocations)


def test_every_holding_is_suitable_and_in_the_jurisdiction(runtime):
    for level in range(1, 6):
        weights = runtime.allocate(level).weights
        for product, weight in zip(runtime.catalogue.products, weights, strict=True):
            if weight > 0:
                assert product.risk_level <= level
                assert product.jurisdiction == runtime.settings.jurisdiction


def test_a_short_horizon_raises_the_liquid_floor_and_lowers_risk(runtime):
    long_run = runtime.allocate(4, horizon_years=20)
    one_year = runtime.allocate(4, horizon_years=1)
    cash_like = np.array([p.is_cash_like for p in runtime.catalogue.products])
    assert cash_like @ one_year.weights >= 0.5 - 1e-9
    assert one_year.volatility < long_run.volatility


def test_a_policy_missing_a_level_is_rejected(tmp_path):
    text = (PORTFOLIOS / "policy.toml").read_text()
    path = tmp_path / "policy.toml"
    path.write_text(text.replace("level = 5", "level = 4"))
    with pytest.raises(DataFileError, match="must cover 1-5 once each"):
        load_policy(path)
