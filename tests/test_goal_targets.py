"""Reading a goal's figures from the chat: amounts only with a currency or scale, the nearest cue
says what each amount is, and a later statement replaces an earlier one."""

from datetime import date

import pytest

from advisor.agent.goal_targets import stated_goal
from advisor.profile.model import GoalFinding, Inferred, InvestorProfile
from advisor.profile.text import Message

TODAY = date(2026, 11, 30)


def profile(goal: str = "home", horizon: float | None = 3.0) -> InvestorProfile:
    evidence = [{"message_index": 0, "quote": "x"}]
    finding = GoalFinding.model_validate({"goal": goal, "confidence": 0.9, "evidence": evidence})
    return InvestorProfile(goals=(finding,), horizon_years=Inferred[float](value=horizon))


def said(*texts: str) -> list[Message]:
    return [Message("user", text) for text in texts]


@pytest.mark.parametrize(
    ("text", "target", "current", "monthly"),
    [
        ("I need 60k in 3 years. I have 20k saved and can put 500 a month in.", 60e3, 20e3, 500),
        ("I'd like $1,000,000, I've saved 300 grand.", 1e6, 300e3, 0),
        ("We want 1.5 million dollars. We save 2,000 dollars every month.", 1.5e6, 0, 2e3),
        ("三年后买房要首付60万，现在有20万，每月能存5000元。", 600e3, 200e3, 5e3),
        ("目标是攒够五十万，已经存了十万。", 500e3, 100e3, 0),
    ],
)
def test_target_saved_and_monthly_amounts_are_told_apart(
    text: str, target: float, current: float, monthly: float
):
    goal = stated_goal(said(text), profile(), TODAY)
    assert goal is not None
    assert (goal.target_amount, goal.current_value, goal.monthly_deposit) == (
        target,
        current,
        monthly,
    )


@pytest.mark.parametrize(
    "text",
    [
        "I'm 41 and want to buy in 3 years.",  # an age and a horizon are not money
        "I need to retire by 2045.",  # a year is not money
        "I earn 5000 a month and want a home.",  # income, no target amount
        "我41岁，三年后买房。",
    ],
)
def test_ages_years_and_income_are_never_read_as_a_goal_amount(text: str):
    assert stated_goal(said(text), profile(), TODAY) is None


def test_income_is_not_a_monthly_deposit():
    goal = stated_goal(said("I need 60k. I earn 5000 a month."), profile(), TODAY)
    assert goal is not None and goal.monthly_deposit == 0


def test_the_date_comes_from_a_stated_year_or_else_the_horizon():
    by_year = stated_goal(said("I'd like $500k by 2040."), profile(horizon=None), TODAY)
    assert by_year is not None and by_year.target_date == date(2040, 12, 31)
    by_horizon = stated_goal(said("I need 60k."), profile(horizon=3.0), TODAY)
    assert by_horizon is not None and by_horizon.target_date == date(2029, 11, 30)
    assert stated_goal(said("I need 60k."), profile(horizon=None), TODAY) is None


def test_a_later_statement_edits_the_goal():
    goal = stated_goal(
        said("I need 60k.", "Actually I need 80k, and I have 10k now."), profile(), TODAY
    )
    assert goal is not None and (goal.target_amount, goal.current_value) == (80e3, 10e3)


def test_no_goal_in_the_profile_means_no_stated_goal():
    empty = InvestorProfile()
    assert stated_goal(said("I need 60k in 3 years."), empty, TODAY) is None


def test_profile_goals_planning_does_not_name_are_other():
    goal = stated_goal(said("I need 60k for my move abroad."), profile("emigration"), TODAY)
    assert goal is not None and goal.kind == "other"
