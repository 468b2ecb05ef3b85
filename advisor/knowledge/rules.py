"""The machine-readable part of rule documents: what each kind of rule says, validated on load.

A rule document in `knowledge/` lists its rules in the front matter under `rules:`. Each entry has
an `id` (cited in decisions, replies and the audit log) and a `type`, one of the models below;
the suitability engine (`advisor.suitability`) gives each type its meaning. The prose of the same
document explains the rule to people and is what the retriever indexes: one source of truth.
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from advisor.data.assumptions import Sleeve

RuleId = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")]
Fraction = Annotated[float, Field(ge=0, le=1)]
ProductRisk = Annotated[int, Field(ge=1, le=5)]
LifeStage = Literal["youth", "midlife", "retirement"]
ProfileFlag = Literal[
    "inconsistent_answers", "speaking_for_someone_else", "possible_exploitation", "needs_human"
]
ProfileFactor = Literal[
    "age",
    "annual_income",
    "net_worth",
    "emergency_fund_months",
    "tax_status",
    "other_investments",
    "objectives",
    "investment_experience",
    "horizon_years",
    "ability_to_bear_losses",
    "sustainability_preferences",
]


class _Rule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: RuleId


class MaxProductRisk(_Rule):
    """Products rated above the investor's class (R > C) are excluded: never recommended.

    With `override_rule`, an investor who insists on such a product may still hold it through
    that insist-override rule (a warning, an explicit confirmation and a record).
    """

    type: Literal["max_product_risk"]
    override_rule: RuleId | None = None


class ProductAvailability(_Rule):
    """Products are offered only to investors of their own jurisdiction (a product's prospectus
    and registration are local); products of other jurisdictions are excluded."""

    type: Literal["product_availability"]


class LowestCategory(_Rule):
    """Investors in the lowest category (no capacity, or unwilling to bear any loss) may hold
    only products up to `max_product_risk`, with no override."""

    type: Literal["lowest_category"]
    max_product_risk: ProductRisk = 1


class InsistOverride(_Rule):
    """The path by which an investor who insists may hold a product above their class: the
    product stays capped at `product_cap`, the investor sees `warning` and must give the explicit
    `confirmation`, and the proposal goes to human review when `requires_review`."""

    type: Literal["insist_override"]
    product_cap: Fraction
    warning: str
    confirmation: str
    requires_review: bool = True


class ElderlyCare(_Rule):
    """Special care for older investors and risky products: from `min_age`, when products rated
    `min_product_risk` or above are within reach (the investor's class allows them, or an
    override let one in), the investor sees `warning`, and human review when `requires_review`."""

    type: Literal["elderly_care"]
    min_age: int = Field(ge=18, le=120)
    min_product_risk: ProductRisk
    warning: str
    requires_review: bool = True


class TrustedContact(_Rule):
    """Ask for a trusted contact person: investors from `min_age` (None: every investor) who have
    not named one get `suggestion`."""

    type: Literal["trusted_contact"]
    min_age: int | None = Field(default=None, ge=18, le=120)
    suggestion: str


class ExploitationHold(_Rule):
    """A temporary hold when exploitation of an older investor is suspected: from `min_age`, the
    `possible_exploitation` flag stops every trade for `hold_business_days` pending human review,
    and the trusted contact may be told."""

    type: Literal["exploitation_hold"]
    min_age: int = Field(ge=18, le=120)
    hold_business_days: int = Field(ge=1)
    warning: str


class DelegateConfirmation(_Rule):
    """A family delegate never trades as the account owner: a request made by a delegate needs
    the owner's own `confirmation` and goes to human review."""

    type: Literal["delegate_confirmation"]
    confirmation: str


class GlidePoint(BaseModel):
    """Equity ceiling at an age; ceilings between points are interpolated linearly."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    age: int = Field(ge=0, le=120)
    max_equity: Fraction


class EquityGlidePath(_Rule):
    """An age-based ceiling on look-through equity exposure (a glide path). Without an age, the
    life stage's ceiling applies; with neither, no ceiling from this rule."""

    type: Literal["equity_glide_path"]
    points: tuple[GlidePoint, ...] = Field(min_length=2)
    life_stage_ceilings: dict[LifeStage, Fraction]

    @model_validator(mode="after")
    def _ages_increase(self) -> "EquityGlidePath":
        ages = [point.age for point in self.points]
        if ages != sorted(set(ages)):
            raise ValueError(f"points must have strictly increasing ages, got {ages}")
        return self


