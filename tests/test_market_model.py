"""From published assumptions and real history to a consistent class and product risk model."""

import shutil

import numpy as np
import pandas as pd
import pytest

from advisor.catalogue import load_catalogue
from advisor.data.assumptions import load_assumptions, load_correlations
from advisor.data.history import load_history
from advisor.engine.estimators import (
    CovarianceRepaired,
    EWMACovariance,
    LedoitWolfCovariance,
    SampleCovariance,
    correlation_from_covariance,
    nearest_psd,
)
from advisor.engine.market import build_class_market, build_market_model
from advisor.errors import DataFileError
from tests.conftest import PORTFOLIOS

ASSUMPTIONS = load_assumptions(PORTFOLIOS / "capital_market_assumptions.toml")
CORRELATIONS = load_correlations(PORTFOLIOS / "correlations.toml")
HISTORY = load_history(PORTFOLIOS / "history_monthly.csv")
CATALOGUE = load_catalogue(PORTFOLIOS / "catalogue.toml")


def classes(estimator=None, **options):
    return build_class_market(
        ASSUMPTIONS, CORRELATIONS, HISTORY, estimator or SampleCovariance(), **options
    )


def correlation(market, a, b):
    matrix = correlation_from_covariance(market.covariance)
    return matrix[market.names.index(a), market.names.index(b)]


def test_every_published_figure_has_a_cited_source():
    for name, asset_class in ASSUMPTIONS.classes.items():
        source = ASSUMPTIONS.sources[asset_class.source]
        assert source.provider and source.edition and source.date, name
    assert "Vanguard" in ASSUMPTIONS.sources["vcmm-2025a"].provider


def test_class_volatilities_equal_the_published_ones_and_the_matrix_is_psd():
    market = classes()
    assert np.linalg.eigvalsh(market.covariance).min() > -1e-12
    for name, volatility in zip(market.names, market.volatilities, strict=True):
        published = ASSUMPTIONS.classes[name].volatility
        if published is not None:
            assert volatility == pytest.approx(published, rel=1e-9), name


def test_expected_returns_are_arithmetic_means_of_the_published_compound_returns():
    market = classes()
    equity = ASSUMPTIONS.classes["us_equity"]
    index = market.names.index("us_equity")
    assert market.expected_returns[index] == pytest.approx(
        equity.expected_return + equity.volatility**2 / 2
    )


def test_published_correlations_are_kept_where_no_history_exists():
    market = classes()
    assert correlation(market, "developed_ex_us_equity", "emerging_markets_equity") == (
        pytest.approx(0.68)
    )
    assert correlation(market, "developed_ex_us_equity", "us_equity") == pytest.approx(0.66)


def test_estimated_correlations_come_from_the_real_history():
    market = classes()
    both = HISTORY[["us_equity", "us_corporate_bonds"]].loc["1999-02":"2018-11"]
    expected = both.corr().iloc[0, 1]
    assert correlation(market, "us_equity", "us_corporate_bonds") == pytest.approx(expected)


def test_modelled_classes_follow_their_documented_exposures():
    # us_tips = 0.7 * us_aggregate_bonds + residual, so corr = 0.7 * sigma_agg / sigma_tips.
    market = classes()
    agg, tips = ASSUMPTIONS.classes["us_aggregate_bonds"], ASSUMPTIONS.classes["us_tips"]
    assert correlation(market, "us_tips", "us_aggregate_bonds") == pytest.approx(
        0.7 * agg.volatility / tips.volatility
    )


def test_the_tech_class_is_derived_from_its_regression_on_us_equity():
    market = classes()
    panel = HISTORY[["us_tech", "us_equity"]].loc["1999-02":"2018-11"]
    beta = panel.cov().iloc[0, 1] / panel["us_equity"].var()
    names = market.names
    mu = dict(zip(names, market.expected_returns, strict=True))
    assert mu["us_tech"] == pytest.approx(mu["cash"] + beta * (mu["us_equity"] - mu["cash"]))
    tech_vs_equity = market.covariance[names.index("us_tech"), names.index("us_equity")]
    equity_variance = market.covariance[names.index("us_equity"), names.index("us_equity")]
    assert tech_vs_equity / equity_variance == pytest.approx(beta)


@pytest.mark.parametrize(
    "estimator", [SampleCovariance(), LedoitWolfCovariance(), EWMACovariance(halflife=36)]
)
def test_every_estimator_gives_a_usable_model(estimator):
    market = classes(estimator)
    assert np.all(np.isfinite(market.covariance))
    assert np.linalg.eigvalsh(market.covariance).min() > -1e-12


def test_ledoit_wolf_shrinks_and_a_long_half_life_approaches_the_sample():
    returns = HISTORY[["us_equity", "cash", "us_corporate_bonds"]].loc["1999-02":"2018-11"]
    sample = SampleCovariance().fit(returns).covariance_.to_numpy()
    shrunk = LedoitWolfCovariance().fit(returns)
    assert 0 < shrunk.shrinkage_ < 1
    spread = np.linalg.cond
    assert spread(shrunk.covariance_.to_numpy()) < spread(sample)
    slow = EWMACovariance(halflife=1e6).fit(returns).covariance_.to_numpy()
    np.testing.assert_allclose(slow, sample, rtol=1e-3)
    fast = EWMACovariance(halflife=3).fit(returns).covariance_.to_numpy()
    assert not np.allclose(fast, sample, rtol=0.05)


