"""Goals: each with a target, a date, a priority and a risk level; its status from the Monte Carlo
projection; concrete fixes ranked by effect; and the glide path that lowers its risk level as its
date approaches. Pure computation: market outlooks and rules come in as arguments."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from advisor.engine.projection import project_goal
from advisor.knowledge.rules import GoalGlidePath

GoalKind = Literal[
    "retirement", "education", "home", "major_purchase", "emergency_fund", "wealth_growth", "other"
]
GoalStatus = Literal["on_target", "at_risk", "off_target"]
FixKind = Literal["monthly_deposit", "later_date", "lower_target", "more_risk"]
FIX_ORDER: tuple[FixKind, ...] = ("monthly_deposit", "later_date", "lower_target", "more_risk")


class Goal(BaseModel):
    """One goal of an investor, with its own account (or sleeve)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    kind: GoalKind
    target_amount: float = Field(gt=0, allow_inf_nan=False)
    target_date: date
    priority: int = Field(default=1, ge=1, description="1 is the most important.")
    current_value: float = Field(default=0.0, ge=0, allow_inf_nan=False)
    monthly_deposit: float = Field(default=0.0, ge=0, allow_inf_nan=False)
    risk_level: int = Field(ge=1, le=5, description="The level chosen for this goal.")
    account_id: str | None = None


class StatusThresholds(BaseModel):
    """Probability of reaching the target at or above which a goal is on target, and at or above
    which (below on target) it is at risk; below both it is off target."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    on_target_probability: float = Field(gt=0, le=1)
    at_risk_probability: float = Field(ge=0, lt=1)

    @model_validator(mode="after")
    def _ordered(self) -> "StatusThresholds":
        if self.at_risk_probability >= self.on_target_probability:
            raise ValueError("at_risk_probability must be below on_target_probability")
        return self


@dataclass(frozen=True)
class LevelOutlook:
    """Expected annual return and volatility of the model portfolio of one risk level."""

    expected_return: float
    volatility: float


@dataclass(frozen=True)
class SimulationSettings:
    """How goals are projected, and how far the later-date fix looks."""

    thresholds: StatusThresholds
    paths: int = 2000
    seed: int = 0
    max_extra_years: int = 10


def status_of(probability: float, thresholds: StatusThresholds) -> GoalStatus:
    """The goal's status for its probability of reaching the target."""
    if probability >= thresholds.on_target_probability:
        return "on_target"
    if probability >= thresholds.at_risk_probability:
        return "at_risk"
    return "off_target"