class GlideStep(BaseModel):
    """From `min_years` before a goal's date onwards (until the next step), the goal's risk level
    is at most `max_risk_level`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    min_years: float = Field(ge=0)
    max_risk_level: ProductRisk


class GoalGlidePath(_Rule):
    """A goal's risk level falls as its date approaches: `paths` name step tables (years to the
    goal -> highest risk level), `kinds` say which table each goal kind follows."""

    type: Literal["goal_glide_path"]
    paths: dict[str, tuple[GlideStep, ...]] = Field(min_length=1)
    kinds: dict[str, str] = Field(min_length=1)

    @model_validator(mode="after")
    def _steps_fall_to_zero(self) -> "GoalGlidePath":
        for name, steps in self.paths.items():
            years = [step.min_years for step in steps]
            if not steps or years != sorted(set(years), reverse=True) or years[-1] != 0:
                raise ValueError(
                    f"path {name!r}: min_years must strictly decrease and end at 0, got {years}"
                )
            levels = [step.max_risk_level for step in steps]
            if levels != sorted(levels, reverse=True):
                raise ValueError(f"path {name!r}: risk levels must not rise near the date")
        unknown = sorted(set(self.kinds.values()) - set(self.paths))
        if unknown:
            raise ValueError(f"kinds refer to unknown paths {unknown}")
        if "other" not in self.kinds:
            raise ValueError("kinds must name the path of 'other', which unnamed kinds follow")
        return self


class ClassLimit(BaseModel):
    """Limits for one investor class."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_equity: Fraction
    max_average_risk_level: float = Field(ge=1, le=5)
    liquid_floor: Fraction


class ClassLimits(_Rule):
    """Per investor class C1-C5: a look-through equity cap, a cap on the weighted-average product
    risk level, and a floor on cash-like products."""

    type: Literal["class_limits"]
    levels: dict[Annotated[int, Field(ge=1, le=5)], ClassLimit]

    @model_validator(mode="after")
    def _every_class(self) -> "ClassLimits":
        if sorted(self.levels) != [1, 2, 3, 4, 5]:
            raise ValueError(f"levels must cover classes 1-5 once each, got {sorted(self.levels)}")
        return self


class HorizonFloor(BaseModel):
    """Cash-like floor for money needed within `max_years`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_years: float = Field(gt=0)
    liquid_floor: Fraction


class HorizonLiquidity(_Rule):
    """Money needed soon stays liquid: the first floor whose `max_years` covers the horizon."""

    type: Literal["horizon_liquidity"]
    floors: tuple[HorizonFloor, ...] = Field(min_length=1)


class ProductCaps(_Rule):
    """Concentration limits: `default_cap` per product, `cash_like_cap` for products that turn
    into cash the same day, and tighter `caps` by product id."""

    type: Literal["product_caps"]
    default_cap: Fraction
    cash_like_cap: Fraction
    caps: dict[str, Fraction] = Field(default_factory=dict)


class SleeveCaps(_Rule):
    """Caps on look-through exposure to a sleeve (cash, fixed income, equity, real assets)."""

    type: Literal["sleeve_caps"]
    caps: dict[Sleeve, Fraction]


class RequiredProfileFactors(_Rule):
    """No recommendation until the listed profile factors are known; the missing ones are asked
    for (e.g. FINRA 2111's investment profile, MiFID II's suitability information)."""

    type: Literal["required_profile_factors"]
    factors: tuple[ProfileFactor, ...] = Field(min_length=1)


class FlagReview(_Rule):
    """A profile flag (e.g. inconsistent answers) brings `warning` and human review."""

    type: Literal["flag_review"]
    flag: ProfileFlag
    warning: str


class ProtectionSuggestion(_Rule):
    """Suggest a protection product the optimizer does not hold (documented in `product_doc`)
    when the profile matches every condition given: dependants, no such cover, a life stage."""

    type: Literal["protection_suggestion"]
    product_doc: str
    suggestion: str
    needs_dependants: bool | None = None
    lacks_cover: Literal["critical_illness", "annuity"] | None = None
    life_stages: tuple[LifeStage, ...] = ()


class Disclosure(_Rule):
    """Text the investor must be shown with every proposal."""

    type: Literal["disclosure"]
    text: str


class BannedPhrases(_Rule):
    """Wording no reply or marketing text may contain (guarantees, urgency, certain returns),
    by language; matched case-insensitively as substrings."""

    type: Literal["banned_phrases"]
    phrases: dict[Literal["en", "zh"], tuple[str, ...]]


Rule = Annotated[
    MaxProductRisk
    | ProductAvailability
    | LowestCategory
    | InsistOverride
    | ElderlyCare
    | TrustedContact
    | ExploitationHold
    | DelegateConfirmation
    | EquityGlidePath
    | GoalGlidePath
    | ClassLimits
    | HorizonLiquidity
    | ProductCaps
    | SleeveCaps
    | RequiredProfileFactors
    | FlagReview
    | ProtectionSuggestion
    | Disclosure
    | BannedPhrases,
    Field(discriminator="type"),
]
