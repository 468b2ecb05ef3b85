"""Ages worked out from other facts, when the investor does not state their own.

* An age at an event and how long ago the event was: "Retired at 50. That was six years back"
  (56), "I was 30 when we bought the house, ten years ago" (40), "50岁退休，退了六年了" (56); or
  when, without a count: "Retired last spring at 65" (66), "Just retired at 60", "Retired in
  January at 62", "Retiring next year at 64" (63).
* An age relative to a relative's: "I'm two years younger than my husband, who just turned 46"
  (44), "我比老公小两岁，他今年四十六" (44).

Both are read within one message and only for the person typing; `demographics` weighs them like
a stated age.
"""

import re
from dataclasses import dataclass

from advisor.profile.numbers import MONTH_NAME_EN, NUMBER_EN, NUMBER_ZH, parse_number
from advisor.profile.subject import RELATIONS_EN, RELATIONS_ZH
from advisor.profile.text import UserTurn

_REL_EN = "|".join(sorted(RELATIONS_EN, key=len, reverse=True))
_REL_ZH = "|".join(sorted(RELATIONS_ZH, key=len, reverse=True))
_EVENT_EN = (
    r"(?:retired|retiring|stopped working|quit|left|moved|married|widowed|started|emigrated|came|"
    r"bought|had)"
)
# "retired from the fire department at 50", "I was 30 when ...".
EVENT_AGE_EN = re.compile(
    rf"\b(?P<event>{_EVENT_EN})\b(?:\s+[\w'’-]+){{0,8}}?\s+at\s+(?:age\s+)?"
    rf"(?P<at>{NUMBER_EN})(?![\w%])"
    rf"|\bi\s+was\s+(?P<was>{NUMBER_EN})\s+when\b",
    re.IGNORECASE,
)
# How long ago, in the same sentence or opening the next one ("That was six years back").
AGO_EN = re.compile(
    rf"[^.!?]*?(?:[.!?]\s+(?:that|this|it|which)\s+(?:was|'s|’s)\s+)?"
    rf"\b(?P<ago>{NUMBER_EN}|a|one)\s+years?\s+(?:ago|back|earlier)\b",
    re.IGNORECASE,
)
# No count of years, but when, in the event's sentence: "retired last spring at 65" (a year
# on), "retired this year at 60" (none); "retiring next year at 64" (a year to come).
WHEN_EN = re.compile(
    r"\b(?:(?P<last>last (?:year|spring|summer|autumn|fall|winter))|"
    r"(?P<now>this year|earlier this year|last month|a few months ago))\b",
    re.IGNORECASE,
)
NEXT_YEAR_EN = re.compile(r"\bnext year\b", re.IGNORECASE)
# "Retired in January at 62": a retirement in a month named without a year is this year's.
MONTH_EN = re.compile(
    rf"\bin {MONTH_NAME_EN}\b(?!\s*(?:of\s+)?(?:19|20)\d\d)",
    re.IGNORECASE,
)
JUST_BEFORE_EN = re.compile(r"\b(?:just|recently)\s+$", re.IGNORECASE)  # "just retired at 60"
SENTENCE_ENDS = ".!?\n"
EVENT_AGE_ZH = re.compile(rf"(?P<at>{NUMBER_ZH})岁(?:就|那年|时|的时候)?(?:退休|退的|内退|下岗)")
AGO_ZH = re.compile(
    rf"[^。！？]*?(?:退(?:休)?(?:了|下来)?(?:已经)?(?P<since>{NUMBER_ZH})年|"
    rf"(?P<ago>{NUMBER_ZH})年前)"
)
RELATIVE_EN = re.compile(
    rf"\b(?:i'?m|i am|im)\s+(?P<diff>{NUMBER_EN}|a|one)\s+years?\s+(?P<dir>younger|older)\s+than\s+"
    rf"(?:(?:my|our)\s+(?P<rel>{_REL_EN})\b|(?:him|her)\b)"
    rf"(?:,?\s+(?:who(?:'s|’s| is)?|he'?s|she'?s|he is|she is|is)\s+(?:just\s+|recently\s+)?"
    rf"(?:turned\s+|turns\s+)?(?P<age>{NUMBER_EN})\b)?",
    re.IGNORECASE,
)
RELATIVE_ZH = re.compile(
    rf"我比(?:我的?)?(?P<rel>{_REL_ZH})(?P<dir>小|大)(?P<diff>{NUMBER_ZH})岁"
    rf"(?:[，,]?(?:他|她)?(?:今年|现在)?(?P<age>{NUMBER_ZH})(?:岁)?)?"
)
DIRECTION = {"younger": -1, "older": 1, "小": -1, "大": 1}


