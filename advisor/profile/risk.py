"""Risk level (investor class C1-C5): willingness, capacity and experience, combined cautiously.

Willingness (1-5) is what the investor says about bearing losses:

* 1 — no loss at all: "can't lose any money", "capital guaranteed", 保本, 一分钱都不能亏;
* 2 — cautious: "low risk", "conservative", "safe", "don't like risk", 稳一点, 保守, 低风险;
* 3 — moderate: "balanced", "some risk", "medium risk", 平衡, 中等风险, 稳健;
* 4 — growth: "growth", "higher risk for higher returns", "can handle volatility", 成长, 积极;
* 5 — aggressive: "aggressive", "high risk", "maximum returns", 激进, 高风险高收益, 不怕亏;
* numbers and behaviour (see `tolerance`): a tolerable fall (none → 1, below 10% → 2, below 20%
  → 3, below 35% → 4, else 5), the answer to "what would you do if it fell 25%?", what they did
  in a real fall, a return target; a fall they refuse ("I'd be gutted at -30%") is a ceiling on
  the rest, not a figure averaged in;
* a stated class ("I'm a C4 investor", 我想要C4) — unless the message also tries to override the
  rules or orders a field set (see `instructions`), which counts for nothing.

Negated cues flip towards the middle: "not aggressive"/"don't want high risk" → 2, "not
conservative" → 4. Hypothetical cues count fully: they state a preference. Several cues are
averaged, numbers and behaviour weighing twice as much as words, rounding halves down; if they
span 3 levels or more ("highest returns but I can't lose any money") the lowest wins and the
answers are inconsistent — unless the later cue corrects the earlier one ("actually", "on second
thought", 其实, 算了, 还是), which then wins alone. A momentary emotion (panic, euphoria) is not
a willingness answer, and it never lowers one that was stated: the agent answers fear with a
cooled-off tilt a person reviews, and a level lowered by the panic itself would have the engine
de-risk at the bottom (the labelling conventions pull such investors towards caution; the
profile does not). Sentences no cue matched are read by the learned clause reader
(`clauses.ClauseClassifier`); a confident level it reads counts like a word cue.

Capacity (1-5) is the lowest cap that the investor's circumstances set:

* horizon: up to a year → 1, under 3 → 2, under 10 → 3, under 20 → 4 (5 with a strong buffer —
  six months of savings or a secure income — and real experience); a horizon that is the date of
  retirement caps at 2 at the lowest, as retirement money is drawn over many years;
* the money is all they live on or their whole emergency money (救命钱, "need it for bills") → 1;
* a retiree living on what the money pays, less than two months of emergency savings, "all my
  savings" (also said over a comma: "攒了八万，准备全部梭哈"), "can't afford to lose it",
  borrowed money, debt, 亏不起, unemployed or unstable income (gig work, "income all over the
  place") → 2;
* self-employed, a student, or unstable income with a cushion to ride it out (three months of
  savings or more, or a secure income beside it) → 3; three or more dependants → 4; an
  emergency fund of two months or more is known capacity without a cap.
Age is not a cap: age rules (a product cap at 65+, the glide path) belong to the suitability
engine, which applies them to the level given here.

Experience (none / limited / good / extensive) from "never invested", 新手, "a few funds",
"investing for 10 years", 炒股十几年, "I work in finance". No experience caps willingness at 4.

Risk level = min(willingness, capacity). With willingness unknown, a moderate 3 is assumed (so
capacity alone gives at most 3); with capacity unknown, willingness alone decides; with neither,
the level is unknown (null, confidence 0). Willingness above capacity by two levels or more is an
inconsistency ("go aggressive, I need it for a down payment in 6 months"), and so is wanting to
go all in (梭哈, leverage) with money whose capacity is 2 or less (living money, the emergency
fund, money needed within a year).
"""

import math
import re
from dataclasses import dataclass, field
from typing import Literal