def test_history_and_blend_expected_returns():
    cma = classes(expected_returns="cma")
    history = classes(expected_returns="history")
    blend = classes(expected_returns="blend", history_weight=0.25)
    i = cma.names.index("us_equity")
    realised = HISTORY["us_equity"].loc["1999-02":"2018-11"].mean() * 12
    assert history.expected_returns[i] == pytest.approx(realised)
    assert blend.expected_returns[i] == pytest.approx(
        0.25 * realised + 0.75 * cma.expected_returns[i]
    )
    j = cma.names.index("emerging_markets_equity")  # no history: keeps its CMA figure
    assert history.expected_returns[j] == cma.expected_returns[j]


def test_products_are_exposures_net_of_fees():
    market = classes()
    model = build_market_model(market, CATALOGUE)
    mu = dict(zip(market.names, market.expected_returns, strict=True))
    leveraged = CATALOGUE.product("us_equity_3x")
    i = CATALOGUE.index("us_equity_3x")
    assert model.expected_returns[i] == pytest.approx(
        3 * mu["us_equity"] - 2 * mu["cash"] - leveraged.expense_ratio
    )
    equity = model.sleeve_index("equity")
    assert model.sleeve_exposures[equity, i] == pytest.approx(3.0)
    balanced = CATALOGUE.index("balanced_60_40")
    assert model.sleeve_exposures[equity, balanced] == pytest.approx(0.6)
    assert np.linalg.eigvalsh(model.covariance).min() > -1e-12


def test_nearest_psd_repairs_an_indefinite_matrix_with_a_warning():
    indefinite = np.array([[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]])
    with pytest.warns(CovarianceRepaired):
        repaired, was_repaired = nearest_psd(indefinite)
    assert was_repaired
    assert np.linalg.eigvalsh(repaired).min() >= 0
    assert np.abs(repaired - indefinite).max() < 0.7
    already, changed = nearest_psd(np.eye(3))
    assert not changed and np.array_equal(already, np.eye(3))


def test_inconsistent_published_correlations_are_repaired_not_fatal(tmp_path):
    text = (PORTFOLIOS / "correlations.toml").read_text()
    # Developed and emerging markets almost identical, yet oppositely related to US equity.
    text = text.replace("correlation = 0.66", "correlation = 0.95")
    text = text.replace("correlation = 0.63", "correlation = -0.95")
    text = text.replace("correlation = 0.68", "correlation = 0.95")
    path = tmp_path / "correlations.toml"
    path.write_text(text)
    with pytest.warns(CovarianceRepaired):
        market = build_class_market(
            ASSUMPTIONS, load_correlations(path), HISTORY, SampleCovariance()
        )
    assert any("repaired" in note for note in market.notes)
    assert np.linalg.eigvalsh(market.covariance).min() > -1e-12


def test_a_model_that_explains_more_than_the_published_volatility_is_rejected(tmp_path):
    for name in ("capital_market_assumptions.toml", "correlations.toml"):
        shutil.copy(PORTFOLIOS / name, tmp_path / name)
    path = tmp_path / "capital_market_assumptions.toml"
    path.write_text(
        path.read_text().replace(
            "exposures = { us_aggregate_bonds = 0.7 }", "exposures = { us_aggregate_bonds = 2.0 }"
        )
    )
    with pytest.raises(DataFileError, match=r"'us_tips'.*above its published 5\.0%"):
        build_class_market(load_assumptions(path), CORRELATIONS, HISTORY, SampleCovariance())


def test_a_missing_correlation_is_named(tmp_path):
    path = tmp_path / "correlations.toml"
    text = (PORTFOLIOS / "correlations.toml").read_text()
    path.write_text(
        text.split("[[pair]]")[0] + "[[pair]]" + "[[pair]]".join(text.split("[[pair]]")[2:])
    )
    with pytest.raises(
        DataFileError,
        match="no correlation for 'developed_ex_us_equity' and 'us_equity'",
    ):
        build_class_market(ASSUMPTIONS, load_correlations(path), HISTORY, SampleCovariance())


def test_bad_assumptions_name_the_class_and_field(tmp_path):
    path = tmp_path / "capital_market_assumptions.toml"
    text = (PORTFOLIOS / "capital_market_assumptions.toml").read_text()
    path.write_text(
        text.replace(
            'volatility = 0.254\nsource = "vcmm-2025a"', 'volatility = -1\nsource = "vcmm-2025a"'
        )
    )
    with pytest.raises(
        DataFileError, match=r"line \d+: class 'emerging_markets_equity': field 'volatility'"
    ):
        load_assumptions(path)


def test_history_window_is_reported():
    market = classes()
    assert market.history_window == ("1999-02", "2018-11")
    assert isinstance(market.frame(), pd.DataFrame)
