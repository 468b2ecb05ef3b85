"""Covariance and expected-return estimators, with a scikit-learn-style `fit` API.

Each estimator is configured in its constructor and learns from a returns panel in `fit`
(rows are periods, columns are assets); results end in an underscore, as in scikit-learn.
"""

import warnings
from dataclasses import dataclass, field
from typing import Literal, Protocol, Self

import numpy as np
import pandas as pd
from sklearn.covariance import LedoitWolf

from advisor.engine.types import FloatArray

PERIODS_PER_YEAR = 12  # the history is monthly


class CovarianceRepaired(UserWarning):
    """A covariance or correlation matrix was not positive semidefinite and was repaired."""


class CovarianceEstimator(Protocol):
    """Learns an annualised covariance matrix from periodic returns."""

    covariance_: pd.DataFrame

    def fit(self, returns: pd.DataFrame) -> Self: ...


@dataclass
class SampleCovariance:
    """The unbiased sample covariance."""

    covariance_: pd.DataFrame = field(init=False)

    def fit(self, returns: pd.DataFrame) -> Self:
        """Estimate from `returns` (no missing values)."""
        self.covariance_ = returns.cov(ddof=1) * PERIODS_PER_YEAR
        return self


@dataclass
class LedoitWolfCovariance:
    """Ledoit-Wolf shrinkage towards a scaled identity: steadier with few observations."""

    covariance_: pd.DataFrame = field(init=False)
    shrinkage_: float = field(init=False)

    def fit(self, returns: pd.DataFrame) -> Self:
        """Estimate from `returns` (no missing values)."""
        model = LedoitWolf().fit(returns.to_numpy())
        self.shrinkage_ = float(model.shrinkage_)
        self.covariance_ = pd.DataFrame(
            model.covariance_ * PERIODS_PER_YEAR, index=returns.columns, columns=returns.columns
        )
        return self


@dataclass
class EWMACovariance:
    """Exponentially weighted covariance: recent periods count more (half-life in periods)."""

    halflife: float
    covariance_: pd.DataFrame = field(init=False)

    def fit(self, returns: pd.DataFrame) -> Self:
        """Estimate from `returns` (no missing values); the last period's estimate is kept."""
        by_period = returns.ewm(halflife=self.halflife).cov()
        last_period = returns.index[-1]
        self.covariance_ = by_period.loc[last_period] * PERIODS_PER_YEAR
        return self


CovarianceMethod = Literal["sample", "ledoit_wolf", "ewma"]


def covariance_estimator(method: CovarianceMethod, halflife: float = 36.0) -> CovarianceEstimator:
    """The estimator a settings value names."""
    if method == "sample":
        return SampleCovariance()
    if method == "ledoit_wolf":
        return LedoitWolfCovariance()
    return EWMACovariance(halflife=halflife)


def historical_mean_returns(returns: pd.DataFrame) -> pd.Series:
    """Annualised arithmetic mean return of each column."""
    return returns.mean() * PERIODS_PER_YEAR


def arithmetic_from_geometric(geometric: float, volatility: float) -> float:
    """Arithmetic mean implied by a compound (median) return under lognormality: g + sigma^2/2.

    Published capital-market assumptions are compound returns; mean-variance needs the mean.
    """
    return geometric + volatility**2 / 2


def correlation_from_covariance(covariance: FloatArray) -> FloatArray:
    """Correlation matrix of a covariance matrix."""
    scale = np.sqrt(np.diag(covariance))
    return np.asarray(covariance / np.outer(scale, scale))


def nearest_psd(matrix: FloatArray, min_eigenvalue: float = 1e-10) -> tuple[FloatArray, bool]:
    """The nearest symmetric positive semidefinite matrix (eigenvalue clipping), and whether the
    input needed repair. Warns with `CovarianceRepaired` when it did.

    Mixing estimated and published correlations, or pairwise estimates on different windows, can
    yield an indefinite matrix; the optimizer needs a convex objective, so it is clipped here.
    """
    symmetric = (matrix + matrix.T) / 2
    eigenvalues, eigenvectors = np.linalg.eigh(symmetric)
    if eigenvalues.min() >= -min_eigenvalue:
        return symmetric, False
    warnings.warn(
        f"matrix was not positive semidefinite (smallest eigenvalue {eigenvalues.min():.3g}); "
        "repaired by clipping eigenvalues",
        CovarianceRepaired,
        stacklevel=2,
    )
    clipped = eigenvalues.clip(min=min_eigenvalue)
    repaired = (eigenvectors * clipped) @ eigenvectors.T
    return np.asarray((repaired + repaired.T) / 2), True


def nearest_correlation(matrix: FloatArray) -> tuple[FloatArray, bool]:
    """Like `nearest_psd`, then rescaled to a unit diagonal so it stays a correlation matrix."""
    repaired, was_repaired = nearest_psd(matrix, min_eigenvalue=1e-8)
    if not was_repaired:
        return repaired, False
    return correlation_from_covariance(repaired), True