def years_left(goal_date: date, today: date) -> int:
    """Whole years until the goal's date (at least 1: the projection's shortest horizon).
    Partial years are dropped, so the projection never counts on time the goal does not have."""
    months = (goal_date.year - today.year) * 12 + goal_date.month - today.month
    if goal_date.day < today.day:
        months -= 1
    return max(months // 12, 1)


def glide_ceiling(kind: GoalKind, years: float, glide: GoalGlidePath) -> int:
    """The glide path's highest risk level for a goal of this kind `years` before its date."""
    # A kind the rule does not name follows the path of "other".
    path = glide.paths[glide.kinds.get(kind) or glide.kinds["other"]]
    return next(step.max_risk_level for step in path if years >= step.min_years)


def effective_risk_level(
    goal: Goal, today: date, glide: GoalGlidePath, suitability_cap: int
) -> int:
    """The lowest of the goal's chosen level, its glide-path ceiling and the investor's class."""
    return min(
        goal.risk_level, glide_ceiling(goal.kind, _exact_years(goal, today), glide), suitability_cap
    )


def _exact_years(goal: Goal, today: date) -> float:
    return max((goal.target_date - today).days / 365.25, 0.0)


@dataclass(frozen=True)
class Fix:
    """One change that would bring the goal on target (or as close as it can within bounds)."""

    kind: FixKind
    value: float  # new monthly deposit, new years to the date, new target, or new risk level
    change: float  # how much it changes: extra deposit, extra years, target cut, extra levels
    probability: float  # of reaching the (new) target with this change
    reaches_on_target: bool
    description: str


@dataclass(frozen=True)
class GoalAssessment:
    """A goal's projection at its effective risk level, its status and the fixes."""

    goal: Goal
    years: int
    risk_level: int
    glide_ceiling: int
    probability: float
    median_final_value: float
    status: GoalStatus
    fixes: tuple[Fix, ...]


Probability = Callable[[float, int, float, int], float]  # deposit, years, target, level -> p


def assess_goal(
    goal: Goal,
    today: date,
    outlooks: Mapping[int, LevelOutlook],
    glide: GoalGlidePath,
    suitability_cap: int,
    settings: SimulationSettings,
) -> GoalAssessment:
    """Project the goal at its effective risk level and, unless it is on target, compute each fix
    with the same simulation (same seed, so probabilities move only with the change)."""
    years = years_left(goal.target_date, today)
    ceiling = glide_ceiling(goal.kind, _exact_years(goal, today), glide)
    level = min(goal.risk_level, ceiling, suitability_cap)

    def probability(deposit: float, horizon: int, target: float, risk: int) -> float:
        outlook = outlooks[risk]
        projection = project_goal(
            goal.current_value,
            horizon,
            outlook.expected_return,
            outlook.volatility,
            monthly_contribution=deposit,
            target_value=target,
            paths=settings.paths,
            seed=settings.seed,
        )
        assert projection.probability_of_target is not None  # a target was given
        return projection.probability_of_target

    outlook = outlooks[level]
    projection = project_goal(
        goal.current_value,
        years,
        outlook.expected_return,
        outlook.volatility,
        monthly_contribution=goal.monthly_deposit,
        target_value=goal.target_amount,
        paths=settings.paths,
        seed=settings.seed,
    )
    p = projection.probability_of_target or 0.0
    status = status_of(p, settings.thresholds)
    fixes: tuple[Fix, ...] = ()
    if status != "on_target":
        # "More risk" may go up to the investor's class, but never above the glide path.
        cap = min(suitability_cap, ceiling)
        fixes = rank_fixes(
            (
                deposit_fix(goal, years, level, probability, settings),
                date_fix(goal, years, level, probability, settings),
                target_fix(goal, years, level, probability, settings),
                risk_fix(goal, years, level, cap, probability, settings),
            )
        )
    return GoalAssessment(
        goal=goal,
        years=years,
        risk_level=level,
        glide_ceiling=ceiling,
        probability=p,
        median_final_value=projection.median_final_value,
        status=status,
        fixes=fixes,
    )


def rank_fixes(fixes: tuple[Fix | None, ...]) -> tuple[Fix, ...]:
    """Fixes that exist, by effect: those reaching on target first, then by probability, ties in
    the order deposit, date, target, risk."""
    present = [fix for fix in fixes if fix is not None]
    return tuple(
        sorted(
            present,
            key=lambda fix: (
                not fix.reaches_on_target,
                -fix.probability,
                FIX_ORDER.index(fix.kind),
            ),
        )
    )


def _bisect(low: float, high: float, reaches: Callable[[float], bool], steps: int = 30) -> float:
    """The smallest value in [low, high] for which `reaches` holds (assumed monotone), to within
    (high - low) / 2**steps; `high` if it holds only there."""
    for _ in range(steps):
        middle = (low + high) / 2
        if reaches(middle):
            high = middle
        else:
            low = middle
    return high


def deposit_fix(
    goal: Goal, years: int, level: int, probability: Probability, settings: SimulationSettings
) -> Fix | None:
    """The smallest monthly deposit that puts the goal on target."""
    on = settings.thresholds.on_target_probability
    # Depositing the whole shortfall, spread over the months, reaches the target with no growth;
    # twice that is a safe upper bound for the search in falling markets too.
    high = max(2 * goal.target_amount / (years * 12), goal.monthly_deposit + 1.0)
    if probability(high, years, goal.target_amount, level) < on:
        return None
    needed = _bisect(
        goal.monthly_deposit,
        high,
        lambda deposit: probability(deposit, years, goal.target_amount, level) >= on,
    )
    needed = _round_up(needed, 1.0)
    p = probability(needed, years, goal.target_amount, level)
    return Fix(
        kind="monthly_deposit",
        value=needed,
        change=needed - goal.monthly_deposit,
        probability=p,
        reaches_on_target=p >= on,
        description=f"deposit {needed:,.0f} a month instead of {goal.monthly_deposit:,.0f}",
    )


def date_fix(
    goal: Goal, years: int, level: int, probability: Probability, settings: SimulationSettings
) -> Fix:
    """The nearest later date, in whole years, that puts the goal on target (at the same risk
    level), or the furthest date looked at."""
    on = settings.thresholds.on_target_probability
    best = (years, probability(goal.monthly_deposit, years, goal.target_amount, level))
    for extra in range(1, settings.max_extra_years + 1):
        p = probability(goal.monthly_deposit, years + extra, goal.target_amount, level)
        best = (years + extra, p)
        if p >= on:
            break
    horizon, p = best
    return Fix(
        kind="later_date",
        value=float(horizon),
        change=float(horizon - years),
        probability=p,
        reaches_on_target=p >= on,
        description=f"move the date {horizon - years} year(s) later",
    )


def target_fix(
    goal: Goal, years: int, level: int, probability: Probability, settings: SimulationSettings
) -> Fix:
    """The largest target the goal reaches with the on-target probability as it stands."""
    on = settings.thresholds.on_target_probability
    # The probability falls as the target rises: search the smallest target it misses, in cents.
    lowest_missed = _bisect(
        0.0,
        goal.target_amount,
        lambda target: probability(goal.monthly_deposit, years, target, level) < on,
    )
    target = _round_down(lowest_missed * 0.999999, 1.0)
    p = probability(goal.monthly_deposit, years, target, level)
    return Fix(
        kind="lower_target",
        value=target,
        change=goal.target_amount - target,
        probability=p,
        reaches_on_target=p >= on,
        description=f"aim for {target:,.0f} instead of {goal.target_amount:,.0f}",
    )


def risk_fix(
    goal: Goal,
    years: int,
    level: int,
    cap: int,
    probability: Probability,
    settings: SimulationSettings,
) -> Fix | None:
    """The lowest higher risk level, up to `cap` (suitability and glide path), that puts the goal
    on target, or the cap if none does; None when the goal is already at the cap."""
    if level >= cap:
        return None
    on = settings.thresholds.on_target_probability
    chosen, p = cap, 0.0
    for candidate in range(level + 1, cap + 1):
        chosen = candidate
        p = probability(goal.monthly_deposit, years, goal.target_amount, candidate)
        if p >= on:
            break
    return Fix(
        kind="more_risk",
        value=float(chosen),
        change=float(chosen - level),
        probability=p,
        reaches_on_target=p >= on,
        description=f"take risk level {chosen} instead of {level} (within your suitability)",
    )


def _round_up(value: float, step: float) -> float:
    return float(-(-value // step) * step)


def _round_down(value: float, step: float) -> float:
    return float((value // step) * step)


def assess_goals(
    goals: tuple[Goal, ...],
    today: date,
    outlooks: Mapping[int, LevelOutlook],
    glide: GoalGlidePath,
    suitability_cap: int,
    settings: SimulationSettings,
) -> tuple[GoalAssessment, ...]:
    """Every goal, most important first (then soonest)."""
    ordered = sorted(goals, key=lambda goal: (goal.priority, goal.target_date, goal.id))
    return tuple(
        assess_goal(goal, today, outlooks, glide, suitability_cap, settings) for goal in ordered
    )
