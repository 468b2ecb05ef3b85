"""Goals: status from the Monte Carlo projection, the fixes, and the glide path from the knowledge
base. Deterministic cases use zero volatility, where the projection can be worked out by hand."""

import math
from datetime import date

import pytest

from advisor.knowledge.rules import GoalGlidePath
from advisor.planning.goals import (
    Goal,
    LevelOutlook,
    SimulationSettings,
    StatusThresholds,
    assess_goal,
    assess_goals,
    effective_risk_level,
    glide_ceiling,
    status_of,
    years_left,
)
from advisor.planning.service import Planning

TODAY = date(2026, 11, 30)
THRESHOLDS = StatusThresholds(on_target_probability=0.8, at_risk_probability=0.5)
SETTINGS = SimulationSettings(thresholds=THRESHOLDS, paths=2000, seed=0, max_extra_years=10)
# Zero volatility: every path is the same, so each probability is 0 or 1.
CERTAIN = {
    level: LevelOutlook(expected_return=0.01 * level, volatility=0.0) for level in range(1, 6)
}


@pytest.fixture(scope="module")
def glide(runtime) -> GoalGlidePath:
    return Planning.load(runtime).glide


def goal(**changes: object) -> Goal:
    fields: dict[str, object] = {
        "id": "g",
        "name": "Home",
        "kind": "wealth_growth",
        "target_amount": 100_000.0,
        "target_date": date(2046, 11, 30),  # 20 years
        "current_value": 50_000.0,
        "monthly_deposit": 0.0,
        "risk_level": 3,
    }
    return Goal.model_validate(fields | changes)


def future_value(value: float, deposit: float, rate: float, years: int) -> float:
    """The zero-volatility projection: monthly growth exp(rate / 12), deposits at month ends."""
    growth = math.exp(rate / 12)
    months = years * 12
    return value * growth**months + deposit * sum(growth**k for k in range(months))


def test_status_thresholds_are_inclusive_at_their_lower_bound():
    assert status_of(0.80, THRESHOLDS) == "on_target"
    assert status_of(0.7999, THRESHOLDS) == "at_risk"
    assert status_of(0.50, THRESHOLDS) == "at_risk"
    assert status_of(0.4999, THRESHOLDS) == "off_target"
    with pytest.raises(ValueError):
        StatusThresholds(on_target_probability=0.5, at_risk_probability=0.6)


def test_years_left_counts_whole_years_and_at_least_one():
    assert years_left(date(2046, 11, 30), TODAY) == 20
    assert years_left(date(2046, 11, 29), TODAY) == 19
    assert years_left(date(2027, 2, 1), TODAY) == 1


def test_status_moves_from_off_target_to_on_target_as_the_deposit_rises(glide):
    # 20 years at 3% (level 3): 50,000 grows to 50,000 x e^0.6 = 91,106: short of 100,000.
    grown = future_value(50_000, 0, 0.03, 20)
    assert grown == pytest.approx(50_000 * math.exp(0.6))
    off = assess_goal(goal(), TODAY, CERTAIN, glide, 5, SETTINGS)
    assert (off.status, off.probability, off.risk_level) == ("off_target", 0.0, 3)
    assert off.median_final_value == pytest.approx(grown)
    needed = (100_000 - grown) / future_value(0, 1, 0.03, 20)  # about 27 a month
    on = assess_goal(goal(monthly_deposit=needed + 1), TODAY, CERTAIN, glide, 5, SETTINGS)
    assert (on.status, on.probability, on.fixes) == ("on_target", 1.0, ())


def test_a_goal_near_the_median_outcome_is_at_risk(glide):
    # With volatility, the median final value is V exp((mu - sigma^2 / 2) n); a target a little
    # below it is reached a little more often than half the time.
    risky = {level: LevelOutlook(0.05, 0.15) for level in range(1, 6)}
    median = 50_000 * math.exp((0.05 - 0.15**2 / 2) * 20)
    at_risk = assess_goal(goal(target_amount=median * 0.9), TODAY, risky, glide, 5, SETTINGS)
    assert at_risk.status == "at_risk" and 0.5 <= at_risk.probability < 0.8
    assert at_risk.median_final_value == pytest.approx(median, rel=0.05)
    on = assess_goal(goal(target_amount=median * 0.4), TODAY, risky, glide, 5, SETTINGS)
    assert on.status == "on_target"
    off = assess_goal(goal(target_amount=median * 2), TODAY, risky, glide, 5, SETTINGS)
    assert off.status == "off_target"


