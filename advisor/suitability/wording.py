"""Wording rules: phrases no reply or marketing may contain (guarantees, urgency, certainty)."""

from advisor.knowledge.rulebook import RuleBook
from advisor.knowledge.rules import BannedPhrases
from advisor.suitability.decision import Notice


def banned_phrases_in(text: str, rules: RuleBook) -> list[Notice]:
    """Each banned phrase the text contains (case-insensitive), with the rule that bans it."""
    folded = text.casefold()
    return [
        Notice(rule_id=rule.id, text=phrase)
        for rule, _ in rules.of_type(BannedPhrases)
        for phrases in rule.phrases.values()
        for phrase in phrases
        if phrase.casefold() in folded
    ]
