"""Rules that reject impossible profile values, and the merge of values an LLM backend proposes.

The rule-based extractor is the reference. A later language-model backend may propose values;
`merge` accepts a proposal only where it is possible (`validate_value`), cites evidence that is
an exact quote of a user message, and does not contradict what the rules found:

* a field the rules left unknown takes the proposed value, at a discounted confidence;
* a field both agree on keeps the rules' value with the higher confidence and both evidences;
* where they disagree the rules' value stays, except the risk level, which takes the lower
  (more cautious) of the two: a proposal may lower the level, never raise it;
* the emotion takes the proposal only where the rules had no cue (their reading has no evidence);
* goals and flags are unions: a proposal can add a goal or raise a flag, never remove one.

Every rejected proposal is reported with its reason.
"""

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from advisor.knowledge.rules import LifeStage
from advisor.profile.demographics import stage_of_age
from advisor.profile.model import (
    Emotion,
    EmotionState,
    Evidence,
    FlagFinding,
    GoalFinding,
    Inferred,
    InvestorProfile,
)
from advisor.profile.options import chosen_options
from advisor.profile.text import Message

# Bounds of a possible value, per field (inclusive).
BOUNDS: dict[str, tuple[float, float]] = {
    "age": (0, 120),
    "risk_level": (1, 5),
    "horizon_years": (0, 100),
    "dependants": (0, 30),
    "emergency_fund_months": (0, 600),
}
INTEGER_FIELDS = frozenset({"age", "risk_level", "dependants"})
PROPOSAL_DISCOUNT = 0.8  # a proposal the rules could not confirm is trusted less
SCALAR_FIELDS = (
    "age",
    "life_stage",
    "risk_level",
    "horizon_years",
    "dependants",
    "emergency_fund_months",
)


class Problem(BaseModel):
    """A value that cannot be right, and why."""

    model_config = ConfigDict(frozen=True)

    field: str
    value: Any
    reason: str


class ProposedProfile(BaseModel):
    """Values another backend proposes, each with its confidence and evidence; all optional."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    age: Inferred[int] | None = None
    life_stage: Inferred[LifeStage] | None = None
    risk_level: Inferred[int] | None = None
    horizon_years: Inferred[float] | None = None
    dependants: Inferred[int] | None = None
    emergency_fund_months: Inferred[float] | None = None
    emotion: Inferred[Emotion] | None = None
    goals: tuple[GoalFinding, ...] = ()
    flags: tuple[FlagFinding, ...] = ()


class MergeResult(BaseModel):
    """The merged profile, the fields a proposal changed, and the proposals turned down."""

    model_config = ConfigDict(frozen=True)

    profile: InvestorProfile
    accepted: tuple[str, ...]
    rejected: tuple[Problem, ...]


def validate_value(field: str, value: Any) -> str | None:
    """Why `value` is impossible for `field`, or None when it is possible (None is unknown)."""
    if value is None or field not in BOUNDS:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{field} must be a number, got {value!r}"
    if field in INTEGER_FIELDS and value != int(value):
        return f"{field} must be a whole number, got {value}"
    low, high = BOUNDS[field]
    if not low <= value <= high:
        return f"{field} must be between {low:g} and {high:g}, got {value:g}"
    return None


def check_evidence(evidence: Sequence[Evidence], messages: Sequence[Message]) -> str | None:
    """Why the evidence does not hold (a quote not in the user message it cites), or None. An
    assistant message may be cited only for an option the next user message chose by its label
    ("D obviously" after "... D) buy more?"), which the investor made their own words."""
    for item in evidence:
        if item.message_index >= len(messages):
            return f"evidence cites message {item.message_index}, which does not exist"
        message = messages[item.message_index]
        if message.role != "user" and not _chosen_option(item, messages):
            return f"evidence cites message {item.message_index}, an assistant message"
        if item.quote not in message.content:
            return f"the quote {item.quote!r} is not in message {item.message_index}"
    return None


def _chosen_option(item: Evidence, messages: Sequence[Message]) -> bool:
    """Whether the quote lies inside an option of its assistant message that the next message,
    the user's, chose."""
    following = item.message_index + 1
    if following >= len(messages) or messages[following].role != "user":
        return False
    asked = messages[item.message_index].content
    return any(
        item.quote in asked[option.start : option.end]
        for option in chosen_options(asked, messages[following].content)
    )


def validate_profile(
    profile: InvestorProfile, messages: Sequence[Message] | None = None
) -> list[Problem]:
    """Impossible values, a life stage that contradicts the age, and (given the messages)
    evidence that is not an exact quote of a user message."""
    problems = []
    for field in SCALAR_FIELDS:
        value = getattr(profile, field).value
        reason = validate_value(field, value)
        if reason:
            problems.append(Problem(field=field, value=value, reason=reason))
    contradiction = _stage_contradiction(profile.age.value, profile.life_stage.value)
    if contradiction:
        problems.append(
            Problem(field="life_stage", value=profile.life_stage.value, reason=contradiction)
        )
    if messages is not None:
        problems.extend(_evidence_problems(profile, messages))
    return problems


def _stage_contradiction(age: int | None, stage: LifeStage | None) -> str | None:
    """Retirement fits any age (people retire early); otherwise the stage must match the age."""
    if age is None or stage is None or stage == "retirement" or validate_value("age", age):
        return None
    expected = stage_of_age(age)
    if stage != expected:
        return f"life stage {stage} contradicts age {age} ({expected})"
    return None


