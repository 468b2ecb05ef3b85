"""Scoring profiles against a labelled conversation set (tests and the benchmark share this).

The set is a YAML list of items (format: tests/fixtures/profiles/README.md)::

    - id: en-001
      language: en
      tags: [...]
      messages: [{role: user, content: "..."}, ...]
      expected: {age: 34, life_stage: midlife, risk_level: [2, 3], goals: [education],
                 horizon_years: [9, 11], emotion: anxious, sustained_anxiety: false,
                 subject: self, flags: []}

A scalar field is right when the prediction equals the label, lies in a `[min, max]` label (ends
included) or is one of a list of labels; a null label needs a null prediction. Goals and flags
are minimum sets, scored by recall over every labelled goal (or flag) of the set; flags raised
beyond the labels are counted as extra. `sustained_anxiety` is scored only where labelled.
"""

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from advisor.errors import DataFileError
from advisor.profile.model import InvestorProfile
from advisor.profile.text import Message, Role

Language = Literal["en", "zh"]
Scalar = int | float | str | None
Label = Scalar | list[int] | list[float] | list[str]
SCALAR_FIELDS = ("age", "life_stage", "risk_level", "horizon_years", "emotion", "subject")
TARGETS = {"life_stage": 0.95, "risk_level": 0.90, "emotion": 0.90, "goals_recall": 0.85}


class LabelledMessage(BaseModel):
    """One turn of a labelled conversation."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    role: Role
    content: str = Field(min_length=1)


class Expected(BaseModel):
    """What a careful adviser concludes from the conversation."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    age: Label
    life_stage: Label
    risk_level: Label
    goals: tuple[str, ...] = ()
    horizon_years: Label
    emotion: Label
    sustained_anxiety: bool | None = None
    subject: Literal["self", "other"] = "self"
    flags: tuple[str, ...] = ()


class LabelledConversation(BaseModel):
    """A conversation and its labels."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    language: Language
    tags: tuple[str, ...] = ()
    messages: tuple[LabelledMessage, ...] = Field(min_length=1)
    expected: Expected

    def as_messages(self) -> list[Message]:
        """The turns as the extractor takes them."""
        return [Message(role=m.role, content=m.content) for m in self.messages]


class ItemScore(BaseModel):
    """How one conversation's profile compares with its labels."""

    model_config = ConfigDict(frozen=True)

    id: str
    language: Language
    correct: dict[str, bool]  # scalar fields, and sustained_anxiety where labelled
    goals_found: int
    goals_expected: int
    flags_found: int
    flags_expected: int
    extra_flags: tuple[str, ...]
    predicted: dict[str, Any]

    def failures(self) -> list[str]:
        """The fields this item got wrong."""
        wrong = [name for name, ok in self.correct.items() if not ok]
        if self.goals_found < self.goals_expected:
            wrong.append("goals")
        if self.flags_found < self.flags_expected:
            wrong.append("flags")
        return wrong


class Summary(BaseModel):
    """Accuracy per field over a group of items."""

    model_config = ConfigDict(frozen=True)

    items: int
    accuracy: dict[str, float]  # per scalar field (and sustained_anxiety)
    goals_recall: float
    flags_recall: float
    extra_flags: int

    def figure(self, name: str) -> float:
        """One figure by name: a field's accuracy, goals_recall or flags_recall."""
        if name == "goals_recall":
            return self.goals_recall
        if name == "flags_recall":
            return self.flags_recall
        return self.accuracy[name]


def load_labelled_set(path: Path) -> list[LabelledConversation]:
    """A labelled YAML set, validated; errors name the file, item and field."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise DataFileError(f"{path}: cannot be read ({error})") from None
    if not isinstance(raw, list):
        raise DataFileError(f"{path}: expected a list of labelled conversations")
    items = []
    for position, entry in enumerate(raw):
        try:
            items.append(LabelledConversation.model_validate(entry))
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            name = entry.get("id", position) if isinstance(entry, dict) else position
            raise DataFileError(f"{path}: item {name}: field {where!r}: {first['msg']}") from None
    return items


def matches(label: Label, predicted: Any) -> bool:
    """Whether a prediction satisfies a label: equal, inside [min, max], or one of the list."""
    if label is None:
        return predicted is None
    if predicted is None:
        return False
    if isinstance(label, list):
        if len(label) == 2 and all(isinstance(v, int | float) for v in label):
            low, high = float(label[0]), float(label[1])
            return isinstance(predicted, int | float) and low <= predicted <= high
        return predicted in label
    if isinstance(label, int | float) and isinstance(predicted, int | float):
        return float(label) == float(predicted)
    return bool(label == predicted)


def score_item(item: LabelledConversation, profile: InvestorProfile) -> ItemScore:
    """Compare one profile with its labels."""
    contract = profile.contract()
    expected = item.expected
    correct = {name: matches(getattr(expected, name), contract[name]) for name in SCALAR_FIELDS}
    if expected.sustained_anxiety is not None:
        correct["sustained_anxiety"] = contract["sustained_anxiety"] == expected.sustained_anxiety
    goals, flags = set(contract["goals"]), set(contract["flags"])
    predicted = {key: value for key, value in contract.items() if key != "evidence"}
    return ItemScore(
        id=item.id,
        language=item.language,
        correct=correct,
        goals_found=len(goals & set(expected.goals)),
        goals_expected=len(set(expected.goals)),
        flags_found=len(flags & set(expected.flags)),
        flags_expected=len(set(expected.flags)),
        extra_flags=tuple(sorted(flags - set(expected.flags))),
        predicted=predicted,
    )


def evaluate(
    items: Sequence[LabelledConversation], extract: Callable[[list[Message]], InvestorProfile]
) -> list[ItemScore]:
    """Score every item with `extract` (e.g. `ProfileExtractor().extract`)."""
    return [score_item(item, extract(item.as_messages())) for item in items]


def summarise(scores: Iterable[ItemScore]) -> Summary:
    """Per-field accuracy, goals and flags recall, and extra flags over a group of items."""
    scored = list(scores)
    fields: dict[str, list[bool]] = {}
    for score in scored:
        for name, ok in score.correct.items():
            fields.setdefault(name, []).append(ok)
    return Summary(
        items=len(scored),
        accuracy={name: sum(oks) / len(oks) for name, oks in fields.items()},
        goals_recall=_ratio(
            sum(s.goals_found for s in scored), sum(s.goals_expected for s in scored)
        ),
        flags_recall=_ratio(
            sum(s.flags_found for s in scored), sum(s.flags_expected for s in scored)
        ),
        extra_flags=sum(len(s.extra_flags) for s in scored),
    )


def summarise_by_language(scores: Sequence[ItemScore]) -> dict[str, Summary]:
    """`summarise` over all items and over each language."""
    groups: dict[str, Summary] = {"all": summarise(scores)}
    for language in ("en", "zh"):
        subset = [score for score in scores if score.language == language]
        if subset:
            groups[language] = summarise(subset)
    return groups


def _ratio(found: int, expected: int) -> float:
    return found / expected if expected else 1.0
