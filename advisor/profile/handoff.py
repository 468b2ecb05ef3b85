"""From an `InvestorProfile` to the `SuitabilityProfile` the suitability engine decides on.

The suitability engine needs a risk level (C1-C5): a profile whose risk level is unknown cannot
be handed over, and `to_suitability_profile` says so with `ProfileIncomplete` rather than guess.
Everything else maps across as it is: age, life stage, horizon, goals (as objectives),
dependants, emergency fund, investment experience, flags, and the lowest category (unwilling to
bear any loss). Impossible values are refused first (`validation.validate_profile`).
"""

from typing import Literal

from advisor.errors import AdvisorError
from advisor.profile.model import InvestorProfile
from advisor.profile.validation import validate_profile
from advisor.suitability.profile import SuitabilityProfile


class ProfileIncomplete(AdvisorError):
    """The profile lacks what the suitability engine cannot decide without."""


def to_suitability_profile(
    profile: InvestorProfile, jurisdiction: Literal["CN", "US", "EU"] = "US"
) -> SuitabilityProfile:
    """The suitability engine's view of the investor. Raises `ProfileIncomplete` when the risk
    level is unknown and `AdvisorError` when a value is impossible."""
    if profile.risk_level.value is None:
        raise ProfileIncomplete(
            "the risk level is unknown: the conversation says nothing yet about how much loss "
            "the investor would accept or when the money is needed; ask before deciding"
        )
    problems = validate_profile(profile)
    if problems:
        first = problems[0]
        raise AdvisorError(f"profile field {first.field!r}: {first.reason}")
    return SuitabilityProfile(
        risk_level=profile.risk_level.value,
        jurisdiction=jurisdiction,
        lowest_category=profile.lowest_category,
        age=profile.age.value,
        life_stage=profile.life_stage.value,
        horizon_years=profile.horizon_years.value,
        objectives=tuple(goal.goal for goal in profile.goals),
        emergency_fund_months=profile.emergency_fund_months.value,
        investment_experience=profile.risk.experience.value,
        dependants=profile.dependants.value,
        flags=frozenset(flag.flag for flag in profile.flags),
    )
