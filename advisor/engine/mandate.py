"""From a suitability decision to optimizer inputs. The optimizer's constraints come from the
decision and nothing else; the policy contributes only the objective (risk aversion, costs)."""

import numpy as np

from advisor.catalogue import Catalogue
from advisor.data.policy import EnginePolicy
from advisor.engine.market import SLEEVES, MarketModel
from advisor.engine.optimizer import NO_CAP, AllocationRequest, Universe
from advisor.engine.types import FloatArray
from advisor.suitability.decision import SuitabilityDecision


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


def allocation_request(
    decision: SuitabilityDecision,
    catalogue: Catalogue,
    policy: EnginePolicy,
    horizon_years: float | None = None,
    current_weights: FloatArray | None = None,
) -> AllocationRequest:
    """The optimizer request: caps, sleeve caps, liquid floor and average-risk cap from the
    decision; risk aversion from the policy for the investor's class and horizon."""
    horizon = policy.for_horizon(horizon_years)
    multiplier = horizon.risk_aversion_multiplier if horizon else 1.0
    sleeve_caps = np.array([decision.sleeve_caps.get(sleeve, NO_CAP) for sleeve in SLEEVES])
    return AllocationRequest(
        risk_aversion=policy.for_level(decision.risk_level).risk_aversion * multiplier,
        upper_bounds=np.array([decision.caps[product_id] for product_id in catalogue.ids]),
        sleeve_caps=sleeve_caps,
        liquid_floor=decision.liquid_floor,
        max_average_risk_level=decision.max_average_risk_level,
        current_weights=current_weights,
    )