def test_fixes_are_computed_by_the_engine_and_checked_by_hand(glide):
    assessment = assess_goal(goal(), TODAY, CERTAIN, glide, 4, SETTINGS)
    fixes = {fix.kind: fix for fix in assessment.fixes}
    assert set(fixes) == {"monthly_deposit", "later_date", "lower_target", "more_risk"}
    grown = future_value(50_000, 0, 0.03, 20)
    # Deposit: the shortfall over the annuity factor, rounded up to a whole unit.
    needed = (100_000 - grown) / future_value(0, 1, 0.03, 20)
    assert fixes["monthly_deposit"].value == math.ceil(needed)
    # Later date: 50,000 e^(0.03 n) >= 100,000 needs n >= ln 2 / 0.03 = 23.1, so 24 years.
    assert fixes["later_date"].value == 24 and fixes["later_date"].change == 4
    # Lower target: what the money grows to, rounded down.
    assert fixes["lower_target"].value == math.floor(grown)
    # More risk: level 4 (4%) gives 50,000 e^0.8 = 111,277 >= 100,000; capped at the class (4).
    assert fixes["more_risk"].value == 4 and fixes["more_risk"].reaches_on_target
    assert all(fix.reaches_on_target for fix in assessment.fixes)
    assert all(fix.probability == 1.0 for fix in assessment.fixes)


def test_more_risk_never_goes_above_suitability_or_the_glide_path(glide):
    capped = assess_goal(goal(), TODAY, CERTAIN, glide, 3, SETTINGS)
    assert "more_risk" not in {fix.kind for fix in capped.fixes}  # already at the class cap
    # Three years from a home purchase, the glide path allows level 2 whatever the class.
    near = goal(kind="home", target_date=date(2029, 12, 1), risk_level=5)
    assessment = assess_goal(near, TODAY, CERTAIN, glide, 5, SETTINGS)
    assert assessment.glide_ceiling == 2 and assessment.risk_level == 2
    assert all(fix.value <= 2 for fix in assessment.fixes if fix.kind == "more_risk")


def test_unreachable_fixes_say_so_and_rank_after_those_that_reach(glide):
    far = goal(target_amount=10_000_000.0, risk_level=1)
    assessment = assess_goal(far, TODAY, CERTAIN, glide, 2, SETTINGS)
    kinds = [fix.kind for fix in assessment.fixes]
    reaching = [fix.reaches_on_target for fix in assessment.fixes]
    assert reaching == sorted(reaching, reverse=True)  # those that reach come first
    assert "later_date" in kinds
    later = next(fix for fix in assessment.fixes if fix.kind == "later_date")
    assert not later.reaches_on_target and later.change == SETTINGS.max_extra_years


def test_the_glide_path_follows_the_knowledge_base(glide):
    assert glide.id == "GLIDE-GOAL"
    assert [glide_ceiling("retirement", years, glide) for years in (30, 19, 18, 7, 6.9, 0)] == [
        5,
        5,
        4,
        4,
        3,
        3,
    ]
    assert [glide_ceiling("home", years, glide) for years in (20, 12, 6, 3, 1)] == [5, 4, 3, 2, 1]
    assert glide_ceiling("emergency_fund", 30, glide) == 1


def test_a_goals_risk_level_falls_as_its_date_approaches(glide):
    education = goal(kind="education", target_date=date(2042, 9, 1), risk_level=5)
    levels = [
        effective_risk_level(education, date(year, 9, 1), glide, 5) for year in range(2026, 2043)
    ]
    assert levels == sorted(levels, reverse=True)
    assert levels[0] == 5 and levels[-1] == 1
    # Never above the investor's class, whatever the path allows.
    assert effective_risk_level(education, date(2026, 9, 1), glide, 3) == 3


def test_goals_are_assessed_most_important_first(glide):
    first = goal(id="a", priority=2, target_date=date(2030, 1, 1))
    second = goal(id="b", priority=1, target_date=date(2040, 1, 1))
    third = goal(id="c", priority=1, target_date=date(2035, 1, 1))
    ordered = assess_goals((first, second, third), TODAY, CERTAIN, glide, 5, SETTINGS)
    assert [a.goal.id for a in ordered] == ["c", "b", "a"]


def test_goal_input_is_validated():
    with pytest.raises(ValueError):
        goal(target_amount=-1.0)
    with pytest.raises(ValueError):
        goal(risk_level=6)
    with pytest.raises(ValueError):
        goal(kind="yacht")
