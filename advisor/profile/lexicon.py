"""Cue lexicons and the matcher that finds them, with negation, hypotheticals and past tense.

A `Cue` is a regular expression for one label ("anxious", "home", "no_loss"...) in one language,
with a weight. Each responsibility module (emotion, goals, risk...) writes its own cues with
`english` and `chinese`; `CueMatcher.find` runs them over clauses and says, for every hit:

* negated: a negator governs it. English looks at the five words before the cue, Chinese at the
  three jieba words before it, never across a clause boundary. Uncertainty idioms that contain
  a negator ("not sure", "don't know", 不知道, "can't stop") do not negate. Cues that carry their
  own negation ("can't sleep", 一分钱都不能亏) are written whole and not negatable.
* hypothetical: the sentence is a condition ("if it drops I'd panic", 如果…的话): a statement
  about what the investor would feel, not what they feel now.
* past: the words leading to the cue speak of before ("I was worried", 之前很担心): it matters
  less than now. English looks back eight words, Chinese to the start of the clause; a year gone
  by named earlier in the sentence ("in 2022 … crying in my car") counts too, unless a word
  such as "now" or 现在 comes between.
"""

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from advisor.profile.model import Evidence
from advisor.profile.numbers import MONTH_NAME_EN
from advisor.profile.text import CJK, Clause, Language, last_question

if TYPE_CHECKING:
    pass

