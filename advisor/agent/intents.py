"""What the user's latest message asks for, in English or Chinese.

Emotion, risk and facts come from the profile pipeline; this module only reads the request:
sell everything, take more risk, explain the mix, a what-if on the horizon, a person, a pause.
The lexicons are deliberately small and literal: an unrecognised request falls through to the
default flow (answer from the knowledge base, or continue onboarding), which is always safe.
"""

import re
from dataclasses import dataclass
from typing import Literal

Intent = Literal[
    "sell_all",
    "more_risk",
    "explain_mix",
    "what_if_horizon",
    "ask_human",
    "pause",
    "thanks",
    "other",
]

_PATTERNS: tuple[tuple[Intent, re.Pattern[str]], ...] = (
    (
        "ask_human",
        re.compile(
            r"\b(real|actual|human|live)\s+(person|adviser|advisor|agent|human)\b"
            r"|talk to (a|someone)|speak (to|with) (a|someone)|人工|真人|客服|顾问本人|找个人",
            re.IGNORECASE,
        ),
    ),
    (
        "sell_all",
        re.compile(
            r"\bsell\s+(it\s+)?(all|everything|every ?thing)\b|\bcash\s+out\b|\bget\s+(me\s+)?out\b"
            r"|\bliquidate\b|\bpull\s+(it\s+all|everything|out)\b"
            r"|全部?卖|全卖|清仓|割肉|全部赎回|都卖了|卖掉|赎回",
            re.IGNORECASE,
        ),
    ),
    (
        "more_risk",
        re.compile(
            r"\bmore\s+risk\b|\bhigher\s+risk\b|\briskier\b|\bmore\s+aggressive\b|\bmore\s+(stocks|equit)"
            r"|\bC[45]\b|加仓|更激进|高风险|提高风险|风险高一点|多买点股票|梭哈|全仓|上车",
            re.IGNORECASE,
        ),
    ),
    (
        "what_if_horizon",
        re.compile(
            r"\bwhat\s+if\b.*\b(retire|years?|earlier|later|sooner)\b|\bretire\s+(\w+\s+)?(earlier|sooner)"
            r"|提前.{0,4}退休|早.{0,2}退休|如果.{0,8}(年|退休)",
            re.IGNORECASE,
        ),
    ),
    (
        "explain_mix",
        re.compile(
            r"\bwhy\b.*\b(bonds?|so much|so little|cash|stocks|equit|this mix|this portfolio)"
            r"|为什么.{0,10}(债券|这么多|这么少|现金|股票|这样配)",
            re.IGNORECASE,
        ),
    ),
    (
        "pause",
        re.compile(r"\b(pause|think about it|later|not now)\b|再想想|暂停|先不", re.IGNORECASE),
    ),
    (
        "thanks",
        re.compile(
            r"^\W*(thanks?( you)?|thx|ok(ay)?|great|got it|cool|perfect)\W*$"
            r"|^\W*(谢谢|好的|明白了|收到)\W*$",
            re.IGNORECASE,
        ),
    ),
)

_YEARS = re.compile(r"(\d+(?:\.\d+)?)\s*(?:years?|yrs?|年)", re.IGNORECASE)
_EARLIER = re.compile(r"earlier|sooner|提前|早", re.IGNORECASE)


@dataclass(frozen=True)
class Request:
    """The intent of a message, and for a what-if the change in years it asks about."""

    intent: Intent
    years_change: float | None = None


def read_request(text: str) -> Request:
    """The first intent whose pattern the message matches, in order of precedence."""
    for intent, pattern in _PATTERNS:
        if pattern.search(text):
            if intent == "what_if_horizon":
                return Request(intent, _years_change(text))
            return Request(intent)
    return Request("other")


def _years_change(text: str) -> float | None:
    """'retire 5 years earlier' -> -5; 'what if I wait 3 more years' -> +3; unknown -> None."""
    found = _YEARS.search(text)
    if not found:
        return None
    years = float(found.group(1))
    return -years if _EARLIER.search(text) else years
