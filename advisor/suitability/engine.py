"""`decide`: a pure function from profile, catalogue, rules and request to a decision.

The rules come from the knowledge base (`RuleBook`); each rule type has one function here that
gives it its meaning. Precedence for products: a product unavailable in the jurisdiction is
excluded for that; otherwise one above the lowest category's limit for that; otherwise one above
the investor's class for that, unless the investor insisted and confirmed through the override
rule. Portfolio-wide limits take the strictest value any rule gives.
"""

from dataclasses import dataclass, field

import numpy as np

from advisor.catalogue import Catalogue, Product
from advisor.data.assumptions import Sleeve
from advisor.knowledge.rulebook import CitedRule, RuleBook
from advisor.knowledge.rules import (
    ClassLimits,
    DelegateConfirmation,
    Disclosure,
    ElderlyCare,
    EquityGlidePath,
    ExploitationHold,
    FlagReview,
    HorizonLiquidity,
    InsistOverride,
    LowestCategory,
    MaxProductRisk,
    ProductAvailability,
    ProductCaps,
    ProtectionSuggestion,
    RequiredProfileFactors,
    SleeveCaps,
    TrustedContact,
)
from advisor.suitability.decision import (
    ConfirmationRequired,
    Exclusion,
    ExclusionKind,
    Notice,
    SuitabilityDecision,
)
from advisor.suitability.profile import SuitabilityProfile, SuitabilityRequest


@dataclass
class _Draft:
    """The decision being assembled."""

    caps: dict[str, float]
    exclusions: dict[str, list[Exclusion]] = field(default_factory=dict)
    sleeve_caps: dict[Sleeve, tuple[float, str]] = field(default_factory=dict)
    liquid_floor: tuple[float, str] = (0.0, "")
    max_average_risk_level: tuple[float, str] = (5.0, "")
    overridden: list[str] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    suggestions: list[Notice] = field(default_factory=list)
    disclosures: list[Notice] = field(default_factory=list)
    confirmations: list[ConfirmationRequired] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    hold: bool = False
    review: bool = False
    fired: set[str] = field(default_factory=set)

    def exclude(self, product: Product, rule_id: str, kind: ExclusionKind, reason: str) -> None:
        self.caps[product.id] = 0.0
        exclusion = Exclusion(product_id=product.id, rule_id=rule_id, kind=kind, reason=reason)
        self.exclusions.setdefault(product.id, []).append(exclusion)
        self.fired.add(rule_id)

    def cap_sleeve(self, sleeve: Sleeve, cap: float, rule_id: str) -> None:
        if sleeve not in self.sleeve_caps or cap < self.sleeve_caps[sleeve][0]:
            self.sleeve_caps[sleeve] = (cap, rule_id)
        self.fired.add(rule_id)

    def raise_floor(self, floor: float, rule_id: str) -> None:
        if floor > self.liquid_floor[0]:
            self.liquid_floor = (floor, rule_id)
        self.fired.add(rule_id)

    def warn(self, rule_id: str, text: str, *, review: bool, product_id: str | None = None) -> None:
        self.warnings.append(Notice(rule_id=rule_id, text=text, product_id=product_id))
        self.review = self.review or review
        self.fired.add(rule_id)


def decide(
    profile: SuitabilityProfile,
    catalogue: Catalogue,
    rules: RuleBook,
    request: SuitabilityRequest | None = None,
) -> SuitabilityDecision:
    """What the investor may hold, with caps, exclusions, warnings, confirmations and reviews,
    each citing the rule behind it."""
    request = request or SuitabilityRequest()
    draft = _Draft(caps={product.id: 1.0 for product in catalogue.products})
    _apply_product_caps(catalogue, rules, draft)
    for product in catalogue.products:
        _exclude_if_unsuitable(product, profile, rules, request, draft)
    _portfolio_limits(profile, rules, draft)
    _care_and_review(profile, catalogue, rules, request, draft)
    return SuitabilityDecision(
        jurisdiction=rules.jurisdiction,
        risk_level=profile.risk_level,
        caps=draft.caps,
        exclusions=[
            e for product_exclusions in draft.exclusions.values() for e in product_exclusions
        ],
        sleeve_caps={sleeve: cap for sleeve, (cap, _) in draft.sleeve_caps.items()},
        liquid_floor=draft.liquid_floor[0],
        max_average_risk_level=draft.max_average_risk_level[0],
        constraint_rules={
            **{f"{sleeve}_cap": rule for sleeve, (_, rule) in draft.sleeve_caps.items()},
            **({"liquid_floor": draft.liquid_floor[1]} if draft.liquid_floor[1] else {}),
            **(
                {"max_average_risk_level": draft.max_average_risk_level[1]}
                if draft.max_average_risk_level[1]
                else {}
            ),
        },
        overridden=draft.overridden,
        warnings=draft.warnings,
        suggestions=draft.suggestions,
        disclosures=draft.disclosures,
        confirmations_required=draft.confirmations,
        missing_information=sorted(set(draft.missing)),
        hold=draft.hold,
        requires_review=draft.review or draft.hold,
        rules_fired=sorted(draft.fired),
    )