ENGLISH_NEGATORS = frozenset(
    [
        "not",
        "no",
        "never",
        "nothing",
        "none",
        "nobody",
        "neither",
        "nor",
        "without",
        "hardly",
        "barely",
        "cannot",
        "dont",
        "cant",
        "wont",
        "isnt",
        "wasnt",
        "didnt",
        "doesnt",
        "arent",
        "havent",
        "hasnt",
        "shouldnt",
        "wouldnt",
        "couldnt",
        "aint",
        "werent",
    ]
)
# Idioms with a negator that negate nothing after them ("I'm not sure what to do").
ENGLISH_NON_NEGATING = re.compile(
    r"\b(?:(?:can'?t|cannot|couldn'?t|could not|can not) (?:stop|help|wait|afford|lose|sleep|take|"
    r"handle|bear|stand|stomach|believe)|not only|not just|no doubt|not sure|(?:do|does|"
    r"did)(?:n'?t| not) (?:know|understand|care if)|no idea|never (?:been|felt) (?:so|more|this)|"
    r"nothing but|no matter)\b",
    re.IGNORECASE,
)
# Phrases that end a state right before the cue: "done being cautious", "no longer worried".
ENGLISH_NEGATING_PHRASE = re.compile(
    r"\b(?:done|through|finished|tired|sick|over) (?:with )?being\s+(?:\w+\s+)?$|"
    r"\bno longer\s+(?:\w+\s+)?$|\bstop(?:ped)? being\s+$",
    re.IGNORECASE,
)
ENGLISH_WINDOW = 5
WAVED_AWAY_ZH = re.compile(r"(?:的)?(?:产品|那种|这种)?(?:就|也)?(?:算了|不要了?|不考虑|免了|不碰)")
NEGATIVE_START = re.compile(r"(?:nothing|none|no|never)\b", re.IGNORECASE)
# "I don't want nothing fancy I just want it safe": "I just" starts a new statement.
ENGLISH_SCOPE_END = re.compile(r"\b(?:till|til|until|unless|i (?:just|only|simply))\b")
CHINESE_NEGATORS = frozenset(
    [
        "不",
        "没",
        "没有",
        "别",
        "无",
        "未",
        "并不",
        "毫不",
        "从不",
        "从没",
        "从来不",
        "从来没",
        "从来没有",
        "不用",
        "不必",
        "无需",
        "无须",
        "不太",
        "不是",
        "并没有",
        "没什么",
        "不再",
        "不会",
        "绝不",
        "决不",
        "甭",
        "不怎么",
        "不那么",
        "不大",
        "并非",
        "不要",
        "别太",
        "不至于",
        "一点不",
        "也不",
        "都不",
        "没那么",
        "并没",
        "毫无",
    ]
)
# Words after a negator that make it an uncertainty or a habit, not a negation of the cue.
CHINESE_NEGATION_BREAKERS = frozenset(
    ["知道", "知", "确定", "清楚", "懂", "明白", "停", "得不", "住", "了解", "晓得"]
)
A_NOT_A = re.compile(r"([\u4e00-\u9fff])[不没]\1")
CHINESE_WINDOW = 3
CONSEQUENCE_WORD = "就"
# Words that set out a condition or a scenario: "what if I retire earlier?", "Imagine the market
# drops 20%", 假如我投了十万.
CONDITION = re.compile(
    r"\b(?:what if|if|suppose|supposing|imagine|hypothetical(?:ly)?|in case|what about|"
    r"(?:let'?s )?say (?:i|we|she|he|they))\b|"
    r"如果|要是|假如|假设|万一|倘若|假若|的话",
    re.I,
)
HYPOTHETICAL = re.compile(
    r"(?<!wonder )(?<!wondering )(?<!wondered )(?<!asking )(?<!not sure )(?<!know )(?<!see )"
    r"(?<!check )\b(?:if|in case|suppose|supposing|what if|imagine|hypothetically|were to|"
    r"should it|"
    r"unless|(?<=[\w%] )(?:would|wouldn'?t)|(?:i|we|you|she|he|they) (?:could|might)|i'?d|we'?d|"
    r"she'?d|he'?d)\b|"
    # "A 25% drawdown is uncomfortable": a fall of that size in general, not this one.
    r"^\W*(?:a|an)\s+\d+\s?%\s+(?:drop|fall|drawdown|dip|loss|decline|crash|correction)\b|"
    r"如果|要是|万一|假如|假设|的话|假若|倘若|若是|(?:我|就|也|她|他)会(?!不会)|"
    r"(?<!不)会(?:很|更|特别|有点)?(?:睡不着|担心|心疼|难受|受不了|崩溃|害怕|慌|焦虑|紧张)|"
    r"(?:亏|跌)(?:了|个|掉)?[^，。！？,.!?]{0,8}就|(?:亏|跌)(?:多了|太多)|"
    # Tolerance limits: 再多就心疼了, 超过两成就受不了, 亏一点心里都难受.
    r"再多(?:了|点|一点|的话)?[^，。！？,.!?]{0,6}?就|(?:超过|超出|多于)[^，。！？,.!?]{0,8}就|"
    r"(?:亏|跌|赔|损失)(?:一点|一点点|一丁点|一分钱?|个?几个点)(?:钱)?(?:心里)?(?:都|也)|"
    # 亏了我可受不了: a reaction to a loss that has not happened (受不了了 would be now).
    r"(?:亏|跌|赔)(?:了|掉)[^，。！？,.!?]{0,4}(?:受不了|接受不了|扛不住|睡不着|崩溃)(?!了)",
    re.IGNORECASE,
)
# A relative clause after a condition states a fact about what it names.
RELATIVE_FACT = re.compile(r"\s*which(?: is|'s| was)\b", re.IGNORECASE)
CONDITION_START = re.compile(
    r"\s*(?:if|in case|suppose|what if|should|were)\b|\s*(?:如果|要是|万一|假如|假设|假若|倘若)",
    re.I,
)
FALL_WORDS = re.compile(r"fall|fell|drop|lose|loss|down|decline|crash|跌|亏|回撤|损失", re.I)
PAST = re.compile(
    r"\b(?:was|were|used to|had been|back then|at first|at the time|earlier|before|last "
    r"(?:week|month|year|time)|that time|previously|yesterday|back in|in (?:19|20)\d\d|"
    # "March 2020 I doubled my monthly buys", "in '08 I was buying": a month of a year gone by.
    rf"{MONTH_NAME_EN} (?:19\d\d|20[01]\d|202[0-5])|in ['’][019]\d|"
    # A belief given up: "I thought I could handle risk", 我以为我扛得住.
    r"(?:i|we) (?:thought|assumed|believed)(?! about| it over| long| hard))\b|以为|"
    r"之前|以前|刚才|当时|那时|原来|本来|曾经|起初|一开始|上次|那次|那年|当年|那会儿?|股灾|"
    # A year gone by: 2015年, 二零一五年 (2020 on is left to the date readers).
    r"(?:19\d\d|20[01]\d)年|(?:一九|二零[零一])[零一二三四五六七八九]年",
    re.IGNORECASE,
)
PAST_WINDOW = 8
# A time gone by named earlier in the sentence, which the clauses after it go on telling:
# "lost 80% on LUNA in 2022 and sold at the very bottom, crying in my car", 2008年那会儿…亏了四成，
# 吓得全卖了.
PAST_IN_SENTENCE = re.compile(
    r"\b(?:in|back in|during|since) (?:19\d\d|20[01]\d|202[0-5])\b|\bback (?:then|in the day)\b|"
    r"(?:19\d\d|20[01]\d)年|那年|当年|那会儿?|当时",
    re.IGNORECASE,
)
# Words that bring the story back to now: "..., and now I can't sleep", 现在又跌了.
NOW = re.compile(
    r"\b(?:now|today|tonight|this (?:morning|week|month|year)|currently|these days|again|"
    r"still)\b|现在|今天|这几天|最近|如今|眼下|目前|这次|这回|还是|又",
    re.IGNORECASE,
)
# A clause that asks rather than states: "can I take more risk?", "should we be more careful",
# "do you think I could handle stocks?", 我可以承担更高风险吗, 能不能买激进一点的. Whether someone
# may take a risk is a question for the advisor, not evidence of what they can bear.
QUESTION_EN = re.compile(
    r"^\W*(?:(?:so|and|but|or|also|then|ok|okay|well|hmm|hey|just wondering|quick question)\W+)*"
    r"(?:(?:do|does) you (?:think|reckon)\W+)?"
    r"(?:(?:can|could|may|might|should|shall|would|will|am|is|are|do|does|did|must)(?:n'?t)?\s+"
    r"(?:i|we|you|she|he|they|it|my|our|her|his|this|that|there|me)\b|"
    r"what if|what about|what happens|how (?:much|long|bad|far|low|high)\b|"
    r"(?:what|how|why|which|where|when)\s+(?:does|do|did|is|are|would|should|can|could)\s+\w)",
    re.IGNORECASE,
)
QUESTION_ZH = re.compile(
    r"(?:吗|么|嘛)\s*[？?。!！…~～]*\s*$|(?:能不能|可不可以|可以不可以|行不行|可否|是否|该不该|"
    r"好不好|能否|要不要|会不会|是不是|用不用|需不需要|应不应该)[^，。！？,.!?]*[？?]?\s*$"
)
JIEBA_QUIET = logging.WARNING


