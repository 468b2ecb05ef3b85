"""Measuring retrieval against a labelled question set: recall@3 and MRR, by language.

The set is a YAML list (or a mapping with a `questions` list) of entries::

    - question: Can a C3 investor buy an R4 fund?
      language: en            # en or zh
      jurisdiction: CN        # CN, US, EU, or null for no filter
      relevant: [cn-suitability-matching]

A question is *recalled* when any relevant document is among the first three results; its
reciprocal rank is 1/rank of the first relevant document within the first `DEPTH`, else 0.
"""

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from advisor.errors import DataFileError
from advisor.knowledge.documents import Jurisdiction
from advisor.knowledge.retrieval import RetrievalMethod, Retriever

RECALL_AT = 3
DEPTH = 10  # MRR is MRR@10
Language = Literal["en", "zh"]


class LabelledQuestion(BaseModel):
    """A question with the documents that answer it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    question: str = Field(min_length=1)
    language: Language
    jurisdiction: Jurisdiction | None = None
    relevant: tuple[str, ...] = Field(min_length=1)


class Outcome(BaseModel):
    """Where one question's first relevant document came, and what was retrieved."""

    model_config = ConfigDict(frozen=True)

    question: LabelledQuestion
    retrieved: tuple[str, ...]
    first_relevant_rank: int | None

    @property
    def recalled(self) -> bool:
        """Whether a relevant document is in the first `RECALL_AT` results."""
        rank = self.first_relevant_rank
        return rank is not None and rank <= RECALL_AT


class Scores(BaseModel):
    """Recall@3 and MRR@10 over a group of questions."""

    model_config = ConfigDict(frozen=True)

    questions: int
    recall_at_3: float
    mrr: float


class Evaluation(BaseModel):
    """One retrieval method on the whole set: every outcome, the scores overall and by language."""

    model_config = ConfigDict(frozen=True)

    method: RetrievalMethod
    outcomes: tuple[Outcome, ...]

    @property
    def overall(self) -> Scores:
        """Scores over every question."""
        return scores(self.outcomes)

    def by_language(self, language: Language) -> Scores:
        """Scores over the questions in one language."""
        return scores([o for o in self.outcomes if o.question.language == language])

    @property
    def misses(self) -> tuple[Outcome, ...]:
        """The questions not recalled."""
        return tuple(outcome for outcome in self.outcomes if not outcome.recalled)


def load_labelled_questions(path: Path) -> tuple[LabelledQuestion, ...]:
    """The labelled set; a malformed entry raises `DataFileError` naming the entry and field."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataFileError(f"{path}: file not found") from None
    except yaml.YAMLError as error:
        raise DataFileError(f"{path}: not valid YAML ({error})") from None
    entries = data.get("questions") if isinstance(data, dict) else data
    if not isinstance(entries, list) or not entries:
        raise DataFileError(f"{path}: expected a non-empty list of questions")
    questions = []
    for number, entry in enumerate(entries, start=1):
        try:
            questions.append(LabelledQuestion.model_validate(entry))
        except ValidationError as error:
            first = error.errors()[0]
            field = ".".join(str(part) for part in first["loc"]) or "entry"
            message = f"{path}: question {number}: field {field!r}: {first['msg']}"
            raise DataFileError(message) from None
    return tuple(questions)


def evaluate(
    retriever: Retriever, questions: Sequence[LabelledQuestion], method: RetrievalMethod
) -> Evaluation:
    """Run every question through `retriever` with `method`, filtered by its jurisdiction."""
    return Evaluation(
        method=method, outcomes=tuple(outcome(retriever, q, method) for q in questions)
    )


def outcome(retriever: Retriever, question: LabelledQuestion, method: RetrievalMethod) -> Outcome:
    """One question's results and the rank of its first relevant document."""
    passages = retriever.search(
        question.question, k=DEPTH, jurisdiction=question.jurisdiction, method=method
    )
    retrieved = tuple(passage.document_id for passage in passages)
    ranks = [rank for rank, doc_id in enumerate(retrieved, 1) if doc_id in question.relevant]
    return Outcome(
        question=question, retrieved=retrieved, first_relevant_rank=min(ranks, default=None)
    )


def scores(outcomes: Sequence[Outcome]) -> Scores:
    """Recall@3 and MRR@10 of a group of outcomes (NaN for an empty group)."""
    if not outcomes:
        return Scores(questions=0, recall_at_3=float("nan"), mrr=float("nan"))
    recalled = sum(outcome.recalled for outcome in outcomes)
    reciprocal = sum(
        1.0 / outcome.first_relevant_rank for outcome in outcomes if outcome.first_relevant_rank
    )
    return Scores(
        questions=len(outcomes),
        recall_at_3=recalled / len(outcomes),
        mrr=reciprocal / len(outcomes),
    )


def scores_table(evaluations: Sequence[Evaluation]) -> str:
    """Recall@3 and MRR per method, overall and per language, as a plain table."""
    header = f"{'method':<9}{'group':<9}{'questions':>10}{'recall@3':>10}{'MRR@10':>9}"
    lines = [header]
    for evaluation in evaluations:
        groups = [("all", evaluation.overall)]
        groups += [(language, evaluation.by_language(language)) for language in ("en", "zh")]
        for group, group_scores in groups:
            lines.append(
                f"{evaluation.method:<9}{group:<9}{group_scores.questions:>10}"
                f"{group_scores.recall_at_3:>10.3f}{group_scores.mrr:>9.3f}"
            )
    return "\n".join(lines)
