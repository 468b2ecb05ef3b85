"""From policy and investor to optimizer inputs: the universe and each request's constraints."""

import numpy as np

from advisor.catalogue import Catalogue
from advisor.data.policy import EnginePolicy
from advisor.engine.market import SLEEVES, MarketModel
from advisor.engine.optimizer import NO_CAP, AllocationRequest, Universe
from advisor.engine.types import FloatArray


def build_universe(market: MarketModel, catalogue: Catalogue, policy: EnginePolicy) -> Universe:
    """The optimizer's universe: every catalogue product with its risk model and costs."""
    products = catalogue.products
    multiplier = policy.optimizer.trading_cost_multiplier
    return Universe(
        product_ids=catalogue.ids,
        expected_returns=market.expected_returns,
        covariance=market.covariance,
        risk_levels=np.array([p.risk_level for p in products], dtype=float),
        cash_like=np.array([p.is_cash_like for p in products]),
        sleeve_exposures=market.sleeve_exposures,
        trading_costs=np.array([p.trading_cost_bps / 1e4 * multiplier for p in products]),
    )


def suitable_upper_bounds(
    catalogue: Catalogue, policy: EnginePolicy, risk_level: int, jurisdiction: str | None = None
) -> FloatArray:
    """Per-product caps for an investor of class `risk_level`: zero for any product rated above
    the class (CN-MATCH-1) or not sold in the investor's jurisdiction, else the policy's cap."""
    caps = policy.optimizer
    bounds = []
    for product in catalogue.products:
        unavailable = jurisdiction is not None and product.jurisdiction != jurisdiction
        if product.risk_level > risk_level or unavailable:
            bounds.append(0.0)
        elif product.id in caps.product_caps:
            bounds.append(caps.product_caps[product.id])
        elif product.is_cash_like:
            bounds.append(caps.cash_like_product_cap)
        else:
            bounds.append(caps.product_cap)
    return np.array(bounds)


def allocation_request(
    catalogue: Catalogue,
    policy: EnginePolicy,
    risk_level: int,
    horizon_years: float | None = None,
    current_weights: FloatArray | None = None,
    jurisdiction: str | None = None,
) -> AllocationRequest:
    """The optimizer request for an investor class, horizon and jurisdiction (None: all products)
    under the engine policy."""
    level = policy.for_level(risk_level)
    horizon = policy.for_horizon(horizon_years)
    sleeve_caps = np.full(len(SLEEVES), NO_CAP)
    for sleeve, cap in policy.optimizer.sleeve_caps.items():
        sleeve_caps[SLEEVES.index(sleeve)] = cap
    equity = SLEEVES.index("equity")
    sleeve_caps[equity] = min(sleeve_caps[equity], level.max_equity)
    return AllocationRequest(
        risk_aversion=level.risk_aversion * (horizon.risk_aversion_multiplier if horizon else 1.0),
        upper_bounds=suitable_upper_bounds(catalogue, policy, risk_level, jurisdiction),
        sleeve_caps=sleeve_caps,
        liquid_floor=max(level.liquid_floor, horizon.liquid_floor if horizon else 0.0),
        max_average_risk_level=level.max_average_risk_level,
        current_weights=current_weights,
    )