# Products -----------------------------------------------------------------------------------------


def _apply_product_caps(catalogue: Catalogue, rules: RuleBook, draft: _Draft) -> None:
    """Concentration caps per product; without a product_caps rule, no cap."""
    for rule, _ in rules.of_type(ProductCaps):
        for product in catalogue.products:
            cap = rule.cash_like_cap if product.is_cash_like else rule.default_cap
            draft.caps[product.id] = min(draft.caps[product.id], rule.caps.get(product.id, cap))
        draft.fired.add(rule.id)


def _exclude_if_unsuitable(
    product: Product,
    profile: SuitabilityProfile,
    rules: RuleBook,
    request: SuitabilityRequest,
    draft: _Draft,
) -> None:
    """Record every rule that excludes the product, most fundamental first; an insist-override
    can lift only an above-the-class exclusion, and only when nothing else excludes it."""
    for availability, _ in rules.of_type(ProductAvailability):
        if product.jurisdiction != profile.jurisdiction:
            draft.exclude(
                product,
                availability.id,
                "not_offered",
                f"offered in {product.jurisdiction} only; the investor is in "
                f"{profile.jurisdiction}",
            )
    if profile.lowest_category:
        for lowest, _ in rules.of_type(LowestCategory):
            if product.risk_level > lowest.max_product_risk:
                draft.exclude(
                    product,
                    lowest.id,
                    "lowest_category",
                    f"rated R{product.risk_level}; an investor in the lowest category may hold "
                    f"up to R{lowest.max_product_risk} only, with no exception",
                )
    for matching, _ in rules.of_type(MaxProductRisk):
        if product.risk_level > profile.risk_level:
            _above_class(product, matching, profile, rules, request, draft)


def _above_class(
    product: Product,
    matching: MaxProductRisk,
    profile: SuitabilityProfile,
    rules: RuleBook,
    request: SuitabilityRequest,
    draft: _Draft,
) -> None:
    """Exclude a product above the investor's class, unless they insist and confirm."""
    reason = f"rated R{product.risk_level}, above the investor's class C{profile.risk_level}"
    insisted = product.id in request.insisted_products
    excluded_otherwise = product.id in draft.exclusions
    if matching.override_rule is None or not insisted or excluded_otherwise:
        draft.exclude(product, matching.id, "above_class", reason)
        return
    override = rules.cited(matching.override_rule).rule
    assert isinstance(override, InsistOverride)  # checked when the rule book was built
    confirmation_id = f"{override.id}:{product.id}"
    draft.warn(
        override.id, override.warning, review=override.requires_review, product_id=product.id
    )
    if confirmation_id in request.confirmations:
        draft.caps[product.id] = min(draft.caps[product.id], override.product_cap)
        draft.overridden.append(product.id)
        draft.fired.add(matching.id)
        return
    draft.confirmations.append(
        ConfirmationRequired(
            id=confirmation_id,
            rule_id=override.id,
            text=override.confirmation,
            product_id=product.id,
        )
    )
    draft.exclude(
        product, matching.id, "above_class", reason + "; held only after the investor confirms"
    )


# Portfolio-wide limits ----------------------------------------------------------------------------


def _portfolio_limits(profile: SuitabilityProfile, rules: RuleBook, draft: _Draft) -> None:
    for limits, _ in rules.of_type(ClassLimits):
        limit = limits.levels[profile.risk_level]
        draft.cap_sleeve("equity", limit.max_equity, limits.id)
        draft.raise_floor(limit.liquid_floor, limits.id)
        if limit.max_average_risk_level < draft.max_average_risk_level[0]:
            draft.max_average_risk_level = (limit.max_average_risk_level, limits.id)
    for glide, _ in rules.of_type(EquityGlidePath):
        ceiling = equity_ceiling(glide, profile)
        if ceiling is not None:
            draft.cap_sleeve("equity", ceiling, glide.id)
    for horizon, _ in rules.of_type(HorizonLiquidity):
        if profile.horizon_years is None:
            continue
        floors = sorted(horizon.floors, key=lambda floor: floor.max_years)
        applicable = next((f for f in floors if profile.horizon_years <= f.max_years), None)
        if applicable is not None:
            draft.raise_floor(applicable.liquid_floor, horizon.id)
    for sleeves, _ in rules.of_type(SleeveCaps):
        for sleeve, cap in sleeves.caps.items():
            draft.cap_sleeve(sleeve, cap, sleeves.id)