@dataclass(frozen=True)
class Cue:
    """One way of saying something that means `label`."""

    label: str
    pattern: re.Pattern[str]
    language: Language
    weight: float = 1.0
    negatable: bool = True


def english(
    label: str, *patterns: str, weight: float = 1.0, negatable: bool = True
) -> tuple[Cue, ...]:
    """English cues: case-insensitive, whole words (a pattern may end inside a word with
    `\\w*`), never the tail of a contraction ("t" of "don't"); an opening quote is fine."""
    return tuple(
        Cue(
            label,
            re.compile(rf"(?<!\w)(?<!\w['’])(?:{pattern})(?!\w)", re.IGNORECASE),
            "en",
            weight,
            negatable,
        )
        for pattern in patterns
    )


def chinese(
    label: str, *patterns: str, weight: float = 1.0, negatable: bool = True
) -> tuple[Cue, ...]:
    """Chinese cues: plain patterns (Chinese has no word boundaries to anchor on)."""
    return tuple(Cue(label, re.compile(p), "zh", weight, negatable) for p in patterns)


@dataclass(frozen=True)
class Hit:
    """A cue found in a clause; `start`/`end` are offsets in the clause."""

    cue: Cue
    clause: Clause
    start: int
    end: int
    negated: bool
    hypothetical: bool
    past: bool

    @property
    def label(self) -> str:
        """The cue's label."""
        return self.cue.label

    @property
    def weight(self) -> float:
        """The cue's weight."""
        return self.cue.weight

    @property
    def message_index(self) -> int:
        """The message the clause belongs to."""
        return self.clause.message_index

    @property
    def matched(self) -> str:
        """The words the cue matched."""
        return self.clause.text[self.start : self.end]

    def evidence(self) -> Evidence:
        """The clause (or, for a long one, the matched words) as evidence."""
        return self.clause.evidence(self.start, self.end)

    def group(self, name: str) -> str | None:
        """A named group of the cue's pattern, matched again on the hit's text."""
        match = self.cue.pattern.search(self.clause.text, self.start)
        if match is None or name not in match.re.groupindex:
            return None
        return match.group(name)