from advisor.profile.clauses import CONFIDENT, ClauseClassifier
from advisor.profile.instructions import messages_with_overrides, sentences_with_instructions
from advisor.profile.lexicon import (
    HYPOTHETICAL,
    CueMatcher,
    Hit,
    answers_hypothetical,
    is_question,
)
from advisor.profile.model import Evidence, Inferred, RiskAssessment
from advisor.profile.risk_cues import (
    CAPACITY_CUES,
    EXPERIENCE_CUES,
    INTENT_CUES,
    LEVEL_OF_LABEL,
    MESSAGE_ALL_IN,
    NEGATED_LEVEL,
    PITCH,
    REFUSED_BETWEEN,
    SENTENCE_LOW_CAPACITY,
    WILLINGNESS_CUES,
)
from advisor.profile.subject import Attribution, nearest_person
from advisor.profile.text import Conversation, quote
from advisor.profile.tolerance import tolerances

Experience = Literal["none", "limited", "good", "extensive"]
ASSUMED_WILLINGNESS = 3
INCONSISTENT_SPREAD = 3
CONFLICT_GAP = 2
NO_EXPERIENCE_CAP = 4
WORD_WEIGHT, CLASS_WEIGHT = 1.0, 1.5
LEARNED_WEIGHT = 1.0  # a clause the classifier reads (see `clauses`)
# Numbers and sizes, which `tolerance` reads exactly: 12%, 百分之十二, 两成.
NUMBER_OR_SIZE = re.compile(r"[0-9０-９%％]|百分之|[一二两三四五六七八九十半]成")
WORD = re.compile(r"[A-Za-z']+")
HAN = re.compile(r"[\u4e00-\u9fff]")
MIN_WORDS = 3
MIN_HAN = 3
ASKED_BETWEEN = re.compile(r"吗|[?？]")
HORIZON_CAPS = ((1.01, 1), (3, 2), (10, 3), (20, 4))  # horizon below N years → cap
RETIREMENT_HORIZON_FLOOR = 2
OLD_AGE_MONEY_FROM = 60  # from this age, money for old age is money soon lived on
PART_HORIZON_FLOOR = 2  # only part of the money is needed by the date
STRONG_BUFFER_MONTHS = 6
CUSHION_MONTHS = 3  # enough to ride out a lean spell of swinging income
RETIRED_CAP = 2  # a retiree drawing on the money
RETIRED_UNCOVERED_CAP = 3  # retired, with no pension or income said to cover their needs
DISTRESSED_WILLINGNESS = 2  # wanting out in a fall: the willingness assumed when none is stated
NO_BUFFER_CAP = 1  # all they live on, their whole emergency money
LOW_CAPACITY_CAP = 2
THIN_BUFFER_MONTHS = 2
UNSTABLE_CAP = 2  # unemployed, gig work, income "all over the place": the anchors' capacity 2
LIMITED_CAPACITY_CAP = 3  # self-employed, students, unstable income with a cushion
STEADIED_CAP = 4  # unstable income with a strong buffer (`STRONG_BUFFER_MONTHS`)
MANY_DEPENDANTS = 3
MANY_DEPENDANTS_CAP = 4
ALL_IN_CONFLICT_CAP = 2
RETIREMENT_WORDS = re.compile(r"retir|退休|stop work|quit work", re.IGNORECASE)
OWN_POSSESSIVE = re.compile(r"\b(?:my|our)\b|我的|我们的", re.IGNORECASE)
# A horizon for part of the money: "40k of the 200k will go on her operation next year".
PART_OF_MONEY = re.compile(
    # Not a date: "the closing is the 28th of this month".
    r"\b(?:part|some|a (?:bit|portion|chunk|slice)|[$£€¥]?\d[\d,.]*(?:k|m|%)?) of (?:it|that|"
    r"this|the|my|our)\b|"
    r"一部分|其中(?:的)?[\d一二两三四五六七八九十]",
    re.IGNORECASE,
)
ANYTHING_ELSE = re.compile(r"\banything else\b|还有(?:什么|别的|其他)", re.IGNORECASE)
NOTHING_MORE_TO_SAY = re.compile(
    r"^\W*(?:no\W+)?(?:this|that|it)(?: is|'s) (?:everything|all)\W*$", re.I
)
CORRECTION = re.compile(
    r"\b(?:actually|on second thought|thinking about it|come to think|changed my mind|"
    r"to be honest|i take that back|scratch that|rather)\b|\bafter all(?=\s*[.!?]|\s*$)|其实|算了|"
    r"还是|想了想|仔细想想|说实话|改主意|这么说(?:来)?我",
    re.IGNORECASE,
)
CAP_OF_LABEL = {
    "none": NO_BUFFER_CAP,
    "old_age_money": LOW_CAPACITY_CAP,
    "draws": RETIRED_CAP,
    "low": LOW_CAPACITY_CAP,
    "unstable": UNSTABLE_CAP,
    "self_employed": LIMITED_CAPACITY_CAP,
    "student": LIMITED_CAPACITY_CAP,
}
# Capacity cues that name a status, not a fact about the money (with being retired: `_capacity`).
STATUS_LABELS = frozenset({"student", "self_employed"})
EXPERIENCE_RANK: dict[Experience, int] = {"none": 0, "limited": 1, "good": 2, "extensive": 3}


