"""Wording rules: phrases no reply or marketing may contain (guarantees, urgency, certainty)."""

import re
import unicodedata

from advisor.knowledge.rulebook import RuleBook
from advisor.knowledge.rules import BannedPhrases
from advisor.suitability.decision import Notice


def banned_phrases_in(text: str, rules: RuleBook) -> list[Notice]:
    """Each banned phrase the text contains, with the rule that bans it. Matching ignores case,
    compatibility forms (full-width letters) and the kind and number of spaces, so a non-breaking
    space or a doubled space does not hide a phrase."""
    folded = _folded(text)
    return [
        Notice(rule_id=rule.id, text=phrase)
        for rule, _ in rules.of_type(BannedPhrases)
        for phrases in rule.phrases.values()
        for phrase in phrases
        if _folded(phrase) in folded
    ]


def _folded(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).casefold()