def equity_ceiling(glide: EquityGlidePath, profile: SuitabilityProfile) -> float | None:
    """The glide path's equity ceiling at the investor's age (interpolated), else their life
    stage's, else None."""
    if profile.age is not None:
        ages = [point.age for point in glide.points]
        ceilings = [point.max_equity for point in glide.points]
        return float(np.interp(profile.age, ages, ceilings))
    stage = profile.stage
    return glide.life_stage_ceilings.get(stage) if stage is not None else None


# Care, review and information ---------------------------------------------------------------------


def _care_and_review(
    profile: SuitabilityProfile,
    catalogue: Catalogue,
    rules: RuleBook,
    request: SuitabilityRequest,
    draft: _Draft,
) -> None:
    age = profile.age
    for care, _ in rules.of_type(ElderlyCare):
        # Care is due whenever risky products are within reach: by the investor's class, or
        # through an override they took.
        overridden_risky = any(
            catalogue.product(p).risk_level >= care.min_product_risk for p in draft.overridden
        )
        risky_in_reach = profile.risk_level >= care.min_product_risk or overridden_risky
        if age is not None and age >= care.min_age and risky_in_reach:
            draft.warn(care.id, care.warning, review=care.requires_review)
    for hold, _ in rules.of_type(ExploitationHold):
        suspected = "possible_exploitation" in profile.flags
        if suspected and age is not None and age >= hold.min_age:
            draft.hold = True
            draft.warn(hold.id, hold.warning, review=True)
    for delegate, _ in rules.of_type(DelegateConfirmation):
        if request.acting_as == "delegate":
            confirmation_id = f"{delegate.id}:owner"
            draft.review = True
            draft.fired.add(delegate.id)
            if confirmation_id not in request.confirmations:
                draft.confirmations.append(
                    ConfirmationRequired(
                        id=confirmation_id, rule_id=delegate.id, text=delegate.confirmation
                    )
                )
    for flagged, _ in rules.of_type(FlagReview):
        if flagged.flag in profile.flags:
            draft.warn(flagged.id, flagged.warning, review=True)
    for contact, _ in rules.of_type(TrustedContact):
        old_enough = contact.min_age is None or (age is not None and age >= contact.min_age)
        if old_enough and profile.trusted_contact is not True:
            draft.suggestions.append(Notice(rule_id=contact.id, text=contact.suggestion))
            draft.fired.add(contact.id)
    for required, _ in rules.of_type(RequiredProfileFactors):
        missing = [factor for factor in required.factors if not profile.knows(factor)]
        if missing:
            draft.missing.extend(missing)
            draft.fired.add(required.id)
    for protection, _ in rules.of_type(ProtectionSuggestion):
        if _needs_protection(protection, profile):
            draft.suggestions.append(
                Notice(
                    rule_id=protection.id,
                    text=protection.suggestion,
                    document_id=protection.product_doc,
                )
            )
            draft.fired.add(protection.id)
    for disclosure, _ in rules.of_type(Disclosure):
        draft.disclosures.append(Notice(rule_id=disclosure.id, text=disclosure.text))
        draft.fired.add(disclosure.id)


def _needs_protection(rule: ProtectionSuggestion, profile: SuitabilityProfile) -> bool:
    """Every condition the rule sets holds, and the cover it is about is known to be missing."""
    if rule.needs_dependants and not (profile.dependants or 0) > 0:
        return False
    cover = {
        "critical_illness": profile.has_critical_illness_cover,
        "annuity": profile.has_annuity,
        None: False,
    }[rule.lacks_cover]
    if cover is not False:
        return False
    return not rule.life_stages or profile.stage in rule.life_stages


def cited_rules(decision: SuitabilityDecision, rules: RuleBook) -> list[CitedRule]:
    """The rules a decision fired, with the documents that state them, for citations."""
    return [rules.cited(rule_id) for rule_id in decision.rules_fired]