@dataclass(frozen=True)
class Circumstances:
    """The facts capacity is judged from, already inferred."""

    draws_income: bool  # retired and living on what the money pays
    retired: bool  # says they have retired
    distressed: bool  # panicking now, or worried about falling markets message after message
    horizon_years: float | None
    emergency_fund_months: float | None
    dependants: int | None
    age: int | None = None
    evidence: dict[str, tuple[Evidence, ...]] = field(default_factory=dict)

    @property
    def old_enough_to_live_on_it(self) -> bool:
        """Whether money put by for old age is, for this investor, money to live on soon."""
        return self.retired or (self.age is not None and self.age >= OLD_AGE_MONEY_FROM)


@dataclass(frozen=True)
class RiskOutcome:
    """The risk level, how it was reached, and why answers are inconsistent (if they are)."""

    level: Inferred[int]
    assessment: RiskAssessment
    inconsistencies: tuple[Evidence, ...]
    lowest_category: bool


@dataclass(frozen=True)
class _Level:
    value: int
    weight: float
    evidence: Evidence
    message_index: int
    corrects: bool = False
    behaviour: bool = False
    ceiling: bool = False
    most: bool = False


def assess_risk(
    conversation: Conversation,
    matcher: CueMatcher,
    attribution: Attribution,
    circumstances: Circumstances,
    instructions: list[Hit],
    classifier: ClauseClassifier | None = None,
) -> RiskOutcome:
    """Willingness, capacity and experience; the level; the inconsistencies found. Risk words
    said together with an instruction to the advisor (`instructions`) are not weighed. With a
    `classifier`, clauses the cue rules found nothing in are read by it too."""
    experience = _experience(conversation, matcher, attribution)
    levels = _willingness_levels(conversation, matcher, attribution, instructions)
    levels += _learned(conversation, matcher, attribution, instructions, levels, classifier)
    willingness, spread_conflict = _combine_willingness(levels, experience.value)
    seasoned = experience.value in ("good", "extensive") or any(lv.behaviour for lv in levels)
    capacity, status_only = _capacity(conversation, matcher, attribution, circumstances, seasoned)
    inconsistencies = [
        *spread_conflict,
        *_conflicts(conversation, matcher, willingness, capacity),
    ]
    lowest = willingness.value == 1 and any(lv.value == 1 for lv in levels)
    return RiskOutcome(
        level=_level(willingness, capacity, circumstances.distressed, status_only),
        assessment=RiskAssessment(
            willingness=willingness, capacity=capacity, experience=experience
        ),
        inconsistencies=tuple(dict.fromkeys(inconsistencies)),
        lowest_category=lowest,
    )


def _conflicts(
    conversation: Conversation,
    matcher: CueMatcher,
    willingness: Inferred[int],
    capacity: Inferred[int],
) -> list[Evidence]:
    """Willingness well above capacity, or going all in with money that cannot take it."""
    if capacity.value is None:
        return []
    found: list[Evidence] = []
    if willingness.value is not None and willingness.value - capacity.value >= CONFLICT_GAP:
        found.extend((*willingness.evidence[:2], *capacity.evidence[:2]))
    if capacity.value <= ALL_IN_CONFLICT_CAP:
        all_in = [h for h in matcher.find(INTENT_CUES, conversation.clauses) if not h.hypothetical]
        if all_in:
            found.extend((all_in[0].evidence(), *capacity.evidence[:1]))
    return found