def _evidence_problems(profile: InvestorProfile, messages: Sequence[Message]) -> list[Problem]:
    cited: list[tuple[str, tuple[Evidence, ...]]] = [
        (field, getattr(profile, field).evidence) for field in SCALAR_FIELDS
    ]
    cited += [("emotion", profile.emotion.current.evidence), ("subject", profile.subject.evidence)]
    cited += [(f"goals.{g.goal}", g.evidence) for g in profile.goals]
    cited += [(f"flags.{f.flag}", f.evidence) for f in profile.flags]
    problems = []
    for field, evidence in cited:
        reason = check_evidence(evidence, messages)
        if reason:
            problems.append(Problem(field=field, value=None, reason=reason))
    return problems


def merge(
    embedded: InvestorProfile,
    proposed: ProposedProfile,
    messages: Sequence[Message] | None = None,
) -> MergeResult:
    """The rules' profile with the acceptable parts of a proposal (see the module docstring).
    With `messages`, every proposed quote must be found in the user message it cites."""
    updates: dict[str, Any] = {}
    accepted: list[str] = []
    rejected: list[Problem] = []
    for field in SCALAR_FIELDS:
        proposal: Inferred[Any] | None = getattr(proposed, field)
        if proposal is None or proposal.value is None:
            continue
        reason = _proposal_problem(field, proposal, messages)
        if reason is None:
            merged, reason = _merge_scalar(field, getattr(embedded, field), proposal)
            if merged is not None:
                updates[field] = merged
                accepted.append(field)
        if reason:
            rejected.append(Problem(field=field, value=proposal.value, reason=reason))
    _merge_emotion(embedded, proposed, messages, updates, accepted, rejected)
    _merge_lists(embedded, proposed, messages, updates, accepted, rejected)
    profile = embedded.model_copy(update=updates)
    stage = profile.life_stage.value
    if "life_stage" in updates and _stage_contradiction(profile.age.value, stage):
        reason = _stage_contradiction(profile.age.value, stage) or ""
        rejected.append(Problem(field="life_stage", value=stage, reason=reason))
        accepted.remove("life_stage")
        profile = profile.model_copy(update={"life_stage": embedded.life_stage})
    return MergeResult(profile=profile, accepted=tuple(accepted), rejected=tuple(rejected))


def _proposal_problem(
    field: str, proposal: Inferred[Any], messages: Sequence[Message] | None
) -> str | None:
    reason = validate_value(field, proposal.value)
    if reason:
        return reason
    if not proposal.evidence:
        return "no evidence: every value must cite the words it came from"
    return check_evidence(proposal.evidence, messages) if messages is not None else None


def _merge_scalar(
    field: str, rules: Inferred[Any], proposal: Inferred[Any]
) -> tuple[Inferred[Any] | None, str | None]:
    """(the merged field or None to keep the rules' one, why the proposal was turned down)."""
    if rules.value is None:
        confidence = round(proposal.confidence * PROPOSAL_DISCOUNT, 3)
        return proposal.model_copy(update={"confidence": confidence}), None
    if rules.value == proposal.value:
        evidence = tuple(dict.fromkeys((*rules.evidence, *proposal.evidence)))
        confidence = max(rules.confidence, proposal.confidence)
        return rules.model_copy(update={"confidence": confidence, "evidence": evidence}), None
    if field == "risk_level" and proposal.value < rules.value:
        return proposal.model_copy(update={"confidence": min(rules.confidence, 0.9)}), None
    if field == "risk_level":
        return None, f"would raise the risk level from {rules.value} to {proposal.value}"
    return None, f"disagrees with the rules' reading ({rules.value!r})"


def _merge_emotion(
    embedded: InvestorProfile,
    proposed: ProposedProfile,
    messages: Sequence[Message] | None,
    updates: dict[str, Any],
    accepted: list[str],
    rejected: list[Problem],
) -> None:
    proposal = proposed.emotion
    if proposal is None or proposal.value is None:
        return
    reason = _proposal_problem("emotion", proposal, messages)
    current = embedded.emotion.current
    if reason is None and current.evidence and current.value != proposal.value:
        reason = f"disagrees with the rules' reading ({current.value!r}), which has evidence"
    if reason:
        rejected.append(Problem(field="emotion", value=proposal.value, reason=reason))
        return
    state: EmotionState = embedded.emotion.model_copy(update={"current": proposal})
    updates["emotion"] = state
    accepted.append("emotion")


def _merge_lists(
    embedded: InvestorProfile,
    proposed: ProposedProfile,
    messages: Sequence[Message] | None,
    updates: dict[str, Any],
    accepted: list[str],
    rejected: list[Problem],
) -> None:
    goals = list(embedded.goals)
    known_goals = {g.goal for g in goals}
    for goal in proposed.goals:
        reason = _list_problem(goal.evidence, messages)
        if reason:
            rejected.append(Problem(field=f"goals.{goal.goal}", value=goal.goal, reason=reason))
        elif goal.goal not in known_goals:
            goals.append(
                goal.model_copy(update={"confidence": goal.confidence * PROPOSAL_DISCOUNT})
            )
            known_goals.add(goal.goal)
            accepted.append(f"goals.{goal.goal}")
    flags = list(embedded.flags)
    known_flags = {f.flag for f in flags}
    for flag in proposed.flags:
        reason = _list_problem(flag.evidence, messages)
        if reason:
            rejected.append(Problem(field=f"flags.{flag.flag}", value=flag.flag, reason=reason))
        elif flag.flag not in known_flags:
            flags.append(flag)
            known_flags.add(flag.flag)
            accepted.append(f"flags.{flag.flag}")
    updates["goals"] = tuple(goals)
    updates["flags"] = tuple(flags)


def _list_problem(evidence: Sequence[Evidence], messages: Sequence[Message] | None) -> str | None:
    if not evidence:
        return "no evidence: every value must cite the words it came from"
    return check_evidence(evidence, messages) if messages is not None else None
