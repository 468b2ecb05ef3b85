"""The suitability decision: what the optimizer may do, and what the investor must be told."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from advisor.data.assumptions import Sleeve

ExclusionKind = Literal["not_offered", "lowest_category", "above_class"]


class Exclusion(BaseModel):
    """A product the investor may not hold, and the rule that says so."""

    model_config = ConfigDict(frozen=True)

    product_id: str
    rule_id: str
    kind: ExclusionKind
    reason: str


class Notice(BaseModel):
    """Something the investor must see (a warning, a suggestion or a disclosure), with its rule."""

    model_config = ConfigDict(frozen=True)

    rule_id: str
    text: str
    product_id: str | None = None
    document_id: str | None = None  # a document to cite or open, e.g. a protection product


class ConfirmationRequired(BaseModel):
    """An explicit confirmation the investor (or the account owner) must give to proceed. Giving
    it means passing its `id` in the next request's `confirmations`."""

    model_config = ConfigDict(frozen=True)

    id: str
    rule_id: str
    text: str
    product_id: str | None = None


class SuitabilityDecision(BaseModel):
    """Everything the rules decided for one investor and request.

    `caps` holds every product of the catalogue: zero for an excluded product (with an `Exclusion`
    for every rule that excludes it, most fundamental first), otherwise the largest weight it may
    have. The optimizer takes
    its constraints from this object and from nothing else (`advisor.engine.mandate`).
    """

    model_config = ConfigDict(frozen=True)

    jurisdiction: str
    risk_level: int
    caps: dict[str, float]
    exclusions: list[Exclusion]
    sleeve_caps: dict[Sleeve, float]
    liquid_floor: float
    max_average_risk_level: float
    constraint_rules: dict[str, str] = Field(
        description="Which rule set each portfolio-wide constraint, e.g. equity cap -> GLIDE-AGE."
    )
    overridden: list[str] = Field(description="Products allowed through an insist-override.")
    warnings: list[Notice]
    suggestions: list[Notice]
    disclosures: list[Notice]
    confirmations_required: list[ConfirmationRequired]
    missing_information: list[str]
    hold: bool = Field(description="Every trade is stopped pending human review.")
    requires_review: bool
    rules_fired: list[str]

    @property
    def allowed_products(self) -> list[str]:
        """Products with a positive cap."""
        return [product for product, cap in self.caps.items() if cap > 0]

    def exclusion_of(self, product_id: str) -> Exclusion | None:
        """The most fundamental reason a product is excluded, or None if it is allowed."""
        return next((e for e in self.exclusions if e.product_id == product_id), None)