def _willingness_levels(
    conversation: Conversation,
    matcher: CueMatcher,
    attribution: Attribution,
    instructions: list[Hit],
) -> list[_Level]:
    ignored_messages = messages_with_overrides(instructions)
    ignored_sentences = sentences_with_instructions(instructions, conversation)
    levels: list[_Level] = []
    for hit in matcher.find(WILLINGNESS_CUES, conversation.clauses):
        stated = hit.label in ("stated_class", "stated_level", "stated_type")
        if (hit.past and not stated) or not attribution.is_investor(
            hit.clause, hit.end, own_view=True
        ):
            continue  # "I used to be aggressive" says little about now; a test result stands
        if is_question(hit.clause):
            continue  # "can I take more risk?" asks; it states no tolerance
        if attribution.is_quoted(hit.clause, hit.start):
            continue  # a salesman's "capital guaranteed" is not the investor's wish
        if (hit.message_index, hit.clause.sentence_start) in ignored_sentences:
            continue
        if hit.label == "w1" and _pitched(hit):
            continue  # "说年化12%还保本": the guarantee is someone's offer
        value = _level_of(hit, ignored_messages)
        if value is None:
            continue
        weight = CLASS_WEIGHT if stated else WORD_WEIGHT * hit.weight
        corrects = bool(CORRECTION.search(hit.clause.sentence))
        levels.append(_Level(value, weight, hit.evidence(), hit.message_index, corrects))
    for clause in conversation.clauses:
        if is_question(clause):
            continue  # "could I handle a 30% fall?" asks; it states no limit
        for found in tolerances(clause):
            if not attribution.is_investor(clause, found.end, own_view=True):
                continue
            if attribution.is_quoted(clause, found.start):
                continue  # "someone tells me to 'buy the dip'": advice, not their tolerance
            evidence = clause.evidence(found.start, found.end)
            corrects = bool(CORRECTION.search(clause.sentence))
            levels.append(
                _Level(
                    found.level,
                    found.weight,
                    evidence,
                    clause.message_index,
                    corrects,
                    behaviour=True,
                    ceiling=found.ceiling,
                    most=found.most,
                )
            )
    return levels


def _learned(
    conversation: Conversation,
    matcher: CueMatcher,
    attribution: Attribution,
    instructions: list[Hit],
    levels: list[_Level],
    classifier: ClauseClassifier | None,
) -> list[_Level]:
    """Willingness levels the classifier reads in the sentences the cue rules found nothing
    in, under the same guards as the cues: a question, someone else's words or facts, a
    sentence carrying an instruction, and numbers (which `tolerance` reads) count for nothing.
    Capacity is left to the cues: learned capacity readings confused "a fat emergency fund"
    with "it is my emergency fund" and fear of losing savings with a fact about them."""
    if classifier is None:
        return []
    ignored_sentences = sentences_with_instructions(instructions, conversation)
    cued = {
        (hit.message_index, hit.clause.start)
        for hit in matcher.find(CAPACITY_CUES, conversation.clauses)
    }
    candidates = []
    for clause in conversation.clauses:
        text = clause.text.strip()
        if not text or (clause.message_index, clause.start) in cued:
            continue
        if any(
            lv.message_index == clause.message_index and lv.evidence.quote in clause.sentence
            for lv in levels
        ):
            continue  # the cue rules have read this sentence
        if is_question(clause) or NUMBER_OR_SIZE.search(text) or _too_short(text):
            continue
        if clause.cut_at_a_space:
            continue  # "保本保息", "不对不对": a phrase of a spaced message, too little to read
        if (clause.message_index, clause.sentence_start) in ignored_sentences:
            continue
        end = len(clause.text)
        if not attribution.is_investor(clause, end) or any(
            attribution.is_quoted(clause, at) for at in (0, end)
        ):
            continue  # someone else's words, before the clause or inside it ("someone tells me")
        candidates.append(clause)
    found: list[_Level] = []
    for clause, reading in zip(
        candidates, classifier.read([c.text for c in candidates]), strict=True
    ):
        if reading.probability < CONFIDENT:
            continue
        if reading.willingness is not None:
            found.append(
                _Level(reading.willingness, LEARNED_WEIGHT, clause.evidence(), clause.message_index)
            )
    return found


