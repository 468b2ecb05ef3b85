"""A learned reader of risk statements, for wordings the cue lists in `risk_cues` do not cover.

The cue rules read willingness ("no risk", 腰斩也拿得住) and capacity ("it's my emergency money",
养老钱) exactly, but only in the wordings they list; a new writer's "I'd prefer to stay low risk"
or 偶尔亏一点我扛得住 slips past them and the risk level falls back to a default or to null. This
classifier generalises over wording: a logistic regression over character n-grams (1 to 4
characters within word boundaries, TF-IDF weighted), which reads English and Chinese alike
without a tokenizer and tolerates inflections, typos and reordered words. (MiniLM sentence
embeddings were tried first: the bundled all-MiniLM-L6-v2 reads Chinese characters mostly as
unknown tokens, so its nearest neighbours for Chinese clauses were arbitrary, and for English
it placed "a 15% drop wouldn't faze me" nearer a 25% example than a 15% one.)

Labels, per clause: `w1`-`w5`, the willingness level the clause states (the anchors of
tests/fixtures/profiles/README.md); `c1`, money with no buffer (living money, the whole
emergency fund); `c2`, low capacity (retiree drawing on it, all their savings, borrowed,
can't afford to lose it); `none`, anything else. The examples (`clause_examples.tsv`) are a
section written by hand and the user clauses of the development sets that were tuned on,
labelled by the cue rules; the model is fitted when the classifier is made (well under a second)
and is deterministic.

`risk.assess_risk` consults it only for clauses the cue rules found nothing in, and only above
`CONFIDENT`; numbers ("a 15% fall") are left to `tolerance`, which reads them exactly.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from advisor.suitability.profile import Goal

EXAMPLES = Path(__file__).with_name("clause_examples.tsv")
GOAL_EXAMPLES = Path(__file__).with_name("goal_examples.tsv")
LABELS = ("w1", "w2", "w3", "w4", "w5", "c1", "c2", "none")
GOAL_LABELS = (*get_args(Goal), "none")
CONFIDENT = 0.6  # the probability a label needs before it counts as evidence
REGULARISATION = 2e-5  # SGDClassifier's alpha
EPOCHS = 50


@dataclass(frozen=True)
class Reading:
    """What a clause states: a label from `LABELS` and the model's probability for it."""

    label: str
    probability: float

    @property
    def willingness(self) -> int | None:
        """The willingness level stated, if the label is one."""
        return int(self.label[1]) if self.label in LABELS[:5] else None

    @property
    def goal(self) -> Goal | None:
        """The goal stated, if the label is one."""
        goals: tuple[Goal, ...] = get_args(Goal)
        return next((goal for goal in goals if goal == self.label), None)


def load_examples(path: Path = EXAMPLES, labels: Sequence[str] = LABELS) -> list[tuple[str, str]]:
    """(label, text) pairs from a tab-separated file; `#` starts a comment line."""
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        label, _, text = line.partition("\t")
        if label not in labels or not text.strip():
            raise ValueError(f"{path}: line {number}: expected LABEL<TAB>TEXT, got {line!r}")
        examples.append((label, text.strip()))
    return examples


class ClauseClassifier:
    """Fitted once from the examples; `read` is then a few milliseconds per conversation."""

    def __init__(self, examples: Sequence[tuple[str, str]] | None = None) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import SGDClassifier

        pairs = list(examples) if examples is not None else load_examples()
        self._vectoriser: Any = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True, lowercase=True
        )
        # Logistic loss fitted by stochastic gradient descent: the same model as
        # LogisticRegression, fitted in under a second where lbfgs took 5 to 20 s on a busy
        # two-core machine. Fixed seed and epochs: the same examples always give the same model.
        self._model: Any = SGDClassifier(
            loss="log_loss",
            alpha=REGULARISATION,
            class_weight="balanced",
            max_iter=EPOCHS,
            tol=None,
            random_state=0,
        )
        matrix = self._vectoriser.fit_transform([text for _, text in pairs])
        self._model.fit(matrix, [label for label, _ in pairs])

    def read(self, texts: Sequence[str]) -> list[Reading]:
        """The most probable label of each text, with its probability."""
        if not texts:
            return []
        probabilities = self._model.predict_proba(self._vectoriser.transform(list(texts)))
        classes = [str(name) for name in self._model.classes_]
        readings = []
        for row in probabilities:
            best = max(range(len(classes)), key=lambda column: float(row[column]))
            readings.append(Reading(classes[best], float(row[best])))
        return readings
