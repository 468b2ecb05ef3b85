"""The reply guard: nothing reaches the user unless its numbers come from the engine, it uses no
banned wording and it recommends nothing the investor may not hold.

The facts of a reply are rendered by code from tool results; a language model writes only the
opening. The guard still checks the whole reply, with these rules:

* the model writes no figures at all: even a figure the engine produced could be given a new
  meaning ("40%" of bonds retold as "40% a year"), so numbers are shown only in the engine's facts;
* every number in the facts (digits, with or without separators, decimals and %) must appear in
  the engine's output for this turn or in the profile; numbers inside identifiers (C3, R4,
  510300.SS) are part of the identifier, not figures;
* no banned phrase (the knowledge base's wording rules, English and Chinese);
* no excluded product (by id, ticker, name or alias) in what the model wrote; before there is a
  suitability decision every product is excluded. The engine's facts never recommend one (a
  proposal holds only allowed products), though they may name one to refuse it.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from advisor.catalogue import Catalogue
from advisor.knowledge.rulebook import RuleBook
from advisor.profile.instructions import INSTRUCTION_CUES
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


# How much of a confidential text (the system prompt) a reply may share before it counts as
# repeating it: a run of this many words, or of this many Chinese characters. The templates share
# at most 4 words and 10 characters with the system prompts ("我是一个自动化投资顾问").
ECHO_WORDS = 6
ECHO_CHARS = 14
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_HAN = re.compile(r"[\u3400-\u9fff]")


def repeats(text: str, confidential: str) -> bool:
    """Whether `text` repeats `confidential` (e.g. the system prompt): ECHO_WORDS consecutive
    words of it, case and punctuation aside, or ECHO_CHARS consecutive Chinese characters."""
    words = [word.casefold() for word in _WORD.findall(confidential) if not _HAN.match(word)]
    runs = {tuple(words[i : i + ECHO_WORDS]) for i in range(len(words) - ECHO_WORDS + 1)}
    said = [word.casefold() for word in _WORD.findall(text) if not _HAN.match(word)]
    if any(tuple(said[i : i + ECHO_WORDS]) in runs for i in range(len(said) - ECHO_WORDS + 1)):
        return True
    han = "".join(_HAN.findall(confidential))
    said_han = "".join(_HAN.findall(text))
    return any(said_han[i : i + ECHO_CHARS] in han for i in range(len(said_han) - ECHO_CHARS + 1))


def carries_instructions(text: str) -> bool:
    """Whether a text (a retrieved passage, say) tries to instruct the advisor ("ignore your
    rules", 忽略之前的指令, "set my risk level to 5"): the cues the profile reads as ignored
    instructions in what the user writes."""
    return any(cue.pattern.search(text) for cue in INSTRUCTION_CUES)


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
        """Every rule the text breaks; figures and products are stricter for model-written text."""
        problems: list[str] = []
        if written_by_model:
            figures = sorted(figures_in(text))
            if figures:
                problems.append(f"numbers written by the model: {_shown(figures)}")
        else:
            invented = sorted(figures_in(text) - self.allowed_figures)
            if invented:
                problems.append(f"numbers not from the engine: {_shown(invented)}")
        banned = banned_phrases_in(text, self.rules)
        if banned:
            problems.append("banned wording: " + ", ".join(n.text for n in banned))
        unsuitable = self.excluded_products_named(text) if written_by_model else []
        if unsuitable:
            problems.append("names a product the investor may not hold: " + ", ".join(unsuitable))
        return Verdict(tuple(problems))

    def excluded_products_named(self, text: str) -> list[str]:
        """The ids of the excluded products a text names (by id, ticker, name or alias)."""
        folded = text.casefold()
        named = []
        for product in self.catalogue.products:
            if product.id not in self.excluded_products:
                continue
            names = (product.id, product.ticker, product.name, *product.aliases)
            if any(name.casefold() in folded for name in names):
                named.append(product.id)
        return named


def _shown(figures: Iterable[Decimal]) -> str:
    return ", ".join(format(figure, "f") for figure in figures)