class CueMatcher:
    """Finds cues in clauses. Holds its own jieba segmenter (its dictionary loads once, when the
    matcher is made) to tell a negator (不, 没有) from a word that only starts like one (不断)."""

    def __init__(self) -> None:
        import jieba

        jieba.setLogLevel(JIEBA_QUIET)  # jieba logs "Building prefix dict" on every start
        self._segmenter: jieba.Tokenizer = jieba.Tokenizer()
        self._segmenter.initialize()

    def find(self, cues: Sequence[Cue], clauses: Iterable[Clause]) -> list[Hit]:
        """Every non-overlapping hit of `cues` in `clauses`, in the order of the text. Where two
        cues overlap, the longer (more specific) match wins."""
        hits: list[Hit] = []
        previous: Clause | None = None
        answer_start = -1  # where the sentence answering the assistant's question starts
        for clause in clauses:
            if previous is None or clause.message_index != previous.message_index:
                answer_start = -1
            if answer_start < 0 and _substantial(clause.sentence):
                answer_start = clause.sentence_start
            found = [
                (match.start(), match.end(), cue)
                for cue in cues
                for match in cue.pattern.finditer(clause.text)
                if match.end() > match.start()
            ]
            answers = answer_start < 0 or clause.sentence_start <= answer_start or clause.chosen
            hypothetical = _hypothetical(clause, previous, answers)
            hits.extend(
                self._hit(clause, start, end, cue, hypothetical)
                for start, end, cue in _longest(found)
            )
            previous = clause
        return hits

    def _hit(self, clause: Clause, start: int, end: int, cue: Cue, hypothetical: bool) -> Hit:
        # "I don't want nothing fancy": a negative cue after a negator is emphasis, not its
        # opposite.
        double = cue.language == "en" and bool(NEGATIVE_START.match(clause.text, start))
        negated = cue.negatable and not double and self.negated(clause.text[:start], cue.language)
        # 太激进的就算了: waved away after it, "too aggressive, forget it".
        waved_away = cue.language == "zh" and bool(WAVED_AWAY_ZH.match(clause.text, end))
        negated = negated or (cue.negatable and waved_away)
        return Hit(
            cue=cue,
            clause=clause,
            start=start,
            end=end,
            negated=negated,
            hypothetical=hypothetical,
            past=_past(clause.text[:start], cue.language) or _past_in_sentence(clause, start),
        )

    def negated(self, before: str, language: Language) -> bool:
        """Whether the words just before a cue negate it."""
        if language == "en":
            return _english_negated(before)
        return self._chinese_negated(before)

    def _chinese_negated(self, before: str) -> bool:
        # 要不要, 能不能, 有没有 ask; they negate nothing.
        before = A_NOT_A.sub(r"\1", before)
        words = [w for w, _, _ in self._segmenter.tokenize(before) if w.strip() and w not in "，,"]
        if CONSEQUENCE_WORD in words:
            # 再不卖就亏光了: "if not... then" — a negator before 就 belongs to the condition.
            words = words[len(words) - words[::-1].index(CONSEQUENCE_WORD) :]
        window = words[-CHINESE_WINDOW:]
        for position, word in enumerate(window):
            following = window[position + 1] if position + 1 < len(window) else ""
            if word in CHINESE_NEGATORS and following not in CHINESE_NEGATION_BREAKERS:
                return True
        return False


