"""The market model: expected returns and covariances of asset classes, then of products.

Asset classes are modelled as loadings on factors: each class with real history or published
correlations is its own factor ("core" classes); every other class is a documented combination
of classes before it plus its own independent residual. The class covariance L F L' is therefore
positive semidefinite by construction once the core block is, and each class's volatility equals
the published figure. Products are fixed combinations of classes (their `exposures`).
"""

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from advisor.catalogue import Catalogue
from advisor.data.assumptions import (
    AssetClassAssumption,
    CapitalMarketAssumptions,
    PublishedCorrelations,
    Sleeve,
)
from advisor.data.history import common_window
from advisor.engine.estimators import (
    CovarianceEstimator,
    arithmetic_from_geometric,
    correlation_from_covariance,
    historical_mean_returns,
    nearest_correlation,
)
from advisor.engine.types import FloatArray
from advisor.errors import DataFileError

ExpectedReturnSource = Literal["cma", "history", "blend"]
SLEEVES: tuple[Sleeve, ...] = ("cash", "fixed_income", "equity", "real_assets")


@dataclass(frozen=True)
class ClassMarket:
    """Annualised arithmetic expected returns and covariance of the asset classes."""

    names: tuple[str, ...]
    expected_returns: FloatArray
    covariance: FloatArray
    sleeves: tuple[str, ...]
    history_window: tuple[str, str]
    notes: tuple[str, ...]

    @property
    def volatilities(self) -> FloatArray:
        """Annualised volatility of each class."""
        return np.asarray(np.sqrt(np.diag(self.covariance)))

    def frame(self) -> pd.DataFrame:
        """Expected return and volatility per class, for display."""
        return pd.DataFrame(
            {"expected_return": self.expected_returns, "volatility": self.volatilities},
            index=pd.Index(self.names, name="asset_class"),
        )


@dataclass(frozen=True)
class MarketModel:
    """What the optimizer knows about the products: net expected returns, covariance and the
    look-through exposure of each product to each sleeve (cash, fixed income, equity, real assets).
    """

    product_ids: tuple[str, ...]
    expected_returns: FloatArray
    covariance: FloatArray
    sleeve_exposures: FloatArray  # sleeves x products
    classes: ClassMarket

    def sleeve_index(self, sleeve: str) -> int:
        """Row of `sleeve_exposures` for a sleeve."""
        return SLEEVES.index(sleeve)


def build_class_market(
    assumptions: CapitalMarketAssumptions,
    correlations: PublishedCorrelations,
    history: pd.DataFrame,
    estimator: CovarianceEstimator,
    expected_returns: ExpectedReturnSource = "cma",
    history_weight: float = 0.5,
) -> ClassMarket:
    """Combine the assumptions, the published correlations and the real history into one
    consistent class-level model (see the module docstring for the method)."""
    classes = assumptions.classes
    names = tuple(classes)
    estimated = [name for name, c in classes.items() if c.history_series and not c.derived_from]
    derived = [name for name, c in classes.items() if c.derived_from]
    published = [
        name for name, c in classes.items() if not (c.history_series or c.derived_from or c.model)
    ]
    core = estimated + published

    with_history = estimated + derived
    series = [_history_series(name, classes[name]) for name in with_history]
    panel = common_window(history, series).set_axis(with_history, axis=1)
    history_cov = estimator.fit(panel).covariance_.to_numpy()
    notes = [
        f"correlations of {', '.join(with_history)} estimated with {type(estimator).__name__} "
        f"on {len(panel)} months of real history, {panel.index[0]} to {panel.index[-1]}"
    ]

    correlation, repaired = nearest_correlation(
        _core_correlation(core, estimated, with_history, history_cov, correlations)
    )
    if repaired:
        notes.append("core correlation matrix was not positive semidefinite; repaired")
    volatility = np.array([_published(classes[name])[1] for name in core])
    model = _FactorModel(core, correlation * np.outer(volatility, volatility))
    mean = {name: arithmetic_from_geometric(*_published(classes[name])) for name in core}

    for name in _resolution_order(classes, core):
        assumption = classes[name]
        if assumption.derived_from:
            # Regress the class on its base: cov(x, base) / var(base), residual what is left.
            base = assumption.derived_from
            i, j = with_history.index(name), with_history.index(base)
            beta = float(history_cov[i, j] / history_cov[j, j])
            residual_variance = float(history_cov[i, i] - beta**2 * history_cov[j, j])
            model.add(name, {base: beta}, residual_variance)
            mean[name] = mean["cash"] + beta * (mean[base] - mean["cash"])
            notes.append(
                f"{name}: beta {beta:.2f} to {base} and residual volatility "
                f"{np.sqrt(residual_variance):.1%} from the history regression"
            )
        else:
            assert assumption.model is not None
            geometric, published_volatility = _published(assumption)
            explained = model.variance_of(assumption.model.exposures)
            if explained > published_volatility**2:
                raise DataFileError(
                    f"class {name!r}: its model exposures imply a volatility of "
                    f"{np.sqrt(explained):.1%}, above its published {published_volatility:.1%}"
                )
            model.add(name, assumption.model.exposures, published_volatility**2 - explained)
            mean[name] = arithmetic_from_geometric(geometric, published_volatility)

    history_mean = historical_mean_returns(panel)
    realised = np.array([history_mean[n] if n in with_history else np.nan for n in names])
    cma = np.array([mean[name] for name in names])
    return ClassMarket(
        names=names,
        expected_returns=_combine_means(cma, realised, expected_returns, history_weight),
        covariance=model.covariance(names),
        sleeves=tuple(classes[name].sleeve for name in names),
        history_window=(str(panel.index[0]), str(panel.index[-1])),
        notes=tuple(notes),
    )


