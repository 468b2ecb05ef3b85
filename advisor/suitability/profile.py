"""What the suitability engine knows about the investor, and what they asked for."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from advisor.knowledge.rules import LifeStage, ProfileFactor, ProfileFlag

Goal = Literal[
    "retirement",
    "education",
    "home",
    "medical",
    "emigration",
    "emergency_fund",
    "wealth_growth",
    "income",
    "legacy",
]
YOUTH_BELOW, RETIREMENT_FROM = (
    30,
    50,
)  # life stages by age: youth < 30 <= midlife < 50 <= retirement


class SuitabilityProfile(BaseModel):
    """The facts about the investor that the rules use. Unknown facts are None (or empty)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    risk_level: int = Field(ge=1, le=5, description="Investor class C1-C5.")
    jurisdiction: Literal["CN", "US", "EU"] = "US"
    lowest_category: bool = Field(
        default=False, description="No capacity, or unwilling to bear any loss (CN lowest C1)."
    )
    age: int | None = Field(default=None, ge=0, le=120)
    life_stage: LifeStage | None = None
    horizon_years: float | None = Field(default=None, ge=0)
    objectives: tuple[Goal, ...] = ()
    annual_income: float | None = Field(default=None, ge=0)
    net_worth: float | None = None
    emergency_fund_months: float | None = Field(default=None, ge=0)
    tax_status: Literal["taxable", "tax_advantaged", "exempt"] | None = None
    other_investments: float | None = Field(default=None, ge=0)
    investment_experience: Literal["none", "limited", "good", "extensive"] | None = None
    ability_to_bear_losses: float | None = Field(
        default=None, ge=0, le=1, description="The largest fall the investor can afford."
    )
    sustainability_preferences: bool | None = None
    dependants: int | None = Field(default=None, ge=0)
    has_critical_illness_cover: bool | None = None
    has_annuity: bool | None = None
    trusted_contact: bool | None = None
    flags: frozenset[ProfileFlag] = frozenset()

    @property
    def stage(self) -> LifeStage | None:
        """The stated life stage, else the one the age implies, else None."""
        if self.life_stage is not None:
            return self.life_stage
        if self.age is None:
            return None
        if self.age < YOUTH_BELOW:
            return "youth"
        return "midlife" if self.age < RETIREMENT_FROM else "retirement"

    def knows(self, factor: ProfileFactor) -> bool:
        """Whether a profile factor has been collected."""
        value = getattr(self, factor)
        return value is not None and value != ()


class SuitabilityRequest(BaseModel):
    """What is being asked for, beyond the profile: products the investor insists on, the
    confirmations they gave, and who is asking."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    insisted_products: tuple[str, ...] = ()
    confirmations: tuple[str, ...] = ()  # ids from a previous decision's confirmations_required
    acting_as: Literal["owner", "delegate"] = "owner"


class SuitabilityCase(BaseModel):
    """A profile and a request together: the input of `advisor check-suitability`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    profile: SuitabilityProfile
    request: SuitabilityRequest = SuitabilityRequest()