def _past(before: str, language: Language) -> bool:
    """Whether the words leading to a cue put it in the past (the cue's own words do not: "sell
    before it gets worse" is now). English looks at the last `PAST_WINDOW` words only: an
    unpunctuated ramble ("I was a mail carrier thirty years we dont want to lose any of it") is
    not all in the past tense."""
    if language == "en":
        before = " ".join(before.split()[-PAST_WINDOW:])
    return bool(PAST.search(before))


def _past_in_sentence(clause: Clause, start: int) -> bool:
    """Whether an earlier clause of the sentence names a time gone by (`PAST_IN_SENTENCE`) and
    nothing between it and the cue brings the story back to now (`NOW`)."""
    before = clause.sentence[: clause.start - clause.sentence_start]
    marks = list(PAST_IN_SENTENCE.finditer(before))
    if not marks:
        return False
    return not NOW.search(before[marks[-1].end() :] + clause.text[:start])


def _substantial(sentence: str) -> bool:
    """A sentence that says something: three words or four Chinese characters ("C.", "Haba!",
    "Hmm." only lead into the answer)."""
    return len(re.findall(r"[A-Za-z]+", sentence)) >= 3 or len(CJK.findall(sentence)) >= 4


def _hypothetical(clause: Clause, previous: Clause | None, answers: bool) -> bool:
    """A condition or its consequence: the clause has a conditional word, follows an "if"
    clause of its sentence ("If it drops 20%, I'll sell"), or answers a hypothetical question
    about a fall ("What would you do if it fell 20%?"): `answers` says the clause is in the
    reply's answering sentence, as the facts told after it ("C. Not worried in the slightest.
    I'm 55, mortgage paid off") are no condition."""
    if HYPOTHETICAL.search(clause.text):
        return True
    same_sentence = previous is not None and previous.sentence_start == clause.sentence_start
    if RELATIVE_FACT.match(clause.text):
        return False  # "if I put in my savings, which is all I have": a fact about the savings
    if same_sentence and previous is not None and CONDITION_START.match(previous.text):
        return True
    if same_sentence and previous is not None and previous.text.rstrip(" ,，").endswith("的话"):
        return True  # 再多的话，说实话有点扛不住: the consequence of a condition
    if not answers:
        return False
    question = clause.question
    return bool(HYPOTHETICAL.search(question) and FALL_WORDS.search(question))


def answers_hypothetical(asked: str) -> bool:
    """Whether an assistant message ends on a hypothetical question about a fall."""
    question = last_question(asked)
    return bool(HYPOTHETICAL.search(question) and FALL_WORDS.search(question))


def is_question(clause: Clause) -> bool:
    """Whether a clause asks something rather than states it: an English clause that opens on
    an auxiliary before its subject ("can I…", "should we…"), a Chinese one that ends on a
    question particle (…吗) or weighs both ways (能不能…, 可不可以…)."""
    return bool(QUESTION_EN.match(clause.text) or QUESTION_ZH.search(clause.text))


def is_hypothetical(text: str) -> bool:
    """Whether a sentence is a condition or states what would happen."""
    return bool(HYPOTHETICAL.search(text))


def _english_negated(before: str) -> bool:
    if ENGLISH_NEGATING_PHRASE.search(before):
        return True
    cleaned = ENGLISH_NON_NEGATING.sub(" ", before.lower().replace("’", "'"))
    # "not touching it till I retire": the negation ends where "till" opens another clause.
    cleaned = ENGLISH_SCOPE_END.split(cleaned)[-1]
    words = re.findall(r"[a-z']+", cleaned)[-ENGLISH_WINDOW:]
    return any(word in ENGLISH_NEGATORS or word.endswith("n't") for word in words)


def _longest(found: list[tuple[int, int, Cue]]) -> list[tuple[int, int, Cue]]:
    """Drop matches inside a longer one, so "not worried at all" is one hit, not two."""
    kept: list[tuple[int, int, Cue]] = []
    for start, end, cue in sorted(found, key=lambda f: (f[0] - f[1], f[0])):
        if all(end <= s or start >= e for s, e, _ in kept):
            kept.append((start, end, cue))
    return sorted(kept, key=lambda f: f[0])