class _FactorModel:
    """Classes as loadings on factors: one factor per core class (correlated as given), then one
    independent unit-variance residual factor per class added on top of them."""

    def __init__(self, core: list[str], core_covariance: FloatArray) -> None:
        self._core_covariance = core_covariance
        self._factors = list(core)
        self._loadings: dict[str, dict[str, float]] = {name: {name: 1.0} for name in core}

    def add(self, name: str, exposures: dict[str, float], residual_variance: float) -> None:
        """A class = sum of exposure * (earlier class) + its own residual."""
        residual = f"residual:{name}"
        self._factors.append(residual)
        self._loadings[name] = {
            **self._combine(exposures),
            residual: float(np.sqrt(residual_variance)),
        }

    def variance_of(self, exposures: dict[str, float]) -> float:
        """Variance of a combination of classes already in the model."""
        vector = self._vector(self._combine(exposures))
        return float(vector @ self._factor_covariance() @ vector)

    def covariance(self, names: tuple[str, ...]) -> FloatArray:
        """Covariance of the named classes: L F L'."""
        loadings = np.array([self._vector(self._loadings[name]) for name in names])
        covariance = loadings @ self._factor_covariance() @ loadings.T
        return np.asarray((covariance + covariance.T) / 2)

    def _combine(self, exposures: dict[str, float]) -> dict[str, float]:
        combined: dict[str, float] = {}
        for class_name, weight in exposures.items():
            for factor, loading in self._loadings[class_name].items():
                combined[factor] = combined.get(factor, 0.0) + weight * loading
        return combined

    def _vector(self, loadings: dict[str, float]) -> FloatArray:
        vector = np.zeros(len(self._factors))
        for factor, loading in loadings.items():
            vector[self._factors.index(factor)] = loading
        return vector

    def _factor_covariance(self) -> FloatArray:
        matrix = np.eye(len(self._factors))
        size = len(self._core_covariance)
        matrix[:size, :size] = self._core_covariance
        return matrix


def build_market_model(classes: ClassMarket, catalogue: Catalogue) -> MarketModel:
    """Product-level model: returns net of expense ratios, covariance B Sigma B'."""
    exposure = np.zeros((len(catalogue.products), len(classes.names)))
    for row, product in enumerate(catalogue.products):
        for class_name, weight in product.exposures.items():
            if class_name not in classes.names:
                raise DataFileError(
                    f"product {product.id!r}: field 'exposures': unknown asset class {class_name!r}"
                )
            exposure[row, classes.names.index(class_name)] = weight
    expense = np.array([product.expense_ratio for product in catalogue.products])
    sleeve_of_class = np.array(
        [[1.0 if sleeve == s else 0.0 for sleeve in classes.sleeves] for s in SLEEVES]
    )
    covariance = exposure @ classes.covariance @ exposure.T
    return MarketModel(
        product_ids=catalogue.ids,
        expected_returns=exposure @ classes.expected_returns - expense,
        covariance=(covariance + covariance.T) / 2,
        sleeve_exposures=sleeve_of_class @ exposure.T,
        classes=classes,
    )


def _history_series(name: str, assumption: AssetClassAssumption) -> str:
    assert assumption.history_series is not None, name
    return assumption.history_series


def _published(assumption: AssetClassAssumption) -> tuple[float, float]:
    """(compound expected return, volatility) of a class that publishes both."""
    assert assumption.expected_return is not None and assumption.volatility is not None
    return assumption.expected_return, assumption.volatility


def _core_correlation(
    core: list[str],
    estimated: list[str],
    history_names: list[str],
    history_cov: FloatArray,
    published: PublishedCorrelations,
) -> FloatArray:
    history_corr = correlation_from_covariance(history_cov)
    position = {name: i for i, name in enumerate(history_names)}
    lookup = {frozenset(pair.classes): pair.correlation for pair in published.pairs}
    matrix = np.eye(len(core))
    for i, a in enumerate(core):
        for j, b in enumerate(core[:i]):
            if a in estimated and b in estimated:
                value = float(history_corr[position[a], position[b]])
            elif frozenset((a, b)) in lookup:
                value = lookup[frozenset((a, b))]
            else:
                raise DataFileError(
                    f"correlations.toml: no correlation for {a!r} and {b!r}: they do not both "
                    "have history, and no published figure is listed"
                )
            matrix[i, j] = matrix[j, i] = value
    return matrix


