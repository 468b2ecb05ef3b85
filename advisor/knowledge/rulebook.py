"""The rules in force for one jurisdiction, each with the document that states it."""

from dataclasses import dataclass
from typing import TypeVar

from advisor.errors import DataFileError
from advisor.knowledge.documents import KnowledgeDocument
from advisor.knowledge.rules import InsistOverride, MaxProductRisk, Rule

RuleType = TypeVar("RuleType")


@dataclass(frozen=True)
class CitedRule:
    """A rule and where it is written, so a decision can cite it."""

    rule: Rule
    document_id: str
    document_title: str
    source: str


@dataclass(frozen=True)
class RuleBook:
    """The rules of one jurisdiction plus those that apply everywhere (`ALL`), in document order."""

    jurisdiction: str
    rules: tuple[CitedRule, ...]
    document_ids: frozenset[str]

    @classmethod
    def for_jurisdiction(
        cls, documents: tuple[KnowledgeDocument, ...], jurisdiction: str
    ) -> "RuleBook":
        """Collect the rules in force in `jurisdiction` and check that their references resolve."""
        in_force = [d for d in documents if d.meta.jurisdiction in (jurisdiction, "ALL")]
        rules = tuple(
            CitedRule(rule, d.meta.id, d.meta.title, d.meta.source)
            for d in in_force
            for rule in d.meta.rules
        )
        book = cls(jurisdiction, rules, frozenset(d.meta.id for d in documents))
        book._check_references(documents)
        return book

    def of_type(self, rule_type: type[RuleType]) -> list[tuple[RuleType, CitedRule]]:
        """The rules of one type, each with its citation."""
        return [(c.rule, c) for c in self.rules if isinstance(c.rule, rule_type)]

    def cited(self, rule_id: str) -> CitedRule:
        """The rule with this id; KeyError if it is not in force here."""
        for cited in self.rules:
            if cited.rule.id == rule_id:
                return cited
        raise KeyError(rule_id)

    def _check_references(self, documents: tuple[KnowledgeDocument, ...]) -> None:
        where = {rule.id: d.path for d in documents for rule in d.meta.rules}
        for rule, _ in self.of_type(MaxProductRisk):
            if rule.override_rule is None:
                continue
            try:
                target = self.cited(rule.override_rule).rule
            except KeyError:
                target = None
            if not isinstance(target, InsistOverride):
                raise DataFileError(
                    f"{where[rule.id]}: field 'rules.override_rule': {rule.override_rule!r} is "
                    f"not an insist_override rule in force in {self.jurisdiction}"
                )