def _too_short(text: str) -> bool:
    """A fragment too short to state a tolerance ("Not", "ok so"): fewer than three words and
    fewer than three Chinese characters. The reader's n-grams would still give it a label."""
    return len(WORD.findall(text)) < MIN_WORDS and len(HAN.findall(text)) < MIN_HAN


def _pitched(hit: Hit) -> bool:
    """Whether the cue follows someone's offer of a return in its sentence, with no question
    between ("听说有年化15%还保本的产品 有吗 一分钱都不能亏": after asking, their own wish)."""
    offset = hit.clause.start - hit.clause.sentence_start + hit.start
    pitch = PITCH.search(hit.clause.sentence)
    if pitch is None or pitch.start() >= offset:
        return False
    return not ASKED_BETWEEN.search(hit.clause.sentence[pitch.end() : offset])


STATED_LEVELS = {
    "very low": 1,
    "low": 2,
    "medium": 3,
    "moderate": 3,
    "average": 3,
    "high": 4,
    "very high": 5,
    # The five profiles of Western questionnaires.
    "conservative": 1,
    "very conservative": 1,
    "cautious": 2,
    "moderately conservative": 2,
    "low risk": 2,
    "very low risk": 1,
    "balanced": 3,
    "medium risk": 3,
    "moderately aggressive": 4,
    "growth": 4,
    "high risk": 4,
    "aggressive": 5,
    "very aggressive": 5,
    "very high risk": 5,
    "很低": 1,
    "较低": 2,
    "偏低": 2,
    "低": 2,
    "中等": 3,
    "中": 3,
    "较高": 4,
    "偏高": 4,
    "高": 4,
    "很高": 5,
}


# The investor types of Chinese risk questionnaires, C1 to C5 (保守型 … 进取型). Scales differ:
# securities firms use 保守/谨慎/稳健/积极/激进, banks and fund companies 保守(谨慎)/稳健/平衡/
# 成长(进取)/进取(激进); 稳健 is C2 on most of them (C3 on the securities one), 积极 is C4.
INVESTOR_TYPES = {
    "保守": 1,
    "谨慎": 2,
    "稳健": 2,
    "平衡": 3,
    "成长": 4,
    "积极": 4,
    "进取": 5,
    "激进": 5,
}


def _level_of(hit: Hit, ignored_messages: frozenset[int]) -> int | None:
    if hit.label == "stated_class":
        if hit.message_index in ignored_messages:
            return None
        written = hit.group("cls")
        return int(written) if written else None
    if hit.label == "stated_level":
        return STATED_LEVELS.get((hit.group("word") or "").lower())
    if hit.label == "stated_type":
        return INVESTOR_TYPES.get(hit.group("type") or "")
    level = LEVEL_OF_LABEL[hit.label]
    return NEGATED_LEVEL[level] if hit.negated else level


def _combine_willingness(
    levels: list[_Level], experience: Experience | None
) -> tuple[Inferred[int], list[Evidence]]:
    if not levels:
        return Inferred[int](), []
    corrected = [lv for lv in levels if lv.corrects]
    if corrected and corrected[-1].message_index == max(lv.message_index for lv in levels):
        levels = [lv for lv in levels if lv.message_index == corrected[-1].message_index]
    values = [lv.value for lv in levels]
    conflict: list[Evidence] = []
    if max(values) - min(values) >= INCONSISTENT_SPREAD:
        value = min(values)
        conflict = [lv.evidence for lv in levels if lv.value in (min(values), max(values))]
    else:
        # A refused fall is an upper limit: it bounds what else they say, it is not averaged in
        # ("I'd be gutted at -30%, so low risk" is low risk). Alone, it is the best reading.
        stated = [lv for lv in levels if not lv.ceiling] or levels
        mean = sum(lv.value * lv.weight for lv in stated) / sum(lv.weight for lv in stated)
        value = math.ceil(mean - 0.5)  # halves round down: cautious
        # A stated maximum bounds the rest too: "15% would be my limit" over a past hold.
        value = min([value, *(lv.value for lv in levels if lv.ceiling or lv.most)])
    if experience == "none":
        value = min(value, NO_EXPERIENCE_CAP)
    confidence = min(0.9, 0.55 + 0.1 * len(levels)) * (0.7 if conflict else 1.0)
    evidence = tuple(dict.fromkeys(lv.evidence for lv in levels))
    return Inferred[int](value=value, confidence=confidence, evidence=evidence), conflict


