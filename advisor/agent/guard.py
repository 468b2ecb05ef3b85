"""The reply guard: nothing reaches the user unless its numbers come from the engine, it uses no
banned wording and it recommends nothing the investor may not hold.

The facts of a reply are rendered by code from tool results; a language model writes only the
opening. The guard still checks the whole reply, with these rules:

* every number (digits, with or without separators, decimals and %) must appear in the engine's
  facts for this turn or in the profile; numbers inside identifiers (C3, R4, 510300.SS) are part
  of the identifier, not figures;
* no banned phrase (the knowledge base's wording rules, English and Chinese);
* no excluded product (by id, ticker or name) in what the model wrote: the engine's facts never
  recommend one (a proposal holds only allowed products), though they may name one to refuse it
  or to describe an asset class.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from advisor.catalogue import Catalogue
from advisor.knowledge.rulebook import RuleBook
from advisor.suitability.wording import banned_phrases_in

# A figure: digits with optional thousands separators and decimals, optionally a percent sign;
# not glued to letters on either side (so C3, R4, 2x, 510300.SS stay identifiers).
_FIGURE = re.compile(
    r"(?<![A-Za-z0-9.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(%|％)?(?!\.?[A-Za-z0-9])"
)


@dataclass(frozen=True)
class Verdict:
    """Whether a reply may be shown, and if not, every reason."""

    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """No problem found."""
        return not self.problems


def figures_in(text: str) -> set[Decimal]:
    """The numbers a text shows, normalised (10,000 -> 10000; 5.9% -> 5.9)."""
    found: set[Decimal] = set()
    for match in _FIGURE.finditer(text):
        whole, fraction, _ = match.groups()
        try:
            found.add(Decimal(whole.replace(",", "") + (fraction or "")).normalize())
        except InvalidOperation:
            continue
    return found


@dataclass
class ReplyGuard:
    """Checks replies for one turn: built from the facts the engine produced and the decision."""

    rules: RuleBook
    catalogue: Catalogue
    excluded_products: frozenset[str]
    allowed_figures: set[Decimal] = field(default_factory=set)

    def allow(self, texts: Iterable[str]) -> None:
        """Every figure in these engine-made texts may appear in the reply."""
        for text in texts:
            self.allowed_figures |= figures_in(text)

    def check(self, text: str, *, written_by_model: bool = True) -> Verdict:
        """Every rule the text breaks; products are checked in what the model wrote."""
        problems: list[str] = []
        invented = sorted(figures_in(text) - self.allowed_figures)
        if invented:
            shown = ", ".join(format(figure, "f") for figure in invented)
            problems.append(f"numbers not from the engine: {shown}")
        banned = banned_phrases_in(text, self.rules)
        if banned:
            problems.append("banned wording: " + ", ".join(n.text for n in banned))
        unsuitable = self._excluded_products_named(text) if written_by_model else []
        if unsuitable:
            problems.append("names a product the investor may not hold: " + ", ".join(unsuitable))
        return Verdict(tuple(problems))

    def _excluded_products_named(self, text: str) -> list[str]:
        folded = text.casefold()
        named = []
        for product in self.catalogue.products:
            if product.id not in self.excluded_products:
                continue
            names = (product.id, product.ticker, product.name)
            if any(name.casefold() in folded for name in names):
                named.append(product.id)
        return named
