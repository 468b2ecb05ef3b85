"""The suitability engine on the real knowledge base: every rule fires when it should and stays
silent when it should not, and the optimizer never holds what the decision excludes."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.engine.mandate import allocation_request
from advisor.knowledge.rules import BannedPhrases, LowestCategory, ProfileFactor
from advisor.suitability.profile import SuitabilityProfile, SuitabilityRequest
from advisor.suitability.wording import banned_phrases_in

ALWAYS = "every decision in its jurisdiction"


def decide(runtime, request=None, **facts):
    facts.setdefault("risk_level", 3)
    return runtime.decide(SuitabilityProfile(**facts), SuitabilityRequest(**(request or {})))


# Each rule: a profile (and request) that makes it fire, and one that must not. ------------------

CASES = {
    "CN-AVAILABILITY": ({"jurisdiction": "CN"}, None),
    "US-AVAILABILITY": ({"jurisdiction": "US"}, None),
    "CN-MATCH-1": (
        {"jurisdiction": "CN", "risk_level": 2},
        {"jurisdiction": "CN", "risk_level": 5},
    ),
    "US-MATCH-1": ({"risk_level": 3}, {"risk_level": 5}),
    "EU-MATCH-1": (
        {"jurisdiction": "EU", "risk_level": 3},
        {"jurisdiction": "EU", "risk_level": 5},
    ),
    "CN-MATCH-2": (
        {"jurisdiction": "CN", "risk_level": 1, "lowest_category": True},
        {"jurisdiction": "CN", "risk_level": 1},
    ),
    "CN-AGE65": (
        {"jurisdiction": "CN", "risk_level": 4, "age": 70},
        {"jurisdiction": "CN", "risk_level": 4, "age": 64},
    ),
    "US-SENIOR": ({"risk_level": 4, "age": 65}, {"risk_level": 3, "age": 80}),
    "US-HOLD": (
        {"age": 78, "flags": {"possible_exploitation"}},
        {"age": 50, "flags": {"possible_exploitation"}},
    ),
    "US-TCP": ({"trusted_contact": False}, {"trusted_contact": True}),
    "US-PROFILE": ({}, "complete_us"),
    "EU-SUIT": ({"jurisdiction": "EU"}, "complete_eu"),
    "US-CONSISTENCY": ({"flags": {"inconsistent_answers"}}, {}),
    "EU-CONSISTENCY": (
        {"jurisdiction": "EU", "flags": {"inconsistent_answers"}},
        {"jurisdiction": "EU"},
    ),
    "GLIDE-AGE": ({"age": 70}, {}),
    "HOUSE-HORIZON": ({"horizon_years": 2}, {"horizon_years": 30}),
    "PROT-CRITICAL-ILLNESS": (
        {"dependants": 2, "has_critical_illness_cover": False},
        {"dependants": 2, "has_critical_illness_cover": True},
    ),
    "PROT-ANNUITY": (
        {"age": 68, "has_annuity": False},
        {"age": 35, "has_annuity": False},
    ),
    "CN-ROBO": ({"jurisdiction": "CN"}, {"jurisdiction": "US"}),
    "US-ROBO": ({"jurisdiction": "US"}, {"jurisdiction": "CN"}),
    "EU-ROBO": ({"jurisdiction": "EU"}, {"jurisdiction": "US"}),
}
COMPLETE = {
    "age": 45,
    "annual_income": 80_000,
    "net_worth": 300_000,
    "emergency_fund_months": 6,
    "tax_status": "taxable",
    "other_investments": 20_000,
    "objectives": ("retirement",),
    "investment_experience": "good",
    "horizon_years": 20,
    "ability_to_bear_losses": 0.25,
    "sustainability_preferences": False,
}
NON_FIRING_PROFILES = {
    "complete_us": COMPLETE,
    "complete_eu": {**COMPLETE, "jurisdiction": "EU"},
}


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_the_rule_fires(runtime, rule_id):
    firing, _ = CASES[rule_id]
    assert rule_id in decide(runtime, **firing).rules_fired


@pytest.mark.parametrize(
    "rule_id", sorted(k for k, (_, quiet) in CASES.items() if quiet is not None)
)
def test_the_rule_stays_silent(runtime, rule_id):
    _, quiet = CASES[rule_id]
    facts = NON_FIRING_PROFILES.get(quiet, quiet) if isinstance(quiet, str) else quiet
    assert rule_id not in decide(runtime, **facts).rules_fired


@pytest.mark.parametrize("jurisdiction", ["CN", "US", "EU"])
def test_rules_that_apply_to_every_decision(runtime, jurisdiction):
    """The house limits and the general disclosures hold for every investor; the availability rule
    fires wherever some product is foreign (it cannot be silent in a mixed catalogue)."""
    fired = decide(runtime, jurisdiction=jurisdiction).rules_fired
    for rule_id in (
        "HOUSE-CLASS",
        "HOUSE-PRODUCT-CAPS",
        "HOUSE-SLEEVE-CAPS",
        "ALL-ALGORITHM",
        "ALL-SENTIMENT",
    ):
        assert rule_id in fired, (rule_id, jurisdiction, ALWAYS)


# What the rules do, not only that they fire ------------------------------------------------------


def test_products_above_the_class_are_excluded_with_the_rule(runtime):
    decision = decide(runtime, risk_level=2)
    for product in runtime.catalogue.products:
        exclusion = decision.exclusion_of(product.id)
        if product.jurisdiction != "US":
            assert exclusion is not None and exclusion.rule_id == "US-AVAILABILITY"
        elif product.risk_level > 2:
            assert exclusion is not None and exclusion.rule_id == "US-MATCH-1"
            assert decision.caps[product.id] == 0
        else:
            assert exclusion is None and decision.caps[product.id] > 0


def test_the_lowest_category_holds_r1_only_and_cannot_insist(runtime):
    decision = decide(
        runtime,
        {"insisted_products": ["cn_treasury"], "confirmations": ["CN-OVERRIDE:cn_treasury"]},
        jurisdiction="CN",
        risk_level=1,
        lowest_category=True,
    )
    allowed = set(decision.allowed_products)
    assert allowed == {"cn_money_market"}
    assert decision.exclusion_of("cn_treasury").rule_id == "CN-MATCH-2"
    assert not decision.overridden


def test_insisting_needs_a_confirmation_then_allows_a_capped_holding_with_review(runtime):
    asked = decide(runtime, {"insisted_products": ["us_tech_sector"]}, risk_level=3)
    assert asked.caps["us_tech_sector"] == 0
    (confirmation,) = asked.confirmations_required
    assert confirmation.id == "US-OVERRIDE:us_tech_sector"
    assert any(w.rule_id == "US-OVERRIDE" for w in asked.warnings)

    confirmed = decide(
        runtime,
        {"insisted_products": ["us_tech_sector"], "confirmations": [confirmation.id]},
        risk_level=3,
    )
    assert confirmed.overridden == ["us_tech_sector"]
    assert 0 < confirmed.caps["us_tech_sector"] <= 0.10
    assert confirmed.requires_review
    assert not confirmed.confirmations_required


def test_a_delegate_needs_the_owners_confirmation_and_review(runtime):
    decision = decide(runtime, {"acting_as": "delegate"}, risk_level=3)
    assert decision.requires_review
    assert len(decision.confirmations_required) == 1
    confirmation = decision.confirmations_required[0]
    assert confirmation.id.endswith(":owner")
    confirmed = decide(
        runtime, {"acting_as": "delegate", "confirmations": [confirmation.id]}, risk_level=3
    )
    assert not confirmed.confirmations_required
    assert confirmation.rule_id in decide(runtime, {"acting_as": "delegate"}).rules_fired
    assert confirmation.rule_id not in decide(runtime).rules_fired


def test_suspected_exploitation_of_an_older_investor_holds_every_trade(runtime):
    decision = decide(runtime, age=80, flags={"possible_exploitation"})
    assert decision.hold and decision.requires_review
    assert not decide(runtime, age=80).hold


def test_the_glide_path_lowers_the_equity_ceiling_with_age(runtime):
    ceilings = [
        decide(runtime, risk_level=5, age=age).sleeve_caps["equity"] for age in (30, 65, 80)
    ]
    assert ceilings == pytest.approx([0.90, 0.50, 0.30])
    by_stage = decide(runtime, risk_level=5, life_stage="midlife").sleeve_caps["equity"]
    assert by_stage == pytest.approx(0.75)
    decision = decide(runtime, risk_level=5, age=80)
    assert decision.constraint_rules["equity_cap"] == "GLIDE-AGE"
    assert decide(runtime, risk_level=3, age=30).constraint_rules["equity_cap"] == "HOUSE-CLASS"


def test_short_horizons_raise_the_liquid_floor(runtime):
    assert decide(runtime, horizon_years=1).liquid_floor == pytest.approx(0.50)
    assert decide(runtime, horizon_years=1).constraint_rules["liquid_floor"] == "HOUSE-HORIZON"
    assert decide(runtime, horizon_years=30).liquid_floor == pytest.approx(0.03)


def test_missing_profile_factors_are_listed(runtime):
    decision = decide(runtime)
    assert "annual_income" in decision.missing_information
    assert not decide(runtime, **COMPLETE).missing_information


def test_protection_suggestions_cite_their_documents(runtime):
    decision = decide(runtime, dependants=1, has_critical_illness_cover=False)
    (suggestion,) = [s for s in decision.suggestions if s.rule_id == "PROT-CRITICAL-ILLNESS"]
    assert suggestion.document_id == "protection-critical-illness"


def test_every_factor_a_rule_can_require_is_a_profile_field():
    for factor in ProfileFactor.__args__:
        assert factor in SuitabilityProfile.model_fields


# The optimizer obeys the decision ----------------------------------------------------------------


def test_the_optimizer_constraints_come_from_the_decision(runtime):
    decision = decide(runtime, risk_level=4, age=70, horizon_years=3)
    request = allocation_request(decision, runtime.catalogue, runtime.policy, 3)
    np.testing.assert_array_equal(
        request.upper_bounds, [decision.caps[p] for p in runtime.catalogue.ids]
    )
    assert request.liquid_floor == decision.liquid_floor
    assert request.max_average_risk_level == decision.max_average_risk_level
    equity = runtime.market.sleeve_index("equity")
    assert request.sleeve_caps[equity] == decision.sleeve_caps["equity"]
    weights = runtime.optimizer.solve(request).weights
    assert (
        runtime.market.sleeve_exposures[equity] @ weights <= decision.sleeve_caps["equity"] + 1e-7
    )


profiles = st.builds(
    SuitabilityProfile,
    risk_level=st.integers(1, 5),
    jurisdiction=st.sampled_from(["US", "CN"]),
    lowest_category=st.booleans(),
    age=st.none() | st.integers(18, 95),
    horizon_years=st.none() | st.floats(0.5, 40),
    dependants=st.none() | st.integers(0, 4),
    flags=st.frozensets(st.sampled_from(["inconsistent_answers", "possible_exploitation"])),
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    profile=profiles,
    insisted=st.lists(
        st.sampled_from(["us_tech_sector", "us_equity_3x", "cn_csi300", "emerging_markets"]),
        max_size=2,
    ),
    confirm=st.booleans(),
)
def test_no_product_above_the_class_is_held_without_a_confirmed_override(
    runtime, profile, insisted, confirm
):
    prefix = "CN-OVERRIDE" if profile.jurisdiction == "CN" else "US-OVERRIDE"
    request = SuitabilityRequest(
        insisted_products=tuple(insisted),
        confirmations=tuple(f"{prefix}:{p}" for p in insisted) if confirm else (),
    )
    decision = runtime.decide(profile, request)
    weights = runtime.optimizer.solve(
        allocation_request(decision, runtime.catalogue, runtime.policy, profile.horizon_years)
    ).weights
    # Only China's rules know a "lowest category" (CN-MATCH-2), which no override can pass.
    no_override = profile.lowest_category and bool(
        runtime.rulebooks[profile.jurisdiction].of_type(LowestCategory)
    )
    for product, weight in zip(runtime.catalogue.products, weights, strict=True):
        above = product.risk_level > profile.risk_level
        if above and weight > 0:
            assert product.id in decision.overridden
            assert confirm and product.id in insisted and not no_override
        if weight > 0:
            assert product.jurisdiction == profile.jurisdiction


def test_a_decision_cites_documents_for_every_rule_it_fired(runtime):
    from advisor.suitability.engine import cited_rules

    decision = decide(runtime, risk_level=2, age=70, dependants=1, has_critical_illness_cover=False)
    cited = cited_rules(decision, runtime.rulebooks["US"])
    assert [c.rule.id for c in cited] == decision.rules_fired
    assert all(c.document_id and c.source for c in cited)


def test_banned_wording_is_found_in_both_languages(runtime):
    rules = runtime.rulebooks["CN"]
    ((wording, _),) = rules.of_type(BannedPhrases)
    for language, phrases in wording.phrases.items():
        for phrase in phrases:
            found = banned_phrases_in(f"Our fund: {phrase.upper()}!", rules)
            assert [(f.rule_id, f.text) for f in found] == [("ALL-WORDING", phrase)], language
    compliant = "Past returns do not predict future returns; you can lose money. 投资有风险。"
    assert banned_phrases_in(compliant, rules) == []
