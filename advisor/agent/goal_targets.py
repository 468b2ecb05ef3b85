"""Goals as the investor states them in the chat: how much, by when, what is saved already and
what goes in each month ("I need 60k for a flat deposit in 3 years, I have 20k and can put 500 a
month in" / "三年后买房要首付60万，现在有20万，每月能存5000").

The profile says which goals the investor has; this module reads the amounts around them, so the
advisor can store the goal and the engine can say whether it is on track. A statement made later
replaces an earlier one (that is how a goal is edited in the chat). Amounts need a currency or a
scale word (60k, $60,000, 60 thousand dollars, 60万, 5000元) so that ages and years are never read
as money.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from advisor.planning.goals import GoalKind
from advisor.profile.model import InvestorProfile
from advisor.profile.numbers import parse_number
from advisor.profile.text import Message, split_sentences

# The profile's goal kinds that planning knows by another name.
PLANNING_KIND: dict[str, GoalKind] = {
    "retirement": "retirement",
    "education": "education",
    "home": "home",
    "emergency_fund": "emergency_fund",
    "wealth_growth": "wealth_growth",
}

_EN_AMOUNT = re.compile(
    r"(?P<currency>\$|usd\s?)?(?P<number>\d[\d,]*(?:\.\d+)?)\s?"
    r"(?P<scale>k\b|grand\b|thousand\b|m\b|mn\b|million\b)?\s?(?P<unit>dollars|bucks|usd)?",
    re.IGNORECASE,
)
_ZH_AMOUNT = re.compile(
    r"(?P<number>[\d.]+|[一二两三四五六七八九十百千]+)\s?(?P<scale>万|千|亿)?\s?(?P<unit>元|块)?"
)
_SCALES = {"grand": "k", "thousand": "k", "mn": "m", "million": "m"}
_MONTHLY = re.compile(r"a month|per month|monthly|each month|every month|每月|每个月|一个月", re.I)
_CURRENT = re.compile(
    r"\b(i|we)(\s+have|'ve|\s+already|\s+saved|\s+own)\b|\bsaved\b|already|so far|right now"
    r"|现在有|已经有|已经存|目前有|手上有|存了|攒了",
    re.IGNORECASE,
)
_TARGET = re.compile(
    r"\b(need|want|like|aim|target|goal|hoping|hope|save up|saving for|reach|get to|deposit|cost)"
    r"|需要|要|目标|想攒|攒够|首付|凑|希望|想",
    re.IGNORECASE,
)
# Commas between digits are thousands separators, not clause breaks.
_CLAUSE_BREAK = re.compile(r"(?<!\d)[,，]|[,，](?!\d)|[;；、]|\band\b|\bbut\b")
# A monthly amount is a deposit only when the clause says it is put aside, not earned or spent.
_SAVING = re.compile(r"\b(put|save|saving|invest|add|contribute|deposit|set aside)|存|投|攒", re.I)
CUE_REACH = 20  # characters between an amount and the cue that says what it is

Role = Literal["target", "current", "monthly"]

_YEAR = re.compile(r"(?:by|in|before|until)\s+(20[2-9]\d)\b|(20[2-9]\d)\s?年", re.IGNORECASE)


@dataclass(frozen=True)
class StatedGoal:
    """A goal the investor put figures on: the kind from the profile, the rest from their words."""

    kind: GoalKind
    target_amount: float
    target_date: date
    current_value: float
    monthly_deposit: float
    evidence: str


def stated_goal(
    messages: Sequence[Message], profile: InvestorProfile, today: date
) -> StatedGoal | None:
    """The goal the investor most recently put a target amount on, with its date and what they
    have and add monthly; None if they named no amount, or no goal or date to attach it to."""
    if not profile.goals:
        return None
    target = current = monthly = None
    evidence = ""
    year: int | None = None
    for message in messages:
        if message.role != "user":
            continue
        for start, end in split_sentences(message.content):
            sentence = message.content[start:end]
            for clause in _CLAUSE_BREAK.split(sentence):
                for amount, role in _amounts(clause):
                    if role == "monthly":
                        monthly = amount
                    elif role == "current":
                        current = amount
                    else:
                        target, evidence = amount, sentence.strip()
                        year = _year(sentence) or year
    if target is None:
        return None
    when = _target_date(today, year, profile.horizon_years.value)
    if when is None:
        return None
    return StatedGoal(
        kind=_kind(profile),
        target_amount=target,
        target_date=when,
        current_value=current or 0.0,
        monthly_deposit=monthly or 0.0,
        evidence=evidence,
    )


def _amounts(clause: str) -> list[tuple[float, Role]]:
    """Each amount of money in the clause with what it is: the nearest cue decides (a target
    "need 60k", what is saved "I have 20k", a deposit "500 a month"). A figure without a currency
    or scale counts only right next to a monthly cue ("500 a month"): never an age or a year."""
    found: list[tuple[float, Role]] = []
    for pattern in (_EN_AMOUNT, _ZH_AMOUNT):
        for match in pattern.finditer(clause):
            groups = match.groupdict()
            role = _nearest_cue(clause, match.start(), match.end())
            if role is None:
                continue
            marked = any(groups.get(key) for key in ("currency", "scale", "unit"))
            beside_monthly = role == "monthly" and _cue_distance(_MONTHLY, clause, match) <= 3
            if not (marked or "," in match.group("number") or beside_monthly):
                continue
            scale = groups.get("scale") or ""
            number = parse_number(match.group("number") + _SCALES.get(scale.lower(), scale))
            if number is not None and number.value > 0:
                found.append((number.value, role))
    return found


def _nearest_cue(clause: str, start: int, end: int) -> Role | None:
    """The kind of cue closest to the span, within `CUE_REACH` characters; None if none is."""
    best: tuple[int, Role] | None = None
    cues: tuple[tuple[Role, re.Pattern[str]], ...] = (
        ("monthly", _MONTHLY),
        ("current", _CURRENT),
        ("target", _TARGET),
    )
    for role, cue in cues:
        if role == "monthly" and not _SAVING.search(clause):
            continue
        for match in cue.finditer(clause):
            gap = max(match.start() - end, start - match.end(), 0)
            if gap <= CUE_REACH and (best is None or gap < best[0]):
                best = (gap, role)
    return None if best is None else best[1]


def _cue_distance(cue: re.Pattern[str], clause: str, amount: re.Match[str]) -> int:
    gaps = [
        max(match.start() - amount.end(), amount.start() - match.end(), 0)
        for match in cue.finditer(clause)
    ]
    return min(gaps, default=len(clause))


def _year(sentence: str) -> int | None:
    match = _YEAR.search(sentence)
    return int(match.group(1) or match.group(2)) if match else None


def _target_date(today: date, year: int | None, horizon_years: float | None) -> date | None:
    if year is not None and year > today.year:
        return date(year, 12, 31)
    if horizon_years is not None and horizon_years > 0:
        return today + timedelta(days=round(horizon_years * 365.25))
    return None


def _kind(profile: InvestorProfile) -> GoalKind:
    """The first of the profile's goals that planning tracks by name; else "other"."""
    for finding in profile.goals:
        if finding.goal in PLANNING_KIND:
            return PLANNING_KIND[finding.goal]
    return "other"
