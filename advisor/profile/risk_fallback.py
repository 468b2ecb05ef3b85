"""A learned fallback for conversations the risk rules read nothing in.

The cue rules (`risk_cues`, `tolerance`) read willingness and capacity exactly, but only in the
wordings they list. On text nobody tuned them for, about a third of the conversations they read
nothing in still say enough for a careful adviser to set a level: a pensioner about to wire "the
whole 60k from my savings" to a new friend, a farmer whose cattle money "has to buy the calves
next spring", a widow for whom the payout "has to keep the three of us going". The rest say
nothing about the money (a question about fees, a worry with no facts) and rightly stay null.

`RiskFallback` tells the two apart with a logistic regression over character n-grams of the
investor's messages (the same kind of reader as `clauses`), fitted on the labelled development
conversations (`risk_fallback_examples.jsonl`, written by `harvest`): does this conversation
carry a risk level or not? Where it is sure (`THRESHOLD`), the level is `FALLBACK_LEVEL`, the
cautious class the labels of such conversations agree on (they are mostly C1-C2 or C2-C3: scams
with all their savings, money needed soon, living money), with a low confidence. The evidence is
the clause the same model finds most telling on its own.

Capitalised words inside an English sentence (names, towns, banks) and words for where someone
lives, their sex or origin (`ATTRIBUTE_WORDS`: "rural", "woman", 农村, 上海, a name after 我叫)
are masked before the model sees them, so that they do not tip the decision (issue 4,
fairness). Only n-grams seen in `MIN_CONVERSATIONS` conversations count.

Measured (README): fitted without six sets of 80 conversations, it set a level in 15 of their
conversations the rules read nothing in; 13 were right, one was labelled null and one lower.
"""

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.profile.model import Inferred
from advisor.profile.text import CJK, Conversation

EXAMPLES = Path(__file__).with_name("risk_fallback_examples.jsonl")
# Chosen by leaving out a fifth of the sets at a time: benchmarks/fallback_threshold.py.
THRESHOLD = 0.65
FALLBACK_LEVEL = 2
FALLBACK_CONFIDENCE = 0.35
MIN_CONVERSATIONS = 5  # an n-gram counts only if this many conversations use it
REGULARISATION = 1.0  # LogisticRegression's C
# Shorter conversations (in words, a Chinese word counted as 1.5 characters) state one or two
# facts, which the labelling conventions leave null ("I'm 37 and saving for retirement").
MIN_WORDS = 30
CHARACTERS_PER_WORD = 1.5
WORDS = re.compile(r"[A-Za-z']+")
# A capitalised word after a lower-case word, a digit or a comma: a name or a place.
PROPER_NOUN = re.compile(r"(?<=[a-z0-9,;:] )[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*")
# "rural Alabama", 新疆的村里: one place, one placeholder.
RUN_OF_PLACEHOLDERS = re.compile(r"Xx(?:(?:[\s,-]*|的)Xx)+")
# Words for where someone lives, their sex or their origin, which must not tip the decision
# (issue 4, fairness): "rural", "village", "woman", 农村, 县城, 上海, a name after 我叫.
ATTRIBUTE_WORDS = re.compile(
    r"\b(?:rural|urban|city|cities|village|villages|town|towns|farm|farms|countryside|suburbs?|"
    r"suburban|downtown|uptown|inner[- ]city|small[- ]town|man|woman|men|women|male|female|guy|"
    r"girl|lady|gentleman|boy|black|white|asian|hispanic|latino|latina|muslim|christian|jewish|"
    r"hindu|sikh|buddhist|immigrant|migrant)\b|(?:我叫|名叫|叫做)[\u4e00-\u9fff]{1,4}|农村|乡下|"
    r"村里|村子|山村|乡村|城里|城市|县城|县里|镇上|小镇|山区|大城市|小城市|老家|北京|上海|天津|重庆|"
    r"广州|深圳|杭州|南京|成都|武汉|西安|苏州|郑州|长沙|沈阳|青岛|厦门|昆明|大连|哈尔滨|河北|山西|"
    r"辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|四川|贵州|云南|陕西|"
    r"甘肃|青海|台湾|内蒙古?|广西|西藏|宁夏|新疆|香港|澳门|男的|女的|男生|女生|男人|女人|少数民族|"
    r"汉族|回族|维吾尔族|藏族|蒙古族|壮族|苗族|彝族",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FallbackExample:
    """One labelled conversation: the investor's messages and whether it carries a risk level."""

    messages: tuple[str, ...]
    has_level: bool


def load_fallback_examples(path: Path = EXAMPLES) -> list[FallbackExample]:
    """The examples in a JSON Lines file of {"has_level": bool, "messages": [str, ...]}."""
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            example = FallbackExample(tuple(row["messages"]), bool(row["has_level"]))
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{path}: line {number}: {error}") from error
        examples.append(example)
    return examples


def masked(text: str) -> str:
    """The text with names, places and other personal attributes replaced by one placeholder."""
    placeholders = ATTRIBUTE_WORDS.sub("Xx", PROPER_NOUN.sub("Xx", text))
    return RUN_OF_PLACEHOLDERS.sub("Xx", placeholders)


class RiskFallback:
    """Fitted once from the examples (under a second); `level` then costs a few milliseconds."""

    def __init__(self, examples: Sequence[FallbackExample] | None = None) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        rows = list(examples) if examples is not None else load_fallback_examples()
        self._vectoriser: Any = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(1, 4),
            sublinear_tf=True,
            lowercase=True,
            min_df=MIN_CONVERSATIONS,
        )
        self._model: Any = LogisticRegression(
            C=REGULARISATION, class_weight="balanced", max_iter=3000
        )
        matrix = self._vectoriser.fit_transform([_joined(row.messages) for row in rows])
        self._model.fit(matrix, [row.has_level for row in rows])

    def probability(self, texts: Sequence[str]) -> list[float]:
        """For each text, the probability that a conversation like it carries a risk level."""
        if not texts:
            return []
        column = list(self._model.classes_).index(True)
        matrix = self._vectoriser.transform([_joined((text,)) for text in texts])
        return [float(row[column]) for row in self._model.predict_proba(matrix)]

    def conversation_probability(self, conversation: Conversation) -> float | None:
        """The probability that the conversation carries a risk level, or None if the
        investor's messages are too short to say (`MIN_WORDS`)."""
        text = "\n".join(turn.content for turn in conversation.turns if turn.content.strip())
        if _words(text) < MIN_WORDS:
            return None
        [whole] = self.probability([text])
        return whole

    def level(self, conversation: Conversation) -> Inferred[int]:
        """`FALLBACK_LEVEL` with the most telling clause as evidence, if the investor's messages
        say enough (`MIN_WORDS`) and carry a risk level with a probability of at least
        `THRESHOLD`; else no level."""
        whole = self.conversation_probability(conversation)
        clauses = [clause for clause in conversation.clauses if clause.text.strip()]
        if whole is None or whole < THRESHOLD or not clauses:
            return Inferred[int]()
        scores = self.probability([clause.text for clause in clauses])
        _, telling = max(zip(scores, clauses, strict=True), key=lambda pair: pair[0])
        return Inferred[int](
            value=FALLBACK_LEVEL, confidence=FALLBACK_CONFIDENCE, evidence=(telling.evidence(),)
        )


def _words(text: str) -> float:
    return len(WORDS.findall(text)) + len(CJK.findall(text)) / CHARACTERS_PER_WORD


def _joined(messages: Sequence[str]) -> str:
    return masked("\n".join(messages))