def _resolution_order(classes: dict[str, AssetClassAssumption], resolved: list[str]) -> list[str]:
    """Non-core classes ordered so each comes after the classes its model refers to."""
    done = set(resolved)
    pending = [name for name in classes if name not in done]
    order: list[str] = []
    while pending:
        ready = [name for name in pending if all(ref in done for ref in _references(classes[name]))]
        if not ready:
            raise DataFileError(f"class models refer to each other in a cycle: {pending}")
        for name in ready:
            order.append(name)
            done.add(name)
            pending.remove(name)
    return order


def _references(assumption: AssetClassAssumption) -> list[str]:
    if assumption.derived_from:
        return [assumption.derived_from, "cash"]
    return list(assumption.model.exposures) if assumption.model else []


def _combine_means(
    cma: FloatArray, historical: FloatArray, source: ExpectedReturnSource, history_weight: float
) -> FloatArray:
    """CMA, history or a blend; classes without history keep their CMA figure."""
    if source == "cma":
        return cma
    weight = 1.0 if source == "history" else history_weight
    blended = weight * historical + (1 - weight) * cma
    return np.where(np.isnan(historical), cma, blended)


@dataclass(frozen=True)
class ProductHistory:
    """Monthly product returns rebuilt from real class histories, and the stand-ins used."""

    returns: pd.DataFrame  # months x products, net of expense ratios
    sources: dict[str, str]  # class -> where its history comes from, in words


def build_product_history(
    assumptions: CapitalMarketAssumptions, history: pd.DataFrame, catalogue: Catalogue
) -> ProductHistory:
    """Each product's monthly return as its class exposures applied to real class returns, minus
    its expense ratio. Classes without their own history borrow the documented `backtest_proxy`
    combination of classes that have one; `sources` says, for every class, where its history
    comes from."""
    classes = assumptions.classes
    real = {name: c.history_series for name, c in classes.items() if c.history_series}
    stand_ins = {
        name: dict(c.backtest_proxy)
        for name, c in classes.items()
        if not c.history_series and c.backtest_proxy
    }
    needed = {class_name for product in catalogue.products for class_name in product.exposures}
    for name in needed - set(real) - set(stand_ins):
        raise DataFileError(f"class {name!r}: needs a history_series or a backtest_proxy")
    series_used = sorted(
        {real[name] for name in needed if name in real}
        | {real[proxy] for name in needed if name in stand_ins for proxy in stand_ins[name]}
    )
    window = common_window(history, series_used)

    def class_returns(name: str) -> pd.Series:
        if name in real:
            return window[real[name]]
        return sum(
            (weight * window[real[proxy]] for proxy, weight in stand_ins[name].items()),
            start=pd.Series(0.0, index=window.index),
        )

    columns = {}
    for product in catalogue.products:
        gross = sum(
            (weight * class_returns(name) for name, weight in product.exposures.items()),
            start=pd.Series(0.0, index=window.index),
        )
        columns[product.id] = gross - product.expense_ratio / 12
    sources = {
        name: classes[name].history_note or f"its own history ({real[name]})"
        if name in real
        else "stand-in: "
        + " + ".join(f"{weight:.0%} {proxy}" for proxy, weight in stand_ins[name].items())
        for name in sorted(needed)
    }
    return ProductHistory(returns=pd.DataFrame(columns), sources=sources)


def market_model_from_returns(
    embedded: MarketModel,
    returns: pd.DataFrame,
    estimator: CovarianceEstimator,
    expected_returns: ExpectedReturnSource = "cma",
    history_weight: float = 0.5,
) -> MarketModel:
    """A product model estimated from live monthly product returns (columns in catalogue order).

    The covariance comes from `estimator` on the returns (prices are net of fees already). The
    expected returns stay the embedded CMA-based ones unless `history` or `blend` asks for the
    realised means, which are noisy over the few years a live history covers.
    """
    if tuple(returns.columns) != embedded.product_ids:
        raise ValueError("live returns must have one column per product, in catalogue order")
    covariance = estimator.fit(returns).covariance_.to_numpy()
    realised = historical_mean_returns(returns).to_numpy()
    return MarketModel(
        product_ids=embedded.product_ids,
        expected_returns=_combine_means(
            embedded.expected_returns, realised, expected_returns, history_weight
        ),
        covariance=(covariance + covariance.T) / 2,
        sleeve_exposures=embedded.sleeve_exposures,
        classes=embedded.classes,
    )