def _capacity(
    conversation: Conversation,
    matcher: CueMatcher,
    attribution: Attribution,
    circumstances: Circumstances,
    seasoned: bool,
) -> tuple[Inferred[int], bool]:
    """The capacity, and whether it rests on a status alone (retired, a student, self-employed),
    which says nothing of this money."""
    caps: list[tuple[int, tuple[Evidence, ...]]] = []
    statuses = 0
    cited = circumstances.evidence
    hits = []
    for hit in matcher.find(CAPACITY_CUES, conversation.clauses):
        hypothetical = hit.hypothetical and not _condition_after(hit)
        # "that money is basically our emergency fund": the typist's own household, whoever the
        # sentence named before.
        ours = (
            attribution.subject.who == "self"
            and bool(OWN_POSSESSIVE.search(hit.matched))
            and nearest_person(hit.clause.text[: hit.start]) is None
        )
        if (
            hit.negated
            or hypothetical
            or not (ours or attribution.is_investor(hit.clause, hit.end))
        ):
            continue
        if attribution.is_quoted(hit.clause, hit.start):
            continue  # "他说不转就冻结我所有的钱": a threat, not a fact about the money
        if NOTHING_MORE_TO_SAY.match(hit.clause.text) and ANYTHING_ELSE.search(hit.clause.question):
            continue  # "Anything else?" "No, that's everything.": all they had to say
        hits.append(hit)
    months = circumstances.emergency_fund_months
    secure = any(hit.label == "high" for hit in hits)
    # Income that swings, with savings to ride it out, is limited capacity, not low.
    buffered = secure or (months is not None and months >= CUSHION_MONTHS)
    for hit in hits:
        cap = CAP_OF_LABEL.get(hit.label, 5)
        if hit.label == "unstable" and buffered:
            cap = LIMITED_CAPACITY_CAP
        if hit.label == "unstable" and months is not None and months >= STRONG_BUFFER_MONTHS:
            cap = STEADIED_CAP  # "lumpy cash flow, but two years of expenses in cash"
        if hit.label == "old_age_money" and not circumstances.old_enough_to_live_on_it:
            continue  # 养老钱 at forty is a far goal; at sixty-eight it is what they live on
        caps.append((cap, (hit.evidence(),)))
        statuses += hit.label in STATUS_LABELS
    caps += _sentence_low_capacity(conversation, attribution)
    if months is not None:
        cap = LOW_CAPACITY_CAP if months < THIN_BUFFER_MONTHS else 5
        caps.append((cap, cited.get("emergency_fund", ())))
    strong_buffer = secure or (months is not None and months >= STRONG_BUFFER_MONTHS)
    if circumstances.horizon_years is not None:
        horizon_evidence = cited.get("horizon", ())
        cap = _horizon_cap(
            circumstances.horizon_years, horizon_evidence, strong_buffer and seasoned
        )
        caps.append((cap, horizon_evidence))
    if circumstances.draws_income and not secure:
        caps.append((RETIRED_CAP, cited.get("life_stage", ())))
    if circumstances.retired and not secure:
        caps.append((RETIRED_UNCOVERED_CAP, cited.get("life_stage", ())))
        statuses += 1
    if not caps:
        return Inferred[int](), False  # dependants alone say nothing of what the money can bear
    status_only = statuses == len(caps)
    if circumstances.dependants is not None and circumstances.dependants >= MANY_DEPENDANTS:
        caps.append((MANY_DEPENDANTS_CAP, cited.get("dependants", ())))
    value = min(cap for cap, _ in caps)
    evidence = tuple(dict.fromkeys(e for cap, found in caps if cap == value for e in found))
    confidence = min(0.9, 0.5 + 0.1 * len(caps))
    return Inferred[int](value=value, confidence=confidence, evidence=evidence), status_only