@dataclass(frozen=True)
class DerivedAge:
    """An age worked out from other facts, with where in the message it was read."""

    age: float
    start: int
    end: int
    typist: bool = False  # said of the person typing in the first person ("I'm two years...")


def derived_ages(turn: UserTurn) -> list[DerivedAge]:
    """The ages a user message lets one work out for the person typing."""
    return [*_event_ages(turn.content), *_relative_ages(turn.content)]


def _event_ages(text: str) -> list[DerivedAge]:
    found = []
    for match in EVENT_AGE_EN.finditer(text):
        at = parse_number(match.group("at") or match.group("was"))
        ago = AGO_EN.match(text, match.end())
        years = parse_number(ago.group("ago")) if ago else None
        if at is not None and years is not None and ago is not None:
            found.append(DerivedAge(at.value + years.value, match.start(), ago.end()))
        elif at is not None and match.group("event"):
            since = _years_since(text, match.start(), match.end(), match.group("event"))
            if since is not None:
                found.append(DerivedAge(at.value + since, match.start(), match.end()))
    for match in EVENT_AGE_ZH.finditer(text):
        at = parse_number(match.group("at"))
        ago = AGO_ZH.match(text, match.end())
        years = parse_number(ago.group("since") or ago.group("ago")) if ago else None
        if at is not None and years is not None and ago is not None:
            found.append(DerivedAge(at.value + years.value, match.start(), ago.end()))
    return found


def _years_since(text: str, start: int, end: int, event: str) -> float | None:
    """Years since an event from the words for when in its sentence, if any; negative for a
    retirement to come next year."""
    sentence_start = max(text.rfind(boundary, 0, start) for boundary in SENTENCE_ENDS) + 1
    ends = [found for found in (text.find(b, end) for b in SENTENCE_ENDS) if found >= 0]
    sentence = text[sentence_start : min(ends, default=len(text))]
    if event.lower() == "retiring":
        return -1.0 if NEXT_YEAR_EN.search(sentence) else None
    if JUST_BEFORE_EN.search(text[sentence_start:start]):
        return 0.0
    when = WHEN_EN.search(sentence)
    if when is None:
        retired = event.lower() in ("retired", "stopped working")
        return 0.0 if retired and MONTH_EN.search(sentence) else None
    return 1.0 if when.group("last") else 0.0


def _relative_ages(text: str) -> list[DerivedAge]:
    found = []
    for match in [*RELATIVE_EN.finditer(text), *RELATIVE_ZH.finditer(text)]:
        other = match.group("age") or _relation_age(text[: match.start()], match.group("rel"))
        difference = parse_number(match.group("diff"))
        theirs = parse_number(other) if other else None
        if difference is None or theirs is None:
            continue
        sign = DIRECTION[match.group("dir").lower()]
        age = theirs.value + sign * difference.value
        found.append(DerivedAge(age, match.start(), match.end(), typist=True))
    return found


def _relation_age(before: str, relation: str | None) -> str | None:
    """The age given earlier in the message to the relative ("my husband is 46, I'm two years
    younger than him"); for "him"/"her", to the last relative named."""
    named = re.escape(relation) if relation else f"(?:{_REL_EN}|{_REL_ZH})"
    pattern = re.compile(
        rf"(?<![\w]){named}(?:'s|’s| is| just turned| turned)?\s*(?:今年|现在)?"
        rf"(?P<n>\d\d|{NUMBER_EN}|{NUMBER_ZH})(?![\d\w])",
        re.IGNORECASE,
    )
    matches = list(pattern.finditer(before))
    return matches[-1].group("n") if matches else None
