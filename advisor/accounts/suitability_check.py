"""Checking weights an advisor typed against the suitability engine's decision for the investor.

The engine decides: the caps, sleeve caps, liquid floor and average-risk cap come from the
`SuitabilityDecision`, and every violation names the rule behind the limit when the decision
records one. Weights that break a limit are returned as violations and never saved.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, get_args

import numpy as np

from advisor.engine.market import SLEEVES
from advisor.knowledge.rules import LifeStage, ProfileFlag
from advisor.runtime import Runtime
from advisor.suitability.decision import SuitabilityDecision
from advisor.suitability.profile import Goal, SuitabilityProfile

TOLERANCE: Final = 1e-6
JURISDICTIONS: Final = ("CN", "US", "EU")


@dataclass(frozen=True)
class Violation:
    """One limit the weights break, with the rule that sets it (None if the decision names none)."""

    message: str
    rule_id: str | None = None
    product_id: str | None = None


def weight_violations(
    weights: Mapping[str, float], decision: SuitabilityDecision, runtime: Runtime
) -> list[Violation]:
    """Every way `weights` (product id -> weight) break the decision; empty if they are suitable."""
    catalogue = runtime.catalogue
    problems = _malformed(weights, catalogue.ids)
    if problems:
        return problems
    vector = np.array([float(weights.get(product_id, 0.0)) for product_id in catalogue.ids])
    problems += _product_caps(weights, decision)
    for sleeve in SLEEVES:
        cap = decision.sleeve_caps.get(sleeve)
        exposure = float(runtime.market.sleeve_exposures[SLEEVES.index(sleeve)] @ vector)
        if cap is not None and exposure > cap + TOLERANCE:
            problems.append(
                Violation(
                    f"{sleeve} exposure {exposure:.1%} is above its cap of {cap:.1%}",
                    decision.constraint_rules.get(f"{sleeve}_cap"),
                )
            )
    liquid = sum(w for p, w in weights.items() if catalogue.product(p).is_cash_like)
    if liquid < decision.liquid_floor - TOLERANCE:
        problems.append(
            Violation(
                f"cash-like holdings {liquid:.1%} are below the floor of "
                f"{decision.liquid_floor:.1%}",
                decision.constraint_rules.get("liquid_floor"),
            )
        )
    average = sum(w * catalogue.product(p).risk_level for p, w in weights.items())
    if average > decision.max_average_risk_level + TOLERANCE:
        problems.append(
            Violation(
                f"average product risk level {average:.2f} is above the cap of "
                f"{decision.max_average_risk_level:.2f}",
                decision.constraint_rules.get("max_average_risk_level"),
            )
        )
    return problems


def decision_for(
    runtime: Runtime, profile_data: Mapping[str, Any] | None, risk_level: int, jurisdiction: str
) -> SuitabilityDecision:
    """The suitability decision for an investor, from their latest stored profile (the fields the
    rules use) and the account's risk level when the profile has none."""
    data = profile_data or {}
    stored_level = data.get("risk_level")
    goals = set(get_args(Goal))
    flags = set(get_args(ProfileFlag))
    stage = data.get("life_stage")
    profile = SuitabilityProfile(
        risk_level=stored_level if isinstance(stored_level, int) else risk_level,
        jurisdiction=jurisdiction
        if jurisdiction in JURISDICTIONS
        else runtime.settings.jurisdiction,
        age=data.get("age") if isinstance(data.get("age"), int) else None,
        life_stage=stage if stage in get_args(LifeStage) else None,
        horizon_years=_number(data.get("horizon_years")),
        objectives=tuple(g for g in data.get("goals", ()) if g in goals),
        flags=frozenset(f for f in data.get("flags", ()) if f in flags),
    )
    return runtime.decide(profile)


def _malformed(weights: Mapping[str, float], known: tuple[str, ...]) -> list[Violation]:
    problems = [
        Violation(f"{product_id} is not in the product catalogue", product_id=product_id)
        for product_id in weights
        if product_id not in known
    ]
    problems += [
        Violation(
            f"{product_id} has weight {w!r}; weights must be finite and >= 0", None, product_id
        )
        for product_id, w in weights.items()
        if not math.isfinite(w) or w < 0
    ]
    if not problems:
        total = sum(weights.values())
        if abs(total - 1.0) > 1e-4:
            problems.append(Violation(f"weights sum to {total:.4f}; they must sum to 1"))
    return problems


def _product_caps(weights: Mapping[str, float], decision: SuitabilityDecision) -> list[Violation]:
    problems = []
    for product_id, weight in weights.items():
        cap = decision.caps.get(product_id, 0.0)
        if weight <= cap + TOLERANCE:
            continue
        exclusion = decision.exclusion_of(product_id)
        if exclusion is not None:
            message = f"{product_id} is excluded: {exclusion.reason}"
            problems.append(Violation(message, exclusion.rule_id, product_id))
        else:
            message = f"{product_id} weight {weight:.1%} is above its cap of {cap:.1%}"
            problems.append(Violation(message, None, product_id))
    return problems


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