def _sentence_low_capacity(
    conversation: Conversation, attribution: Attribution
) -> list[tuple[int, tuple[Evidence, ...]]]:
    """Low capacity where a sentence names the investor's savings and then puts all of it in, or
    a loan taken to invest (`SENTENCE_LOW_CAPACITY`)."""
    caps: list[tuple[int, tuple[Evidence, ...]]] = []
    seen: set[tuple[int, int]] = set()
    for clause in conversation.clauses:
        key = (clause.message_index, clause.sentence_start)
        if key in seen:
            continue
        seen.add(key)
        found = SENTENCE_LOW_CAPACITY.search(clause.sentence)
        if found is None or is_question(clause) or REFUSED_BETWEEN.search(found.group(0)):
            continue
        # Attribution is read where the savings are named, from the start of the clause holding it.
        offset = clause.sentence_start + found.start() - clause.start
        if 0 <= offset <= len(clause.text) and not attribution.is_investor(clause, offset):
            continue
        caps.append((LOW_CAPACITY_CAP, (quote(clause.message_index, found.group(0)),)))
    for turn in conversation.turns:
        # Savings named, and all of it going in a sentence later (`MESSAGE_ALL_IN`).
        found = MESSAGE_ALL_IN.search(turn.content)
        if found is None:
            continue
        named = next((c for c in turn.clauses if c.start <= found.start() < c.end), None)
        if named is not None and attribution.is_investor(named, found.start() - named.start):
            caps.append((LOW_CAPACITY_CAP, (quote(turn.index, found.group(0)),)))
    return caps


def _condition_after(hit: Hit) -> bool:
    """A fact followed by the condition it is kept for: "it's all I've got if my car breaks
    down" states the money's capacity; the "if" says what it is for, not that it is imagined.
    A conditional inside the fact is part of it: "it's all I'd have if the business went under"."""
    text = hit.clause.text
    condition = HYPOTHETICAL.search(text, hit.end)
    return (
        condition is not None
        and not HYPOTHETICAL.search(text[: hit.start])
        and not HYPOTHETICAL.search(text, condition.end())
        and not answers_hypothetical(hit.clause.asked)
    )


def _horizon_cap(years: float, evidence: tuple[Evidence, ...], strong: bool) -> int:
    """The cap a horizon sets: retirement money is drawn for years after the date, a date for
    part of the money binds less than one for all of it, and a long horizon with a strong buffer
    and real experience allows the top class."""
    cap = next((level for below, level in HORIZON_CAPS if years < below), 5)
    if any(RETIREMENT_WORDS.search(e.quote) for e in evidence):
        cap = max(cap, RETIREMENT_HORIZON_FLOOR)
    if any(PART_OF_MONEY.search(e.quote) for e in evidence):
        cap = max(cap, PART_HORIZON_FLOOR)
    if cap == 4 and strong:
        cap = 5
    return cap


def _experience(
    conversation: Conversation, matcher: CueMatcher, attribution: Attribution
) -> Inferred[Experience]:
    hits = [
        hit
        for hit in matcher.find(EXPERIENCE_CUES, conversation.clauses)
        if not hit.negated and attribution.is_investor(hit.clause, hit.end)
    ]
    if not hits:
        return Inferred[Experience]()
    labels: list[Experience] = [_as_experience(hit.label) for hit in hits]
    best = max(labels, key=lambda label: EXPERIENCE_RANK[label])
    evidence = tuple(
        dict.fromkeys(
            hit.evidence() for hit, label in zip(hits, labels, strict=True) if label == best
        )
    )
    return Inferred[Experience](value=best, confidence=0.7, evidence=evidence)


def _as_experience(label: str) -> Experience:
    for experience in EXPERIENCE_RANK:
        if experience == label:
            return experience
    raise ValueError(label)


def _level(
    willingness: Inferred[int], capacity: Inferred[int], distressed: bool, status_only: bool
) -> Inferred[int]:
    # "Retired nurse here." alone sets no level; a retiree in a panic over the money does.
    if willingness.value is None and (capacity.value is None or (status_only and not distressed)):
        return Inferred[int]()
    default = DISTRESSED_WILLINGNESS if distressed else ASSUMED_WILLINGNESS
    assumed = willingness.value if willingness.value is not None else default
    value = assumed if capacity.value is None else min(assumed, capacity.value)
    confidences = [c.confidence for c in (willingness, capacity) if c.value is not None]
    confidence = min(confidences) if willingness.value is not None else capacity.confidence * 0.7
    evidence = tuple(dict.fromkeys((*willingness.evidence, *capacity.evidence)))
    return Inferred[int](value=value, confidence=round(confidence, 2), evidence=evidence)
